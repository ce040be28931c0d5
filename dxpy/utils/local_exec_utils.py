"""Running an app's entry points on this machine, outside the platform.

A local run keeps its state in the directory named by ``DX_TEST_JOB_HOMEDIRS``:

- ``job_queue.json``: the entry points waiting to run, in order
  (``{"id", "function", "input_hash", "depends_on"[, "name"]}``);
- ``job_outputs.json``: every local job ID (``localjob-0``, ``localjob-1``, ...) mapped to its
  output, or null while it has not finished;
- ``localjob-N/``: the home directory of each job (its ``job_input.json``, ``job_output.json``,
  ``in/`` and ``out/``).

``DX_TEST_CODE_PATH`` names the app's code and ``DX_FS_ROOT`` its resources directory.
Inside such a run, :func:`dxpy.new_dxjob` queues a local job (:func:`queue_entry_point`)
instead of calling ``/job/new``, and references to local jobs' outputs
(``{"$dnanexus_link": {"job": "localjob-1", "field": "x"}}``) are resolved here once the
job that produces them has finished. :func:`run_entry_points` runs the queue;
:func:`run_locally` sets up a run, executes it and returns the main job's output::

    python -m dxpy.utils.local_exec_utils my_applet.py --input '{"n": 3}'

``python my_applet.py`` (``dxpy.run()`` outside a job, with ``./job_input.json``) does the same
through :class:`LocalSubjobs` when ``DX_TEST_JOB_HOMEDIRS`` is not set: the main entry point runs
in that process and its subjobs locally afterwards.
"""
import collections
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time

import dxpy
from . import file_load_utils, job_launcher  # noqa: F401  (dxpy exposes file_load_utils here)
from .exec_utils import DXJSONEncoder
from .describe import (JOB_STATES, get_field_from_jbor, get_index_from_jbor, get_job_from_jbor, is_job_ref,
                       job_output_to_str)
from .printing import BLUE, BOLD, ENDC, GREEN, fill
from .resolver import is_localjob_id
from ..compat import basestring
from ..exceptions import DXError, DXJobFailureError

write_mode = "w"
eol = "\n"

_REQUIRED_ENV_VARS = ("DX_FS_ROOT", "DX_TEST_CODE_PATH", "DX_TEST_JOB_HOMEDIRS")
_QUEUE_FILE = "job_queue.json"
_OUTPUTS_FILE = "job_outputs.json"

# Threads of one job may queue subjobs at the same time; the files are read, changed and rewritten.
_state_lock = threading.Lock()


# ---------------------------------------------------------------------------------------------
# State files

def _homedirs():
    return os.environ["DX_TEST_JOB_HOMEDIRS"]


def _state_path(name):
    return os.path.join(_homedirs(), name)


def _read_state(name):
    path = _state_path(name)
    try:
        with open(path) as fd:
            return json.load(fd, object_pairs_hook=collections.OrderedDict)
    except (OSError, ValueError) as e:
        raise DXError("Cannot read the local run's state file %s: %s" % (path, e))


def _write_state(name, value):
    # Written next to the target and renamed over it: a crash never leaves half a file.
    path = _state_path(name)
    fd, tmp_path = tempfile.mkstemp(prefix="." + name, dir=os.path.dirname(path))
    with os.fdopen(fd, write_mode) as fh:
        json.dump(value, fh, indent=4)
        fh.write(eol)
    os.replace(tmp_path, path)


def exit_with_error(msg):
    """Exit (``SystemExit``) with *msg* and where the local jobs' home directories are."""
    sys.exit(msg + "\nLocal job workspaces can be found in: " + str(os.environ.get("DX_TEST_JOB_HOMEDIRS")))


def ensure_env_vars():
    """Exit with an error unless the variables of a local run are set."""
    for var in _REQUIRED_ENV_VARS:
        if var not in os.environ:
            sys.exit("Error: Cannot run an entry point locally if the environment variable " + var
                     + " has not been set (run the app with `python -m dxpy.utils.local_exec_utils APP_CODE`"
                     " or dxpy.utils.local_exec_utils.run_locally to run its subjobs locally)")


