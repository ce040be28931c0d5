"""dx invite, uninvite, update project, rmproject, new project, new record and api: output,
errors and exit codes compared with the reference dx, and the state they leave."""
import json

import pytest

import dxpy
from dx_cli import normalize, others_project

pytestmark = pytest.mark.reference


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
                   "databaseUIViewOnly", "containsPHI", "allowedExecutables", "externalUploadRestricted")


def test_update_project(twins):
    twins.assert_same("update", "project", "{project}", "--name", "renamed", "--summary", "in short",
                      "--description", "at length", "--protected", "true", "--restricted", "true",
                      "--download-restricted", "true", "--database-ui-view-only", "true",
                      "--external-upload-restricted", "true", "--containsPHI", "true")
    twins.assert_same("update", "project", "{project}:", "--protected", "false", "--brief")
    states = [normalize(json.dumps(project_fields(client.project, *_UPDATED_FIELDS), sort_keys=True))
              for client in twins.clients]
    assert states[0] == states[1]
    assert json.loads(states[1])["name"] == "renamed"
    assert json.loads(states[1])["protected"] is False


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
