"""Executions: jobs and analyses. Running an applet, app, workflow or global workflow,
the ``/job-xxxx/*`` and ``/analysis-xxxx/*`` methods, and ``/system/findJobs``,
``/system/findExecutions`` and ``/system/findAnalyses``.

Jobs are not executed here: a job that can start is announced to the functions in
:data:`RUNNABLE_HOOKS`, which is where an executor plugs in (``dxpy.emulator.execution``).
:func:`add_job` is how every execution enters the ``jobs`` table. ``/job/new`` (subjobs) needs
a job's token; ``/job-xxxx/getLog`` answers with what the executor kept of the job's output."""
import copy

from ..errors import InvalidInput, InvalidState, PermissionDenied, ResourceNotFound
from . import paths
from .access import at_least, calling_job_record, container, data_object, level_of
from .apps import GLOBAL_WORKFLOW, lookup, resolve_app
from .containers import DEFAULT_REGION, new_container
from .edits import edit_list, set_properties
from .folders import folder_arg
from .describe import describe_option, select
from .executables import check_input, check_objects, is_reference, link_of, stored_executable, typed_object
from .ids import id_class, new_id, now_ms
from .objects import CONTAINER_IDS
from .tokens import calling_job
from .states import TERMINAL_STATES
from .queries import all_of_matcher, limit_of, name_matcher, paginate, properties_matcher, time_matcher
from .validate import entity_id, get, one_of, string_map, strings

EXECUTION_CLASSES = ("job", "analysis")
DEFAULT_INSTANCE_TYPE = "mem2_ssd1_v2_x4"
_IO_FIELDS = ("input", "output", "originalInput", "runInput")
_LINKS = ("parentJob", "parentAnalysis")
# Functions (platform, job ID) told that a job may start; called with the platform locked,
# so they should only take note (a local executor queues the job, for instance).
RUNNABLE_HOOKS = []


def add_job(state, job):
    """Store the execution *job* (a dict with at least an ``id`` of class job or analysis),
    filling in the fields the platform always reports. Returns the stored record."""
    job = copy.deepcopy(job)
    klass = id_class(job.get("id"))
    if klass not in EXECUTION_CLASSES:
        raise InvalidInput("An execution needs a job or analysis ID, not %r" % job.get("id"))
    now = now_ms()
    origin = job.get("originJob", job.get("origin", job["id"]))
    defaults = {"class": klass, "name": job["id"], "state": "idle", "created": now,
                "modified": now, "launchedBy": None, "project": None, "executable": None,
                "origin": origin, "originJob": origin, "rootExecution": job["id"], "parentJob": None,
                "parentAnalysis": None, "tags": [], "properties": {}, "details": {}}
    for key, value in defaults.items():
        job.setdefault(key, value)
    state.setdefault("jobs", {})[job["id"]] = job
    return job


# Finding and describing executions

def _visible(req, job, level="VIEW"):
    """The launcher may do anything with an execution (a job's token, with those of its own
    tree); others need *level* in its project."""
    caller_job = calling_job_record(req.state, req.user)
    if job["launchedBy"] == req.user and (caller_job is None
                                          or job.get("rootExecution") == caller_job.get("rootExecution")):
        return True
    found = req.state["containers"].get(job["project"])
    return found is not None and at_least(level_of(req.state, found, req.user), level)


def _equals(payload, field):
    """A predicate for a string filter such as ``launchedBy`` (absent: anything)."""
    wanted = get(payload, field, str, None)
    return lambda value: wanted is None or value == wanted


def _one_of_ids(payload, field):
    """``originJob`` / ``rootExecution``: an ID, or an array of IDs (any of them)."""
    value = get(payload, field, (str, list), None)
    if value is None:
        return lambda found: True
    wanted = set([value] if isinstance(value, str) else strings(payload, field))
    return lambda found: found in wanted


def _link(payload, field):
    """``parentJob`` / ``parentAnalysis``: an ID, or null for executions without one."""
    if field not in payload:
        return lambda value: True
    wanted = get(payload, field, (str, type(None)))
    return lambda value: value == wanted


