"""dxpy.utils.file_load_utils: the job's directories, where input files go, and bash variables."""
import json
import os

import pytest

import dxpy
from dxpy.exceptions import DXError
from dxpy.utils import file_load_utils as flu
from test_exec_utils import add_emulator_job


def write_input(home, job_input):
    path = home / "job_input.json"
    path.write_text(json.dumps(job_input))
    return str(path)


def new_file(project, name):
    return dxpy.api.file_new({"project": project, "name": name})["id"]


# ----------------------------------------------------------------------------- directories

def test_directories_under_home(home):
    assert flu.get_input_dir() == os.path.join(str(home), "in")
    assert flu.get_output_dir() == os.path.join(str(home), "out")
    assert flu.get_input_dir("/job/home") == "/job/home/in"
    assert flu.get_output_dir(job_homedir="/job/home") == "/job/home/out"
    assert flu.get_input_json_file() == os.path.join(str(home), "job_input.json")
    assert flu.get_output_json_file() == os.path.join(str(home), "job_output.json")


def test_home_must_be_known(monkeypatch):
    monkeypatch.delenv("HOME")
    for fn in (flu.get_input_dir, flu.get_output_dir, flu.get_input_json_file, flu.get_output_json_file):
        with pytest.raises(DXError, match="home directory is unknown"):
            fn()
    with pytest.raises(DXError, match="home directory is unknown"):
        flu.get_input_dir(job_homedir=5)


def test_rm_output_json_file(home):
    (home / "job_output.json").write_text("{}")
    flu.rm_output_json_file()
    assert not (home / "job_output.json").exists()
    flu.rm_output_json_file()  # already gone: fine
    (home / "job_output.json").mkdir()  # anything but "missing" is an error
    with pytest.raises(OSError):
        flu.rm_output_json_file()


def test_ensure_dir(tmp_path):
    target = tmp_path / "in"
    flu.ensure_dir(str(target))
    flu.ensure_dir(str(target))
    assert target.is_dir()
    (tmp_path / "file").write_text("x")
    with pytest.raises(DXError, match="it is a file"):
        flu.ensure_dir(str(tmp_path / "file"))
    with pytest.raises(OSError):
        flu.ensure_dir(str(tmp_path / "no" / "parent"))


def test_make_unix_filename():
    assert flu.make_unix_filename("reads.fq") == "reads.fq"
    assert flu.make_unix_filename("a/b/c.txt") == "a%2Fb%2Fc.txt"
    for bad in (".", "..", "", None, 3):
        with pytest.raises(DXError, match="Invalid filename"):
            flu.make_unix_filename(bad)


def test_small_helpers():
    assert flu.filter_dict({"a": 1, "b": 2, "c": 3}, ["b", "z"]) == {"a": 1, "c": 3}
    assert flu.choose_shorter_string(None, "ab") == "ab"
    assert flu.choose_shorter_string("ab", None) == "ab"
    assert flu.choose_shorter_string("abc", "ab") == "ab"
    assert flu.choose_shorter_string("ab", "cd") == "ab"
    assert flu.choose_shorter_string(None, None) is None


# ----------------------------------------------------------------------------- job input files

@pytest.fixture
def inputs(dx_emulator, home):
    """A job input with a file, a file array (equal names), and inputs holding no files."""
    project = dx_emulator.project_id
    single = new_file(project, "genome/v2.fa")
    reads = [new_file(project, name) for name in ["A.fastq.gz"] + ["B.bam"] * 10]
    record = dxpy.api.record_new({"project": project, "name": "r"})["id"]
    job_input = {
        "genome": {"$dnanexus_link": {"project": project, "id": single}},
        "reads": [{"$dnanexus_link": fid} for fid in reads],
        "numbers": [1, 2, 3],
        "empty": [],
        "label": "some text",
        "rec": {"$dnanexus_link": record},
        "jbor": {"$dnanexus_link": {"job": "job-" + "J" * 24, "field": "out"}},
        "ratio": 0.5,
    }
    return write_input(home, job_input), single, reads, job_input


