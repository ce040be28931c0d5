"""The build library (dxpy.app_builder, dxpy.executable_builder, dxpy.workflow_builder,
dxpy.scripts.dx_build_app) called from Python against the emulator: what it creates, and the
errors it gives for wrong input, leaving nothing behind."""
import argparse
import io
import json
import os
import tarfile

import pytest

import dxpy
import dxpy.app_builder
import dxpy.executable_builder
import dxpy.nextflow.nextflow_utils
import dxpy.workflow_builder
from dxpy.app_builder import AppBuilderException
from dxpy.scripts import dx_build_app
from dxpy.workflow_builder import WorkflowBuilderException

CODE = 'main() {\n  dx-jobutil-add-output greeting "hello $who"\n}\n'


def make_source(root, name="lib_hello", resources=None, **changes):
    spec = {"name": name, "dxapi": "1.0.0", "version": "1.0.0", "title": "Hello", "summary": "hello",
            "inputSpec": [{"name": "who", "class": "string", "default": "you"}],
            "outputSpec": [{"name": "greeting", "class": "string"}],
            "runSpec": {"interpreter": "bash", "file": "src/code.sh", "distribution": "Ubuntu", "release": "20.04"}}
    spec.update(changes)
    os.makedirs(os.path.join(root, "src"))
    with open(os.path.join(root, "dxapp.json"), "w") as handle:
        json.dump(spec, handle)
    with open(os.path.join(root, "src", "code.sh"), "w") as handle:
        handle.write(CODE)
    for path, text in (resources or {}).items():
        full = os.path.join(root, "resources", path)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "w") as handle:
            handle.write(text)
    return root


def applets(project):
    return [found["id"] for found in dxpy.find_data_objects(project=project, classname="applet")]


def files(project):
    return [found["id"] for found in dxpy.find_data_objects(project=project, classname="file", visibility="either")]


# -- executable_builder ------------------------------------------------------------------------

def test_parsed_destination(dx_emulator):
    project = dx_emulator.project_id
    assert dxpy.executable_builder.get_parsed_destination(project) == (project, None, None)
    assert dxpy.executable_builder.get_parsed_destination(project + ":/a/b") == (project, "/a", "b")
    assert dx_build_app.parse_destination("/folder/") == (project, "/folder", None)
    with pytest.raises(SystemExit) as exit_info:  # dx's way: an unresolvable project exits 3
        dxpy.executable_builder.get_parsed_destination("no such project:/x")
    assert exit_info.value.code == 3


def test_inline_documentation_files(tmp_path):
    (tmp_path / "README.md").write_text("read me")
    (tmp_path / "Readme.developer.md").write_text("for developers")
    spec = {}
    dxpy.executable_builder.inline_documentation_files(spec, str(tmp_path))
    assert spec == {"description": "read me", "developerNotes": "for developers"}
    kept = {"description": "given"}
    dxpy.executable_builder.inline_documentation_files(kept, str(tmp_path))
    assert kept["description"] == "given"


def test_bill_to(dx_emulator):
    me = dxpy.whoami()
    check = dxpy.executable_builder.get_valid_bill_to
    assert check(None, AppBuilderException) == dxpy.api.user_describe(me)["billTo"]
    assert check(me, AppBuilderException) == me
    dx_emulator.add_user("carol")
    with pytest.raises(AppBuilderException, match='Cannot request another user to be the "billTo"'):
        check("user-carol", AppBuilderException)
    with pytest.raises(WorkflowBuilderException, match='must be a valid ID of a user/org'):
        check("project-xxxx", WorkflowBuilderException)
    with pytest.raises(AppBuilderException, match="Cannot retrieve billing information for org-nosuch"):
        check("org-nosuch", AppBuilderException)
    dx_emulator.add_user("dave")
    org = dx_emulator.add_org("builders", ["dave", "emulator"])  # we are a member without billing rights
    with pytest.raises(AppBuilderException, match="allowBillableActivities permission"):
        check(org, AppBuilderException)
    assert dxpy.executable_builder.get_permitted_regions(me, AppBuilderException) == {"aws:us-east-1"}
    with pytest.raises(AppBuilderException, match="Failed to get permitted regions of org-nosuch"):
        dxpy.executable_builder.get_permitted_regions("org-nosuch", AppBuilderException)


