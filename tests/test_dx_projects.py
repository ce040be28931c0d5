"""dx invite, uninvite, update project, rmproject, new project, new record and api: output,
errors and exit codes compared with the reference dx, and the state they leave."""
import json

import pytest

import dxpy
from dx_cli import normalize, others_project

reference = pytest.mark.reference  # the tests that compare with the reference dx


def project_fields(project, *fields):
    return dxpy.api.project_describe(project, {"fields": dict.fromkeys(fields, True)})


def permissions(project):
    return project_fields(project, "permissions")["permissions"]


def run_each(twins, words_of, **kwargs):
    """Run both clients with their own words (``words_of(client)``); the raw results."""
    return [client.run(*words_of(client), **kwargs) for client in twins.clients]


def assert_same_results(twins, results):
    """The two raw results of ``run_each`` agree once normalized."""
    ref, this = [(result.returncode, normalize(result.stdout, [client.home]), normalize(result.stderr, [client.home]))
                 for client, result in zip(twins.clients, results)]
    assert this == ref


def last_line_and_code(twins, *words, **kwargs):
    """Both clients' exit code and last line of stderr (argparse errors print dx's own help first)."""
    results = [client.run(*words, **kwargs) for client in twins.clients]
    ref, this = [(result.returncode, result.stderr.strip().splitlines()[-1]) for result in results]
    assert this == ref
    return this


def new_project_ids(results):
    return [result.stdout.split()[-1].strip("()") for result in results]


# -- invite / uninvite ---------------------------------------------------------------------------

@reference
def test_invite_and_uninvite(twins, cli_emulator):
    cli_emulator.add_user("bob")
    assert twins.assert_same("invite", "bob", "{project}:", "CONTRIBUTE")[1] == \
        "Invited user-bob to project-<1> (fulfilled)\n"
    twins.assert_same("invite", "PUBLIC", "--no-email")
    for client in twins.clients:
        assert permissions(client.project) == {"user-emulator": "ADMINISTER", "user-bob": "CONTRIBUTE",
                                               "PUBLIC": "VIEW"}
    assert twins.assert_same("uninvite", "Bob", "{project}")[1] == "Uninvited user-bob from project-<1>\n"
    twins.assert_same("uninvite", "PUBLIC")
    for client in twins.clients:
        assert permissions(client.project) == {"user-emulator": "ADMINISTER"}


@reference
def test_invite_errors(twins, cli_emulator):
    cli_emulator.add_user("bob")
    bobs = others_project(cli_emulator, level="VIEW")
    twins.assert_same("invite", "bob", "no-such-project")
    twins.assert_same("invite", "nobody-here", "{project}")
    twins.assert_same("uninvite", "bob", "no-such-project:")
    twins.assert_same("invite", "user-emulator", bobs, "ADMINISTER")
    twins.assert_same("uninvite", "bob", bobs)
    assert last_line_and_code(twins, "invite", "bob", "{project}", "OWNER")[0] == 2
    for client in twins.clients:
        assert permissions(client.project) == {"user-emulator": "ADMINISTER"}
    assert permissions(bobs) == {"user-bob": "ADMINISTER", "user-emulator": "VIEW"}


# -- update project ------------------------------------------------------------------------------

_UPDATED_FIELDS = ("name", "summary", "description", "protected", "restricted", "downloadRestricted",
                   "databaseUIViewOnly", "containsPHI", "allowedExecutables", "externalUploadRestricted",
                   "previewViewerRestricted", "httpsAppIsolatedBrowsing", "httpsAppIsolatedBrowsingOptions",
                   "databaseResultsRestricted")


