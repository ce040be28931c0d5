"""dx install, uninstall, publish, add/remove/list users and developers, find apps and find
globalworkflows: the reference dx and this one against one emulator give the same output and
exit code; wrong input gives dxpy's error and changes nothing.

App and global workflow names are global, so both clients work on the same ones; commands
that change them are either idempotent (run by both, state checked after) or given each
client's own version by ID (outputs compared once IDs are normalized)."""
import json

import pytest

import dxpy
from dx_cli import as_user, normalize

pytestmark = pytest.mark.reference

IO = {"inputSpec": [{"name": "n", "class": "int"}], "outputSpec": [{"name": "out", "class": "int"}]}


def new_app(name, version, **fields):
    """A new (unpublished) app version made from a fresh applet."""
    project = dxpy.api.project_new({"name": "sources of " + name})["id"]
    spec = dict(IO, project=project, dxapi="1.0.0", runSpec={"interpreter": "bash", "code": "main() { :; }"})
    applet = dxpy.api.applet_new(spec)["id"]
    body = {"applet": applet, "name": name, "version": version, "title": name.title(), "summary": "s"}
    body.update(fields)
    return dxpy.api.app_new(body)["id"]


def new_global_workflow(name, version):
    project = dxpy.api.project_new({"name": "sources of " + name})["id"]
    applet = dxpy.api.applet_new(dict(IO, project=project, dxapi="1.0.0",
                                      runSpec={"interpreter": "bash", "code": "main() { :; }"}))["id"]
    workflow = dxpy.api.workflow_new({"project": project, "name": name,
                                      "stages": [{"id": "one", "executable": applet}]})["id"]
    return dxpy.api.global_workflow_new({"workflow": workflow, "name": name, "version": version,
                                         "title": name.title()})["id"]


@pytest.fixture(scope="module")
def others(cli_emulator):
    """Users eve and mallory, and org-pirates (eve its ADMIN)."""
    cli_emulator.add_user("eve")
    cli_emulator.add_user("mallory")
    cli_emulator.add_org("pirates", ["eve"])
    return cli_emulator


@pytest.fixture(scope="module")
def catalogue(others):
    """Apps and global workflows for the searches: published ones, an unpublished one, an
    older version."""
    mapper_1 = new_app("mapper", "1.0.0", categories=["Read Mapping"])
    dxpy.api.app_publish(mapper_1, input_params={"makeDefault": True})
    mapper_2 = new_app("mapper", "2.0.0", categories=["Read Mapping"])
    dxpy.api.app_publish(mapper_2, input_params={"makeDefault": True})
    caller = new_app("caller", "0.1.0", categories=["Variation Calling"])
    dxpy.api.app_publish(caller, input_params={"makeDefault": True})
    new_app("draft", "0.0.1")
    pipeline = new_global_workflow("pipeline", "1.0.0")
    dxpy.api.global_workflow_publish(pipeline, input_params={"makeDefault": True})
    new_global_workflow("draftflow", "0.1.0")
    return {"mapper": mapper_2, "caller": caller, "pipeline": pipeline}


def outputs_of(twins, ref_words, this_words):
    """Each client's normalized (exit code, stdout, stderr), for words that differ per client."""
    results = []
    for client, words in zip(twins.clients, (ref_words, this_words)):
        result = client.run(*words)
        results.append((result.returncode, normalize(result.stdout, [client.home]),
                        normalize(result.stderr, [client.home])))
    assert results[1] == results[0]
    return results[1]


def usage_error(twins, *words):
    """Both clients refuse *words* as a usage error (exit 2) with the same error line (the help
    before it is each package's own words); that line."""
    (ref_code, _, ref_err), (code, _, err) = twins.outputs(*words)
    assert (code, err.splitlines()[-1]) == (ref_code, ref_err.splitlines()[-1]) and code == 2
    return err.splitlines()[-1]


def lines(twins, *words):
    code, out, err = twins.assert_same(*words)
    assert code == 0, err
    return out.splitlines()


# -- find apps / globalworkflows --------------------------------------------------------------

@pytest.mark.parametrize("options", [
    [], ["--brief"], ["--json"], ["--verbose"], ["--unpublished"], ["--all"], ["--all", "--verbose"],
    ["--name", "map*"], ["--category", "Read Mapping"], ["--installed"], ["--billed-to", "user-emulator"],
    ["--creator", "user-emulator"], ["--developer", "user-eve"], ["--created-after=-1d"],
    ["--mod-before=-1d"], ["--delimiter", ",", "--verbose"]])
