"""No job process outlives its job or the emulator.

A job's process starts in a process group of its own, and every process of the job carries the
environment variable ``DXPY_EMULATOR_JOB=<runner tag>/<job ID>``, which children inherit even
when they leave the group (``setsid``, double forks). When a job ends, :func:`kill_job` kills its
group and, on Linux, every process whose environment carries the job's mark (found in
``/proc/<pid>/environ``); :func:`kill_runner` does the same for all the runner's jobs.

If the emulator dies without stopping its runner (SIGKILL, a crash), a :class:`Watchdog` does it:
a small process in a session of its own, holding the read end of a pipe from the emulator. When
the emulator's end closes, however it died, the watchdog kills the job process groups it was
told about and the marked processes, removes the runner's scratch directory and exits.

Processes that start with an emptied environment (``env -i``) and leave the job's process group
are not found. Where ``/proc`` is missing (macOS), only process groups are killed.

This file imports only the standard library: the watchdog runs it as a script
(``python -I -S reaper.py SCRATCH_DIR MARK``), without importing dxpy.
"""
import os
import shutil
import signal
import subprocess
import sys

MARK_VARIABLE = "DXPY_EMULATOR_JOB"
_MAX_ROUNDS = 50  # a job forking as fast as it is killed still ends: each round kills the forkers


def job_mark(runner_tag, job_id):
    return "%s/%s" % (runner_tag, job_id)


def marked_processes(matches):
    """PIDs of this user's processes (other than this one) whose ``DXPY_EMULATOR_JOB`` value
    satisfies *matches*; empty where ``/proc`` is missing."""
    prefix = (MARK_VARIABLE + "=").encode()
    found = []
    try:
        names = os.listdir("/proc")
    except OSError:
        return found
    me = os.getpid()
    for name in names:
        if not name.isdigit() or int(name) == me:
            continue
        try:
            with open("/proc/%s/environ" % name, "rb") as handle:
                entries = handle.read().split(b"\0")
        except OSError:  # gone, or another user's
            continue
        for entry in entries:
            if entry.startswith(prefix):
                if matches(entry[len(prefix):].decode("utf-8", "replace")):
                    found.append(int(name))
                break
    return found


def kill_group(pgid):
    """SIGKILL the process group *pgid* (POSIX); True when it still had members."""
    try:
        os.killpg(pgid, signal.SIGKILL)
        return True
    except (ProcessLookupError, PermissionError, OSError):
        return False


def kill_marked(matches):
    """SIGKILL every process whose mark satisfies *matches*, until none is left."""
    for _ in range(_MAX_ROUNDS):
        pids = marked_processes(matches)
        if not pids:
            return
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError, OSError):
                pass


def kill_job(process, runner_tag, job_id):
    """Kill the job's process, its process group and every process carrying its mark."""
    if os.name == "posix":
        kill_group(process.pid)
        mark = job_mark(runner_tag, job_id)
        kill_marked(lambda value: value == mark)
    else:
        try:
            process.kill()
        except OSError:
            pass


def kill_runner(runner_tag):
    """Kill every process carrying a mark of the runner *runner_tag*."""
    if os.name == "posix":
        kill_marked(lambda value: value.startswith(runner_tag + "/"))


class Watchdog(object):
    """Cleans up after the emulator if it dies without stopping its runner (see the module's text).
    ``add_group(pgid)`` and ``remove_group(pgid)`` tell it the job process groups that exist;
    ``close()`` ends it."""

    def __init__(self, runner_tag, scratch_dir=None):
        self.process = None
        if os.name != "posix":
            return
        argv = [sys.executable, "-I", "-S", os.path.abspath(__file__), scratch_dir or "", runner_tag]
        # A session of its own: the terminal's SIGINT and SIGHUP reach the emulator, not it.
        self.process = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL, start_new_session=True, close_fds=True)

    def add_group(self, pgid):
        self._tell(b"+%d\n" % pgid)

    def remove_group(self, pgid):
        self._tell(b"-%d\n" % pgid)  # its number may be reused by an unrelated group later

    def _tell(self, line):
        if self.process is not None:
            try:
                self.process.stdin.write(line)
                self.process.stdin.flush()
            except (OSError, ValueError):  # it is gone: the runner still kills what it started
                pass

    def close(self):
        """End the watchdog (it finds nothing left to kill after a clean stop) and wait for it."""
        if self.process is not None:
            try:
                self.process.stdin.close()
            except OSError:
                pass
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            self.process = None


def _watch(scratch_dir, runner_tag):
    for signum in (signal.SIGINT, signal.SIGHUP):  # meant for the emulator, should they reach here
        signal.signal(signum, signal.SIG_IGN)
    groups = set()
    for line in sys.stdin.buffer:  # until the emulator's end of the pipe closes
        line = line.strip()
        if line[:1] in (b"+", b"-") and line[1:].isdigit():
            (groups.add if line[:1] == b"+" else groups.discard)(int(line[1:]))
    for pgid in sorted(groups):
        kill_group(pgid)
    kill_runner(runner_tag)
    if scratch_dir:
        shutil.rmtree(scratch_dir, ignore_errors=True)


if __name__ == "__main__":
    _watch(*sys.argv[1:3])
