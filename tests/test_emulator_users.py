"""dxpy.emulator: users (``/user-xxxx/describe``), the auth server route and Emulator.add_user."""
import os
import signal
import subprocess

import pytest
import requests

import dxpy
import dxpy.api
import dxpy.emulator
from dx_cli import as_user
from dxpy import exceptions
from dxpy.emulator.errors import PlatformError
from emulator_model_helpers import fails, make_platform
from test_emulator_server import emulator_process


@pytest.fixture
def env():
    return make_platform()


def test_describe_self_and_others(env):
    platform, alice, bob = env
    platform.add_user("carol", first="Carol", last="King", email="carol@lab.org")
    me = alice("/user-alice/describe")
    assert me["id"] == "user-alice" and me["class"] == "user" and me["handle"] == "alice"
    assert me["email"] == "alice@example.com" and me["billTo"] == "user-alice" and isinstance(me["created"], int)
    assert me["permittedRegions"] == ["aws:us-east-1"]
    assert "appsInstalled" not in me and "orgs" not in me
    carol = alice("/user-carol/describe")
    assert carol == {"id": "user-carol", "class": "user", "handle": "carol", "first": "Carol", "middle": "",
                     "last": "King", "fullName": "Carol King"}  # no email or billing for others
    assert alice("/user-alice/describe", {"fields": {"email": True}}) == {"id": "user-alice",
                                                                         "email": "alice@example.com"}
    extra = alice("/user-alice/describe", {"appsInstalled": True, "subscriptions": True})
    assert extra["appsInstalled"] == {} and extra["subscriptions"] == []


def test_describe_lists_own_orgs_on_request(env):
    _, alice, _ = env
    alice("/org/new", {"handle": "lab", "name": "Lab"})
    assert alice("/user-alice/describe", {"fields": {"orgs": True}})["orgs"] == {"org-lab": "ADMIN"}


def test_describe_bad_input(env):
    _, alice, _ = env
    fails("ResourceNotFound", 404, alice, "/user-ghost/describe")
    fails("ResourceNotFound", 404, alice, "/user-no$pe/describe")
    fails("InvalidInput", 422, alice, "/user-alice/describe", {"fields": ["email"]})
    fails("InvalidInput", 422, alice, "/user-alice/describe", {"appsInstalled": "yes"})


def test_user_info_route(env):
    platform, alice, _ = env
    info = alice("/system/getUserInfo")
    assert info["username"] == "alice" and info["id"] == "user-alice" and info["email"] == "alice@example.com"


def test_add_user_rejects_bad_names(env):
    error = fails("InvalidInput", 422, env[0].add_user, "not a handle")
    assert "not a handle" in error.message


def test_emulator_add_user_and_auth_server_over_http(dx_emulator):
    from dxpy.bindings.auth import user_info

    assert dx_emulator.environment()["DX_AUTHSERVER_PORT"] == str(dx_emulator.port)
    assert os.environ["DX_AUTHSERVER_HOST"] == "http://" + dx_emulator.client_host
    info = user_info()
    assert info["username"] == "emulator" and info["id"] == dx_emulator.user_id
    bob, token = dx_emulator.add_user("bob", first="Bob", email="bob@lab.org")
    assert bob == "user-bob" and dx_emulator.platform.authenticate(token) == bob
    assert dxpy.api.user_describe(bob) == {"id": bob, "class": "user", "handle": "bob", "first": "Bob",
                                           "middle": "", "last": "", "fullName": "Bob"}
    assert dxpy.api.user_describe(dx_emulator.user_id)["email"] == "emulator@example.com"
    with pytest.raises(exceptions.ResourceNotFound):
        dxpy.api.user_describe("user-ghost")
    with pytest.raises(exceptions.InvalidInput):
        dxpy.api.user_describe(bob, {"fields": "all"})