# ---------------------------------------------------------------------------------------------
# Walking input and output hashes

_KEEP = object()


def _walk(io_hash, visit):
    """Call ``visit(value)`` on every value nested in *io_hash* (dicts and lists).

    When *visit* returns something other than ``_KEEP`` the value is replaced by it and not
    descended into; otherwise containers are descended into.
    """
    pending = [io_hash]
    while pending:
        container = pending.pop()
        keys = range(len(container)) if isinstance(container, list) else list(container)
        for key in keys:
            value = container[key]
            replacement = visit(value)
            if replacement is not _KEEP:
                container[key] = replacement
            elif isinstance(value, (list, dict)):
                pending.append(value)


def has_local_job_refs(io_hash):
    """Whether *io_hash* holds a job-based object reference to a ``localjob-`` job."""
    found = []

    def visit(value):
        if is_job_ref(value):
            if get_job_from_jbor(value).startswith("localjob"):
                found.append(value)
            return value
        return _KEEP

    _walk(io_hash, visit)
    return bool(found)


def resolve_job_ref(jbor, job_outputs={}, should_resolve=True):
    """The value the job-based object reference *jbor* points to.

    Local jobs are looked up in *job_outputs* (local job ID -> output, None while running);
    with *should_resolve* False a local job that has not finished leaves *jbor* as it is.
    Platform jobs are waited for and described. Raises DXError when the value cannot be found.
    """
    job_id = get_job_from_jbor(jbor)
    field = get_field_from_jbor(jbor)
    index = get_index_from_jbor(jbor)
    if is_localjob_id(job_id):
        output = job_outputs.get(job_id)
        if output is None:
            if should_resolve:
                raise DXError("Job " + job_id + " not found in local finished jobs")
            return jbor
    else:
        job = dxpy.DXJob(job_id)
        try:
            job.wait_on_done()
        except Exception as e:
            raise DXError("Could not wait for " + job_id + " to finish: " + str(e))
        output = job.describe().get("output") or {}
    if field not in output:
        raise DXError('Cannot resolve a JBOR with job ID ' + job_id + ' because field "' + field
                      + '" was not found in its output')
    if index is None:
        return output[field]
    try:
        return output[field][index]
    except (IndexError, KeyError, TypeError):
        raise DXError("Cannot resolve a JBOR with job ID %s: field %r of its output has no element %r"
                      % (job_id, field, index))


def resolve_job_references(io_hash, job_outputs, should_resolve=True):
    """Replace, in place, the job-based object references in *io_hash* by the values they
    point to (see :func:`resolve_job_ref`)."""
    def visit(value):
        if is_job_ref(value):
            return resolve_job_ref(value, job_outputs, should_resolve)
        return _KEEP

    _walk(io_hash, visit)


def get_nonclosed_data_obj_link(thing):
    """The object ID when *thing* is a DNAnexus link to a data object that is not closed, else None."""
    if not isinstance(thing, dict) or "$dnanexus_link" not in thing:
        return None
    link = thing["$dnanexus_link"]
    object_id = link.get("id") if isinstance(link, dict) else link
    if not isinstance(object_id, basestring):
        return None
    if dxpy.describe(object_id).get("state") != "closed":
        return object_id
    return None


def get_implicit_depends_on(input_hash, depends_on):
    """Append to *depends_on* the IDs of the data objects linked from *input_hash* that are
    not closed yet: a job may only start once its input objects are closed."""
    def visit(value):
        object_id = get_nonclosed_data_obj_link(value)
        if object_id is None:
            return _KEEP
        depends_on.append(object_id)
        return value

    _walk(input_hash, visit)


def wait_for_depends_on(depends_on, all_job_outputs):
    """Wait until everything in *depends_on* is finished (jobs) or closed (data objects).

    Local jobs must already be in *all_job_outputs* with an output. Raises DXError naming
    the first dependency that cannot be waited for.
    """
    if not depends_on:
        return
    print(fill("Processing dependsOn and any DNAnexus links to closing objects in the input"))
    for an_id in depends_on:
        print("  Waiting for " + an_id + "...")
        try:
            if an_id.startswith("localjob"):
                if all_job_outputs.get(an_id) is None:
                    raise DXError("Job " + an_id + " could not be found in local finished jobs")
            elif an_id.startswith("job-"):
                dxpy.DXJob(an_id).wait_on_done()
            elif an_id.startswith("analysis-"):
                dxpy.DXAnalysis(an_id).wait_on_done()
            else:
                dxpy.get_handler(an_id)._wait_on_close()
        except Exception as e:
            raise DXError("Could not wait for " + an_id + ": " + str(e))