def test_regional_options_checks():
    enabled = dxpy.executable_builder.get_enabled_regions
    assert enabled("app", {}, None, AppBuilderException) is None
    assert enabled("app", {}, ["aws:us-east-1"], AppBuilderException) == ["aws:us-east-1"]
    assert set(enabled("app", {"regionalOptions": {"aws:us-east-1": {}}}, None, AppBuilderException)) == \
        {"aws:us-east-1"}
    bad = [
        ({"regionalOptions": []}, "must be a mapping"),
        ({"regionalOptions": {}}, "must be a non-empty mapping"),
        ({"regionalOptions": {"a:b": 1}}, "regionalOptions['a:b']' in dxapp.json or --extra-args must be a mapping"),
        ({"regionalOptions": {"a:b": {"x": 1}, "c:d": {}}}, "x was given for a:b but not for c:d"),
        ({"regionalOptions": {"a:b": {"systemRequirements": {}}}, "runSpec": {"systemRequirements": {}}},
         "systemRequirements cannot be given in both runSpec and in regional options for a:b"),
    ]
    for spec, message in bad:
        with pytest.raises(AppBuilderException) as error:
            enabled("app", spec, None, AppBuilderException)
        assert message in str(error.value)
    with pytest.raises(WorkflowBuilderException, match="--region and the 'regionalOptions' key"):
        enabled("globalworkflow", {"regionalOptions": {"a:b": {}}}, ["c:d"], WorkflowBuilderException)
    with pytest.raises(AssertionError):
        dxpy.app_builder.get_enabled_regions({}, [])


def test_developer_rights(dx_emulator):
    found = dxpy.executable_builder.verify_developer_rights("app-lib-nobody-made-this")
    assert found == (None, None, None)
    _, token = dx_emulator.add_user("erin")
    project = dx_emulator.project_id
    applet = dxpy.api.applet_new({"project": project, "dxapi": "1.0.0", "inputSpec": [], "outputSpec": [],
                                  "runSpec": {"interpreter": "bash", "code": CODE}})["id"]
    app = dxpy.api.app_new({"applet": applet, "name": "lib-mine", "version": "1.0.0"})["id"]
    assert dxpy.executable_builder.verify_developer_rights("app-lib-mine") == ("lib-mine", "1.0.0", app)
    dxpy.api.app_add_authorized_users(app, input_params={"authorizedUsers": ["PUBLIC"]})
    dxpy.api.app_publish(app, input_params={})
    saved = dxpy.SECURITY_CONTEXT
    dxpy.set_security_context({"auth_token_type": "Bearer", "auth_token": token})
    try:
        with pytest.raises(AppBuilderException, match="You are not a developer for lib-mine"):
            dxpy.executable_builder.verify_developer_rights("app-lib-mine")
    finally:
        dxpy.set_security_context(saved)
    with pytest.raises(ValueError):
        dxpy.executable_builder.verify_developer_rights("applet-lib-mine")


def test_delete_temporary_projects_goes_on_past_failures(dx_emulator):
    temporary = dxpy.api.project_new({"name": "temp"})["id"]
    dxpy.executable_builder.delete_temporary_projects(["project-" + "0" * 24, temporary])
    with pytest.raises(dxpy.exceptions.DXAPIError):
        dxpy.api.project_describe(temporary)


