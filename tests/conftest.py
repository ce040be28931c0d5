"""Fixtures shared by the tests; the servers and helpers live in loopback.py."""
import os
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
for _path in (HERE, os.path.dirname(HERE)):  # loopback.py and the dxpy package
    if _path not in sys.path:
        sys.path.insert(0, _path)

import loopback  # noqa: E402
import reference_env  # noqa: E402
from dx_cli import cli_emulator, dx_ref, dx_this, twins  # noqa: E402,F401  (fixtures of the dx tests)


def pytest_configure(config):
    config.addinivalue_line("markers", "reference: runs the published dxpy client against the emulator")


@pytest.fixture
def server():
    """A ScriptedServer with an empty script (every request gets 200 ``{}``)."""
    with loopback.ScriptedServer() as srv:
        yield srv


@pytest.fixture
def make_server():
    """Factory for further ScriptedServers (same arguments), all closed after the test."""
    servers = []

    def make(*args, **kwargs):
        servers.append(loopback.ScriptedServer(*args, **kwargs))
        return servers[-1]
    yield make
    for srv in servers:
        srv.close()


@pytest.fixture
def proxy():
    """A ForwardingProxy on loopback."""
    with loopback.ForwardingProxy() as prx:
        yield prx


@pytest.fixture
def sleeps(monkeypatch):
    """Delays requested through dxpy.http._sleep, which no longer waits."""
    return loopback.record_sleeps(monkeypatch)


@pytest.fixture
def dx(server, sleeps, monkeypatch):
    """dxpy pointed at ``server`` with a fresh Bearer token; restored after the test."""
    return loopback.configure_dxpy(server, monkeypatch)


@pytest.fixture
def home(tmp_path, monkeypatch):
    """A scratch $HOME, as a job has, outside any job (no DX_JOB_ID, no test dxapp.json)."""
    path = tmp_path / "home"
    path.mkdir()
    monkeypatch.setenv("HOME", str(path))
    monkeypatch.delenv("DX_JOB_ID", raising=False)
    monkeypatch.delenv("DX_TEST_DXAPP_JSON", raising=False)
    return path


@pytest.fixture(scope="session")
def reference_python():
    """The interpreter of a virtualenv with the reference dxpy, built once and cached."""
    return reference_env.reference_python_path()


@pytest.fixture
def emulator(tmp_path):
    """``python -m dxpy.emulator`` of this repository in its own process."""
    workdir = tmp_path / "emulator"
    workdir.mkdir()
    process = reference_env.EmulatorProcess(str(workdir))
    yield process
    process.kill()