# ---------------------------------------------------------------------------------------------
# The queue

def queue_entry_point(function, input_hash, depends_on=[], name=None):
    """Queue entry point *function* with *input_hash* as a new local job; return its ID
    (``localjob-N``). Only valid inside a local run (see :func:`ensure_env_vars`).

    *depends_on* lists job IDs (local or platform) and data object IDs to wait for first.
    """
    ensure_env_vars()
    if not isinstance(function, basestring) or not function:
        raise DXError("queue_entry_point: function must be the name of an entry point, not %r" % (function,))
    if not isinstance(input_hash, dict):
        raise DXError("queue_entry_point: the input of %s must be a dict, not %s"
                      % (function, type(input_hash).__name__))
    if not isinstance(depends_on, list) or not all(isinstance(d, basestring) for d in depends_on):
        raise DXError("queue_entry_point: depends_on must be a list of IDs, not %r" % (depends_on,))
    # Handlers (DXFile, ...) in the input become links, as in the API request of a real subjob.
    input_hash = json.loads(json.dumps(input_hash, cls=DXJSONEncoder))

    with _state_lock:
        all_job_outputs = _read_state(_OUTPUTS_FILE)
        job_id = "localjob-" + str(len(all_job_outputs))
        all_job_outputs[job_id] = None
        _write_state(_OUTPUTS_FILE, all_job_outputs)
        os.mkdir(os.path.join(_homedirs(), job_id))

        job_entry = {"id": job_id, "function": function, "input_hash": input_hash, "depends_on": list(depends_on)}
        if name is not None:
            job_entry["name"] = name
        job_queue = _read_state(_QUEUE_FILE)
        job_queue.append(job_entry)
        _write_state(_QUEUE_FILE, job_queue)
    return job_id


def _job_environment(job_homedir, function):
    env = os.environ.copy()
    env["HOME"] = job_homedir
    env["DX_TEST_FUNCTION"] = function
    env.pop("DX_JOB_ID", None)  # with it set, dxpy would treat the local job as a platform job
    env["PYTHONPATH"] = job_launcher.with_this_dxpy(env.get("PYTHONPATH"))  # local jobs import this dxpy
    return env


def _code_file(job_id, run_spec):
    """The file holding the app's code: ``runSpec.code`` when given (written out), else ``$DX_TEST_CODE_PATH``."""
    code = run_spec.get("code")
    if code is None:
        return os.path.abspath(os.environ["DX_TEST_CODE_PATH"])
    path = os.path.join(_homedirs(), job_id + ".code")
    with open(path, "w") as fd:
        fd.write(code)
    return path


def _invocation(job_id, function, run_spec, job_homedir):
    try:
        job_launcher.check(run_spec.get("interpreter"), function)
    except ValueError as e:
        raise DXError(str(e))
    return job_launcher.command(run_spec["interpreter"], _code_file(job_id, run_spec), function, job_homedir,
                                trace=bool(os.environ.get("DX_TEST_X_FLAG")))


def _load_job_output(job_homedir, job_name):
    path = os.path.join(job_homedir, "job_output.json")
    if not os.path.exists(path):
        return collections.OrderedDict()
    try:
        with open(path) as fd:
            output = json.load(fd, object_pairs_hook=collections.OrderedDict)
    except (OSError, ValueError) as e:
        exit_with_error("Error: Could not load output of " + job_name + ":\n" + type(e).__name__ + ": " + str(e))
    if not isinstance(output, dict):
        exit_with_error("Error: The output of " + job_name + " is not a JSON object: " + repr(output))
    return output


