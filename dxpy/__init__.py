"""Python client library for the DNAnexus platform API.

Configuration is loaded when the package is imported, in decreasing priority:

1. environment variables (``DX_SECURITY_CONTEXT``, ``DX_APISERVER_HOST``, ...);
2. the per-shell session directory, ``~/.dnanexus_config/sessions/<shell pid>``;
3. the user directory, ``$DX_USER_CONF_DIR`` or ``~/.dnanexus_config``;
4. the global directory, ``/etc/dnanexus`` (``$DX_GLOBAL_CONF_DIR`` overrides it);
5. built-in defaults (``https://api.dnanexus.com:443``, no token).

The result lives in module globals (``APISERVER``, ``SECURITY_CONTEXT``, ``JOB_ID``, ...)
that the ``set_*`` functions change. ``dxpy.config`` is the mutable view over the variables.

Importing stays cheap: the HTTP stack, the exceptions, the API wrappers and the bindings
are loaded on first use.
"""
import importlib
import os
import sys

from .toolkit_version import version as TOOLKIT_VERSION

__version__ = TOOLKIT_VERSION

API_VERSION = "1.0.0"

DEFAULT_APISERVER_PROTOCOL = "https"
DEFAULT_APISERVER_HOST = "api.dnanexus.com"
DEFAULT_APISERVER_PORT = "443"

DEFAULT_RETRIES = 6
DEFAULT_TIMEOUT = 905
INCOMPLETE_READS_NUM_SUBCHUNKS = 8

APISERVER_PROTOCOL = DEFAULT_APISERVER_PROTOCOL
APISERVER_HOST = DEFAULT_APISERVER_HOST
APISERVER_PORT = DEFAULT_APISERVER_PORT
APISERVER = "%s://%s" % (APISERVER_PROTOCOL, APISERVER_HOST)
_apiserver_url_has_port = False  # like dxpy, the URL names a port only once one is given

SECURITY_CONTEXT = None
AUTH_HELPER = None
JOB_ID = None
WORKSPACE_ID = None
PROJECT_CONTEXT_ID = None
WATCH_PORT = None

basestring = (str, bytes)
counter = 0


def _platform_name():
    # platform.platform() costs a few milliseconds at import; uname says the same.
    try:
        uname = os.uname()
    except AttributeError:  # Windows
        return sys.platform
    return "%s-%s-%s" % (uname.sysname, uname.release, uname.machine)


USER_AGENT = "dxpy/%s (%s) Python/%s" % (TOOLKIT_VERSION, _platform_name(), sys.version.split()[0])


def _debug_level_from_env():
    try:
        return int(os.environ.get("_DX_DEBUG", "0") or "0")
    except ValueError:
        _warn("_DX_DEBUG should be 0, 1, 2 or 3, not %r; debug output is off" % os.environ["_DX_DEBUG"])
        return 0


def _warn(message):
    import warnings
    warnings.warn("dxpy: " + message, RuntimeWarning, stacklevel=3)


# Problems found in the configuration, keyed by the variable or file they concern. Import
# never fails because of them; every request raises a DXError that names them until the
# caller replaces the bad value with a setter.
_config_problems = {}


def _report_config_problem(source, message, warn=True):
    _config_problems[source] = message
    if warn:
        _warn(message)


def _raise_if_misconfigured():
    if _config_problems:
        _raise_dxerror("dxpy is not configured correctly: " + "; ".join(_config_problems.values()))


_API_SERVER_VARIABLES = ("DX_APISERVER_HOST", "DX_APISERVER_PORT", "DX_APISERVER_PROTOCOL")


def _api_server_problem(host=None, port=None, protocol=None):
    """Why these API server settings are unusable, or None when they are fine."""
    if protocol is not None and protocol not in ("http", "https"):
        return "the API server protocol must be 'http' or 'https', not %r" % (protocol,)
    if port is not None and port != "" and not str(port).isdigit():
        return "the API server port must be a number, not %r" % (port,)
    if host is not None and (not isinstance(host, str) or not host or "/" in host):
        return "the API server host must be a host name such as 'api.dnanexus.com', not %r" % (host,)
    return None


