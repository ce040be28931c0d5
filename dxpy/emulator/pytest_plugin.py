"""pytest plugin (registered as ``dxpy_emulator``): the ``dx_emulator`` fixture.

::

    def test_whoami(dx_emulator):
        assert dxpy.api.system_whoami()["id"] == dx_emulator.user_id
"""
import pytest


@pytest.fixture
def dx_emulator():
    """A running ``dxpy.emulator.Emulator`` with dxpy pointed at it for the test's duration."""
    from dxpy.emulator import running

    with running() as emulator:
        yield emulator
