"""The mocking libraries people use with requests intercept DXHTTPRequest: every call goes
through the session's transport adapter, which ``responses`` patches and ``requests-mock``
replaces. No server listens on the configured API port."""
import pytest
import requests_mock
import responses

import dxpy
from loopback import unused_port

JSON = {"Content-Type": "application/json"}  # requests-mock does not add it; dxpy decodes by it


@pytest.fixture
def nowhere(dx):
    """dxpy configured for an API server on a port where nothing listens."""
    dxpy.set_api_server_info(host="127.0.0.1", port=unused_port(), protocol="http")
    return dxpy.APISERVER


def test_responses_intercepts_system_whoami(nowhere):
    with responses.RequestsMock() as mock:
        mock.add(responses.POST, nowhere + "/system/whoami", json={"id": "user-mocked"})

        assert dxpy.api.system_whoami() == {"id": "user-mocked"}

        (call,) = mock.calls
        assert call.request.headers["Authorization"].startswith("Bearer tok-")
        assert call.request.headers["Content-Type"] == "application/json"


def test_requests_mock_intercepts_system_whoami(nowhere):
    with requests_mock.Mocker() as mock:
        mock.post(nowhere + "/system/whoami", json={"id": "user-mocked"}, headers=JSON)

        assert dxpy.api.system_whoami() == {"id": "user-mocked"}

        (call,) = mock.request_history
        assert call.headers["Authorization"].startswith("Bearer tok-")
        assert call.json() == {}


def test_requests_mock_sees_every_retry(nowhere, sleeps):
    with requests_mock.Mocker() as mock:
        mock.post(nowhere + "/system/whoami", [{"status_code": 500, "json": {}, "headers": JSON},
                                               {"json": {"id": "user-mocked"}, "headers": JSON}])

        assert dxpy.api.system_whoami() == {"id": "user-mocked"}

        assert mock.call_count == 2 and len(sleeps) == 1