@reference
def test_update_project(twins):
    twins.assert_same("update", "project", "{project}", "--name", "renamed", "--summary", "in short",
                      "--description", "at length", "--protected", "true", "--restricted", "true",
                      "--download-restricted", "true", "--database-ui-view-only", "true",
                      "--external-upload-restricted", "true", "--containsPHI", "true",
                      "--preview-viewer-restricted", "true", "--https-app-isolated-browsing", "true",
                      "--https-app-isolated-browsing-options", '{"allowList": ["a.org"]}',
                      "--allowed-executables", "applet-000000000000000000000001", "applet-000000000000000000000002",
                      "--database-results-restricted", "10")
    state = assert_same_project_states(twins)
    assert (state["name"], state["protected"], state["allowedExecutables"], state["databaseResultsRestricted"],
            state["httpsAppIsolatedBrowsingOptions"]) == (
        "renamed", True, ["applet-000000000000000000000001", "applet-000000000000000000000002"], 10,
        {"allowList": ["a.org"]})
    assert twins.assert_same("update", "project", "{project}:", "--protected", "false", "--brief")[1] == "project-<1>\n"
    twins.assert_same("update", "project", "{project}", "--unset-allowed-executables",
                      "--unset-database-results-restricted")
    state = assert_same_project_states(twins)
    assert state["protected"] is False
    assert state["allowedExecutables"] is None and state["databaseResultsRestricted"] is None  # unset: null


def assert_same_project_states(twins):
    """The projects of the two clients have the same settings; those of this one's."""
    ref, this = [project_fields(client.project, *_UPDATED_FIELDS) for client in twins.clients]
    this.pop("id"), ref.pop("id")
    assert this == ref
    return this


@reference
def test_update_project_errors(twins, cli_emulator):
    bobs = others_project(cli_emulator, level="VIEW")
    twins.assert_same("update", "project", "no-such-project", "--name", "x")
    twins.assert_same("update", "project", bobs, "--name", "taken")
    assert last_line_and_code(twins, "update", "project", "{project}", "--protected", "maybe")[0] == 2
    # dxpy reports bad JSON here with a traceback and exit 1; this dx says it plainly, exit 3
    result = twins.this.run("update", "project", "{project}", "--name", "x",
                            "--https-app-isolated-browsing-options", "{bad")
    assert (result.returncode, result.stdout) == (3, "")
    assert result.stderr == ("dxpy.cli.parsers.DXParserError: Error while parsing the value for "
                             "--https-app-isolated-browsing-options\n")
    for client in twins.clients:
        assert project_fields(client.project, "name")["name"] == "dx-compare"
    assert project_fields(bobs, "name")["name"] == "not-yours"


# -- rmproject -----------------------------------------------------------------------------------

def project_exists(project):
    try:
        dxpy.api.project_describe(project)
    except dxpy.exceptions.ResourceNotFound:
        return False
    return True


@reference
def test_rmproject(twins):
    twins.assert_same("rmproject", "{project}", stdin="yes\n")
    assert not any(project_exists(client.project) for client in twins.clients)
    results = run_each(twins, lambda client: ["rmproject", "-y", "-q"] + [
        dxpy.api.project_new({"name": "more"})["id"] for _ in range(2)])
    assert_same_results(twins, results)
    assert [result.stdout for result in results] == ["", ""]
    results = run_each(twins, lambda client: ["rmproject", "-y", dxpy.api.project_new({"name": "one:"})["id"] + ":"])
    assert_same_results(twins, results)
    assert results[1].stdout == 'Successfully deleted project "one:"\n'


@reference
def test_rmproject_errors(twins, cli_emulator):
    bobs = others_project(cli_emulator, level="CONTRIBUTE")
    twins.assert_same("rmproject", "{project}", stdin="no\n")
    # no answer: dxpy shows a traceback of the EOFError; this dx ends the prompt's line and exits 3
    ref, this = [client.run("rmproject", "{project}") for client in twins.clients]
    assert (this.returncode, normalize(this.stdout), this.stderr) == (3, normalize(ref.stdout) + "\n", "")
    assert ref.returncode == 3 and ref.stderr.endswith("EOFError: EOF when reading a line\n")
    twins.assert_same("rmproject", "-y", "no-such-project", "{project}:folder", ":", "dx-compare")
    twins.assert_same("rmproject", "-y", bobs)
    assert all(project_exists(client.project) for client in twins.clients)
    assert project_exists(bobs)
    # the others are still removed, and dx exits 3
    assert twins.assert_same("rmproject", "-y", "no-such-project", "{project}")[0] == 3
    assert not any(project_exists(client.project) for client in twins.clients)


