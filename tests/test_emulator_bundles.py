"""Jobs of the emulator get their bundled dependencies (runSpec.bundledDepends) unpacked: tools on
PATH, the worker's home in the job's home; archives that are not tarballs, or that would write
outside the job, fail the job before its code runs."""
import io
import tarfile

import pytest

import dxpy

CODE = 'main() {\n  dx-jobutil-add-output out "$(%s)"\n}\n'


def tarball(members):
    """A gzipped tar of (name, text, mode) files."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, text, mode in members:
            data = text.encode()
            info = tarfile.TarInfo(name)
            info.size, info.mode = len(data), mode
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def run_with_bundle(project, data, command, name="bundle.tar.gz"):
    bundle = dxpy.upload_string(data, project=project, name=name, wait_on_close=True, hidden=True)
    applet = dxpy.api.applet_new({
        "project": project, "dxapi": "1.0.0", "inputSpec": [], "outputSpec": [{"name": "out", "class": "string"}],
        "runSpec": {"interpreter": "bash", "code": CODE % command,
                    "bundledDepends": [{"name": name, "id": dxpy.dxlink(bundle)}]}})["id"]
    job = dxpy.DXApplet(applet).run({}, project=project)
    try:
        job.wait_on_done()
    except dxpy.exceptions.DXJobFailureError:
        pass
    return job.describe()


def test_tools_and_home_files_of_a_bundle(dx_emulator):
    data = tarball([("/usr/local/bin/shout", "#!/bin/sh\necho LOUD\n", 0o755),
                    ("home/dnanexus/notes.txt", "noted\n", 0o644)])
    described = run_with_bundle(dx_emulator.project_id, data, "shout; cat $HOME/notes.txt")
    assert described["state"] == "done" and described["output"] == {"out": "LOUD\nnoted"}


@pytest.mark.parametrize("data, message", [
    (tarball([("../escape.txt", "x", 0o644)]), "would be unpacked outside the job"),
    (b"not a tarball", "is not a tar archive"),
])
def test_bad_bundles_fail_the_job(dx_emulator, data, message):
    described = run_with_bundle(dx_emulator.project_id, data, "echo ran")
    assert described["state"] == "failed" and described["failureReason"] == "ExecutionError"
    assert message in described["failureMessage"]
    assert "output" not in described or not described["output"]