def _states(payload):
    value = get(payload, "state", (str, list), None)
    if value is None:
        return lambda state: True
    wanted = [value] if isinstance(value, str) else strings(payload, "state")
    return lambda state: state in wanted


def _execution_filters(payload):
    if "originJob" in payload:  # dxpy's name for it; "origin" is kept for older callers
        payload = dict(payload, origin=payload["originJob"])
    tests = [(field, _equals(payload, field)) for field in ("launchedBy", "executable", "project")]
    tests += [(field, _one_of_ids(payload, field)) for field in ("origin", "rootExecution")]
    tests += [(field, _link(payload, field)) for field in _LINKS]
    tests += [("state", _states(payload)), ("name", name_matcher(payload)),
              ("tags", all_of_matcher(payload, "tags")), ("properties", properties_matcher(payload)),
              ("created", time_matcher(payload, "created")),
              ("modified", time_matcher(payload, "modified"))]
    klass = one_of(payload, "class", EXECUTION_CLASSES, None)
    subjobs = get(payload, "includeSubjobs", bool, True)
    get(payload, "includeRestarted", bool, False)  # nothing restarts here
    return lambda job: (all(test(job[field]) for field, test in tests)
                        and (klass is None or job["class"] == klass)
                        and (subjobs or job["parentJob"] is None))


# Fields a job's description has only on request: the instance types as the run asked for them
# and, by executable, as merged down the execution tree; where the outputs of a run started by
# a job without a project go (that job's workspace).
_REQUESTED_ONLY = ("runSystemRequirements", "runSystemRequirementsByExecutable",
                   "mergedSystemRequirementsByExecutable", "outputContainer")
# The currency the platform states prices in (a bill-to in the United States), next to the price.
_CURRENCY = {"dxCode": 0, "code": "USD", "symbol": "$", "symbolPosition": "left", "decimalSymbol": ".",
             "groupingSymbol": ","}


def describe_job(req, job, payload):
    """The describe output of the execution *job* for the describe input *payload*."""
    full = dict(job)  # shallow: only the fields selected are copied
    if "totalPrice" in full:
        full.setdefault("currency", dict(_CURRENCY))
    if not get(payload, "io", bool, True):
        for field in _IO_FIELDS:
            full.pop(field, None)
    # Unlike data objects, executions report their properties and details by default.
    described = copy.deepcopy(select(full, _REQUESTED_ONLY, payload))
    if job["class"] == "analysis" and "stages" in described:
        jobs = req.state.get("jobs", {})
        for stage in described["stages"]:
            execution = jobs.get(stage["execution"]["id"])
            if execution is not None:
                stage["execution"] = copy.deepcopy(execution)
    return described


def _find(req, classes):
    payload = req.payload
    matches = _execution_filters(payload)
    describe = describe_option(payload)
    starting = get(payload, "starting", (str, type(None)), None)
    limit = limit_of(payload)
    # Newest first; of those made in the same millisecond, the one made last (an analysis's
    # stage jobs before the analysis), so that every listing and page comes in one order.
    made = [job for job in req.state.get("jobs", {}).values()
            if job["class"] in classes and _visible(req, job) and matches(job)]
    found = [job for _, job in sorted(enumerate(made), key=lambda pair: (-pair[1]["created"], -pair[0]))]
    page, following = paginate(found, lambda job: job["id"], starting, limit)
    results = []
    for job in page:
        entry = {"id": job["id"]}
        if describe is not None:
            entry["describe"] = describe_job(req, job, describe)
        results.append(entry)
    return {"results": results, "next": following}


def find_jobs(req):
    return _find(req, ("job",))


def find_executions(req):
    return _find(req, EXECUTION_CLASSES)


def find_analyses(req):
    return _find(req, ("analysis",))