def run_one_entry_point(job_id, function, input_hash, run_spec, depends_on, name=None):
    """Run the local job *job_id* (entry point *function* with *input_hash*) to completion.

    Resolves the job's references to other local jobs' outputs, waits for *depends_on* and the
    unclosed data objects of its input, writes ``job_input.json`` to the job's home directory,
    runs the code with *run_spec*'s interpreter in a subprocess and records its
    ``job_output.json`` in ``job_outputs.json``. Any failure exits (:func:`exit_with_error`).
    """
    print("======")
    job_homedir = os.path.join(_homedirs(), job_id)
    all_job_outputs = _read_state(_OUTPUTS_FILE)

    name = (name + " (" + job_id + ":" + function + ")") if isinstance(name, basestring) else job_id + ":" + function
    job_name = BLUE() + BOLD() + name + ENDC()
    print(job_name)

    try:
        resolve_job_references(input_hash, all_job_outputs)
    except Exception as e:
        exit_with_error(job_name + " " + JOB_STATES("failed") + " when resolving input:\n" + str(e))

    depends_on = list(depends_on or [])
    try:
        get_implicit_depends_on(input_hash, depends_on)
        wait_for_depends_on(depends_on, all_job_outputs)
    except Exception as e:
        exit_with_error(job_name + " " + JOB_STATES("failed") + " when processing depends_on:\n" + str(e))

    with open(os.path.join(job_homedir, "job_input.json"), "w") as fd:
        json.dump(input_hash, fd, indent=4)
        fd.write("\n")
    print(job_output_to_str(input_hash, title=BOLD() + "Input: " + ENDC(), title_len=len("Input: ")).lstrip())

    try:
        args = _invocation(job_id, function, run_spec, job_homedir)
    except DXError as e:
        exit_with_error(job_name + " " + JOB_STATES("failed") + ": " + str(e))

    print(BOLD() + "Logs:" + ENDC())
    sys.stdout.flush()  # the job's output follows ours on the same stream
    started = time.monotonic()
    returncode = subprocess.call(args, env=_job_environment(job_homedir, function))
    elapsed = "%.1fs" % (time.monotonic() - started)
    if returncode != 0:
        exit_with_error(job_name + " " + JOB_STATES("failed") + ", exited with error code " + str(returncode)
                        + " after " + elapsed)

    job_output = _load_job_output(job_homedir, job_name)
    print(job_name + " -> " + GREEN() + "finished running" + ENDC() + " after " + elapsed)
    print(job_output_to_str(job_output, title=BOLD() + "Output: " + ENDC(), title_len=len("Output: ")).lstrip())

    with _state_lock:
        all_job_outputs = _read_state(_OUTPUTS_FILE)
        all_job_outputs[job_id] = job_output
        # Outputs that referred to this job (or to others now finished) can be filled in.
        for other_job_id, output in all_job_outputs.items():
            if output is None:
                continue
            try:
                resolve_job_references(output, all_job_outputs, should_resolve=False)
            except Exception as e:
                exit_with_error(other_job_id + " " + JOB_STATES("failed") + " when resolving its output:\n" + str(e))
        _write_state(_OUTPUTS_FILE, all_job_outputs)


def _try_resolve_input(input_hash, all_job_outputs):
    """Resolve *input_hash*'s local references in place; False while one cannot be resolved yet."""
    # A resolved value may itself hold references; a bounded number of rounds guards against cycles.
    for _round in range(100):
        if not has_local_job_refs(input_hash):
            return True
        try:
            resolve_job_references(input_hash, all_job_outputs)
        except DXError:
            return False
    return False


def run_entry_points(run_spec):
    """Run the queued local jobs until the queue is empty, each as soon as its inputs are ready
    (first in, first out among those). When none is ready the first runs anyway, to fail with
    the reason. *run_spec* is the app's ``runSpec`` (``interpreter``, optionally ``code``)."""
    if not isinstance(run_spec, dict) or not isinstance(run_spec.get("interpreter"), basestring):
        raise DXError("run_entry_points: run_spec must be a dict with an 'interpreter', not %r" % (run_spec,))
    while True:
        with _state_lock:
            job_queue = _read_state(_QUEUE_FILE)
            if not job_queue:
                return
            all_job_outputs = _read_state(_OUTPUTS_FILE)
            position = next((i for i, entry in enumerate(job_queue)
                             if _try_resolve_input(entry["input_hash"], all_job_outputs)), 0)
            entry = job_queue.pop(position)
            _write_state(_QUEUE_FILE, job_queue)
        run_one_entry_point(job_id=entry["id"], function=entry["function"], input_hash=entry["input_hash"],
                            run_spec=run_spec, depends_on=entry.get("depends_on", []), name=entry.get("name"))


