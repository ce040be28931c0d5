"""The job runner: executes the emulator's jobs in local subprocesses.

A scheduler thread applies the platform's rules (:mod:`.lifecycle`) whenever something may
have changed (a job was created, a process ended) and at least every ``poll_interval``
seconds (files finish closing, users terminate jobs); jobs that become runnable start in a
worker thread of their own, each running one job's process. At most ``max_parallel_jobs``
processes hold a slot at a time; a running job with unfinished subjobs gives its slot up, since
it may be blocked waiting for them (``wait_on_done``) and they must be able to run. When a job
tree ends, its temporary workspace is destroyed (unless ``delayWorkspaceDestruction``).
Whatever a job's code does, only that job fails: the emulator stays up. No process a job
starts outlives the job, nor the emulator (:mod:`.reaper`).
"""
import copy
import json
import logging
import os
import secrets
import shutil
import subprocess
import tempfile
import threading
import time

from ..model import jobs as jobs_model
from ..model import tokens
from ..model.executables import stored_executable
from ..model.states import TERMINAL_STATES
from ..model.files import settle_all
from ..model.ids import now_ms
from ...scripts import write_command_shims
from . import bundles, jobhome, lifecycle, reaper

logger = logging.getLogger("dxpy.emulator")

MAX_LOG_MESSAGES = 50000  # per job: enough for tests, bounded for runaway loops
MAX_LOG_LINE = 64 * 1024  # bytes of one log message; the rest of a longer line is dropped
_TIME_UNITS = (("days", 86400), ("hours", 3600), ("minutes", 60))


class ProcessResult(object):
    """What came out of one run of a job's code."""

    def __init__(self, exit_code=None, output=None, output_problem=None, error_json=None, timed_out=False,
                 timeout_text="", launch_error=None):
        self.exit_code = exit_code
        self.output = output
        self.output_problem = output_problem
        self.error_json = error_json
        self.timed_out = timed_out
        self.timeout_text = timeout_text
        self.launch_error = launch_error


def policy_seconds(run_spec, function):
    """The runSpec ``timeoutPolicy`` for *function* (or ``*``) in seconds, or None."""
    policy = run_spec.get("timeoutPolicy") or {}
    entry = policy.get(function, policy.get("*")) if isinstance(policy, dict) else None
    if not isinstance(entry, dict):
        return None
    total = sum(float(entry.get(unit, 0) or 0) * size for unit, size in _TIME_UNITS)
    return total if total > 0 else None


def _describe_seconds(seconds):
    for unit, size in _TIME_UNITS:
        if seconds >= size:
            return "%g %s" % (round(seconds / size, 2), unit)
    return "%g seconds" % round(seconds, 2)


def _read_json(path):
    """(value, problem): the parsed file, None when absent, or a problem text when unreadable."""
    try:
        with open(path) as handle:
            text = handle.read()
    except FileNotFoundError:
        return None, None
    except OSError as error:
        return None, "%s could not be read: %s" % (os.path.basename(path), error)
    try:
        return json.loads(text), None
    except ValueError as error:
        return text, "%s is not valid JSON: %s" % (os.path.basename(path), error)