def test_categories_of_apps_and_global_workflows(dx_emulator, tmp_path):
    project = dx_emulator.project_id
    source = make_source(str(tmp_path / "lib_sorted"), name="lib_sorted", categories=["Import", "Export"])
    app = dx_build_app.build_and_upload_locally(source, "app", brief=True, return_object_dump=True)
    assert sorted(dxpy.api.app_list_categories(app["id"])["categories"]) == ["Export", "Import"]
    applet = dxpy.api.applet_new({"project": project, "name": "stage", "dxapi": "1.0.0",
                                  "runSpec": {"interpreter": "bash", "code": CODE}})["id"]
    workflow = dxpy.api.workflow_new({"project": project, "stages": [{"id": "s", "executable": applet}]})["id"]
    global_workflow = dxpy.api.global_workflow_new({"name": "lib_flow", "version": "0.1.0", "categories": ["Old"],
                                                    "regionalOptions": {"aws:us-east-1": {"workflow": workflow}}})["id"]
    for kind, executable in (("app", app["id"]), ("global_workflow", global_workflow)):
        dxpy.executable_builder.set_categories(kind, executable, ["Export", "New"])
        listed = getattr(dxpy.api, kind + "_list_categories")(executable)["categories"]
        assert sorted(listed) == ["Export", "New"]
    dxpy.workflow_builder._set_categories_on_workflow(global_workflow, [])
    assert dxpy.api.global_workflow_list_categories(global_workflow)["categories"] == []


# -- app_builder -------------------------------------------------------------------------------

def test_is_link_local():
    assert dxpy.app_builder.is_link_local("a/b")
    assert dxpy.app_builder.is_link_local("a/../b")
    assert not dxpy.app_builder.is_link_local("/etc/passwd")
    assert not dxpy.app_builder.is_link_local("../x")
    assert not dxpy.app_builder.is_link_local("./foo/../../curdir/foo")


def test_build_runs_make_and_reports_its_failure(tmp_path):
    (tmp_path / "Makefile").write_text("all:\n\techo built > out.txt\n")
    dxpy.app_builder.build(str(tmp_path), parallel_build=False)
    assert (tmp_path / "out.txt").read_text() == "built\n"
    (tmp_path / "Makefile").write_text("all:\n\texit 4\n")
    with pytest.raises(AppBuilderException, match="make -j[0-9]+ in target directory failed with exit code 2"):
        dxpy.app_builder.build(str(tmp_path))
    configure = tmp_path / "configure"
    configure.write_text("#!/bin/sh\nexit 5\n")
    configure.chmod(0o755)
    with pytest.raises(AppBuilderException, match=r"\./configure in target directory failed with exit code 5"):
        dxpy.app_builder.build(str(tmp_path))


def test_upload_resources_reuses_a_bundle_and_refuses_links_outside(dx_emulator, tmp_path):
    project = dx_emulator.project_id
    source = make_source(str(tmp_path / "src"), resources={"usr/bin/tool": "#!/bin/sh\n", "data/x.txt": "x"})
    os.symlink("x.txt", os.path.join(source, "resources", "data", "link.txt"))  # stays inside: kept as a link
    first = dxpy.app_builder.upload_resources(source, project=project)
    assert [entry["name"] for entry in first] == ["resources.tar.gz"]
    assert dxpy.app_builder.upload_resources(source, project=project) == first  # same checksum: reused
    forced = dxpy.app_builder.upload_resources(source, project=project, ensure_upload=True)
    assert forced != first
    bundle = dxpy.open_dxfile(first[0]["id"]["$dnanexus_link"], project=project, mode="rb").read()
    with tarfile.open(fileobj=io.BytesIO(bundle), mode="r:gz") as archive:
        members = {member.name: member for member in archive.getmembers()}
    assert members["data/link.txt"].issym() and members["data/link.txt"].linkname == "x.txt"
    assert set(members) >= {"usr/bin/tool", "data/x.txt"}
    # A link to a directory outside the resources, or a broken one, is refused before any upload.
    before = files(project)
    outside = tmp_path / "outside"
    outside.mkdir()
    os.symlink(str(outside), os.path.join(source, "resources", "elsewhere"))
    with pytest.raises(AppBuilderException, match="Cannot include symlinks to directories outside"):
        dxpy.app_builder.upload_resources(source, project=project)
    os.unlink(os.path.join(source, "resources", "elsewhere"))
    os.symlink(str(tmp_path / "missing"), os.path.join(source, "resources", "broken"))
    with pytest.raises(AppBuilderException, match="Broken symlink"):
        dxpy.app_builder.upload_resources(source, project=project)
    assert files(project) == before
    assert dxpy.app_builder.upload_resources(make_source(str(tmp_path / "empty")), project=project) == []


