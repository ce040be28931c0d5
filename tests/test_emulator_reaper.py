"""No job process outlives its job or the emulator: a ``setsid`` daemon started by a job is gone
when the job ends, after ``stop()``, after SIGHUP/SIGTERM/SIGINT of ``python -m dxpy.emulator``
and after SIGKILL of it (its watchdog), and the scratch folder goes with them."""
import json
import os
import signal
import subprocess
import sys
import time

import pytest
import requests

import dxpy
from dxpy.bindings.dxapplet import DXApplet
from dxpy.emulator.execution import reaper
from reference_env import parse_export_line

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="finding a job's escaped processes needs /proc")

# Starts a daemon in a session of its own that writes its pid and $HOME, then keeps the job
# running (or ends it, when told to finish).
DAEMON_JOB = """
main() {{
  setsid bash -c 'echo "$$ $HOME" > "$0.tmp"; mv "$0.tmp" "$0"; exec sleep 1000' {pidfile} \
    < /dev/null > /dev/null 2>&1 &
  {rest}
}}
"""


def daemon_code(pidfile, finish=False):
    return DAEMON_JOB.format(pidfile=pidfile, rest="while [ ! -s %s ]; do sleep 0.05; done" % pidfile
                             if finish else "sleep 1000")


def alive(pid):
    """Whether *pid* runs (a zombie waiting for its parent to collect it counts as gone)."""
    try:
        with open("/proc/%d/stat" % pid) as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except (FileNotFoundError, ProcessLookupError):
        return False


def wait_until(predicate, what, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError("still waiting for: " + what)


def read_daemon(pidfile):
    wait_until(lambda: os.path.exists(pidfile), "the job's daemon to start")
    with open(pidfile) as handle:
        pid, home = handle.read().split()
    return int(pid), home


def scratch_of(home):
    return os.path.dirname(os.path.dirname(home))  # <scratch>/job-xxxx/home


def test_daemon_is_gone_when_its_job_ends(tmp_path):
    pidfile = str(tmp_path / "daemon")
    with dxpy.emulator.running():
        applet = DXApplet()
        applet.new(name="daemon", dxapi="1.0.0", runSpec={"interpreter": "bash",
                                                          "code": daemon_code(pidfile, finish=True)})
        job = applet.run({})
        job.wait_on_done(interval=0.05, timeout=60)
        pid, _ = read_daemon(pidfile)
        wait_until(lambda: not alive(pid), "the daemon of the finished job to be killed")


def test_daemon_and_scratch_are_gone_after_stop(tmp_path):
    pidfile = str(tmp_path / "daemon")
    with dxpy.emulator.running() as emulator:
        applet = DXApplet()
        applet.new(name="daemon", dxapi="1.0.0", runSpec={"interpreter": "bash", "code": daemon_code(pidfile)})
        job = applet.run({})
        pid, home = read_daemon(pidfile)
        assert alive(pid) and job.describe()["state"] == "running"
        watchdog = emulator.job_runner._watchdog.process
    # stop() returns once everything is killed
    assert not alive(pid)
    assert not os.path.exists(scratch_of(home))
    assert watchdog.poll() == 0  # a clean stop leaves the watchdog nothing to do: it has ended


class CommandLineEmulator(object):
    """``python -m dxpy.emulator`` in its own process, and a bash job started through its API."""

    def __init__(self):
        env = dict((name, value) for name, value in os.environ.items() if not name.startswith("DX_"))
        env["PYTHONPATH"] = os.path.dirname(os.path.dirname(os.path.abspath(dxpy.__file__)))
        self.process = subprocess.Popen([sys.executable, "-m", "dxpy.emulator"], stdout=subprocess.PIPE,
                                        stderr=subprocess.DEVNULL, env=env, universal_newlines=True)
        variables = parse_export_line(self.process.stdout.readline())
        self.url = "http://%s:%s" % (variables["DX_APISERVER_HOST"], variables["DX_APISERVER_PORT"])
        self.token = json.loads(variables["DX_SECURITY_CONTEXT"])["auth_token"]
        self.project = variables["DX_PROJECT_CONTEXT_ID"]

    def call(self, route, body):
        answer = requests.post(self.url + route, json=body, headers={"Authorization": "Bearer " + self.token},
                               timeout=30)
        answer.raise_for_status()
        return answer.json()

    def start_daemon_job(self, pidfile):
        applet = self.call("/applet/new", {"project": self.project, "name": "daemon", "dxapi": "1.0.0",
                                           "runSpec": {"interpreter": "bash", "code": daemon_code(pidfile)}})["id"]
        self.call("/%s/run" % applet, {"input": {}, "project": self.project})
        return read_daemon(pidfile)

    def close(self):
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        self.process.stdout.close()


@pytest.fixture
def command_line_emulator():
    emulator = CommandLineEmulator()
    yield emulator
    emulator.close()


@pytest.mark.parametrize("signum", [signal.SIGHUP, signal.SIGTERM, signal.SIGINT])
def test_daemon_and_scratch_are_gone_after_a_signal(command_line_emulator, tmp_path, signum):
    pid, home = command_line_emulator.start_daemon_job(str(tmp_path / "daemon"))
    assert alive(pid) and os.path.isdir(home)
    command_line_emulator.process.send_signal(signum)
    assert command_line_emulator.process.wait(60) == 0
    assert not alive(pid)
    assert not os.path.exists(scratch_of(home))


def test_daemon_and_scratch_are_gone_after_sigkill(command_line_emulator, tmp_path):
    # the emulator cannot clean up: its watchdog notices its end and does
    pid, home = command_line_emulator.start_daemon_job(str(tmp_path / "daemon"))
    command_line_emulator.process.send_signal(signal.SIGKILL)
    command_line_emulator.process.wait(60)
    wait_until(lambda: not alive(pid), "the watchdog to kill the daemon")
    wait_until(lambda: not os.path.exists(scratch_of(home)), "the watchdog to remove the scratch folder")


def test_marks_select_only_the_processes_asked_for(tmp_path):
    sleepers = [subprocess.Popen(["sleep", "1000"], env=dict(os.environ, **{reaper.MARK_VARIABLE: mark}))
                for mark in ("tag-a/job-1", "tag-a/job-2", "tag-b/job-1")]
    try:
        pids = [process.pid for process in sleepers]
        assert sorted(reaper.marked_processes(lambda value: value.startswith("tag-a/"))) == sorted(pids[:2])
        reaper.kill_marked(lambda value: value == "tag-a/job-2")
        assert sleepers[1].wait(30) == -signal.SIGKILL
        assert sleepers[0].poll() is None and sleepers[2].poll() is None
        reaper.kill_runner("tag-b")
        assert sleepers[2].wait(30) == -signal.SIGKILL and sleepers[0].poll() is None
    finally:
        for process in sleepers:
            process.kill()
            process.wait()


def test_watchdog_ignores_what_it_cannot_read_and_forgets_ended_groups(tmp_path):
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    kept = subprocess.Popen(["sleep", "1000"], start_new_session=True)
    try:
        watchdog = reaper.Watchdog("tag-none", str(scratch))
        watchdog._tell(b"nonsense\n")
        watchdog.add_group(kept.pid)
        watchdog.remove_group(kept.pid)  # an ended group's number may be reused: not killed
        watchdog.close()
        assert not scratch.exists() and kept.poll() is None
    finally:
        kept.kill()
        kept.wait()