def route_execution(req, klass, level="VIEW"):
    """The route's execution, if the caller has *level* in its project (or launched it)."""
    job = req.state.get("jobs", {}).get(req.id)
    if job is None or job["class"] != klass:
        raise ResourceNotFound("The entity %s could not be found" % req.id)
    if not _visible(req, job, level):
        raise PermissionDenied("%s permission required in %s to change %s" % (level, job["project"], req.id)
                               if level != "VIEW" else "You do not have access to %s" % req.id)
    return job


def _touched(job):
    job["modified"] = max(now_ms(), job["modified"])
    return {"id": job["id"]}


def _describer(klass):
    def describe(req):
        return describe_job(req, route_execution(req, klass), req.payload)
    describe.__name__ = "%s_describe" % klass
    return describe


def _tagger(klass, adding):
    def edit(req):
        job = route_execution(req, klass, "CONTRIBUTE")
        edit_list(job, "tags", strings(req.payload, "tags"), adding)
        return _touched(job)
    edit.__name__ = "%s_%s_tags" % (klass, "add" if adding else "remove")
    return edit


def _property_setter(klass):
    def edit(req):
        job = route_execution(req, klass, "CONTRIBUTE")
        set_properties(job, string_map(req.payload, "properties", allow_null=True))
        return _touched(job)
    edit.__name__ = "%s_set_properties" % klass
    return edit


def job_update(req):
    job = route_execution(req, "job", "CONTRIBUTE")
    allow_ssh = strings(req.payload, "allowSSH", None)
    rank = get(req.payload, "rank", int, None)
    if job["state"] in TERMINAL_STATES:
        raise InvalidState("%s is %s and can no longer be updated" % (job["id"], job["state"]))
    if allow_ssh is not None:
        job["allowSSH"] = allow_ssh
    if rank is not None:
        job["rank"] = rank
    return _touched(job)


# Termination

def _descendants(jobs, root_id):
    """*root_id* and every execution below it (subjobs, and the stages of an analysis)."""
    found, frontier = [root_id], [root_id]
    while frontier:
        parent = frontier.pop()
        children = [job["id"] for job in jobs.values()
                    if parent in (job.get("parentJob"), job.get("parentAnalysis")) and job["id"] not in found]
        found.extend(children)
        frontier.extend(children)
    return found


def _terminate(req, execution):
    if execution["state"] in ("done", "failed"):
        raise InvalidState("%s is %s and cannot be terminated" % (execution["id"], execution["state"]))
    jobs = req.state["jobs"]
    # A job that is a stage of an analysis takes the whole analysis with it.
    root = jobs.get(execution.get("parentAnalysis")) or execution
    now = now_ms()
    for execution_id in _descendants(jobs, root["id"]):
        job = jobs[execution_id]
        if job["state"] in TERMINAL_STATES:
            continue
        job.update({"state": "terminated", "failureReason": "Terminated",
                    "failureMessage": "The execution was terminated by %s" % req.user})
        if "startedRunning" in job:
            job["stoppedRunning"] = now
        job["modified"] = max(now, job["modified"])
    _wake_runner(req)
    return {"id": execution["id"]}


def _wake_runner(req):
    """Tell the platform's job runner (if any) that executions changed, so it acts at once."""
    runner = req.platform.job_runner
    if runner is not None:
        runner.wake()


def _terminator(klass):
    def terminate(req):
        return _terminate(req, route_execution(req, klass, "ADMINISTER"))
    terminate.__name__ = "%s_terminate" % klass
    return terminate


# Launching

def _depends_on(req, payload):
    ids = strings(payload, "dependsOn", [])
    for dependency in ids:
        if id_class(dependency) in EXECUTION_CLASSES:
            if dependency not in req.state.get("jobs", {}):
                raise ResourceNotFound("The execution %s in dependsOn could not be found" % dependency)
        elif id_class(dependency) is None:
            raise InvalidInput('Expected key "dependsOn" of input to list execution or data object IDs')
        else:
            data_object(req, dependency)
    return ids