# ---------------------------------------------------------------------------------------------
# A whole local run

def _default_run_spec(code_path):
    return {"interpreter": "bash" if code_path.endswith(".sh") else "python3"}


class _Environment(object):
    """Sets (or, for None, unsets) environment variables for a block and restores them afterwards."""

    def __init__(self, values):
        self.values = values
        self.saved = {}

    def __enter__(self):
        for key, value in self.values.items():
            self.saved[key] = os.environ.get(key)
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value

    def __exit__(self, *exc_info):
        for key, value in self.saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def run_locally(code_path, job_input=None, function="main", run_spec=None, job_homedirs=None, name=None):
    """Run entry point *function* of the app whose code is *code_path* with *job_input*, and
    every subjob it creates, on this machine; return the main job's output with all
    references to local jobs resolved.

    *run_spec* is the app's ``runSpec`` (default: bash for ``.sh`` files, else python3).
    The jobs' home directories go under *job_homedirs* (a new temporary directory by
    default; it must not hold another run). Raises DXJobFailureError when a job fails.
    """
    if not isinstance(code_path, basestring) or not os.path.isfile(code_path):
        raise DXError("run_locally: the app's code %r is not a file" % (code_path,))
    if job_input is None:
        job_input = {}
    if not isinstance(job_input, dict):
        raise DXError("run_locally: job_input must be a dict, not %s" % type(job_input).__name__)
    if not isinstance(function, basestring) or not function:
        raise DXError("run_locally: function must be the name of an entry point, not %r" % (function,))
    code_path = os.path.abspath(code_path)
    if run_spec is None:
        run_spec = _default_run_spec(code_path)
    if job_homedirs is None:
        job_homedirs = tempfile.mkdtemp(prefix="dx-local-jobs-")
    job_homedirs = os.path.abspath(job_homedirs)
    os.makedirs(job_homedirs, exist_ok=True)
    if os.path.exists(os.path.join(job_homedirs, _OUTPUTS_FILE)):
        raise DXError("run_locally: %s already holds a local run; give an empty directory" % job_homedirs)

    env = {"DX_TEST_JOB_HOMEDIRS": job_homedirs, "DX_TEST_CODE_PATH": code_path,
           "DX_FS_ROOT": os.environ.get("DX_FS_ROOT", os.path.dirname(code_path)),
           # Inside a platform job, localjob- references would be taken for platform jobs.
           "DX_JOB_ID": None}
    with _Environment(env):
        _write_state(_QUEUE_FILE, [])
        _write_state(_OUTPUTS_FILE, {})
        main_job = queue_entry_point(function, job_input, name=name)
        try:
            run_entry_points(run_spec)
        except SystemExit as e:
            raise DXJobFailureError(str(e.code)) from None
        all_job_outputs = _read_state(_OUTPUTS_FILE)
        output = all_job_outputs[main_job]
        try:
            resolve_job_references(output, all_job_outputs)
        except DXError as e:
            raise DXJobFailureError("The output of %s cannot be resolved: %s" % (main_job, e)) from None
    return output