def test_running_restores_auth_server_variables(monkeypatch):
    monkeypatch.delenv("DX_AUTHSERVER_HOST", raising=False)
    monkeypatch.setenv("DX_AUTHSERVER_PORT", "1234")
    with dxpy.emulator.running() as emulator:
        assert os.environ["DX_AUTHSERVER_PORT"] == str(emulator.port)
        assert dxpy.get_auth_server_name() == "http://%s:%d" % (emulator.client_host, emulator.port)
    assert "DX_AUTHSERVER_HOST" not in os.environ and os.environ["DX_AUTHSERVER_PORT"] == "1234"


# -- an emulator started with more users and orgs --------------------------------------------

def _as(token, call, *args):
    with as_user(token):
        return call(*args)


def test_running_with_users_and_orgs():
    orgs = {"org-lab": ["alice", "bob", "emulator"]}
    with dxpy.emulator.running(users=["alice", "bob=bobs-token"], orgs=orgs) as emu:
        assert emu.tokens["user-bob"] == "bobs-token" and emu.tokens[emu.user_id] == emu.token
        alice = emu.tokens["user-alice"]
        assert emu.platform.authenticate(alice) == "user-alice"
        assert _as(alice, dxpy.api.org_describe, "org-lab")["level"] == "ADMIN"
        assert _as("bobs-token", dxpy.api.org_describe, "org-lab")["level"] == "MEMBER"
        assert dxpy.api.user_describe(emu.user_id, {"fields": {"orgs": True}})["orgs"] == {"org-lab": "MEMBER"}
        found = _as(alice, dxpy.api.org_find_members, "org-lab", {})["results"]
        assert sorted((member["id"], member["level"]) for member in found) == [
            ("user-alice", "ADMIN"), ("user-bob", "MEMBER"), (emu.user_id, "MEMBER")]


@pytest.mark.parametrize("options, error", [
    ({"orgs": {"lab": ["ghost"]}}, ValueError), ({"orgs": {"lab": []}}, ValueError),
    ({"users": ["not a name"]}, PlatformError)])
def test_emulator_bad_users_and_orgs(options, error):
    with pytest.raises(error):
        dxpy.emulator.Emulator(**options)


def _serve(*arguments):
    return emulator_process(*(["-m", "dxpy.emulator", "--no-run-jobs"] + list(arguments)), stderr=subprocess.PIPE,
                            universal_newlines=True)


def test_command_line_users_and_orgs():
    with _serve("--users", "alice=alices-token", "bob", "--org", "lab=alice,bob") as process:
        exports = process.stdout.readline()
        assert exports.startswith("export ")
        lines = [process.stdout.readline().split() for _ in range(2)]
        assert lines[0] == ["#", "user-alice", "alices-token"] and lines[1][:2] == ["#", "user-bob"]
        port = [word for word in exports.split() if word.startswith("DX_APISERVER_PORT=")][0].split("=")[1]
        answer = requests.post("http://127.0.0.1:%s/org-lab/describe" % port, json={},
                               headers={"Authorization": "Bearer " + lines[1][2]})
        assert answer.status_code == 200 and answer.json()["level"] == "MEMBER"
        process.send_signal(signal.SIGTERM)
        assert process.wait(10) == 0


@pytest.mark.parametrize("arguments, message", [
    (["--org", "lab"], "expected HANDLE=NAME"), (["--org", "lab=ghost"], "unknown: user-ghost"),
    (["--users", "no way"], "not a user ID")])
def test_command_line_bad_users_and_orgs(arguments, message):
    with _serve(*arguments) as process:
        out, err = process.communicate(timeout=30)
    assert process.returncode == 2 and message in err and out == ""


@pytest.mark.dx_emulator(users=["carol"], orgs={"club": ["carol", "emulator"]})
def test_fixture_with_users_and_orgs(dx_emulator):
    assert dxpy.api.org_describe("org-club")["level"] == "MEMBER"
    with as_user(dx_emulator.tokens["user-carol"]):
        assert dxpy.api.org_describe("org-club")["level"] == "ADMIN"
