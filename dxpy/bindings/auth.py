"""Who is calling: the user's ID (:func:`whoami`) and the auth server's user info (:func:`user_info`)."""
from dxpy import get_auth_server_name, DXHTTPRequest  # noqa: F401  (dxpy exposes both here)
from dxpy.api import system_whoami

__all__ = ["user_info", "whoami"]


def user_info(authserver_host=None, authserver_port=None, authserver_protocol="https"):
    """The auth server's ``/system/getUserInfo`` answer for the current token (the auth server
    is the one paired with the API server unless *authserver_host* and *authserver_port* are
    given, reached over *authserver_protocol*). Prefer :func:`whoami` where the user ID is enough."""
    import dxpy
    authserver = get_auth_server_name(authserver_host, authserver_port, protocol=authserver_protocol)
    named = authserver_host is not None or authserver_port is not None
    # The token goes to the auth server the caller names, not only to the API server's own.
    return DXHTTPRequest(authserver + "/system/getUserInfo", {}, prepend_srv=False,
                         auth=dxpy.AUTH_HELPER if named else True)


def whoami():
    """The ID of the user the current token belongs to (``user-xxxx``)."""
    return system_whoami()["id"]