def test_upload_applet_errors_leave_nothing(dx_emulator, tmp_path):
    project = dx_emulator.project_id
    no_run_spec = make_source(str(tmp_path / "a"))
    spec = json.load(open(os.path.join(no_run_spec, "dxapp.json")))
    del spec["runSpec"]
    json.dump(spec, open(os.path.join(no_run_spec, "dxapp.json"), "w"))
    with pytest.raises(AppBuilderException, match="Required field 'runSpec' not found in dxapp.json"):
        dxpy.app_builder.upload_applet(no_run_spec, None, project=project)
    both = make_source(str(tmp_path / "b"), runSpec={
        "interpreter": "bash", "code": CODE, "systemRequirements": {
            "main": {"instanceType": "mem1_ssd1_v2_x2", "instanceTypeSelector": {}}}})
    with pytest.raises(AppBuilderException, match="instanceType and instanceTypeSelector keywords are mutually"):
        dxpy.app_builder.upload_applet(both, None, project=project)
    assets = make_source(str(tmp_path / "c"), runSpec={"interpreter": "bash", "code": CODE,
                                                       "assetDepends": [{"name": "only a name"}]})
    with pytest.raises(AppBuilderException, match="must have either"):
        dxpy.app_builder.upload_applet(assets, None, project=project)
    missing_asset = make_source(str(tmp_path / "d"), runSpec={"interpreter": "bash", "code": CODE, "assetDepends": [
        {"name": "nothing", "project": project, "version": "1.0.0"}]})
    with pytest.raises(AppBuilderException, match="No asset bundle was found"):
        dxpy.app_builder.upload_applet(missing_asset, None, project=project)
    assert applets(project) == []


def test_upload_applet_dry_run_prints_the_spec(dx_emulator, tmp_path, capsys):
    source = make_source(str(tmp_path / "hello"))
    assert dxpy.app_builder.upload_applet(source, [], project=dx_emulator.project_id, dry_run=True) == (None, None)
    printed = capsys.readouterr().out
    assert printed.startswith("Would create the following applet:\n")
    assert json.loads(printed.split("\n", 1)[1].rsplit("*** DRY-RUN", 1)[0])["runSpec"]["code"] == CODE
    assert applets(dx_emulator.project_id) == []


# -- dx_build_app ------------------------------------------------------------------------------

def test_build_and_upload_locally_applet_and_app(dx_emulator, tmp_path):
    project = dx_emulator.project_id
    source = make_source(str(tmp_path / "lib_hello"), resources={"opt/x": "x"})
    built = dx_build_app.build_and_upload_locally(source, "applet", destination_override=project + ":/")
    described = dxpy.api.applet_describe(built["id"])
    assert described["name"] == "lib_hello" and described["runSpec"]["bundledDepends"][0]["name"] == "resources.tar.gz"
    with pytest.raises(AppBuilderException, match="An applet already exists at /lib_hello"):
        dx_build_app.build_and_upload_locally(source, "applet", destination_override=project + ":/")
    app = dx_build_app.build_and_upload_locally(source, "app", return_object_dump=True, brief=True)
    assert app["name"] == "lib_hello" and app["version"] == "1.0.0"
    again = dx_build_app.build_and_upload_locally(source, "app", publish=True, brief=True, confirm=False)
    assert again["id"] == app["id"]  # the unpublished version was updated, then published
    with pytest.raises(AppBuilderException, match="Could not create the requested version: 1.0.0"):
        dx_build_app.build_and_upload_locally(source, "app", brief=True, do_version_autonumbering=False)
    suffixed = dx_build_app.build_and_upload_locally(source, "app", brief=True, return_object_dump=True)
    assert suffixed["version"].startswith("1.0.0+build.")
    from_applet = dx_build_app.build_app_from(described, ["2.0.0"], brief=True)
    assert dxpy.api.app_describe(from_applet["id"])["version"] == "2.0.0"


