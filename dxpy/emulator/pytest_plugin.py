"""pytest plugin (registered as ``dxpy_emulator``): the ``dx_emulator`` fixture.

::

    def test_whoami(dx_emulator):
        assert dxpy.api.system_whoami()["id"] == dx_emulator.user_id

The emulator executes jobs. The ``dx_emulator`` marker passes options to
``dxpy.emulator.running`` for a test (or a whole module, via ``pytestmark``)::

    pytestmark = pytest.mark.dx_emulator(run_jobs=False)        # jobs stay idle

    @pytest.mark.dx_emulator(max_parallel_jobs=1, job_timeout=60)
    def test_one_at_a_time(dx_emulator):
        ...
"""
import pytest


def pytest_configure(config):
    config.addinivalue_line("markers", "dx_emulator(**options): options for the dx_emulator fixture's "
                                       "dxpy.emulator.running(), e.g. run_jobs=False or max_parallel_jobs=1")


@pytest.fixture
def dx_emulator(request):
    """A running ``dxpy.emulator.Emulator`` with dxpy pointed at it for the test's duration."""
    from dxpy.emulator import running

    options = {}
    for marker in reversed(list(request.node.iter_markers("dx_emulator"))):  # the closest marker wins
        if marker.args:
            raise TypeError("the dx_emulator marker takes keyword options only, not %r" % (marker.args,))
        options.update(marker.kwargs)
    with running(**options) as emulator:
        yield emulator