def test_find_apps(twins, catalogue, options):
    code, out, _err = twins.assert_same("find", "apps", *options)
    assert code == 0
    if not options:
        assert [line.split("(")[1] for line in out.splitlines()] == ["caller), v0.1.0", "mapper), v2.0.0"]


@pytest.mark.parametrize("options", [[], ["--brief"], ["--json"], ["--verbose"], ["--unpublished"], ["--all"],
                                     ["--name", "pipe*"], ["--category-help"]])
def test_find_global_workflows(twins, catalogue, options):
    code, out, _err = twins.assert_same("find", "globalworkflows", *options)
    assert code == 0
    if not options:
        assert out.splitlines() == ["  Pipeline (pipeline), v1.0.0"]


def test_find_apps_bad_input(twins, dx_this, catalogue):
    assert "expected one argument" in usage_error(twins, "find", "apps", "--category")
    # dxpy's find apps ends on a traceback (exit 1) for a malformed time; here it is invalid input.
    result = dx_this.run("find", "apps", "--created-after", "yesterday-ish")
    assert result.returncode == 3 and "yesterday-ish" in result.stderr and result.stdout == ""


# -- install / uninstall -------------------------------------------------------------------------

def test_install_and_uninstall(twins, catalogue):
    assert lines(twins, "install", "mapper") == ["Installed the mapper app"]
    assert dxpy.api.app_describe(catalogue["mapper"])["installed"] is True
    lines(twins, "find", "apps", "--installed")
    assert lines(twins, "uninstall", "app-mapper") == []
    assert dxpy.api.app_describe(catalogue["mapper"])["installed"] is False
    assert lines(twins, "install", catalogue["caller"]) == ["Installed the caller app"]
    assert lines(twins, "uninstall", "caller/0.1.0") == []
    assert dxpy.api.user_describe(dxpy.whoami(), {"fields": {"appsInstalled": True}})["appsInstalled"] == {}


@pytest.mark.parametrize("words", [["install", "nosuch"], ["install", "app-nosuch/1.0.0"],
                                   ["uninstall", "nosuch"], ["uninstall", "app-nosuch"]])
def test_install_and_uninstall_bad_input(twins, catalogue, words):
    code, _out, err = twins.assert_same(*words)
    assert code == 3 and err
    assert dxpy.api.user_describe(dxpy.whoami(), {"fields": {"appsInstalled": True}})["appsInstalled"] == {}


# -- users and developers ------------------------------------------------------------------------

def test_add_list_remove_users(twins, catalogue):
    assert lines(twins, "list", "users", "mapper") == []
    assert lines(twins, "add", "users", "mapper", "eve", "user-eve", "org-pirates") == []  # twice: no change
    assert lines(twins, "list", "users", "app-mapper/2.0.0") == ["user-eve", "org-pirates"]
    assert dxpy.api.app_list_authorized_users("app-mapper")["authorizedUsers"] == ["user-eve", "org-pirates"]
    assert lines(twins, "remove", "users", catalogue["mapper"], "EVE", "org-pirates", "user-nobody") == []
    assert lines(twins, "list", "users", "mapper") == []
    lines(twins, "add", "users", "pipeline", "PUBLIC")
    assert lines(twins, "list", "users", "globalworkflow-pipeline") == ["PUBLIC"]
    lines(twins, "remove", "users", "pipeline", "PUBLIC")
    assert lines(twins, "list", "users", "pipeline") == []


def test_add_list_remove_developers(twins, catalogue):
    assert lines(twins, "list", "developers", "caller") == ["user-emulator"]
    lines(twins, "add", "developers", "caller", "mallory")
    assert lines(twins, "list", "developers", catalogue["caller"]) == ["user-emulator", "user-mallory"]
    lines(twins, "remove", "developers", "app-caller", "mallory", "PUBLIC", "org-nobody")
    assert lines(twins, "list", "developers", "caller") == ["user-emulator"]
    lines(twins, "add", "developers", "pipeline", "mallory")
    assert lines(twins, "list", "developers", "pipeline/1.0.0") == ["user-emulator", "user-mallory"]
    lines(twins, "remove", "developers", "pipeline", "mallory")
    assert dxpy.api.global_workflow_list_developers("globalworkflow-pipeline")["developers"] == ["user-emulator"]


@pytest.mark.parametrize("words, message", [
    (["add", "users", "nosuch", "eve"], "could not be resolved"),
    (["list", "users", "app-nosuch"], "could not be resolved"),
    (["remove", "users", "app-nosuch/1.0.0", "eve"], "could not be resolved"),
    (["add", "users", "caller", "nobody"], "ResourceNotFound"),
    (["add", "users", "caller", "org-nobody"], "ResourceNotFound"),
    (["add", "developers", "caller", "nobody"], "ResourceNotFound"),
    (["list", "developers", "globalworkflow-nosuch"], "could not be resolved"),
    (["remove", "developers", "caller", "user-emulator"], "InvalidInput")])
