"""dxpy.bindings.auth: whoami and user_info against the emulator (API server and auth server)."""
import pytest

import dxpy
from dxpy.bindings import auth
from dxpy.exceptions import DXError, InvalidAuthentication


def test_whoami(dx_emulator):
    assert auth.whoami() == dx_emulator.user_id
    assert dxpy.bindings.whoami is auth.whoami


def test_whoami_with_a_bad_token(dx_emulator, monkeypatch):
    monkeypatch.setattr(dxpy, "AUTH_HELPER", None)
    dxpy.set_security_context({"auth_token_type": "Bearer", "auth_token": "not-a-token"})
    with pytest.raises(InvalidAuthentication):
        auth.whoami()


def test_user_info_from_the_paired_auth_server(dx_emulator):
    info = auth.user_info()
    assert info["user_id"] == dx_emulator.user_id
    assert info["username"] == dx_emulator.user_id[len("user-"):]


def test_user_info_explicit_auth_server(dx_emulator, monkeypatch):
    # with DX_AUTHSERVER_* unset only an explicit host and port say where the auth server is
    monkeypatch.delenv("DX_AUTHSERVER_HOST", raising=False)
    monkeypatch.delenv("DX_AUTHSERVER_PORT", raising=False)
    with pytest.raises(DXError, match="DX_AUTHSERVER_HOST"):
        auth.user_info()
    info = auth.user_info(dx_emulator.client_host, dx_emulator.port, authserver_protocol="http")
    assert info["user_id"] == dx_emulator.user_id
    assert auth.user_info(authserver_host=dx_emulator.client_host, authserver_port=str(dx_emulator.port),
                          authserver_protocol="http") == info


def test_user_info_needs_host_and_port_together(dx_emulator):
    with pytest.raises(DXError, match="Both host and port"):
        auth.user_info(authserver_host="127.0.0.1")
    with pytest.raises(DXError, match="Both host and port"):
        auth.user_info(authserver_port=443)


def test_user_info_sends_the_token_to_the_auth_server(dx_emulator, monkeypatch):
    monkeypatch.setattr(dxpy, "AUTH_HELPER", None)
    dxpy.set_security_context({"auth_token_type": "Bearer", "auth_token": "wrong"})
    with pytest.raises(InvalidAuthentication):
        auth.user_info()


def test_user_info_sends_the_token_to_the_auth_server_named(dx_emulator):
    # the API server is elsewhere (the emulator puts it back): the caller names this auth server
    dxpy.set_api_server_info(host="api.example.org", port=443, protocol="https")
    info = auth.user_info(dx_emulator.client_host, dx_emulator.port, authserver_protocol="http")
    assert info["user_id"] == dx_emulator.user_id
