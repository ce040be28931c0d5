"""Every retry and polling loop backs off through dxpy.retry and waits through the one seam,
dxpy.http._sleep (``sleeps`` records the waits; nothing really waits)."""
import pytest

import dxpy
from dxpy.exceptions import DXError
from loopback import reply

FILE_ID = "file-" + "b" * 24


def described(state):
    return reply(json={"id": FILE_ID, "state": state})


def test_waiting_for_a_file_to_close_polls_through_the_sleep_seam(dx, server, sleeps):
    server.push(described("closing"), described("closing"), described("closing"), described("closed"))

    dxpy.DXFile(FILE_ID).wait_on_close()

    assert len(server.requests) == 4
    assert len(sleeps) == 3 and sleeps[0] == 1


def test_waiting_for_a_file_to_close_gives_up_within_the_timeout(dx, server, sleeps):
    server.default = described("closing")

    with pytest.raises(DXError, match="timeout while waiting"):
        dxpy.DXFile(FILE_ID).wait_on_close(timeout=20)

    assert 0 < sum(sleeps) <= 20
    assert len(server.requests) == len(sleeps) + 1