# -- new project ---------------------------------------------------------------------------------

_NEW_PROJECT_FIELDS = ("name", "region", "containsPHI", "databaseUIViewOnly", "billTo", "level")


def assert_same_projects(ids):
    ref, this = [project_fields(project, *_NEW_PROJECT_FIELDS) for project in ids]
    this.pop("id"), ref.pop("id")
    assert this == ref
    return this


def saved_session(client):
    """The variables the client saved for later commands."""
    with open(str(client.home / ".dnanexus_config" / "environment.json")) as saved:
        variables = json.load(saved)
    return {name: variables[name] for name in ("DX_PROJECT_CONTEXT_ID", "DX_PROJECT_CONTEXT_NAME", "DX_CLI_WD")}


@reference
def test_new_project(twins):
    results = run_each(twins, lambda client: ["new", "project", "fresh one", "--phi", "--database-ui-view-only",
                                              "--region", "aws:us-east-1", "--bill-to", "user-emulator"])
    assert_same_results(twins, results)
    assert results[1].stdout.startswith('Created new project called "fresh one" (project-')
    assert assert_same_projects(new_project_ids(results)) == {
        "name": "fresh one", "region": "aws:us-east-1", "containsPHI": True, "databaseUIViewOnly": True,
        "billTo": "user-emulator", "level": "ADMINISTER"}
    results = run_each(twins, lambda client: ["new", "project", "--brief", "-s", "selected"])
    assert_same_results(twins, results)
    ids = new_project_ids(results)
    assert_same_projects(ids)
    for client, project in zip(twins.clients, ids):
        assert saved_session(client) == {"DX_PROJECT_CONTEXT_ID": project, "DX_PROJECT_CONTEXT_NAME": "selected",
                                         "DX_CLI_WD": "/"}


def project_count(name):
    return len(dxpy.api.system_find_projects({"name": name})["results"])


@reference
def test_new_project_errors(twins):
    assert last_line_and_code(twins, "new", "project") == (3, "No project name supplied, and input is not interactive")
    twins.assert_same("new", "project", "refused", "--bill-to", "org-nosuchorg")
    twins.assert_same("new", "project", "refused", "--region", "nowhere")
    twins.assert_same("new", "project", "refused", "--default-symlink", "{not json")
    assert last_line_and_code(twins, "new", "project", "refused", "--monthly-compute-limit", "0")[0] == 2
    assert project_count("refused") == 0


# -- new record ----------------------------------------------------------------------------------

_RECORD_FIELDS = {"name": True, "folder": True, "state": True, "hidden": True, "types": True, "tags": True,
                  "properties": True, "details": True}


def records_in(project):
    """The records of *project*: name -> metadata."""
    found = dxpy.api.system_find_data_objects({"scope": {"project": project}, "class": "record", "visibility": "either",
                                               "describe": {"fields": _RECORD_FIELDS}})["results"]
    named = {}  # of records with the same name, the one with the last details (as JSON)
    for desc in sorted((result["describe"] for result in found), key=lambda desc: json.dumps(desc["details"])):
        if desc["name"] == desc["id"]:
            desc["name"] = "<unnamed>"
        named[desc["name"]] = desc
    return named


def assert_same_records(twins):
    ref, this = [records_in(client.project) for client in twins.clients]
    for records in (ref, this):
        for desc in records.values():
            desc.pop("id")
    assert this == ref
    return this