def test_get_job_input_filenames(inputs):
    path, single, reads, job_input = inputs
    dirs, files, rest = flu.get_job_input_filenames(path)
    assert dirs == ["genome", "reads"] + [os.path.join("reads", "%02d" % i) for i in range(11)]
    assert [(e["trg_fname"], e["src_file_id"]) for e in files["genome"]] == [("genome/genome%2Fv2.fa", single)]
    assert files["reads"][0]["trg_fname"] == os.path.join("reads", "00", "A.fastq.gz")
    assert files["reads"][10]["trg_fname"] == os.path.join("reads", "10", "B.bam")
    assert [e["src_file_id"] for e in files["reads"]] == reads
    handler = files["genome"][0]["handler"]
    assert isinstance(handler, dxpy.bindings.dxfile.DXFile)
    assert (handler.get_id(), handler.get_proj_id()) == (single, job_input["genome"]["$dnanexus_link"]["project"])
    assert set(files) == {"genome", "reads"}
    assert rest == {k: v for k, v in job_input.items() if k not in ("genome", "reads")}


@pytest.mark.parametrize("content, message", [
    ("{not json", "not valid JSON"),
    ("[1, 2]", "must hold a JSON object"),
    (None, "Cannot read the job input file"),
])
def test_get_job_input_filenames_bad_file(home, content, message):
    path = home / "job_input.json"
    if content is not None:
        path.write_text(content)
    with pytest.raises(DXError, match=message):
        flu.get_job_input_filenames(str(path))


def test_missing_file_is_reported(dx_emulator, home):
    path = write_input(home, {"f": {"$dnanexus_link": "file-" + "Q" * 24}})
    with pytest.raises(dxpy.exceptions.ResourceNotFound):
        flu.get_job_input_filenames(path)


# ----------------------------------------------------------------------------- patterns and variables

APP_SPEC = {"inputSpec": [
    {"name": "reads", "class": "array:file", "patterns": ["*.bam", "*.bwa-index.tar.gz", "foo*.sam", "z*ra.sam",
                                                        "uu.txt"]},
    {"name": "genome", "class": "file"},
    {"name": "label", "class": "string", "patterns": []},
]}


@pytest.fixture
def dxapp_json(tmp_path, monkeypatch):
    path = tmp_path / "dxapp.json"
    path.write_text(json.dumps(APP_SPEC))
    monkeypatch.setenv("DX_TEST_DXAPP_JSON", str(path))
    return path


def test_input_spec_patterns_from_dxapp_json(home, dxapp_json):
    assert flu.get_input_spec_patterns() == {"reads": ["*.bam", "*.bwa-index.tar.gz", "foo*.sam", "z*ra.sam"],
                                             "label": []}


def test_input_spec_patterns_without_a_spec(home):
    assert flu.get_input_spec_patterns() == {}


@pytest.mark.parametrize("content, message", [
    ("{", "not valid JSON"), ("[]", "must hold a JSON object"),
    ('{"inputSpec": {"a": 1}}', "inputSpec must be a list"), ('{"inputSpec": [{"class": "file"}]}', "needs a name"),
])
def test_input_spec_patterns_bad_dxapp_json(home, tmp_path, monkeypatch, content, message):
    path = tmp_path / "dxapp.json"
    path.write_text(content)
    monkeypatch.setenv("DX_TEST_DXAPP_JSON", str(path))
    with pytest.raises(DXError, match=message):
        flu.get_input_spec_patterns()
    monkeypatch.setenv("DX_TEST_DXAPP_JSON", str(tmp_path / "missing.json"))
    with pytest.raises(DXError, match="Cannot read DX_TEST_DXAPP_JSON"):
        flu.get_input_spec_patterns()


def test_input_spec_patterns_in_a_subjob(dx_emulator, monkeypatch, home, dxapp_json):
    # A subjob's function has no input spec of its own, even when a dxapp.json is around.
    job_id = add_emulator_job(dx_emulator, "postprocess")
    monkeypatch.setenv("DX_JOB_ID", job_id)
    monkeypatch.setattr(dxpy, "JOB_ID", job_id)
    assert flu.get_input_spec_patterns() == {}


def test_input_spec_patterns_of_the_jobs_applet(dx_emulator, monkeypatch, home, dxapp_json):
    applet = dxpy.api.applet_new({"project": dx_emulator.project_id, "name": "patterned", "dxapi": "1.0.0",
                                  "inputSpec": [{"name": "bams", "class": "array:file", "patterns": ["*.bam", "x"]}],
                                  "outputSpec": [],
                                  "runSpec": {"interpreter": "python3", "code": "", "distribution": "Ubuntu",
                                              "release": "20.04", "version": "0"}})["id"]
    job_id = add_emulator_job(dx_emulator, "main", applet=applet)
    monkeypatch.setenv("DX_JOB_ID", job_id)
    monkeypatch.setattr(dxpy, "JOB_ID", job_id)
    # Inside a job the executable's spec wins over DX_TEST_DXAPP_JSON.
    assert flu.get_input_spec_patterns() == {"bams": ["*.bam"]}