def _run_options(req):
    """The checked options every /run method takes (all but the executable's input)."""
    payload = req.payload
    project = entity_id(payload, "project", CONTAINER_IDS, None)
    caller = req.state.get("jobs", {}).get(calling_job(req.user) or "")
    output_container = None
    if project is None and caller is not None:
        # A job may leave the project out: the run takes the job's project context (which the
        # job may only view) and its outputs go to the job's workspace.
        project, output_container = caller["project"], caller["workspace"]
    elif project is None:
        raise InvalidInput('Expected input to have key "project"')
    project_record = container(req, project, "VIEW" if output_container else "CONTRIBUTE")
    options = {
        "project": project, "folder": folder_arg(payload),
        "name": get(payload, "name", str, None),
        "tags": strings(payload, "tags", []),
        "properties": string_map(payload, "properties", {}),
        "details": copy.deepcopy(get(payload, "details", (dict, list), {})),
        "dependsOn": _depends_on(req, payload),
        "priority": one_of(payload, "priority", ("low", "normal", "high"), "normal"),
        "systemRequirements": copy.deepcopy(get(payload, "systemRequirements", dict, {})),
        "systemRequirementsByExecutable": copy.deepcopy(get(payload, "systemRequirementsByExecutable", dict, {})),
        "executionPolicy": copy.deepcopy(get(payload, "executionPolicy", dict, {})),
        "delayWorkspaceDestruction": get(payload, "delayWorkspaceDestruction", bool, False),
        "allowSSH": strings(payload, "allowSSH", []),
        "debug": copy.deepcopy(get(payload, "debug", dict, {})),
        "rank": get(payload, "rank", int, 0),
        "detailedJobMetrics": get(payload, "detailedJobMetrics", bool, False),
        "preserveJobOutputs": copy.deepcopy(get(payload, "preserveJobOutputs", (dict, type(None)), None)),
        "billTo": project_record.get("billTo", project_record["owner"]),
    }
    if output_container is not None:
        options["outputContainer"] = output_container
    for key, kind in (("costLimit", float), ("maxTreeSpotWaitTime", int), ("maxJobSpotWaitTime", int),
                      ("headJobOnDemand", bool), ("detach", bool), ("singleContext", bool)):
        if key in payload:
            options[key] = get(payload, key, kind)
    return options


def _references_ready(req, value, siblings=()):
    """*value* with the outputs of finished jobs put in for references to them, and
    whether references to unfinished executions remain. *siblings* are the IDs of jobs
    being created by the same call."""
    link = link_of(value)
    if is_reference(value):
        job_id = link.get("job") or link.get("analysis")
        if job_id in siblings:
            return value, True
        job = req.state.get("jobs", {}).get(job_id) if isinstance(job_id, str) else None
        if job is None:
            raise InvalidInput("The input refers to %r, which is not an execution" % job_id)
        field = link.get("field") or link.get("stage")
        if job["state"] == "done" and isinstance(job.get("output"), dict) and field in job["output"]:
            return copy.deepcopy(job["output"][field]), False
        return value, True
    if isinstance(value, dict):
        result, waiting = {}, False
        for key, item in value.items():
            result[key], pending = _references_ready(req, item, siblings)
            waiting = waiting or pending
        return result, waiting
    if isinstance(value, list):
        pairs = [_references_ready(req, item, siblings) for item in value]
        return [item for item, _ in pairs], any(pending for _, pending in pairs)
    return value, False


def _instance_type(options, executable, entry="main"):
    """The instance type for *entry*: the run's request, then the executable's run spec."""
    sources = [options["systemRequirements"],
               options["systemRequirementsByExecutable"].get(executable["id"], {}),
               executable.get("runSpec", {}).get("systemRequirements", {})]
    for requirements in sources:
        for key in (entry, "*"):
            found = requirements.get(key) if isinstance(requirements, dict) else None
            if isinstance(found, dict) and isinstance(found.get("instanceType"), str):
                return found["instanceType"]
    return DEFAULT_INSTANCE_TYPE