@reference
def test_new_record(twins):
    twins.assert_same("new", "record", "{project}:/a/b/full", "-p", "--type", "T1", "--type", "T2", "--tag", "t",
                      "--property", "k=v", "--property", "e=", "--details", '{"x": [1, 2]}', "--visibility", "hidden",
                      "--close")
    twins.assert_same("new", "record", "-o", "plain", "--brief")
    twins.assert_same("new", "record", "--init", "/a/b/full", "{project}:/a/copied", "--tag", "extra", "--verbose")
    twins.assert_same("new", "record", "--brief", env={"DX_CLI_WD": "/a"})
    records = assert_same_records(twins)
    assert records["full"] == {"name": "full", "folder": "/a/b", "state": "closed", "hidden": True,
                               "types": ["T1", "T2"], "tags": ["t"], "properties": {"k": "v", "e": ""},
                               "details": {"x": [1, 2]}}
    assert records["copied"]["details"] == {"x": [1, 2]} and records["copied"]["state"] == "open"
    assert records["plain"]["folder"] == "/"
    assert records["<unnamed>"]["folder"] == "/a"


@reference
def test_new_record_errors(twins, cli_emulator):
    bobs = others_project(cli_emulator, level="VIEW")
    twins.assert_same("new", "record", "r", "--details", "{not json")
    twins.assert_same("new", "record", "r", "--property", "novalue")
    twins.assert_same("new", "record", "r", "--property", "=v")
    twins.assert_same("new", "record", "{project}:/missing/r")
    twins.assert_same("new", "record", "r", "-o", "s")
    twins.assert_same("new", "record", "r", "--init", "no-such-record")
    twins.assert_same("new", "record", "no-such-project:r")
    twins.assert_same("new", "record", bobs + ":r")
    assert last_line_and_code(twins, "new", "record", "r", "--visibility", "secret")[0] == 2
    assert assert_same_records(twins) == {}
    assert records_in(bobs) == {}


# -- api -----------------------------------------------------------------------------------------

@reference
def test_api(twins, tmp_path):
    twins.assert_same("api", "{project}", "describe", '{"fields": {"name": true, "tags": true}}')
    twins.assert_same("api", "system", "whoami")
    twins.assert_same("api", "{project}", "addTags", "--input", "-", stdin='{"tags": ["from stdin"]}')
    (tmp_path / "input.json").write_text('{"properties": {"from": "file"}}')
    twins.assert_same("api", "{project}", "setProperties", "--input", str(tmp_path / "input.json"))
    for client in twins.clients:
        assert project_fields(client.project, "tags", "properties") == {
            "id": client.project, "tags": ["from stdin"], "properties": {"from": "file"}}


@reference
def test_api_errors(twins, cli_emulator, tmp_path):
    bobs = others_project(cli_emulator, level="VIEW")
    (tmp_path / "bad.json").write_text("{bad")
    twins.assert_same("api", "{project}", "addTags", "{bad")
    twins.assert_same("api", "{project}", "addTags", "--input", str(tmp_path / "bad.json"))
    twins.assert_same("api", "{project}", "addTags", "--input", "-", stdin="")
    twins.assert_same("api", "{project}", "addTags", '{"tags": "not a list"}')
    twins.assert_same("api", "{project}", "noSuchMethod")
    twins.assert_same("api", "record-000000000000000000000000", "describe")
    twins.assert_same("api", bobs, "addTags", '{"tags": ["mine"]}')
    assert last_line_and_code(twins, "api", "{project}")[0] == 2
    for client in twins.clients:
        assert project_fields(client.project, "tags")["tags"] == []
    assert project_fields(bobs, "tags")["tags"] == []


# -- the helpers dxpy.scripts.dx exports ---------------------------------------------------------

def test_exported_helpers(monkeypatch):
    import datetime
    from dxpy.scripts import dx
    assert dx.process_list_of_usernames(["Alice", "org-lab", "user-bob", "PUBLIC"]) == [
        "user-alice", "org-lab", "user-bob", "PUBLIC"]
    assert dx.render_timestamp(1700000000999) == datetime.datetime.fromtimestamp(1700000000).strftime(
        "%Y-%m-%d %H:%M:%S")
    answers = iter(['{"a": [1]}', "{bad"])
    monkeypatch.setattr("builtins.input", lambda prompt: next(answers))
    assert dx.get_json_from_stdin() == {"a": [1]}
    with pytest.raises(dxpy.exceptions.DXCLIError, match="user input could not be parsed as JSON"):
        dx.get_json_from_stdin()