def test_input_spec_patterns_of_a_job_whose_job_is_unknown(dx_emulator, monkeypatch, home):
    missing = "job-" + "K" * 24
    monkeypatch.setenv("DX_JOB_ID", missing)
    monkeypatch.setattr(dxpy, "JOB_ID", missing)
    with pytest.raises(dxpy.exceptions.ResourceNotFound):
        flu.get_input_spec_patterns()


@pytest.fixture
def prefix_inputs(dx_emulator, home):
    project = dx_emulator.project_id
    names = ["foo.zed.bam", "xxx.bwa-index.tar.gz", "food.sam", "zebra.sam", "xx.c", "xx.c.gz", "uu.txt"]
    reads = [new_file(project, name) for name in names]
    genome = new_file(project, "hg19.fa.gz")
    path = write_input(home, {"reads": [{"$dnanexus_link": f} for f in reads],
                              "genome": {"$dnanexus_link": genome}, "label": "it's", "n": [1, "two"]})
    return path, reads, genome


def test_analyze_bash_vars_prefixes(prefix_inputs, dxapp_json, home, monkeypatch):
    path, reads, genome = prefix_inputs
    descs, rest = flu.analyze_bash_vars(path, "/job/home")
    # The part after a pattern's last "*" is what is cut off: z*ra.sam leaves "zeb".
    assert descs["reads"]["prefix"] == ["foo.zed", "xxx", "food", "zeb", "xx", "xx", "uu"]
    assert descs["reads"]["basename"][0] == "foo.zed.bam"
    assert descs["reads"]["path"][1] == "/job/home/in/reads/1/xxx.bwa-index.tar.gz"
    assert [h.get_id() for h in descs["reads"]["handler"]] == reads
    assert descs["genome"]["prefix"] == ["hg19"] and descs["genome"]["path"] == ["/job/home/in/genome/hg19.fa.gz"]
    assert rest == {"label": "it's", "n": [1, "two"]}
    # Without the spec's patterns only extensions are removed.
    monkeypatch.delenv("DX_TEST_DXAPP_JSON")
    descs, _ = flu.analyze_bash_vars(path, None)
    assert descs["reads"]["prefix"][:3] == ["foo.zed", "xxx.bwa-index", "food"]
    assert descs["genome"]["path"] == [os.path.join(str(home), "in", "genome", "hg19.fa.gz")]


def test_gen_bash_vars(prefix_inputs, home):
    path, reads, genome = prefix_inputs
    var_defs = flu.gen_bash_vars(path, job_homedir="/job/home")
    # File variables are bash arrays even for a single file ($genome is its first element).
    assert var_defs["genome"] == "( '%s' )" % json.dumps({"$dnanexus_link": genome})
    assert var_defs["genome_name"] == "( hg19.fa.gz )"
    assert var_defs["genome_prefix"] == "( hg19 )"
    assert var_defs["genome_path"] == "( /job/home/in/genome/hg19.fa.gz )"
    assert var_defs["reads_prefix"] == "( foo.zed xxx.bwa-index food zebra xx xx uu )"
    assert var_defs["reads"].startswith("( '{\"$dnanexus_link\": \"%s\"}' " % reads[0])
    assert var_defs["label"] == "'it'\"'\"'s'"
    assert var_defs["n"] == "( 1 two )"  # strings as they are, anything else as JSON


def test_gen_bash_vars_name_collisions(prefix_inputs, monkeypatch, capsys):
    path, _reads, _genome = prefix_inputs
    monkeypatch.setenv("label", "from the environment")
    var_defs = flu.gen_bash_vars(path, job_homedir="/job/home")
    assert "label" not in var_defs
    assert "Creating environment variable (label) would cause a name collision" in capsys.readouterr().err
    var_defs = flu.gen_bash_vars(path, job_homedir="/job/home", check_name_collision=False)
    assert var_defs["label"] == "'it'\"'\"'s'"


def test_gen_bash_vars_collision_between_inputs(dx_emulator, home, capsys):
    fid = new_file(dx_emulator.project_id, "x.txt")
    path = write_input(home, {"f": {"$dnanexus_link": fid}, "f_name": "clash"})
    var_defs = flu.gen_bash_vars(path)
    assert var_defs["f_name"] == "clash"  # inputs are defined first; the file's variable is left out
    assert "(f_name)" in capsys.readouterr().err


def test_gen_bash_vars_bad_input_file(home):
    with pytest.raises(DXError, match="Cannot read the job input file"):
        flu.gen_bash_vars(str(home / "nope.json"))