def _job_record(req, executable, options, given, effective, extra=None, siblings=()):
    """A new job running the entry point "main" of *executable* (an applet or app record)."""
    resolved, waiting = _references_ready(req, effective, siblings)
    job_id = (extra or {}).get("id") or new_id("job")
    record = {
        "id": job_id, "class": "job", "function": "main",
        "name": options["name"] or executable.get("title") or executable["name"],
        "executable": executable["id"], "executableName": executable["name"],
        "project": options["project"], "folder": options["folder"], "billTo": options["billTo"],
        "launchedBy": req.user, "trueCreator": req.user,
        "state": "waiting_on_input" if waiting else "idle",
        "input": resolved, "originalInput": copy.deepcopy(effective), "runInput": copy.deepcopy(given),
        "output": None, "rootExecution": job_id, "originJob": job_id, "origin": job_id,
        "parentJob": None, "parentAnalysis": None, "analysis": None, "stage": None, "detachedFrom": None,
        "dependsOn": list(options["dependsOn"]), "priority": options["priority"],
        "instanceType": _instance_type(options, executable),
        "systemRequirements": copy.deepcopy(options["systemRequirements"]),
        "executionPolicy": copy.deepcopy(options["executionPolicy"]),
        "runSystemRequirements": copy.deepcopy(options["systemRequirements"]),
        "runSystemRequirementsByExecutable": copy.deepcopy(options["systemRequirementsByExecutable"]),
        "mergedSystemRequirementsByExecutable": copy.deepcopy(options["systemRequirementsByExecutable"]),
        "tags": list(options["tags"]), "properties": dict(options["properties"]),
        "details": copy.deepcopy(options["details"]),
        "delayWorkspaceDestruction": options["delayWorkspaceDestruction"],
        "allowSSH": list(options["allowSSH"]), "debug": copy.deepcopy(options["debug"]),
        "ignoreReuse": options.get("ignoreReuse") is True, "rank": options["rank"],
        "detailedJobMetrics": options["detailedJobMetrics"],
        "preserveJobOutputs": copy.deepcopy(options["preserveJobOutputs"]),
        "headJobOnDemand": options.get("headJobOnDemand", False), "singleContext": options.get("singleContext", False),
        "region": DEFAULT_REGION, "isFree": False, "totalPrice": 0, "failureCounts": {}, "stateTransitions": [],
        "workspace": new_container(req.state, req.user),
    }
    record[executable["class"]] = executable["id"]
    if executable["class"] == "app":
        record["resources"] = copy.deepcopy(executable.get("resources"))
    for key in ("costLimit", "maxTreeSpotWaitTime", "maxJobSpotWaitTime", "outputContainer"):
        if key in options:
            record[key] = options[key]
    record.update(extra or {})
    return record


def _announce(req, job):
    if job["state"] == "idle":
        for hook in list(RUNNABLE_HOOKS):
            hook(req.platform, job["id"])


def _launch_job(req, executable):
    options = _run_options(req)
    options["ignoreReuse"] = get(req.payload, "ignoreReuse", bool, False)
    given = get(req.payload, "input", dict)
    effective = check_input(executable.get("inputSpec"), given)
    check_objects(req, effective)
    job = add_job(req.state, _job_record(req, executable, options, given, effective))
    _announce(req, job)
    return {"id": job["id"]}


def applet_run(req):
    applet = typed_object(req, "applet")
    return _launch_job(req, applet)


def app_run(req):
    app = resolve_app(req, req.id)
    return _launch_job(req, app)


# Workflows

def _stage_inputs(wf, given):
    """The run input split by stage: ``{"stage-xxxx": {"field": value}}``."""
    by_stage = dict((stage["id"], {}) for stage in wf["stages"])
    for key, value in given.items():
        stage_id, dot, field = key.rpartition(".")
        if not dot or stage_id not in by_stage:
            raise InvalidInput('The input "%s" names no stage of %s; use "<stage ID>.<input name>"' % (key, wf["id"]))
        by_stage[stage_id][field] = value
    return by_stage


