"""Jobs and analyses (executions): the ``jobs`` table and ``/system/findJobs``,
``/system/findExecutions``. :func:`add_job` is how executions enter the table."""
import copy

from ..errors import InvalidInput
from .describe import describe_option, select
from .ids import id_class, now_ms
from .search import _all_of_matcher, _limit, _name_matcher, _page, _properties_matcher, _time_matcher
from .validate import get, strings

EXECUTION_CLASSES = ("job", "analysis")
_EXTRA_FIELDS = ("properties", "details")
_LINKS = ("parentJob", "parentAnalysis")


def add_job(store, job):
    """Store the execution *job* (a dict with at least an ``id`` of class job or analysis),
    filling in the fields the platform always reports. Returns the stored record."""
    job = copy.deepcopy(job)
    klass = id_class(job.get("id"))
    if klass not in EXECUTION_CLASSES:
        raise InvalidInput("An execution needs a job or analysis ID, not %r" % job.get("id"))
    now = now_ms()
    defaults = {"class": klass, "name": job["id"], "state": "idle", "created": now,
                "modified": now, "launchedBy": None, "project": None, "executable": None,
                "origin": job["id"], "rootExecution": job["id"], "parentJob": None,
                "parentAnalysis": None, "tags": [], "properties": {}, "details": {}}
    for key, value in defaults.items():
        job.setdefault(key, value)
    store.state.setdefault("jobs", {})[job["id"]] = job
    return job


def _visible(req, job):
    if job["launchedBy"] == req.user:
        return True
    found = req.state["containers"].get(job["project"])
    return found is not None and found["owner"] == req.user


def _equals(payload, field):
    """A predicate for a string filter such as ``launchedBy`` (absent: anything)."""
    wanted = get(payload, field, str, None)
    return lambda value: wanted is None or value == wanted


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
    tests = [(field, _equals(payload, field)) for field in
             ("launchedBy", "executable", "project", "origin", "rootExecution")]
    tests += [(field, _link(payload, field)) for field in _LINKS]
    tests += [("state", _states(payload)), ("name", _name_matcher(payload)),
              ("tags", _all_of_matcher(payload, "tags")), ("properties", _properties_matcher(payload)),
              ("created", _time_matcher(payload, "created")),
              ("modified", _time_matcher(payload, "modified"))]
    subjobs = get(payload, "includeSubjobs", bool, True)
    return lambda job: (all(test(job[field]) for field, test in tests)
                        and (subjobs or job["parentJob"] is None))


def describe_job(job, payload):
    return select(copy.deepcopy(job), _EXTRA_FIELDS, payload)


def _find(req, classes):
    payload = req.payload
    matches = _execution_filters(payload)
    describe = describe_option(payload)
    starting = get(payload, "starting", (str, type(None)), None)
    limit = _limit(payload)
    found = sorted((job for job in req.state.get("jobs", {}).values()
                    if job["class"] in classes and _visible(req, job) and matches(job)),
                   key=lambda job: (-job["created"], job["id"]))
    page, following = _page(found, lambda job: job["id"], starting, limit)
    results = []
    for job in page:
        entry = {"id": job["id"]}
        if describe is not None:
            entry["describe"] = describe_job(job, describe)
        results.append(entry)
    return {"results": results, "next": following}


def find_jobs(req):
    return _find(req, ("job",))


def find_executions(req):
    return _find(req, EXECUTION_CLASSES)


JOB_ROUTES = {
    ("system", "findJobs"): find_jobs,
    ("system", "findExecutions"): find_executions,
}