def set_api_server_info(host=None, port=None, protocol=None):
    """Point dxpy at another API server. Parts left as None keep their current value
    (dxpy dropped the port from ``APISERVER`` then; here it stays); an empty *port*
    leaves the port out of the URL."""
    global APISERVER_PROTOCOL, APISERVER_HOST, APISERVER_PORT, APISERVER, _apiserver_url_has_port
    problem = _api_server_problem(host, port, protocol)
    if problem:
        _raise_dxerror(problem)
    if host is not None:
        APISERVER_HOST = host
    if port is not None:
        APISERVER_PORT = port
    if protocol is not None:
        APISERVER_PROTOCOL = protocol
    if port is not None:
        _apiserver_url_has_port = port != ""
    if _apiserver_url_has_port:
        APISERVER = "%s://%s:%s" % (APISERVER_PROTOCOL, APISERVER_HOST, APISERVER_PORT)
    else:
        APISERVER = APISERVER_PROTOCOL + "://" + APISERVER_HOST
    for name, value in zip(_API_SERVER_VARIABLES, (host, port, protocol)):
        if value is not None:
            _config_problems.pop(name, None)


def _security_context_problem(security_context):
    """Why *security_context* cannot authenticate requests, or None when it can."""
    if not isinstance(security_context, dict):
        return "the security context must be a JSON object, not %s" % type(security_context).__name__
    for key in ("auth_token", "auth_token_type"):
        if not isinstance(security_context.get(key), str):
            return "the security context needs a string %r" % key
    if security_context["auth_token_type"].lower() != "bearer":
        return "the security context's auth_token_type must be 'Bearer', not %r" % (
            security_context["auth_token_type"],)
    return None


class DXHTTPOAuth2(object):
    """Adds the Bearer token of *security_context* to a request's headers when called with
    an object that has a mutable ``headers`` mapping."""

    def __init__(self, security_context):
        self.security_context = security_context

    def __call__(self, r):
        problem = _security_context_problem(self.security_context)
        if problem:
            _raise_dxerror(problem)
        r.headers["Authorization"] = "Bearer " + self.security_context["auth_token"]
        return r


def set_security_context(security_context):
    """Authenticate requests with *security_context*, a dict such as
    ``{"auth_token_type": "Bearer", "auth_token": "..."}``."""
    global SECURITY_CONTEXT, AUTH_HELPER
    problem = _security_context_problem(security_context)
    if problem:
        _raise_dxerror(problem)
    SECURITY_CONTEXT = security_context
    AUTH_HELPER = DXHTTPOAuth2(security_context)
    # A valid token replaces whatever a bad variable or file would have provided.
    for source in [s for s in _config_problems if s not in _API_SERVER_VARIABLES]:
        del _config_problems[source]


def set_job_id(dxid):
    """Set the ID of the running job (tests use it to pretend to run inside one)."""
    global JOB_ID
    JOB_ID = dxid


def set_workspace_id(dxid):
    """Set the default container in which objects are created and names resolved."""
    global WORKSPACE_ID
    WORKSPACE_ID = dxid


def set_project_context(dxid):
    """Set the project context of the running job; the workspace is unchanged."""
    global PROJECT_CONTEXT_ID
    PROJECT_CONTEXT_ID = dxid


def set_watch_port(port=None):
    """Set the port used to stream job logs inside the Execution Environment."""
    global WATCH_PORT
    WATCH_PORT = port


_AUTH_SERVERS = {
    "api.dnanexus.com": "https://auth.dnanexus.com",
    "stagingapi.dnanexus.com": "https://stagingauth.dnanexus.com",
    "api.cn.dnanexus.com": "https://auth.cn.dnanexus.com:8001",
    "stagingapi.cn.dnanexus.com": "https://stagingauth.cn.dnanexus.com:7001",
}