def _bind(value, job_ids, stage_values, workflow_input):
    """A stage's bound value with the workflow's links put in: stage outputs become
    references to the stage's job; stage and workflow inputs become their values."""
    link = link_of(value)
    if isinstance(link, dict) and "stage" in link and "outputField" in link:
        return {"$dnanexus_link": {"job": job_ids[link["stage"]], "field": link["outputField"]}}
    if isinstance(link, dict) and "stage" in link and "inputField" in link:
        values = stage_values.get(link["stage"])
        if values is None:
            raise InvalidInput("A stage uses an input of the later stage %s" % link["stage"])
        return copy.deepcopy(values.get(link["inputField"]))
    if isinstance(link, dict) and "workflowInputField" in link:
        return copy.deepcopy(workflow_input.get(link["workflowInputField"]))
    if isinstance(value, dict) and link is None:
        return dict((key, _bind(item, job_ids, stage_values, workflow_input)) for key, item in value.items())
    if isinstance(value, list):
        return [_bind(item, job_ids, stage_values, workflow_input) for item in value]
    return value


def _stage_folder(analysis_folder, stage, stage_folders):
    folder = stage_folders.get(stage["id"], stage_folders.get("*", stage["folder"]))
    if folder is None:
        return analysis_folder
    if folder.startswith("/"):
        return paths.normalize(folder, "stageFolders")
    return paths.normalize(paths.join(analysis_folder, folder), "stageFolders")


def _workflow_options(req, options, wf):
    payload = req.payload
    if "folder" not in payload and wf.get("outputFolder"):  # the workflow's own output folder by default
        options["folder"] = paths.normalize(wf["outputFolder"], "outputFolder")
    stage_ids = [stage["id"] for stage in wf["stages"]]
    for key in ("stageSystemRequirements", "stageFolders"):
        value = get(payload, key, dict, {})
        for stage_id in value:
            if stage_id != "*" and stage_id not in stage_ids:
                raise InvalidInput('Key "%s" of input names %s, which is no stage of %s' % (key, stage_id, wf["id"]))
        options[key] = copy.deepcopy(value)
    reuse = get(payload, "ignoreReuse", (bool, list), False)
    if isinstance(reuse, list):
        reuse = strings(payload, "ignoreReuse")
    options["ignoreReuse"] = reuse
    return options


def _planned_job(stage, executable, effective, analysis_id, job_id):
    """What a dry run tells of the job a stage would start (nothing is created)."""
    return {"id": job_id, "class": "job", "name": stage["name"] or executable.get("title") or executable["name"],
            "executable": executable["id"], "stage": stage["id"], "parentAnalysis": analysis_id,
            "rootExecution": analysis_id, "state": "idle", "input": effective}