def test_app_billed_to_an_org_in_a_region(dx_emulator, tmp_path):
    org = dx_emulator.add_org("payers", ["emulator"])  # its admin may bill it
    source = make_source(str(tmp_path / "lib_billed"), name="lib_billed")
    app = dx_build_app.build_and_upload_locally(source, "app", bill_to_override=org, region=["aws:us-east-1"],
                                                brief=True, return_object_dump=True)
    assert app["billTo"] == org and list(app["regionalOptions"]) == ["aws:us-east-1"]
    with pytest.raises(AppBuilderException, match="Cannot specify --no-temp-build-project when building multi-region"):
        dx_build_app.build_and_upload_locally(source, "app", region=["aws:us-east-1", "azure:westus"],
                                              use_temp_build_project=False, brief=True)
    assert not list(dxpy.find_projects(name="Temporary build project*", name_mode="glob"))


def test_source_checks(dx_emulator, tmp_path, capsys):
    source = make_source(str(tmp_path / "hello"))
    with open(os.path.join(source, "src", "code.sh"), "w") as handle:
        handle.write("main() {\n  if then\n}\n")
    with pytest.raises(AppBuilderException, match="has syntax errors"):
        dx_build_app.build_and_upload_locally(source, "applet", dry_run=True)
    assert "has a syntax error! Interpreter output:" in capsys.readouterr().err
    assert dx_build_app.build_and_upload_locally(source, "applet", dry_run=True, do_check_syntax=False) is None
    with pytest.raises(AppBuilderException, match="does not contain dxapp.json"):
        dx_build_app.build_and_upload_locally(str(tmp_path), "applet", dry_run=True)
    with pytest.raises(SystemExit) as exit_info:
        dx_build_app.build_and_upload_locally(str(tmp_path / "nowhere"), "applet", dry_run=True)
    assert exit_info.value.code == 2
    public = make_source(str(tmp_path / "pub"), pricingPolicy={})
    with pytest.raises(AppBuilderException, match='"pricingPolicy" at the top level is not accepted'):
        dx_build_app.build_and_upload_locally(public, "applet", dry_run=True)
    users = make_source(str(tmp_path / "users"), authorizedUsers=["bob"])
    with pytest.raises(AppBuilderException, match="authorizedUsers field contains an entry"):
        dx_build_app.build_and_upload_locally(users, "applet", dry_run=True)
    pip = make_source(str(tmp_path / "pip"), runSpec={"interpreter": "bash", "code": CODE, "distribution": "Ubuntu",
                                                      "release": "20.04",
                                                      "execDepends": [{"name": "x", "package_manager": "pip"}]})
    with pytest.raises(AppBuilderException, match="non-APT dependencies, but no network access"):
        dx_build_app.build_and_upload_locally(pip, "applet", dry_run=True)
    with pytest.raises(AppBuilderException, match="Suggested object file-0{24} could not be found"):
        dx_build_app._check_suggestions({"inputSpec": [{"suggestions": [
            {"$dnanexus_link": "file-" + "0" * 24}]}]})
    assert applets(dx_emulator.project_id) == []


def test_nextflow_licence_check(dx_emulator):
    project = dx_emulator.project_id
    answer = dxpy.DXHTTPRequest("/%s/checkFeatureAccess" % project, {"features": ["dxNextflow", "other"]})
    assert answer == {"features": {"dxNextflow": False, "other": False}}
    with pytest.raises(dxpy.exceptions.InvalidInput):
        dxpy.DXHTTPRequest("/%s/checkFeatureAccess" % project, {"features": "dxNextflow"})
    with pytest.raises(AppBuilderException, match="must have the dxNextflow feature enabled"):
        dx_build_app.verify_nf_license(project + ":/", {})
    assert dx_build_app.get_project_to_check(None, {"project": "project-x"}) == "project-x"
    assert dxpy.nextflow.nextflow_utils.get_resources_subpath("/a/pipeline") == "/home/dnanexus/pipeline"
    assert dxpy.nextflow.nextflow_utils.is_importer_job() is False


