"""``dx`` inside a job run by the emulator: the command is on the job's PATH and works on the
job's workspace with the job's token, as on the platform."""
import json

import dxpy

# A bash applet that uses dx to fetch its input, store a result and look at it.
DX_IN_BASH = r'''
main() {
    set -e -o pipefail
    dx download "$reads" -o local.txt
    tr a-z A-Z < local.txt > out.txt
    id=$(dx upload out.txt --brief)
    dx-jobutil-add-output upper "$id" --class file
    dx-jobutil-add-output description "$(dx describe --json "$id")" --class string
    dx-jobutil-add-output contents "$(dx cat "$id")" --class string
    dx-jobutil-add-output found "$(dx find data --brief)" --class string
    dx-jobutil-add-output local "$(cat local.txt)" --class string
}
'''


def bash_applet(project):
    applet = dxpy.DXApplet()
    applet.new(project=project, name="dx-in-bash", dxapi="1.0.0",
               inputSpec=[{"name": "reads", "class": "file"}],
               outputSpec=[{"name": "upper", "class": "file"}] +
                          [{"name": name, "class": "string"}
                           for name in ("description", "contents", "found", "local")],
               runSpec={"interpreter": "bash", "code": DX_IN_BASH})
    return applet


def test_bash_applet_uses_dx(dx_emulator):
    reads = dxpy.upload_string("acgt\nttga\n", name="reads.txt", wait_on_close=True)
    job = bash_applet(dx_emulator.project_id).run({"reads": dxpy.dxlink(reads)}, folder="/results")
    job.wait_on_done(interval=0.1, timeout=120)
    desc = job.describe()
    assert desc["state"] == "done", dx_emulator.job_log(job.get_id())
    output = desc["output"]
    assert output["local"] == "acgt\nttga"  # $(...) drops the last newline
    assert output["contents"] == "ACGT\nTTGA"
    upper = output["upper"]["$dnanexus_link"]
    # Made in the job's workspace, described there...
    described = json.loads(output["description"])
    assert (described["id"], described["name"], described["project"], described["size"]) == (
        upper, "out.txt", desc["workspace"], len("ACGT\nTTGA\n"))
    # ... found there by dx find data, and cloned into the project as the job's output.
    # (the input file is cloned into the workspace too, as on the platform)
    assert sorted(output["found"].split()) == sorted(desc["workspace"] + ":" + file_id
                                                     for file_id in (upper, reads.get_id()))
    assert dxpy.api.file_describe(upper, {"project": dx_emulator.project_id})["folder"] == "/results"
    assert dx_emulator.platform.read_file(upper) == b"ACGT\nTTGA\n"


# A bash applet that fans out: dx run of another applet, once per number, from inside the job.
FAN_OUT = r'''
main() {
    set -e -o pipefail
    jobs=""
    for number in 1 2; do
        jobs="$jobs $(dx run "$worker" -inumber=$number -y --brief --name "part $number" --tag fan)"
    done
    dx-jobutil-add-output jobs "$jobs" --class string
}
'''
WORKER = 'main() {\n    dx-jobutil-add-output out $((number * 10)) --class int\n}\n'


def test_bash_applet_fans_out_with_dx_run(dx_emulator):
    project = dx_emulator.project_id
    worker = dxpy.DXApplet()
    worker.new(project=project, name="worker", dxapi="1.0.0", inputSpec=[{"name": "number", "class": "int"}],
               outputSpec=[{"name": "out", "class": "int"}], runSpec={"interpreter": "bash", "code": WORKER})
    fan = dxpy.DXApplet()
    fan.new(project=project, name="fan", dxapi="1.0.0", inputSpec=[{"name": "worker", "class": "string"}],
            outputSpec=[{"name": "jobs", "class": "string"}], runSpec={"interpreter": "bash", "code": FAN_OUT})
    job = fan.run({"worker": worker.get_id()})
    job.wait_on_done(interval=0.1, timeout=120)
    desc = job.describe()
    assert desc["state"] == "done", dx_emulator.job_log(job.get_id())
    parts = [dxpy.DXJob(part_id) for part_id in desc["output"]["jobs"].split()]
    for part in parts:
        part.wait_on_done(interval=0.1, timeout=120)
    described = [part.describe() for part in parts]
    # Run in the fanning job's project context (dx sends no project from inside a job).
    assert [(d["name"], d["tags"], d["output"], d["project"]) for d in described] == [
        ("part 1", ["fan"], {"out": 10}, project), ("part 2", ["fan"], {"out": 20}, project)]
