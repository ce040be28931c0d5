"""The platform's rules for a job's life, applied to the model's state (call with the platform locked).

``idle``/``waiting_on_input`` -> ``runnable`` once job-based references in the input resolve,
``dependsOn`` is satisfied and linked data objects are closed; ``running`` while the code runs;
``waiting_on_output`` until subjobs are done and the output's references resolve; then ``done``
(outputs checked against the output spec, data objects cloned into the project) or ``failed``.
A failure takes the job's whole tree (same origin job) with it; jobs in other trees that need
it fail with ``DependencyUnsatisfiable``. Analyses follow the jobs of their stages. A job tree's
temporary workspace is destroyed once every job using it has ended.
"""
import copy

from ..model import tokens
from ..model.access import clone_key, find_copy, object_copies, object_key
from ..model.folders import ensure_folder
from ..model.executables import fits, is_reference, link_of, object_link, stored_executable
from ..model.ids import id_class, now_ms
from ..model.states import TERMINAL_STATES

WAITING_TO_RUN = ("idle", "waiting_on_input")
# What the platform reports when the code exits non-zero without writing job_error.json.
NONZERO_EXIT_MESSAGE = "Error while running the command (please refer to the job log for more information)."
_ERROR_TYPES = ("AppError", "AppInternalError")


class Waiting(Exception):
    """Something the job needs is not ready yet."""


class Failure(Exception):
    """The job cannot go on: it fails with *reason* and *message* (caused by job *source*)."""

    def __init__(self, reason, message, source=None):
        Exception.__init__(self, message)
        self.reason = reason
        self.message = message
        self.source = source


def set_state(job, new_state):
    if job["state"] == new_state:
        return
    now = now_ms()
    job["state"] = new_state
    job["modified"] = max(now, job.get("modified", 0))
    job.setdefault("stateTransitions", []).append({"newState": new_state, "setAt": now})


def _summary(job):
    keys = ("id", "name", "executable", "executableName", "function", "failureReason", "failureMessage")
    return dict((key, job.get(key)) for key in keys)


def fail(state, job, reason, message, source=None):
    """Fail *job* and every unfinished job of its tree with the same reason and message."""
    origin = source or job
    tree = [job] + [other for other in state["jobs"].values()
                    if other is not job and other["class"] == "job" and other["state"] not in TERMINAL_STATES
                    and other.get("originJob") == job.get("originJob") and job["class"] == "job"]
    now = now_ms()
    for member in tree:
        if member["state"] in TERMINAL_STATES:
            continue
        member.update({"failureReason": reason, "failureMessage": message})
        if member is not origin:
            member["failureFrom"] = _summary(origin)
        if "startedRunning" in member and "stoppedRunning" not in member:
            member["stoppedRunning"] = now
        set_state(member, "failed")
        tokens.revoke(state, member["id"])


# Resolving job-based object references

def _producer(state, link, reason):
    jobs = state.get("jobs", {})
    producer_id = link.get("job") or link.get("analysis")
    producer = jobs.get(producer_id) if isinstance(producer_id, str) else None
    if producer is None:
        raise Failure(reason, "The job-based object reference names %r, which is not an execution" % (producer_id,))
    stage = link.get("stage")
    if producer["class"] == "analysis" and isinstance(stage, str):
        for entry in producer.get("stages", []):
            if entry["id"] == stage:
                return jobs[entry["execution"]["id"]]
        raise Failure(reason, "%s has no stage %s" % (producer_id, stage))
    return producer


def _reference_value(state, link, reason):
    producer = _producer(state, link, reason)
    if producer["state"] in ("failed", "terminated"):
        raise Failure("DependencyUnsatisfiable", "%s was a job dependency but failed" % producer["id"], producer)
    if producer["state"] != "done":
        raise Waiting()
    field = link.get("field", link.get("outputField"))
    output = producer.get("output") or {}
    if field not in output:
        raise Failure(reason, 'The job-based object reference to %s cannot be resolved: it has no output field "%s"'
                      % (producer["id"], field))
    value = output[field]
    if "index" in link:
        index = link["index"]
        if not isinstance(value, list) or not isinstance(index, int) or not 0 <= index < len(value):
            raise Failure(reason, 'The job-based object reference to %s field "%s" has index %r, which is not in '
                          'the array it gave' % (producer["id"], field, index))
        value = value[index]
    if "metadata" in link:
        raise Failure(reason, "The job-based object reference to %s asks for metadata, which the emulator does "
                      "not resolve" % producer["id"])
    return copy.deepcopy(value)


def resolve(state, value, reason="InputError"):
    """*value* with every job-based reference replaced by the output it names. Raises
    :class:`Waiting` while a producer is unfinished, :class:`Failure` when it cannot be done."""
    if is_reference(value):
        return _reference_value(state, link_of(value), reason)
    if isinstance(value, dict):
        return dict((key, resolve(state, item, reason)) for key, item in value.items())
    if isinstance(value, list):
        return [resolve(state, item, reason) for item in value]
    return value