def test_python_syntax_check(tmp_path, capsys):
    code = tmp_path / "code.py"
    code.write_text("#!/usr/bin/env python3\ndef f(:\n")
    with pytest.raises(dx_build_app.DXSyntaxError):
        dx_build_app._check_file_syntax(str(code), str(tmp_path))
    code.write_text("def f(:\n")  # no python3 shebang: reported, not enforced
    dx_build_app._check_file_syntax(str(code), str(tmp_path))
    assert "Unsure if" in capsys.readouterr().err
    with pytest.raises(ValueError):
        dx_build_app._check_syntax("x", "ruby", str(tmp_path))


def test_main_says_what_replaced_the_old_commands(monkeypatch):
    monkeypatch.setattr("sys.argv", ["/usr/bin/dx-build-applet"])
    with pytest.raises(SystemExit) as exit_info:
        dx_build_app.main()
    assert exit_info.value.code == 0


# -- workflow_builder --------------------------------------------------------------------------

def _workflow_args(src_dir, mode="workflow", **changes):
    values = dict(src_dir=src_dir, mode=mode, destination=".", _from=None, extra_args=None, keep_open=False,
                  version_override=None, bill_to=None, region=None, brief=True, json=False, confirm=True, update=True)
    values.update(changes)
    return argparse.Namespace(**values)


def test_workflow_builder(dx_emulator, tmp_path, capsys):
    project = dx_emulator.project_id
    applet = dxpy.api.applet_new({"project": project, "name": "stage", "dxapi": "1.0.0",
                                  "runSpec": {"interpreter": "bash", "code": CODE}})["id"]
    root = tmp_path / "wf"
    root.mkdir()
    (root / "dxworkflow.json").write_text(json.dumps({"name": "wf", "stages": [{"id": "s", "executable": applet}]}))
    parser = argparse.ArgumentParser()
    dxpy.workflow_builder.build(_workflow_args(str(root)), parser)
    workflow_id = json.loads(capsys.readouterr().out)["id"]
    assert dxpy.api.workflow_describe(workflow_id)["stages"][0]["executable"] == applet

    (root / "dxworkflow.json").write_text(json.dumps({"name": "wf", "stages": [{"id": "s"}]}))
    with pytest.raises(SystemExit) as exit_info:
        dxpy.workflow_builder.build(_workflow_args(str(root)), parser)
    assert exit_info.value.code == 3
    assert "executable is not specified for stage with index 0" in capsys.readouterr().err
    with pytest.raises(WorkflowBuilderException, match="Stage with ID t not found"):
        dxpy.workflow_builder.validate_ignore_reuse([{"id": "s"}], ["t"])
    with pytest.raises(WorkflowBuilderException, match="IgnoreReuse must be a list"):
        dxpy.workflow_builder.validate_ignore_reuse([{"id": "s"}], "s")
    dxpy.workflow_builder.validate_ignore_reuse([{"id": "s"}], ["*"])
    (root / "dxworkflow.json").write_text("{")
    with pytest.raises(SystemExit):
        dxpy.workflow_builder.build(_workflow_args(str(root)), parser)
    assert "Could not parse dxworkflow.json file as JSON" in capsys.readouterr().err
    (root / "dxworkflow.json").write_text(json.dumps({"name": "Bad Name!", "stages": []}))
    with pytest.raises(SystemExit):
        dxpy.workflow_builder.build(_workflow_args(str(root), mode="globalworkflow"), parser)
    assert "The name of your workflow must match" in capsys.readouterr().err
    with pytest.raises(Exception, match="Arguments not provided"):
        dxpy.workflow_builder.build(None, parser)
    assert [found["id"] for found in dxpy.find_data_objects(project=project, classname="workflow")] == [workflow_id]
