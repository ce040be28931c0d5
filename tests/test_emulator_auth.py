"""dxpy.emulator: the auth server's token routes, ``/system/newAuthToken`` (log in with a
username and password) and ``/system/destroyAuthToken`` (log out)."""
import hashlib

import pytest

import dxpy
from dxpy import exceptions
from emulator_model_helpers import fails, make_platform


def _signature(token):
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def test_password_buys_a_token_that_acts_for_the_user():
    platform, _, _ = make_platform()
    platform.add_user("carol", password="s3cret")
    answer = platform.call(None, "/system/newAuthToken",
                           {"username": "carol", "password": "s3cret", "otp": None, "expires": 1234})
    assert answer["token_type"] == "Bearer" and answer["user_id"] == "user-carol" and answer["expires"] == 1234
    assert answer["token_signature"] == _signature(answer["access_token"])
    assert platform.authenticate(answer["access_token"]) == "user-carol"


@pytest.mark.parametrize("username, password", [("carol", "wrong"), ("ghost", "s3cret"), ("alice", "")])
def test_wrong_credentials_are_refused(username, password):
    platform, _, _ = make_platform()  # alice exists but has no password
    platform.add_user("carol", password="s3cret")
    error = fails("UsernameOrPasswordError", 401, platform.call, None, "/system/newAuthToken",
                  {"username": username, "password": password})
    assert error.message == "Incorrect username and/or password"
    fails("InvalidInput", 422, platform.call, None, "/system/newAuthToken", {"username": "carol"})


def test_destroy_revokes_only_the_callers_token_with_that_signature():
    platform, alice, bob = make_platform()
    fails("ResourceNotFound", 404, alice, "/system/destroyAuthToken", {"tokenSignature": _signature(bob.token)})
    assert platform.authenticate(bob.token) == "user-bob"
    assert alice("/system/destroyAuthToken", {"tokenSignature": _signature(alice.token)}) == {}
    assert platform.authenticate(alice.token) is None
    fails("InvalidInput", 422, bob, "/system/destroyAuthToken", {})


def test_login_and_logout_over_http(dx_emulator):
    dx_emulator.add_user("dora", password="pw")
    authserver = dxpy.get_auth_server_name()
    answer = dxpy.DXHTTPRequest(authserver + "/system/newAuthToken", {"username": "dora", "password": "pw"},
                                prepend_srv=False, auth=None)
    dxpy.set_security_context({"auth_token_type": "Bearer", "auth_token": answer["access_token"]})
    assert dxpy.whoami() == "user-dora"
    dxpy.DXHTTPRequest(authserver + "/system/destroyAuthToken",
                       {"tokenSignature": _signature(answer["access_token"])}, prepend_srv=False)
    with pytest.raises(exceptions.InvalidAuthentication):
        dxpy.whoami()
    with pytest.raises(exceptions.DXAPIError) as info:
        dxpy.DXHTTPRequest(authserver + "/system/newAuthToken", {"username": "dora", "password": "no"},
                           prepend_srv=False, auth=None)
    assert (info.value.name, info.value.code) == ("UsernameOrPasswordError", 401)