def _linked_objects(value):
    target = object_link(value)
    if target is not None:
        return [target]
    found = []
    if isinstance(value, dict):
        for item in value.values():
            found.extend(_linked_objects(item))
    elif isinstance(value, list):
        for item in value:
            found.extend(_linked_objects(item))
    return found


def _require_closed(state, value, reason, where):
    """Waiting while a linked object is closing; Failure if one is missing (or open, for outputs)."""
    for object_id, project in _linked_objects(value):
        copies = [found for found in object_copies(state, object_id) if project is None or found["project"] == project]
        if not copies:
            raise Failure(reason, "The %s links to %s, which could not be found" % (where, object_id))
        states = set(found.get("state", "closed") for found in copies)
        if "closed" in states:
            continue
        if "closing" in states or reason == "InputError":
            raise Waiting()  # inputs wait for their objects to close, as on the platform
        raise Failure(reason, "The %s links to %s, which is not closed" % (where, object_id))


def _dependencies_done(state, job):
    for dependency in job.get("dependsOn", []):
        if id_class(dependency) in ("job", "analysis"):
            other = state["jobs"].get(dependency)
            if other is None or other["state"] in ("failed", "terminated"):
                raise Failure("DependencyUnsatisfiable", "%s was a job dependency but failed" % dependency, other)
            if other["state"] != "done":
                raise Waiting()
        else:
            _require_closed(state, {"$dnanexus_link": dependency}, "InputError", "dependsOn list")


def _is_origin(job):
    return job.get("parentJob") is None


def _spec(state, job, key):
    """The executable's input or output spec, for the origin job of a run (subjobs have none)."""
    if not _is_origin(job):
        return None
    executable = stored_executable(state, job.get("executable"))
    return executable.get(key) if executable is not None else None


def _check_input_classes(state, job, given):
    for entry in _spec(state, job, "inputSpec") or []:
        name = entry["name"]
        if name in given and not fits(entry["class"], given[name]):
            raise Failure("InputError", 'Expected input field "%s" to be of class %s, but the job-based object '
                          'reference gave %s' % (name, entry["class"], _short(given[name])))


def _short(value):
    import json
    text = json.dumps(value)
    return text if len(text) <= 80 else text[:77] + "..."


def try_make_runnable(state, job):
    """Move a waiting job to ``runnable`` when it can start; True when it did."""
    try:
        resolved = resolve(state, job.get("input") or {})
        _dependencies_done(state, job)
        _require_closed(state, resolved, "InputError", "input")
        _check_input_classes(state, job, resolved)
    except Waiting:
        set_state(job, "waiting_on_input")
        return False
    except Failure as failure:
        fail(state, job, failure.reason, failure.message, failure.source)
        return False
    job["input"] = resolved
    _clone_into(state, _linked_objects(resolved), job.get("workspace"), "/")
    set_state(job, "runnable")
    return True


def _clone_into(state, targets, container_id, folder):
    """List each linked object (``(ID, project)`` pairs) in *container_id* too, as the platform
    does with a job's inputs (into its workspace) and outputs (into its project)."""
    destination = state["containers"].get(container_id)
    if destination is None:
        return
    for object_id, project in targets:
        if find_copy(state, object_id, container_id) is not None:
            continue
        copies = [found for found in object_copies(state, object_id) if project is None or found["project"] == project]
        if not copies:
            continue
        ensure_folder(destination, folder, True)
        clone = copy.deepcopy(copies[0])
        clone.update({"project": container_id, "folder": folder})
        state["objects"][clone_key(object_id, container_id)] = clone


# After the code has run

def _error_from_file(error_json):
    """(reason, message) from the contents of job_error.json, or None when it says nothing usable."""
    error = error_json.get("error") if isinstance(error_json, dict) else None
    if not isinstance(error, dict):
        return None
    reason = error.get("type") if error.get("type") in _ERROR_TYPES else "AppInternalError"
    message = error.get("message")
    return reason, message if isinstance(message, str) else str(message)


def finish_running(state, job, result):
    """Apply the outcome of the job's process (:class:`ProcessResult`-like *result*)."""
    if job["state"] != "running":
        return  # terminated (or failed with its tree) while it ran
    job["stoppedRunning"] = now_ms()
    if result.timed_out:
        fail(state, job, "JobTimeoutExceeded", "The job ran longer than its timeout of %s" % result.timeout_text)
        return
    if result.launch_error is not None:
        fail(state, job, "ExecutionError", result.launch_error)
        return
    reported = _error_from_file(result.error_json) if result.error_json is not None else None
    if reported is not None:
        fail(state, job, reported[0], reported[1])
        return
    if result.exit_code != 0:
        fail(state, job, "AppInternalError", NONZERO_EXIT_MESSAGE)
        return
    if result.output_problem is not None:
        fail(state, job, "OutputError", result.output_problem)
        return
    job["output"] = result.output
    set_state(job, "waiting_on_output")
    try_finish(state, job)


