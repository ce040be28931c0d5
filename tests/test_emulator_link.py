"""The emulator's link model over real HTTP: every answer waits the round trip, each connection
is paced in both directions; set from running(link=...), the fixture marker and the command
line. The waits are recorded on a virtual clock instead of being spent."""
import os
import subprocess
import sys
import threading

import pytest
import requests

import dxpy
from dxpy.emulator import link as link_module
from dxpy.emulator.link import Link, parse_link

MIB = 1024 * 1024


class VirtualClock(object):
    """Stands for time.monotonic and time.sleep of the link: sleeping moves the clock."""

    def __init__(self):
        self.now = 1000.0
        self.sleeps = []
        self._lock = threading.Lock()

    def clock(self):
        with self._lock:
            return self.now

    def sleep(self, seconds):
        with self._lock:
            self.sleeps.append(seconds)
            self.now += seconds


@pytest.fixture
def virtual_clock(monkeypatch):
    clock = VirtualClock()
    monkeypatch.setattr(link_module, "_clock", clock.clock)
    monkeypatch.setattr(link_module, "_sleep", clock.sleep)
    return clock


def test_parse_link_reads_durations_and_rates():
    link = parse_link("rtt=40ms,per-connection=25MiB/s")
    assert (link.rtt, link.per_connection) == (0.04, 25 * MIB)
    assert parse_link("rtt=0.2s").per_connection is None
    assert parse_link("per-connection=100MB/s").per_connection == 100 * 1000 ** 2
    assert parse_link(" rtt = 500us ").rtt == pytest.approx(0.0005)


@pytest.mark.parametrize("text", ["", "rtt", "rtt=fast", "rtt=-1ms", "bandwidth=1MB/s", "rtt=1ms,rtt=2ms",
                                  "per-connection=0MiB/s", "per-connection=25MiB"])
def test_parse_link_refuses_what_it_cannot_read(text):
    with pytest.raises(ValueError):
        parse_link(text)


def test_link_refuses_bad_numbers():
    for kwargs in ({"rtt": -1}, {"rtt": "40ms"}, {"per_connection": 0}, {"per_connection": True}):
        with pytest.raises(ValueError):
            Link(**kwargs)


@pytest.mark.dx_emulator(link="rtt=40ms")
def test_every_answer_waits_one_round_trip(dx_emulator, virtual_clock):
    assert dx_emulator.link.rtt == 0.04
    for _ in range(3):
        dxpy.api.system_whoami()
    assert virtual_clock.sleeps == [0.04] * 3


@pytest.mark.dx_emulator(link="per-connection=1MiB/s")
def test_each_connection_is_paced_both_ways(dx_emulator, virtual_clock):
    data = os.urandom(3 * MIB)
    file_id = dxpy.upload_string(data, wait_on_close=True).get_id()
    upload_time = virtual_clock.now
    assert upload_time - 1000.0 >= 3.0  # 3 MiB in at 1 MiB/s
    url = dxpy.api.file_download(file_id, {})["url"]
    with requests.Session() as session:
        session.trust_env = False
        assert session.get(url, headers={"Range": "bytes=0-%d" % (2 * MIB - 1)}, timeout=30).content == data[:2 * MIB]
    assert virtual_clock.now - upload_time >= 2.0  # 2 MiB out at 1 MiB/s


def test_running_refuses_a_bad_link():
    with pytest.raises(ValueError, match="rtt must be a duration"):
        with dxpy.emulator.running(link="rtt=soon"):
            pass


def test_command_line_takes_a_link_and_refuses_a_bad_one():
    from dxpy.emulator.__main__ import build_parser
    assert build_parser().parse_args(["--link", "rtt=40ms,per-connection=25MiB/s"]).link.rtt == 0.04
    result = subprocess.run([sys.executable, "-m", "dxpy.emulator", "--link", "rtt=40x"], capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 2 and "rtt must be a duration" in result.stderr
