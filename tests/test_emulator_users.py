"""dxpy.emulator: users (``/user-xxxx/describe``), the auth server route and Emulator.add_user."""
import os

import pytest

import dxpy
import dxpy.api
import dxpy.emulator
from dxpy import exceptions
from emulator_model_helpers import fails, make_platform


@pytest.fixture
def env():
    return make_platform()


def test_describe_self_and_others(env):
    platform, alice, bob = env
    platform.add_user("carol", first="Carol", last="King", email="carol@lab.org")
    me = alice("/user-alice/describe")
    assert me["id"] == "user-alice" and me["class"] == "user" and me["handle"] == "alice"
    assert me["email"] == "alice@example.com" and me["billTo"] == "user-alice" and isinstance(me["created"], int)
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