def test_users_and_developers_bad_input(twins, catalogue, words, message):
    code, _out, err = twins.assert_same(*words)
    assert code == 3 and message in err
    assert dxpy.api.app_list_authorized_users("app-caller")["authorizedUsers"] == []
    assert dxpy.api.app_list_developers("app-caller")["developers"] == ["user-emulator"]


def test_add_users_argument_errors(twins):
    assert "the following arguments are required: authorizedUser" in usage_error(twins, "add", "users", "caller")
    assert "the following arguments are required: executable" in usage_error(twins, "publish")


def test_list_users_by_an_authorized_user(dx_this, others, catalogue):
    # dxpy's dx reads the list from the description, which only developers get, and fails with a
    # KeyError; here the list route answers.
    dxpy.api.app_add_authorized_users("app-caller", input_params={"authorizedUsers": ["user-eve"]})
    try:
        result = dx_this.run("list", "users", "caller", env={"DX_SECURITY_CONTEXT": json.dumps(
            {"auth_token_type": "Bearer", "auth_token": others.tokens["user-eve"]})})
        assert (result.returncode, result.stdout) == (0, "user-eve\n")
    finally:
        dxpy.api.app_remove_authorized_users("app-caller", input_params={"authorizedUsers": ["user-eve"]})


# -- publish -------------------------------------------------------------------------------------

def test_publish_apps_and_global_workflows(twins, others):
    versions = [new_app("release", "1.0.%d" % n, authorizedUsers=["user-eve"]) for n in range(2)]
    code, out, err = outputs_of(twins, ["publish", versions[0]], ["publish", versions[1]])
    assert code == 0 and out == "" and err.splitlines() == [
        "Published app-<1> successfully", "It is now available to the authorized users: user-eve",
        "You can add or remove users with:", "  dx add users release user-xxxx", "  dx remove users release user-yyyy"]
    assert all("published" in dxpy.api.app_describe(version) for version in versions)
    assert "default" in dxpy.api.app_describe(versions[1])["aliases"]
    drafts = [new_app("release", "2.0.%d" % n) for n in range(2)]
    outputs_of(twins, ["publish", drafts[0], "--no-default"], ["publish", drafts[1], "--no-default"])
    assert "default" not in dxpy.api.app_describe(drafts[1])["aliases"]
    flows = [new_global_workflow("flow", "0.%d.0" % n) for n in range(2)]
    code, _out, err = outputs_of(twins, ["publish", flows[0]], ["publish", flows[1]])
    assert code == 0 and err.splitlines()[0] == "Published globalworkflow-<1> successfully"
    assert all("published" in dxpy.api.global_workflow_describe(flow) for flow in flows)
    with as_user(others.tokens["user-eve"]):
        assert dxpy.api.app_describe("app-release/1.0.1")["id"] == versions[1]


@pytest.mark.parametrize("words, message", [
    (["publish", "mapper"], 'Version is required, e.g. "myexec/1.0.0"'),
    (["publish", "nosuch/1.0.0"], "could not be resolved"),
    (["publish", "mapper/2.0.0"], "is already published")])
def test_publish_bad_input(twins, catalogue, words, message):
    code, _out, err = twins.assert_same(*words)
    assert code == 3 and message in err
    assert dxpy.api.app_describe("app-draft/0.0.1").get("published") is None


def test_find_results_as_data(catalogue):
    # The results behind dx find apps / globalworkflows, parsed from the same command lines.
    from dxpy.cli import registry
    from dxpy.scripts.dx import find_apps_result, find_global_workflows_result
    apps = find_apps_result(registry.build_parser(["find"]).parse_args(["find", "apps"]))
    found = [(app["describe"]["name"], app["describe"]["version"]) for app in apps]
    assert found == sorted(found)  # by name, the default version of each published app
    assert ("caller", "0.1.0") in found and ("mapper", "2.0.0") in found and ("mapper", "1.0.0") not in found
    brief = find_apps_result(registry.build_parser(["find"]).parse_args(["find", "apps", "--brief", "--name", "m*"]))
    assert list(brief) == [{"id": catalogue["mapper"]}]
    workflows = find_global_workflows_result(registry.build_parser(["find"]).parse_args(
        ["find", "globalworkflows", "--unpublished"]))
    assert [workflow["describe"]["name"] for workflow in workflows] == ["draftflow"]