def _launch_analysis(req, wf, executable_id, dry_run=False):
    """An analysis running every stage of *wf*, one job per stage, in stage order. A dry run
    checks the same and answers with the analysis it would start, creating nothing."""
    from .objects import describe_object
    options = _workflow_options(req, _run_options(req), wf)
    given = get(req.payload, "input", dict)
    workflow_input = {}
    if wf.get("inputs") is not None:
        workflow_input = check_input(wf["inputs"], given)
        by_stage = dict((stage["id"], {}) for stage in wf["stages"])
    else:
        by_stage = _stage_inputs(wf, given)
    analysis_id = new_id("analysis")
    job_ids = dict((stage["id"], new_id("job")) for stage in wf["stages"])
    stage_values, flat, jobs = {}, {}, []
    for stage in wf["stages"]:
        executable = stored_executable(req.state, stage["executable"])
        if executable is None:
            raise InvalidState("The executable %s of stage %s no longer exists" % (stage["executable"], stage["id"]))
        bound = _bind(stage["input"], job_ids, stage_values, workflow_input)
        bound = dict((key, value) for key, value in bound.items() if value is not None)
        bound.update(by_stage[stage["id"]])
        effective = check_input(executable.get("inputSpec"), bound, "the input of stage %s" % stage["id"])
        check_objects(req, effective)
        stage_values[stage["id"]] = effective
        flat.update(("%s.%s" % (stage["id"], key), value) for key, value in effective.items())
        if dry_run:
            jobs.append(_planned_job(stage, executable, effective, analysis_id, job_ids[stage["id"]]))
            continue
        requirements = options["stageSystemRequirements"]
        reuse = options["ignoreReuse"]
        stage_options = dict(options, name=stage["name"],
                             folder=_stage_folder(options["folder"], stage, options["stageFolders"]),
                             systemRequirements=requirements.get(
                                 stage["id"], requirements.get("*", stage["systemRequirements"])),
                             ignoreReuse=reuse is True or (isinstance(reuse, list) and stage["id"] in reuse),
                             tags=[], properties={}, details={}, dependsOn=[])
        jobs.append(_job_record(req, executable, stage_options, by_stage[stage["id"]], effective, {
            "id": job_ids[stage["id"]], "rootExecution": analysis_id, "parentAnalysis": analysis_id,
            "analysis": analysis_id, "stage": stage["id"],
            "executionPolicy": copy.deepcopy(stage["executionPolicy"])}, job_ids.values()))
    if dry_run:
        return {"id": analysis_id, "class": "analysis", "workflow": {"id": wf["id"]}, "input": flat,
                "stages": [{"id": job["stage"], "execution": job} for job in jobs]}
    snapshot = describe_object(wf, {"details": True})
    analysis = {
        "id": analysis_id, "class": "analysis", "name": options["name"] or wf.get("title") or wf["name"],
        "executable": executable_id, "executableName": _executable_name(req, executable_id, wf),
        "workflow": snapshot, "project": options["project"], "folder": options["folder"],
        "billTo": options["billTo"], "launchedBy": req.user, "trueCreator": req.user, "state": "in_progress",
        "input": flat, "originalInput": copy.deepcopy(flat), "runInput": copy.deepcopy(given), "output": None,
        "stages": [{"id": stage["id"], "execution": {"id": job_ids[stage["id"]]}} for stage in wf["stages"]],
        "rootExecution": analysis_id, "originJob": None, "origin": None, "parentJob": None,
        "parentAnalysis": None, "analysis": None, "stage": None, "dependsOn": list(options["dependsOn"]),
        "priority": options["priority"], "tags": options["tags"], "properties": options["properties"],
        "details": options["details"], "delayWorkspaceDestruction": options["delayWorkspaceDestruction"],
        "ignoreReuse": options["ignoreReuse"], "preserveJobOutputs": options["preserveJobOutputs"],
        "detailedJobMetrics": options["detailedJobMetrics"], "region": DEFAULT_REGION, "isFree": False, "totalPrice": 0,
    }
    add_job(req.state, analysis)
    for job in jobs:
        _announce(req, add_job(req.state, job))
    return {"id": analysis_id, "stages": [job["id"] for job in jobs]}


def _executable_name(req, executable_id, wf):
    if id_class(executable_id) == "globalworkflow":
        return req.state["globalworkflows"][executable_id]["name"]
    return wf["name"]


def workflow_run(req):
    wf = typed_object(req, "workflow")
    return _launch_analysis(req, wf, wf["id"])


def workflow_dry_run(req):
    """What ``/workflow-xxxx/run`` with this input would start (no stage reuses earlier results
    here: the emulator runs every job again)."""
    return _launch_analysis(req, typed_object(req, "workflow"), req.id, dry_run=True)


def global_workflow_run(req):
    record = lookup(req, GLOBAL_WORKFLOW)
    if record["deleted"]:
        raise InvalidState("%s has been deleted" % record["id"])
    workflow_id = record["regionalOptions"][DEFAULT_REGION]["workflow"]
    wf = req.state["objects"][workflow_id]
    return _launch_analysis(req, wf, record["id"])


# Subjobs and logs

def _subjob_options(req):
    payload = req.payload
    return {
        "name": get(payload, "name", str, None),
        "tags": strings(payload, "tags", []),
        "properties": string_map(payload, "properties", {}),
        "details": copy.deepcopy(get(payload, "details", (dict, list), {})),
        "dependsOn": _depends_on(req, payload),
        "systemRequirements": copy.deepcopy(get(payload, "systemRequirements", dict, {})),
        "systemRequirementsByExecutable": copy.deepcopy(get(payload, "systemRequirementsByExecutable", dict, {})),
    }


