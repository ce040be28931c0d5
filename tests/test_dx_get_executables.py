"""dx get of applets, apps, workflows and global workflows: the reference dx and this one
write the same source directory (dxapp.json or dxworkflow.json, src/, Readme files,
resources/ unpacked from the bundled tarball) and print the same; wrong input gives dxpy's
error and exit code and leaves nothing behind."""
import io
import json
import os
import tarfile

import pytest

import dxpy
from dx_cli import files_under, normalize

pytestmark = pytest.mark.reference

CODE = "#!/usr/bin/env python3\nimport dxpy\n\n@dxpy.entry_point('main')\ndef main(n):\n    return {'out': n}\n"
RESOURCES = {"usr/bin/tool": b"#!/bin/sh\necho tool\n", "etc/tool.conf": b"depth = 3\n"}
INPUT_SPEC = [{"class": "int", "name": "n", "help": "How many", "label": "N", "optional": True, "default": 2},
              {"patterns": ["*.bam", "*.sam"], "name": "reads", "class": "array:file", "optional": True}]
OUTPUT_SPEC = [{"name": "out", "class": "int"}]


def resources_tarball(files):
    """A gzipped tarball of *files* (path -> bytes) with members rooted at "/", as dx build packs
    the resources directory."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for path, data in sorted(files.items()):
            info = tarfile.TarInfo("/" + path)
            info.size, info.mode = len(data), 0o755
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def new_applet(project, name="mapper", interpreter="python3", code=CODE, resources=RESOURCES, asset=False,
               **fields):
    """An applet made through the API as dx build makes one: the resources uploaded as a
    tarball and listed in runSpec.bundledDepends (with an asset bundle too, when *asset*)."""
    depends = []
    if resources is not None:
        tarball = dxpy.upload_string(resources_tarball(resources), project=project, name="resources.tar.gz",
                                     hidden=True, wait_on_close=True)
        depends.append({"name": "resources.tar.gz", "id": {"$dnanexus_link": tarball.get_id()}})
    if asset:
        bundle = dxpy.upload_string(resources_tarball({"opt/asset": b"asset\n"}), project=project,
                                    name="asset.tar.gz", properties={"AssetBundle": "record-xxxx"},
                                    wait_on_close=True)
        depends.append({"name": "asset.tar.gz", "id": {"$dnanexus_link": bundle.get_id()}})
    spec = {"project": project, "name": name, "dxapi": "1.0.0", "inputSpec": INPUT_SPEC, "outputSpec": OUTPUT_SPEC,
            "runSpec": {"interpreter": interpreter, "code": code, "distribution": "Ubuntu", "release": "20.04",
                        "version": "0", "bundledDepends": depends,
                        "execDepends": [{"name": "samtools"}, {"name": "dx-toolkit", "package_manager": "apt"}],
                        "systemRequirements": {"main": {"instanceType": "mem1_ssd1_v2_x2"}}},
            "title": "Mapper", "summary": "maps reads", "description": "# Mapper\n", "developerNotes": "notes\n",
            "access": {"network": ["*"]}, "types": ["Tool"], "tags": ["t1"], "properties": {"stage": "beta"},
            "details": {"upstream": "x"}}
    spec.update(fields)
    return dxpy.api.applet_new(spec)["id"]


def tree(root):
    """Relative path -> text of every file under *root* (IDs and the home normalized)."""
    return {path: normalize(content.decode()) for path, content in files_under(root).items()}


def same_trees(twins, name):
    ref, this = (tree(client.home / name) for client in twins.clients)
    assert this == ref
    return this


def test_get_applet_with_resources(twins):
    twins.populate(lambda project: new_applet(project, asset=True))
    result = twins.assert_same("get", "mapper")
    assert result[0] == 0 and "Unpacking resource resources.tar.gz" in result[2]
    files = same_trees(twins, "mapper")
    assert sorted(files) == ["Readme.developer.md", "Readme.md", "dxapp.json", "resources/etc/tool.conf",
                             "resources/usr/bin/tool", "src/code.py"]
    assert files["src/code.py"] == CODE and files["resources/usr/bin/tool"] == "#!/bin/sh\necho tool\n"
    dxapp = json.loads(files["dxapp.json"])
    assert dxapp["runSpec"] == {"interpreter": "python3", "file": "src/code.py", "distribution": "Ubuntu",
                                "release": "20.04", "version": "0", "execDepends": [{"name": "samtools"}]}
    assert dxapp["regionalOptions"] == {"aws:us-east-1": {
        "systemRequirements": {"main": {"instanceType": "mem1_ssd1_v2_x2"}},
        "bundledDepends": [{"name": "asset.tar.gz", "id": {"$dnanexus_link": "file-<1>"}}]}}
    assert list(dxapp["inputSpec"][1]) == ["name", "class", "patterns", "optional"]  # dxpy's key order
    assert (dxapp["properties"], dxapp["details"], dxapp["types"]) == ({"stage": "beta"}, {"upstream": "x"}, ["Tool"])
    assert os.access(str(twins.this.home / "mapper" / "resources" / "usr" / "bin" / "tool"), os.X_OK)


def test_get_applet_omitting_resources_and_choosing_the_directory(twins):
    twins.populate(lambda project: new_applet(project, interpreter="bash", code="main() { echo hi; }\n",
                                              description="", developerNotes="", title="", types=[]))
    twins.assert_same("get", "mapper", "--omit-resources", "-o", "chosen")
    files = same_trees(twins, "chosen")
    assert sorted(files) == ["dxapp.json", "src/code.sh"]
    regional = json.loads(files["dxapp.json"])["regionalOptions"]["aws:us-east-1"]
    assert regional["bundledDepends"] == [{"name": "resources.tar.gz", "id": {"$dnanexus_link": "file-<1>"}}]
    for client in twins.clients:  # into an existing directory: the applet's name under it
        (client.home / "into").mkdir()
    twins.assert_same("get", "{project}:/mapper", "-o", "into")
    assert sorted(same_trees(twins, "into/mapper")) == ["dxapp.json", "resources/etc/tool.conf",
                                                        "resources/usr/bin/tool", "src/code.sh"]


def test_get_applet_replaces_a_file_with_f(twins):
    twins.populate(lambda project: new_applet(project, resources=None))
    for client in twins.clients:
        (client.home / "mapper").write_text("a file\n")
    twins.assert_same("get", "mapper")  # refused: the file stays
    assert (twins.this.home / "mapper").read_text() == "a file\n"
    twins.assert_same("get", "-f", "mapper")
    assert sorted(same_trees(twins, "mapper")) == ["Readme.developer.md", "Readme.md", "dxapp.json", "src/code.py"]


@pytest.fixture(scope="module")
def shared_app(cli_emulator):
    """A published app (one for both clients: app names are global), from an applet with
    resources."""
    project = dxpy.api.project_new({"name": "app sources"})["id"]
    applet = new_applet(project, name="app_source")
    app = dxpy.api.app_new({"applet": applet, "name": "get_me", "version": "1.2.0", "title": "Get me",
                            "summary": "an app", "categories": ["Mapping"], "authorizedUsers": []})["id"]
    dxpy.api.app_publish(app, input_params={"makeDefault": True})
    return app


def test_get_app(twins, shared_app):
    twins.assert_same("get", "app-get_me", "--omit-resources")
    files = same_trees(twins, "get_me")
    assert sorted(files) == ["Readme.developer.md", "Readme.md", "dxapp.json", "src/code.py"]
    dxapp = json.loads(files["dxapp.json"])
    assert (dxapp["name"], dxapp["version"], dxapp["title"]) == ("get_me", "1.2.0", "Get me")
    assert dxapp["developers"] == [dxpy.whoami()] and dxapp["categories"] == ["Mapping"]
    assert [dep["name"] for dep in dxapp["regionalOptions"]["aws:us-east-1"]["bundledDepends"]] == [
        "resources.tar.gz"]


def test_get_app_with_its_resources(dx_this, shared_app):
    # Only this dx: dxpy's looks for the resources in the selected project, which does not
    # hold them, and fails.
    dx_this("get", shared_app, "-o", "by-id")
    files = tree(dx_this.home / "by-id")
    assert files["resources/usr/bin/tool"] == "#!/bin/sh\necho tool\n"
    assert json.loads(files["dxapp.json"])["regionalOptions"] == {"aws:us-east-1": {
        "systemRequirements": {"main": {"instanceType": "mem1_ssd1_v2_x2"}}}}


def new_workflow(project):
    applet = new_applet(project, resources=None)
    dxpy.api.workflow_new({"project": project, "name": "pipeline", "title": "Pipeline", "summary": "two steps",
                           "description": "Runs the mapper twice.\n", "outputFolder": "/results",
                           "stages": [{"id": "first", "name": "First", "executable": applet, "input": {"n": 3}},
                                      {"id": "second", "executable": applet, "folder": "two",
                                       "input": {"n": {"$dnanexus_link": {"stage": "first",
                                                                          "outputField": "out"}}}}]})


def test_get_workflow(twins):
    twins.populate(new_workflow)
    twins.assert_same("get", "pipeline")
    files = same_trees(twins, "pipeline")
    assert sorted(files) == ["Readme.md", "dxworkflow.json"]
    dxworkflow = json.loads(files["dxworkflow.json"])
    assert [stage["id"] for stage in dxworkflow["stages"]] == ["first", "second"]
    assert dxworkflow["outputFolder"] == "/results" and dxworkflow["stages"][1]["folder"] == "two"


def test_get_global_workflow(dx_this):
    # Only this dx: dxpy's looks for the workflow behind the global workflow in the selected
    # project, where the emulator (which takes the project as a filter) does not find it.
    dx_this.project = dxpy.api.project_new({"name": "global workflow sources"})["id"]
    dx_this.env["DX_PROJECT_CONTEXT_ID"] = dx_this.project
    new_workflow(dx_this.project)
    workflow = dxpy.find_one_data_object(project=dx_this.project, name="pipeline")["id"]
    dxpy.api.global_workflow_new({"workflow": workflow, "name": "shared_pipeline", "version": "0.1.0",
                                  "title": "Shared"})
    result = dx_this.run("get", "globalworkflow-shared_pipeline")
    assert result.returncode == 0 and result.stderr == ('Creating "./shared_pipeline" output directory\n'
                                                        "Downloading workflow data\n")
    files = tree(dx_this.home / "shared_pipeline")
    dxworkflow = json.loads(files["dxworkflow.json"])
    assert (dxworkflow["name"], dxworkflow["version"], dxworkflow["title"]) == ("shared_pipeline", "0.1.0", "Shared")
    assert [stage["id"] for stage in dxworkflow["stages"]] == ["first", "second"]
    del dx_this.env["DX_PROJECT_CONTEXT_ID"]  # no project selected: dxpy's error
    result = dx_this.run("get", "globalworkflow-shared_pipeline", "-o", "again")
    # dxpy's err_exit counts a DXError as unexpected: exit 1
    assert result.returncode == 1 and 'A project needs to be selected to "dx get" a global workflow' in result.stderr


@pytest.mark.parametrize("words", [["get", "-o", "-", "mapper"], ["get", "nosuch"],
                                   ["get", "app-nosuch"], ["get", "globalworkflow-nosuch"],
                                   ["get", "applet-B0000000000000000000000B"]],
                         ids=["stdout", "unknown name", "unknown app", "unknown global workflow", "unknown ID"])
def test_get_executable_refusals(twins, words):
    twins.populate(lambda project: new_applet(project, resources=None))
    code, _out, err = twins.assert_same(*words)
    assert code == 3 and err
    for client in twins.clients:
        assert os.listdir(str(client.home)) == [] or words[1] == "-o"


def test_get_into_a_directory_that_is_not_empty(twins):
    twins.populate(lambda project: new_applet(project, resources=None))
    for client in twins.clients:
        (client.home / "mapper").mkdir()
        (client.home / "mapper" / "mine").write_text("keep\n")
    code, _out, err = twins.assert_same("get", "mapper")
    assert code == 3 and "already exists. Remove it and try again." in err
    assert sorted(os.listdir(str(twins.this.home / "mapper"))) == ["mine"]


def test_get_refuses_resources_that_would_land_outside(dx_this):
    # dxpy's dx get extracts such a member wherever it points; here the archive is not unpacked
    # and dxapp.json keeps it as a bundled dependency, as for a resource that cannot be fetched.
    dx_this.project = dxpy.api.project_new({"name": "get-unsafe"})["id"]
    new_applet(dx_this.project, resources={"../escaped": b"x\n", "fine": b"y\n"})
    result = dx_this.run("get", dx_this.project + ":/mapper")
    assert result.returncode == 0 and "cannot be unpacked: ../escaped" in result.stderr
    assert "Downloading resources from region aws:us-east-1 failed" in result.stderr
    assert not (dx_this.home / "escaped").exists() and not (dx_this.home / "mapper" / "resources").exists()
    dxapp = json.loads((dx_this.home / "mapper" / "dxapp.json").read_text())
    assert [dep["name"] for dep in dxapp["regionalOptions"]["aws:us-east-1"]["bundledDepends"]] == [
        "resources.tar.gz"]


# -- dx build -> dx get -> dx build ----------------------------------------------------------------

BUILT_SPEC = {"name": "roundtrip", "title": "Round trip", "summary": "built, got and built again", "dxapi": "1.0.0",
              "version": "1.0.0", "inputSpec": [{"name": "who", "class": "string", "default": "world",
                                                 "patterns": ["*"], "help": "Whom to greet"}],
              "outputSpec": [{"name": "greeting", "class": "string"}],
              "runSpec": {"interpreter": "bash", "file": "src/roundtrip.sh", "distribution": "Ubuntu",
                          "release": "20.04", "version": "0", "execDepends": [{"name": "jq"}]},
              "regionalOptions": {"aws:us-east-1": {"systemRequirements": {"*": {"instanceType": "mem1_ssd1_v2_x4"}}}},
              "access": {"network": ["*"]}, "details": {"contact": "someone"}, "categories": ["Reports"]}
BASH_SOURCE = 'main() {\n  dx-jobutil-add-output greeting "hello $who"\n}\n'


def write_source(root, spec=BUILT_SPEC):
    """A source directory for dx build: dxapp.json, src/, a Readme and resources/."""
    for path, text in (("dxapp.json", json.dumps(spec, indent=2)), ("src/roundtrip.sh", BASH_SOURCE),
                       ("Readme.md", "Greets.\n"), ("resources/usr/bin/helper", "echo helping\n")):
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
    (root / "resources/usr/bin/helper").chmod(0o755)
    return str(root)


def built(client, *words):
    result = client("build", *words)
    return json.loads(result.strip().splitlines()[-1])["id"]


def test_build_get_build_gives_the_same_source(twins, tmp_path):
    """Each client builds the same source; both dx get it alike; what this dx got builds an
    applet whose dx get is the same again."""
    source = write_source(tmp_path / "source" / "roundtrip")
    for client in twins.clients:
        client("mkdir", "/first", "/second")
        built(client, source, "-d", "/first/")
    twins.assert_same("get", "/first/roundtrip")
    first = same_trees(twins, "roundtrip")
    assert first["resources/usr/bin/helper"] == "echo helping\n" and first["src/code.sh"] == BASH_SOURCE
    again = built(twins.this, str(twins.this.home / "roundtrip"), "-d", "/second/")
    twins.this("get", again, "-o", "second")
    assert tree(twins.this.home / "second") == first
    assert os.access(str(twins.this.home / "second" / "resources" / "usr" / "bin" / "helper"), os.X_OK)


def test_app_build_get_build(dx_this, tmp_path):
    """An app built with dx build --create-app, got, and built again as its next version: the
    two versions' sources are the same but for the version."""
    dx_this.project = dxpy.api.project_new({"name": "app round trip"})["id"]
    dx_this.env["DX_PROJECT_CONTEXT_ID"] = dx_this.project
    spec = dict(BUILT_SPEC, name="roundtrip_app")
    built(dx_this, write_source(tmp_path / "roundtrip_app", spec), "--create-app")
    dx_this("get", "app-roundtrip_app", "-o", "v1")
    first = tree(dx_this.home / "v1")
    dxapp = json.loads(first["dxapp.json"])
    assert (dxapp["name"], dxapp["version"], dxapp["categories"]) == ("roundtrip_app", "1.0.0", ["Reports"])
    dxapp["version"] = "1.0.1"
    (dx_this.home / "v1" / "dxapp.json").write_text(json.dumps(dxapp, indent=2))
    built(dx_this, str(dx_this.home / "v1"), "--create-app")
    dx_this("get", "app-roundtrip_app/1.0.1", "-o", "v2")
    second = tree(dx_this.home / "v2")
    assert json.loads(second.pop("dxapp.json")) == dxapp
    first.pop("dxapp.json")
    assert second == first


def test_workflow_get_build_get(twins):
    """A workflow got by either dx builds (with that dx) a workflow whose dx get is the same."""
    twins.populate(new_workflow)
    twins.assert_same("get", "pipeline")
    first = same_trees(twins, "pipeline")
    for client in twins.clients:
        client("mkdir", "/again")
        rebuilt = json.loads(client("build", str(client.home / "pipeline"), "-d", "/again/").strip().splitlines()[-1])
        client("get", rebuilt["id"], "-o", "again")
    assert same_trees(twins, "again") == first