class JobRunner(object):
    """Runs the jobs of *platform*. *api_environment* holds the ``DX_APISERVER_*`` (and
    ``DX_AUTHSERVER_*``) variables through which jobs reach the emulator.

    :param max_parallel_jobs: how many job processes run at once
    :param job_timeout: seconds after which any job fails with JobTimeoutExceeded (None: only
        the applet's ``runSpec.timeoutPolicy`` applies)
    :param scratch_dir: where job homes are made (a new temporary directory by default, removed on stop)
    """

    poll_interval = 0.1

    def __init__(self, platform, api_environment, max_parallel_jobs=4, job_timeout=None, scratch_dir=None):
        if isinstance(max_parallel_jobs, bool) or not isinstance(max_parallel_jobs, int) or max_parallel_jobs < 1:
            raise ValueError("max_parallel_jobs must be a positive integer, not %r" % (max_parallel_jobs,))
        if job_timeout is not None and (isinstance(job_timeout, bool) or not isinstance(job_timeout, (int, float))
                                        or job_timeout <= 0):
            raise ValueError("job_timeout must be a positive number of seconds or None, not %r" % (job_timeout,))
        self.platform = platform
        self.api_environment = dict(api_environment)
        self.max_parallel_jobs = max_parallel_jobs
        self.job_timeout = job_timeout
        self._own_scratch = scratch_dir is None
        self.scratch_dir = scratch_dir
        self._guard = threading.Lock()  # processes, submitted jobs and logs
        self._processes = {}
        self._submitted = set()
        self._logs = {}
        # Bumped (and waiters woken) when a message is logged or a job's process has finished:
        # what log streams wait on.
        self._log_version = 0
        self._log_changed = threading.Condition(self._guard)
        self._wakeup = threading.Event()
        self._stopping = threading.Event()
        self._thread = None
        self._workers = {}  # job ID -> the thread running it
        self.tag = None  # marks the processes of this runner's jobs (reaper.job_mark)
        self._watchdog = None

    # Starting and stopping

    def start(self):
        if self._thread is not None:
            raise RuntimeError("the job runner is already running")
        if self.scratch_dir is None:
            self.scratch_dir = tempfile.mkdtemp(prefix="dxpy-emulator-jobs-")
        os.makedirs(self.scratch_dir, exist_ok=True)
        self.bin_dir = os.path.join(self.scratch_dir, "bin")
        write_command_shims(self.bin_dir)
        self.tag = "%d-%s" % (os.getpid(), secrets.token_hex(6))
        self._watchdog = reaper.Watchdog(self.tag, self.scratch_dir if self._own_scratch else None)
        self._stopping.clear()
        self._abandon_lost_jobs()
        self.platform.job_runner = self
        jobs_model.RUNNABLE_HOOKS.append(self._announced)
        self._thread = threading.Thread(target=self._schedule_forever, name="dxpy-emulator-scheduler", daemon=True)
        self._thread.start()
        self.wake()
        return self

    def stop(self):
        """Stop scheduling, kill running jobs' processes and wait for the workers."""
        if self._thread is None:
            return
        self._stopping.set()
        self.wake()
        self._thread.join()
        self._thread = None
        if self._announced in jobs_model.RUNNABLE_HOOKS:
            jobs_model.RUNNABLE_HOOKS.remove(self._announced)
        with self._guard:
            processes = list(self._processes.items())
        for job_id, process in processes:
            reaper.kill_job(process, self.tag, job_id)
        with self._guard:
            workers = list(self._workers.values())
        for worker in workers:
            worker.join()
        reaper.kill_runner(self.tag)  # whatever a job left behind
        self._watchdog.close()
        self._watchdog = None
        if self.platform.job_runner is self:
            self.platform.job_runner = None
        if self._own_scratch and self.scratch_dir is not None:
            shutil.rmtree(self.scratch_dir, ignore_errors=True)
            self.scratch_dir = None

    def _abandon_lost_jobs(self):
        """Jobs saved as running by an earlier emulator have no process any more."""
        with self.platform.transaction() as state:
            for job in state.get("jobs", {}).values():
                if job["class"] == "job" and job["state"] == "running":
                    lifecycle.fail(state, job, "UnresponsiveWorker", "The machine running the job became unresponsive")

    # Scheduling

    def wake(self):
        self._wakeup.set()

    def _announced(self, platform, job_id):
        if platform is self.platform:
            self.wake()

    def _schedule_forever(self):
        while not self._stopping.is_set():
            self._wakeup.wait(self.poll_interval)
            self._wakeup.clear()
            if self._stopping.is_set():
                break
            try:
                self._step()
            except Exception:  # a bug here must not take the emulator down with it
                logger.exception("the emulator's job scheduler failed a step")

    def _step(self):
        with self.platform.transaction() as state:
            jobs = state.get("jobs", {})
            settle_all(state)
            lifecycle.advance(state)
            lifecycle.destroy_finished_workspaces(state, self.platform.parts.drop)
            with self._guard:
                start = self._jobs_to_start(jobs)
                self._submitted.update(start)
                finished = [job_id for job_id in self._processes if jobs.get(job_id, {}).get("state") != "running"]
                doomed = [(job_id, self._processes[job_id]) for job_id in finished]
        for job_id, process in doomed:
            reaper.kill_job(process, self.tag, job_id)  # terminated, or failed with its job tree
        for job_id in start:
            worker = threading.Thread(target=self._execute, args=(job_id,), name="dxpy-emulator-" + job_id,
                                      daemon=True)
            with self._guard:
                self._workers[job_id] = worker
            worker.start()

    def _jobs_to_start(self, jobs):
        """The runnable jobs that get a free slot, oldest first (call with both locks held).

        A submitted job holds a slot unless it has unfinished subjobs: it may be blocked waiting
        for them, and taking the slot away from it is what lets them run (no deadlock with a
        single slot). Processes are then bounded by ``max_parallel_jobs`` plus their ancestors."""
        waiting_parents = set(job.get("parentJob") for job in jobs.values()
                              if job["class"] == "job" and job["state"] not in TERMINAL_STATES)
        busy = sum(1 for job_id in self._submitted if job_id not in waiting_parents)
        runnable = [job_id for job_id, job in jobs.items()
                    if job["state"] == "runnable" and job_id not in self._submitted]
        return runnable[:max(0, self.max_parallel_jobs - busy)]

    # Running one job

    def _execute(self, job_id):
        try:
            started = self._begin(job_id)
            if started is None:
                return
            job, run_spec, token, timeout = started
            try:
                result = self._run(job, run_spec, token, timeout)
            except Exception as error:  # the job's machinery failed, not its code
                logger.exception("could not run %s", job_id)
                result = ProcessResult(launch_error="The emulator could not run the job: %s: %s"
                                       % (type(error).__name__, error))
            if self._stopping.is_set() and result.launch_error is None and result.exit_code != 0:
                result = ProcessResult(launch_error="The emulator stopped while the job was running")
            with self.platform.transaction() as state:
                job = state["jobs"].get(job_id)
                if job is not None:
                    lifecycle.finish_running(state, job, result)
                    if job["state"] in TERMINAL_STATES:
                        tokens.revoke(state, job_id)  # terminated jobs keep none either
        except Exception:
            logger.exception("the emulator's job runner failed on %s", job_id)
        finally:
            with self._guard:
                self._submitted.discard(job_id)
                self._workers.pop(job_id, None)
                self._log_version += 1
                self._log_changed.notify_all()
            self.wake()

    def _begin(self, job_id):
        """Mark the job running and give it a token; None when it may no longer start."""
        with self.platform.transaction() as state:
            job = state["jobs"].get(job_id)
            if job is None or job["state"] != "runnable":
                return None
            executable = stored_executable(state, job.get("executable"))
            run_spec = (executable or {}).get("runSpec")
            if not isinstance(run_spec, dict) or not isinstance(run_spec.get("code"), str):
                lifecycle.fail(state, job, "ExecutionError", "The executable %s has no code to run"
                               % job.get("executable"))
                return None
            lifecycle.set_state(job, "running")
            job["startedRunning"] = now_ms()
            token = tokens.issue(state, job)
            timeouts = [seconds for seconds in (policy_seconds(run_spec, job["function"]), self.job_timeout)
                        if seconds is not None]
            return copy.deepcopy(job), copy.deepcopy(run_spec), token, (min(timeouts) if timeouts else None)

    def _run(self, job, run_spec, token, timeout):
        job_dir = os.path.join(self.scratch_dir, job["id"])
        argv, home = jobhome.prepare(job_dir, job, run_spec)
        env = jobhome.job_environment(job, token, home, self.api_environment, self.bin_dir,
                                      reaper.job_mark(self.tag, job["id"]))
        tool_folders = bundles.unpack(self.platform, run_spec, job_dir, home)
        env["PATH"] = os.pathsep.join(tool_folders + [env["PATH"]])
        self._log(job["id"], "SYSTEM", "INFO", "Running %s of %s" % (job["function"], job.get("executable")))
        process = subprocess.Popen(argv, cwd=home, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, start_new_session=(os.name == "posix"))
        self._watchdog.add_group(process.pid)
        with self._guard:
            self._processes[job["id"]] = process
        readers = [threading.Thread(target=self._read_stream, args=(job["id"], stream, level), daemon=True)
                   for stream, level in ((process.stdout, "STDOUT"), (process.stderr, "STDERR"))]
        for reader in readers:
            reader.start()
        timed_out = False
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            timed_out = True
            reaper.kill_job(process, self.tag, job["id"])
            process.wait()
        finally:
            with self._guard:
                self._processes.pop(job["id"], None)
        # whatever it left running in the background ends with the job, as on a worker
        reaper.kill_job(process, self.tag, job["id"])
        self._watchdog.remove_group(process.pid)
        for reader in readers:
            reader.join(5)
        return self._collect(job["id"], home, process.returncode, timed_out, timeout)

    def _collect(self, job_id, home, exit_code, timed_out, timeout):
        error_json, error_problem = _read_json(os.path.join(home, "job_error.json"))
        if error_problem is not None:  # still a failure: report what the file said
            error_json = {"error": {"type": "AppInternalError", "message": str(error_json or error_problem)}}
        output, output_problem = _read_json(os.path.join(home, "job_output.json"))
        if output is None and output_problem is None:
            output = {}
        elif output_problem is None and not isinstance(output, dict):
            output_problem = "job_output.json must hold a JSON object, not %s" % type(output).__name__
        self._log(job_id, "SYSTEM", "INFO", "The job's process exited with code %s%s"
                  % (exit_code, " after its timeout" if timed_out else ""))
        return ProcessResult(exit_code=exit_code, output=output, output_problem=output_problem,
                             error_json=error_json, timed_out=timed_out,
                             timeout_text=_describe_seconds(timeout) if timed_out else "")

    # Logs

    def _read_stream(self, job_id, stream, level):
        with stream:
            for line in log_lines(stream, MAX_LOG_LINE):
                self._log(job_id, "APP", level, line)

    def _log(self, job_id, source, level, text):
        with self._guard:
            messages = self._logs.setdefault(job_id, [])
            if len(messages) < MAX_LOG_MESSAGES:
                messages.append({"job": job_id, "timestamp": int(time.time() * 1000), "source": source,
                                 "level": level, "msg": text})
                self._log_version += 1
                self._log_changed.notify_all()

    def log_messages(self, job_id, sources=("APP", "SYSTEM"), start=0):
        """The log messages kept for *job_id* (dicts with ``timestamp``, ``source``, ``level``, ``msg``),
        from the *start*-th one kept on."""
        with self._guard:
            return [dict(message) for message in self._logs.get(job_id, [])[start:] if message["source"] in sources]

    def log_version(self):
        """A number that changes whenever a message is logged or a job's process has finished."""
        with self._guard:
            return self._log_version

    def wait_for_log_change(self, version, timeout):
        """Wait until :meth:`log_version` differs from *version* (or *timeout* seconds); the new version."""
        with self._guard:
            self._log_changed.wait_for(lambda: self._log_version != version, timeout)
            return self._log_version

    def job_log(self, job_id):
        """What the job's code printed (stdout and stderr, in the order it arrived), as text."""
        return "".join(message["msg"] + "\n" for message in self.log_messages(job_id, ("APP",)))


def log_lines(stream, limit):
    """The lines of the binary *stream* as text, each cut to its first *limit* bytes (with a note
    of how long it was): a line without end costs *limit* bytes of memory, not all of it."""
    while True:
        raw = stream.readline(limit + 1)
        if not raw:
            return
        if len(raw) > limit and not raw.endswith(b"\n"):
            size, rest = len(raw), raw
            while not rest.endswith(b"\n"):  # skip the rest of the line, a bounded read at a time
                rest = stream.readline(limit)
                if not rest:
                    break
                size += len(rest)
            size -= rest.endswith(b"\n")
            raw = raw[:limit]
            yield "%s [line of %d bytes cut to %d]" % (raw.decode("utf-8", "replace"), size, limit)
            continue
        yield raw.decode("utf-8", "replace").rstrip("\r\n")