def _check_output_spec(spec, output):
    by_name = dict((entry["name"], entry) for entry in spec)
    for name in output:
        if name not in by_name:
            raise Failure("OutputError", 'The output field "%s" is not in the output specification' % name)
    for name, entry in by_name.items():
        if name in output:
            if not fits(entry["class"], output[name]):
                raise Failure("OutputError", 'Expected output field "%s" to be of class %s, but got %s'
                              % (name, entry["class"], _short(output[name])))
        elif not entry.get("optional", False):
            raise Failure("OutputError", 'The required output field "%s" was not provided' % name)


def try_finish(state, job):
    """Finish a ``waiting_on_output`` job once its subjobs are done and its output resolves."""
    children = [other for other in state["jobs"].values() if other.get("parentJob") == job["id"]]
    if any(child["state"] not in TERMINAL_STATES for child in children):
        return False
    try:
        output = resolve(state, job.get("output") or {}, "OutputError")
        spec = _spec(state, job, "outputSpec")
        if spec is not None:
            _check_output_spec(spec, output)
        _require_closed(state, output, "OutputError", "output")
    except Waiting:
        return False
    except Failure as failure:
        fail(state, job, failure.reason, failure.message, failure.source)
        return False
    if _is_origin(job):
        _clone_into(state, _linked_objects(output), job.get("outputContainer", job["project"]), job["folder"])
    job["output"] = output
    set_state(job, "done")
    tokens.revoke(state, job["id"])
    return True


# Analyses

def update_analysis(state, analysis):
    """Bring an analysis's state in line with its stages' jobs; True when it changed."""
    if analysis["state"] in TERMINAL_STATES:
        return False
    before = analysis["state"]
    stages = [(entry["id"], state["jobs"].get(entry["execution"]["id"])) for entry in analysis.get("stages", [])]
    jobs = [job for _, job in stages if job is not None]
    failed = [job for job in jobs if job["state"] == "failed"]
    finished = all(job["state"] in TERMINAL_STATES for job in jobs)
    if failed:
        first = failed[0]
        analysis.update({"failureReason": first.get("failureReason"), "failureMessage": first.get("failureMessage"),
                         "failureFrom": first.get("failureFrom") or _summary(first)})
        set_state(analysis, "failed" if finished else "partially_failed")
    elif finished and all(job["state"] == "done" for job in jobs):
        output = {}
        for stage_id, job in stages:
            for field, value in (job.get("output") or {}).items():
                output["%s.%s" % (stage_id, field)] = copy.deepcopy(value)
        analysis["output"] = output
        set_state(analysis, "done")
    return analysis["state"] != before


def advance(state):
    """Apply the rules until nothing changes. Returns the IDs of jobs that became runnable."""
    runnable = []
    changed = True
    while changed:
        changed = False
        for job in list(state.get("jobs", {}).values()):
            if job["class"] == "analysis":
                changed = update_analysis(state, job) or changed
            elif job["state"] in WAITING_TO_RUN:
                before = job["state"]
                if try_make_runnable(state, job):
                    runnable.append(job["id"])
                changed = changed or job["state"] not in (before, "waiting_on_input")
            elif job["state"] == "waiting_on_output":
                changed = try_finish(state, job) or job["state"] != "waiting_on_output" or changed
    return runnable


# Temporary workspaces

def destroy_finished_workspaces(state, drop_parts):
    """Destroy the workspace containers whose jobs have all ended, as the platform does, unless
    one of them asked for ``delayWorkspaceDestruction``. *drop_parts(file_id)* frees a file's
    bytes when its last copy goes. Returns the IDs of the containers destroyed."""
    kept, ended = set(), set()
    for job in state.get("jobs", {}).values():
        workspace = job.get("workspace") if job["class"] == "job" else None
        if not isinstance(workspace, str) or not workspace.startswith("container-"):
            continue
        if job["state"] not in TERMINAL_STATES or job.get("delayWorkspaceDestruction"):
            kept.add(workspace)
        else:
            ended.add(workspace)
    destroyed = [workspace for workspace in ended - kept if workspace in state["containers"]]
    for workspace in destroyed:
        inside = [obj for obj in state["objects"].values() if obj.get("project") == workspace]
        for obj in inside:
            del state["objects"][object_key(state, obj)]
        del state["containers"][workspace]
        for obj in inside:
            if obj["class"] == "file" and not object_copies(state, obj["id"]):
                drop_parts(obj["id"])
    return destroyed