_INHERITED = ("executable", "executableName", "applet", "app", "project", "folder", "billTo", "launchedBy",
              "trueCreator", "workspace", "rootExecution", "originJob", "origin", "analysis", "stage", "priority",
              "region", "delayWorkspaceDestruction", "allowSSH", "debug", "executionPolicy", "isFree",
              "detailedJobMetrics", "preserveJobOutputs", "resources")


def _merged_by_executable(own, inherited):
    """The instance types by executable a subjob runs with: its own request under those of its
    ancestors, which take precedence, per executable and entry point."""
    merged = copy.deepcopy(own)
    for executable_id, entry_points in (inherited or {}).items():
        merged.setdefault(executable_id, {}).update(copy.deepcopy(entry_points))
    return merged


def job_new(req):
    """A subjob of the calling job: another entry point of the same executable, same workspace."""
    parent_id = calling_job(req.user)
    if parent_id is None:
        raise PermissionDenied("/job/new can only be called with the token of a running job")
    parent = req.state["jobs"].get(parent_id)
    if parent is None or parent["state"] in TERMINAL_STATES:
        raise InvalidState("The job %s has finished and cannot start subjobs" % parent_id)
    function = get(req.payload, "function", str)
    if not function:
        raise InvalidInput('Expected key "function" of input to be a non-empty string')
    given = get(req.payload, "input", dict)
    options = _subjob_options(req)
    check_objects(req, given)
    resolved, waiting = _references_ready(req, given)
    job_id = new_id("job")
    record = dict((key, copy.deepcopy(parent[key])) for key in _INHERITED if key in parent)
    executable = stored_executable(req.state, parent.get("executable")) or {"id": parent.get("executable")}
    instance = _instance_type(options, executable, function)
    record.update({
        "id": job_id, "class": "job", "function": function,
        "name": options["name"] or "%s:%s" % (parent["name"], function),
        "state": "waiting_on_input" if waiting else "idle", "parentJob": parent_id, "parentAnalysis": None,
        "input": resolved, "originalInput": copy.deepcopy(given), "runInput": copy.deepcopy(given), "output": None,
        "dependsOn": options["dependsOn"], "tags": options["tags"], "properties": options["properties"],
        "details": options["details"], "systemRequirements": options["systemRequirements"],
        "runSystemRequirements": copy.deepcopy(options["systemRequirements"]),
        "runSystemRequirementsByExecutable": copy.deepcopy(options["systemRequirementsByExecutable"]),
        "mergedSystemRequirementsByExecutable": _merged_by_executable(
            options["systemRequirementsByExecutable"], parent.get("mergedSystemRequirementsByExecutable")),
        "instanceType": instance if instance != DEFAULT_INSTANCE_TYPE else parent.get("instanceType", instance),
        "totalPrice": 0, "failureCounts": {}, "stateTransitions": [],
    })
    job = add_job(req.state, record)
    _announce(req, job)
    return {"id": job_id}


def job_get_log(req):
    """The log messages the job runner kept for the job (none when jobs are not executed)."""
    job = route_execution(req, "job")
    runner = req.platform.job_runner
    messages = runner.log_messages(job["id"]) if runner is not None else []
    return {"id": job["id"], "state": job["state"], "messages": messages}


# Route handlers, alike for jobs and analyses (bound to routes by the route table)
job_describe = _describer("job")
job_add_tags = _tagger("job", True)
job_remove_tags = _tagger("job", False)
job_set_properties = _property_setter("job")
job_terminate = _terminator("job")
analysis_describe = _describer("analysis")
analysis_add_tags = _tagger("analysis", True)
analysis_remove_tags = _tagger("analysis", False)
analysis_set_properties = _property_setter("analysis")
analysis_terminate = _terminator("analysis")