def get_auth_server_name(host_override=None, port_override=None, protocol="https"):
    """The URL of the auth server that belongs to the configured API server."""
    if host_override is not None or port_override is not None:
        if host_override is None or port_override is None:
            _raise_dxerror("Both host and port must be specified if either is specified")
        return "%s://%s:%s" % (protocol, host_override, port_override)
    if APISERVER_HOST in _AUTH_SERVERS:
        return _AUTH_SERVERS[APISERVER_HOST]
    if APISERVER_HOST in ("localhost", "127.0.0.1", "apiserver"):
        host, port = os.environ.get("DX_AUTHSERVER_HOST"), os.environ.get("DX_AUTHSERVER_PORT")
        if not host or not port:
            _raise_dxerror("Must set authserver env vars (DX_AUTHSERVER_HOST, DX_AUTHSERVER_PORT) "
                           "if apiserver is %s." % APISERVER_HOST)
        return host + ":" + port
    _raise_dxerror("Could not determine which auth server is associated with %s." % APISERVER_HOST)


def append_underlying_workflow_describe(globalworkflow_desc):
    """Add ``workflowDescribe`` (the underlying workflow's description) to every region of
    a global workflow's description; other descriptions are returned unchanged."""
    if (not globalworkflow_desc or globalworkflow_desc.get("class") != "globalworkflow"
            or "regionalOptions" not in globalworkflow_desc):
        return globalworkflow_desc
    from . import api
    for options in globalworkflow_desc["regionalOptions"].values():
        options["workflowDescribe"] = api.workflow_describe(
            options["workflow"], input_params={"project": options["resources"]})
    return globalworkflow_desc


def _raise_dxerror(message):
    from .exceptions import DXError
    raise DXError(message)


# Names served on first use, so that ``import dxpy`` does not load the HTTP stack.
_LAZY_NAMES = {
    "DXHTTPRequest": "http",
    "configure_urllib3": "http",
    "_is_retryable_exception": "http",
    "_get_retry_response": "http",
    "_set_retry_response": "http",
    "AppError": "exceptions",
    "AppInsufficientResourceError": "exceptions",
    "AppInternalError": "exceptions",
    "DXAPIError": "exceptions",
    "DXAppletError": "exceptions",
    "DXCLIError": "exceptions",
    "DXError": "exceptions",
    "DXFileError": "exceptions",
    "DXJobFailureError": "exceptions",
    "DXSearchError": "exceptions",
    "BOLD": "utils.printing",
    "BLUE": "utils.printing",
    "YELLOW": "utils.printing",
    "GREEN": "utils.printing",
    "RED": "utils.printing",
    "WHITE": "utils.printing",
    "DXLogHandler": "dxlog",
    "run": "utils.exec_utils",
    "entry_point": "utils.exec_utils",
}
_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))


def _is_submodule(name):
    return os.path.exists(os.path.join(_PACKAGE_DIR, name + ".py")) or \
        os.path.exists(os.path.join(_PACKAGE_DIR, name, "__init__.py"))


def __getattr__(name):
    if name in _LAZY_NAMES:
        module = importlib.import_module("." + _LAZY_NAMES[name], __name__)
        value = getattr(module, name)
        globals()[name] = value
        return value
    if name.startswith("_"):
        raise AttributeError("module 'dxpy' has no attribute %r" % (name,))
    if name == "logger":  # dxpy's logger; `logging` is only imported when someone asks for it
        import logging
        globals()["logger"] = logging.getLogger(__name__)
        return globals()["logger"]
    if _is_submodule(name):
        return importlib.import_module("." + name, __name__)
    # Everything dxpy.bindings exports (handlers, search, dxlink, ...) is a top-level name, as in dxpy.
    bindings = importlib.import_module(".bindings", __name__)
    if name in vars(bindings):
        value = getattr(bindings, name)
        globals()[name] = value
        return value
    raise AttributeError("module 'dxpy' has no attribute %r" % (name,))


_DEBUG = _debug_level_from_env()

from .utils.config import DXConfig as _DXConfig  # noqa: E402  (needs the setters above)

config = _DXConfig()
