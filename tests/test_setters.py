"""The module-level setters of dxpy, get_auth_server_name and append_underlying_workflow_describe.

These run in-process; the ``saved`` fixture puts every global back afterwards.
"""
import pytest
from loopback import echo

import dxpy
from dxpy.exceptions import DXError

GLOBALS = ("APISERVER_PROTOCOL", "APISERVER_HOST", "APISERVER_PORT", "APISERVER", "SECURITY_CONTEXT",
           "AUTH_HELPER", "JOB_ID", "WORKSPACE_ID", "PROJECT_CONTEXT_ID", "WATCH_PORT")
CONTEXT = {"auth_token": "setter-token", "auth_token_type": "Bearer"}


@pytest.fixture
def saved(monkeypatch):
    """Restore dxpy's configuration globals and the environment after the test."""
    for name in GLOBALS:
        monkeypatch.setattr(dxpy, name, getattr(dxpy, name))
    if isinstance(getattr(dxpy, "_config_problems", None), dict):  # setters may clear problems
        monkeypatch.setattr(dxpy, "_config_problems", dict(dxpy._config_problems))
    for name in ("DX_AUTHSERVER_HOST", "DX_AUTHSERVER_PORT"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def api_server():
    return dxpy.APISERVER_PROTOCOL, dxpy.APISERVER_HOST, dxpy.APISERVER_PORT, dxpy.APISERVER


# -- set_api_server_info ------------------------------------------------------------------------

def test_set_api_server_info_sets_all_parts(saved):
    dxpy.set_api_server_info(host="h1.example", port="8080", protocol="http")
    assert api_server() == ("http", "h1.example", "8080", "http://h1.example:8080")


def test_set_api_server_info_changes_only_the_given_parts(saved):
    dxpy.set_api_server_info(host="h1.example", port="8080", protocol="http")
    dxpy.set_api_server_info(protocol="https", port="8443")
    assert api_server() == ("https", "h1.example", "8443", "https://h1.example:8443")
    dxpy.set_api_server_info(port=9000)
    assert dxpy.APISERVER == "https://h1.example:9000"


def test_set_api_server_info_keeps_the_port_when_only_the_host_changes(saved):
    dxpy.set_api_server_info(host="h1.example", port="8080", protocol="http")
    dxpy.set_api_server_info(host="h2.example")
    assert api_server() == ("http", "h2.example", "8080", "http://h2.example:8080")


def test_set_api_server_info_empty_port_leaves_it_out_of_the_url(saved):
    dxpy.set_api_server_info(host="h1.example", port="", protocol="https")
    assert dxpy.APISERVER == "https://h1.example"


# -- the other setters --------------------------------------------------------------------------

def test_set_security_context(saved):
    dxpy.set_security_context(CONTEXT)
    assert dxpy.SECURITY_CONTEXT == CONTEXT
    assert dxpy.AUTH_HELPER is not None


@pytest.mark.parametrize("setter, name, value", [
    (dxpy.set_job_id, "JOB_ID", "job-0000000000000000000000jb"),
    (dxpy.set_workspace_id, "WORKSPACE_ID", "container-0000000000000000000000ws"),
    (dxpy.set_project_context, "PROJECT_CONTEXT_ID", "project-0000000000000000000000pc"),
    (dxpy.set_watch_port, "WATCH_PORT", "8090"),
])
def test_id_setters(saved, setter, name, value):
    setter(value)
    assert getattr(dxpy, name) == value
    setter(None)
    assert getattr(dxpy, name) is None


def test_set_watch_port_defaults_to_none(saved):
    dxpy.set_watch_port("8090")
    dxpy.set_watch_port()
    assert dxpy.WATCH_PORT is None


# -- get_auth_server_name -----------------------------------------------------------------------

@pytest.mark.parametrize("api_host, expected", [
    ("api.dnanexus.com", "https://auth.dnanexus.com"),
    ("stagingapi.dnanexus.com", "https://stagingauth.dnanexus.com"),
    ("api.cn.dnanexus.com", "https://auth.cn.dnanexus.com:8001"),
])
def test_auth_server_of_known_api_servers(saved, api_host, expected):
    dxpy.set_api_server_info(host=api_host, port="443", protocol="https")
    assert dxpy.get_auth_server_name() == expected


def test_auth_server_overrides(saved):
    assert dxpy.get_auth_server_name("auth.example", 8001) == "https://auth.example:8001"
    assert dxpy.get_auth_server_name("auth.example", "80", protocol="http") == "http://auth.example:80"


@pytest.mark.parametrize("overrides", [{"host_override": "auth.example"}, {"port_override": 8001}])
def test_auth_server_needs_both_overrides(saved, overrides):
    with pytest.raises(DXError):
        dxpy.get_auth_server_name(**overrides)


@pytest.mark.parametrize("api_host", ["localhost", "127.0.0.1"])
def test_auth_server_of_a_local_api_server_comes_from_the_environment(saved, api_host):
    dxpy.set_api_server_info(host=api_host, port="8124", protocol="http")
    with pytest.raises(DXError):
        dxpy.get_auth_server_name()
    saved.setenv("DX_AUTHSERVER_HOST", "authhost")
    saved.setenv("DX_AUTHSERVER_PORT", "5001")
    assert dxpy.get_auth_server_name() == "authhost:5001"


def test_auth_server_of_an_unknown_api_server(saved):
    dxpy.set_api_server_info(host="api.unknown.example", port="443", protocol="https")
    with pytest.raises(DXError):
        dxpy.get_auth_server_name()


# -- requests made through the configured globals ---------------------------------------------

@pytest.mark.parametrize("desc", [
    None,
    {"class": "workflow", "id": "workflow-0000000000000000000000wf"},
    {"class": "globalworkflow", "id": "globalworkflow-00000000000000000000gw"},
])
def test_append_underlying_workflow_describe_leaves_others_alone(saved, desc):
    assert dxpy.append_underlying_workflow_describe(desc) == desc


def test_append_underlying_workflow_describe_describes_each_region(dx, server):
    server.default = echo
    east, west = "workflow-0000000000000000000000ue", "workflow-0000000000000000000000wu"
    regions = {"aws:us-east-1": {"workflow": east, "resources": "container-ue"},
               "azure:westus": {"workflow": west, "resources": "container-wu"}}
    desc = dxpy.append_underlying_workflow_describe({"class": "globalworkflow", "regionalOptions": regions})
    for options in desc["regionalOptions"].values():
        path = "/%s/describe" % options["workflow"]
        assert options["workflowDescribe"] == {"method": "POST", "path": path,
                                               "body": {"project": options["resources"]}}
    assert sorted(r.path for r in server.requests) == ["/%s/describe" % east, "/%s/describe" % west]


def test_pretending_to_run_in_a_job(dx, server, saved):
    dxpy.set_api_server_info(host="127.0.0.1", port=server.port, protocol="http")
    dxpy.set_security_context(CONTEXT)
    dxpy.set_job_id("job-0000000000000000000000jb")
    dxpy.set_workspace_id("container-0000000000000000000000ws")
    server.default = echo
    assert dxpy.api.system_whoami() == {"method": "POST", "path": "/system/whoami", "body": {}}
    [request] = server.requests
    assert request.headers["Authorization"] == "Bearer setter-token"
