"""dx new user: the auth server's /user/new in the emulator, compared with dxpy's dx."""
import pytest

import dxpy
from dxpy.exceptions import InvalidInput, InvalidState, PermissionDenied, ResourceNotFound

pytestmark = pytest.mark.reference


@pytest.fixture(scope="module")
def org(cli_emulator):
    """An org the emulator's user administers."""
    return dxpy.api.org_new({"handle": "provisioning", "name": "Provisioning"})["id"]


def user_new(payload):
    return dxpy.DXHTTPRequest(dxpy.get_auth_server_name() + "/user/new", payload, prepend_srv=False, max_retries=0)


def test_new_user_on_behalf_of_an_org(twins, org):
    for name, client in (("refuser", twins.ref), ("thisuser", twins.this)):
        result = client.run("new", "user", "-u", name.capitalize(), "--email", name + "@example.org", "--first",
                            "Ada", "--last", "Lovelace", "--on-behalf-of", org)
        assert (result.returncode, result.stdout) == (0, "Created new user account (user-%s)\n" % name), \
            result.stderr
        desc = dxpy.api.user_describe("user-" + name)
        assert (desc["first"], desc["last"], desc["handle"]) == ("Ada", "Lovelace", name)


def test_new_user_invited_to_the_org(twins, org):
    for name, client in (("refmember", twins.ref), ("thismember", twins.this)):
        result = client.run("new", "user", "-u", name, "--email", name + "@example.org", "--on-behalf-of", org,
                            "--org", org, "--set-bill-to", "--no-app-access", "--project-access", "VIEW", "--brief")
        assert (result.returncode, result.stdout) == (0, "user-%s\n" % name), result.stderr
    members = {member["id"]: member for member in dxpy.api.org_find_members(org, {})["results"]}
    for name in ("refmember", "thismember"):
        member = members["user-" + name]
        assert (member["level"], member["allowBillableActivities"], member["appAccess"], member["projectAccess"]) == (
            "MEMBER", True, False, "VIEW")


@pytest.mark.parametrize("words", [
    ["-u", "lonely", "--email", "l@example.org", "--level", "ADMIN"],            # an org option without --org
    ["-u", "noorg", "--email", "n@example.org"],                                 # nobody to provision it
    ["-u", "toolong", "--email", "t@example.org", "--on-behalf-of", "{org}", "--token-duration", "31d"],
    ["-u", "x", "--email", "x@example.org", "--on-behalf-of", "{org}"],          # username too short
    ["-u", "emulator", "--email", "e@example.org", "--on-behalf-of", "{org}"],  # taken
])
def test_new_user_bad_input_creates_nothing(twins, org, words):
    words = [word.replace("{org}", org) for word in words]
    ref, this = twins.outputs("new", "user", *words)
    # dxpy's dx ends a too long --token-duration on a ValueError (exit 1); here it is invalid input.
    assert (this[0], ref[0]) == (3, 1 if "--token-duration" in words else 3)
    assert this[1] == ref[1] == ""
    if words[1] != "emulator":
        with pytest.raises(ResourceNotFound):
            dxpy.api.user_describe("user-" + words[1])


def test_new_user_needs_username_and_email(twins):
    ref, this = twins.outputs("new", "user", "--email", "a@example.org")
    assert this[0] == ref[0] == 2
    assert this[2].splitlines()[-1] == ref[2].splitlines()[-1] == (
        "dx new user: error: the following arguments are required: -u/--username")


def test_user_new_route_checks(cli_emulator, org):
    with pytest.raises(PermissionDenied):
        user_new({"username": "nobody", "email": "n@example.org"})
    with pytest.raises(InvalidInput):
        user_new({"username": "bademail", "email": "nowhere", "provisioningOrg": org})
    with pytest.raises(InvalidInput):
        user_new({"username": "longtoken", "email": "l@example.org", "provisioningOrg": org,
                  "tokenDuration": 31 * 24 * 3600 * 1000})
    assert user_new({"username": "Routed.User", "email": "r@example.org", "provisioningOrg": org}) == {
        "id": "user-routed.user"}
    with pytest.raises(InvalidState):
        user_new({"username": "routed.user", "email": "r@example.org", "provisioningOrg": org})
