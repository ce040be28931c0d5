"""Who is calling: the user's ID (:func:`whoami`) and the auth server's user info (:func:`user_info`)."""
from dxpy import get_auth_server_name, DXHTTPRequest  # noqa: F401  (dxpy exposes both here)
from dxpy.api import system_whoami

__all__ = ["user_info", "whoami"]


def user_info(authserver_host=None, authserver_port=None, authserver_protocol="https"):
    """The auth server's ``/system/getUserInfo`` answer for the current token (the auth server
    is the one paired with the API server unless *authserver_host* and *authserver_port* are
    given, reached over *authserver_protocol*). Prefer :func:`whoami` where the user ID is enough."""
    authserver = get_auth_server_name(authserver_host, authserver_port, protocol=authserver_protocol)
    return DXHTTPRequest(authserver + "/system/getUserInfo", {}, prepend_srv=False)


def whoami():
    """The ID of the user the current token belongs to (``user-xxxx``)."""
    return system_whoami()["id"]