class LocalSubjobs(object):
    """The local run behind ``dxpy.run()`` in a process that is not a job (and not already part of
    a local run): while the entry point runs here, its ``new_dxjob`` calls queue local jobs in a
    temporary run directory; :meth:`complete` then runs them (the app's code in subprocesses)
    and resolves the references to their outputs in the entry point's result::

        with LocalSubjobs(code_path) as subjobs:
            output = subjobs.complete(main(**job_input))

    The run directory is removed when everything succeeded and kept (and named in the error)
    when a job failed, for its files to be looked at.
    """

    def __init__(self, code_path, run_spec=None):
        if not isinstance(code_path, basestring) or not os.path.isfile(code_path):
            raise DXError("LocalSubjobs: the app's code %r is not a file" % (code_path,))
        self.code_path = os.path.abspath(code_path)
        self.run_spec = run_spec if run_spec is not None else _default_run_spec(self.code_path)
        self.job_homedirs = None
        self._environment = None
        self._failed = False

    def __enter__(self):
        self.job_homedirs = tempfile.mkdtemp(prefix="dx-local-jobs-")
        self._environment = _Environment({"DX_TEST_JOB_HOMEDIRS": self.job_homedirs,
                                          "DX_TEST_CODE_PATH": self.code_path,
                                          "DX_FS_ROOT": os.environ.get("DX_FS_ROOT",
                                                                       os.path.dirname(self.code_path))})
        self._environment.__enter__()
        _write_state(_QUEUE_FILE, [])
        _write_state(_OUTPUTS_FILE, {})
        return self

    def __exit__(self, exc_type, *exc_info):
        self._environment.__exit__(exc_type, *exc_info)
        if exc_type is None and not self._failed:
            shutil.rmtree(self.job_homedirs, ignore_errors=True)
        return False

    def resolve_input(self, job_input):
        """*job_input* with references to platform jobs' outputs replaced by the values (the
        platform does this before a job starts); waits for those jobs to finish."""
        resolve_job_references(job_input, {})
        return job_input

    def complete(self, result):
        """Run every queued subjob and return *result* with their outputs in place of the
        references to them. Raises DXJobFailureError when a subjob fails."""
        if not _read_state(_OUTPUTS_FILE):
            return result  # no subjob: nothing to run or resolve
        try:
            run_entry_points(self.run_spec)
        except SystemExit as e:
            self._failed = True
            raise DXJobFailureError(str(e.code)) from None
        if result is None:
            return None
        all_job_outputs = _read_state(_OUTPUTS_FILE)
        # Handlers in the result become links, as when it is written to job_output.json.
        output = json.loads(json.dumps(result, cls=DXJSONEncoder))
        try:
            resolve_job_references(output, all_job_outputs)
        except DXError as e:
            self._failed = True
            raise DXJobFailureError("The output cannot be resolved: %s\nLocal job workspaces can be found in: %s"
                                    % (e, self.job_homedirs)) from None
        return output


def main(args=None):
    """``python -m dxpy.utils.local_exec_utils CODE [--input JSON | --input-file FILE] ...``"""
    import argparse
    parser = argparse.ArgumentParser(prog="python -m dxpy.utils.local_exec_utils",
                                     description="Run an app's entry point and its subjobs on this machine.")
    parser.add_argument("code", help="the app's code (a Python or bash file)")
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--input", help="the job input, as JSON")
    source.add_argument("--input-file", help="a file holding the job input as JSON")
    parser.add_argument("--function", default="main", help="the entry point to run (default: main)")
    parser.add_argument("--interpreter", choices=["python3", "python2.7", "bash"],
                        help="default: bash for .sh files, else python3")
    parser.add_argument("--job-homedirs", help="where the jobs' home directories go (default: a new temp dir)")
    parser.add_argument("--output", help="write the final output (JSON) to this file instead of stdout")
    options = parser.parse_args(args)
    try:
        if options.input_file is not None:
            with open(options.input_file) as fd:
                job_input = json.load(fd)
        else:
            job_input = json.loads(options.input) if options.input is not None else {}
    except (OSError, ValueError) as e:
        parser.error("cannot read the job input: %s" % e)
    run_spec = {"interpreter": options.interpreter} if options.interpreter else None
    try:
        output = run_locally(options.code, job_input, function=options.function, run_spec=run_spec,
                             job_homedirs=options.job_homedirs)
    except DXError as e:
        sys.exit(str(e))
    text = json.dumps(output, indent=4) + "\n"
    if options.output:
        with open(options.output, "w") as fd:
            fd.write(text)
    else:
        print(BOLD() + "Final output:" + ENDC())
        sys.stdout.write(text)


if __name__ == "__main__":
    main()
