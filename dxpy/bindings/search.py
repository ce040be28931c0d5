"""Searches over the platform: data objects, executions, projects, apps, global workflows, orgs
and org members. Each ``find_*`` function checks its arguments and builds the query at once,
and returns a lazy generator that pages through the results (``limit``/``starting``/``next``),
the first page holding ``first_page_size`` results and each later page twice as many as the
one before, up to 1000."""
import importlib

import dxpy

from ..exceptions import DXError, DXSearchError

__all__ = ["resolve_data_objects", "find_data_objects", "find_executions", "find_jobs", "find_analyses",
           "find_projects", "find_global_executables", "find_apps", "find_global_workflows", "find_one_data_object",
           "find_one_project", "find_one_app", "org_find_members", "org_find_projects", "org_find_apps", "find_orgs"]

MAX_PAGE_SIZE = 1000  # the largest page the API returns

# Handler classes dxpy exposes in this module, loaded on first use (their modules import the bindings).
_HANDLER_MODULES = {"DXApplet": "dxapplet", "DXApp": "dxapp", "DXWorkflow": "dxworkflow",
                    "DXProject": "dxproject", "DXJob": "dxjob", "DXAnalysis": "dxanalysis"}


def __getattr__(name):
    if name in _HANDLER_MODULES:
        try:
            module = importlib.import_module("dxpy.bindings." + _HANDLER_MODULES[name])
        except ModuleNotFoundError as e:
            raise AttributeError("%s.%s is unavailable: %s" % (__name__, name, e))
        return getattr(module, name)
    raise AttributeError("module %r has no attribute %r" % (__name__, name))


# Argument checks and query pieces shared by the searches

def _positive_int(caller, arg_name, value, optional=True):
    if value is None and optional:
        return
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise DXError("%s: %s must be a positive integer, got %r" % (caller, arg_name, value))


def _name_query(caller, name, name_mode):
    if name_mode == "exact":
        return name
    if name_mode in ("glob", "regexp"):
        return {name_mode: name}
    raise DXError("%s: Unexpected value found for argument name_mode: %r (expected 'exact', 'glob' or 'regexp')"
                  % (caller, name_mode))


def _string_list(caller, arg_name, value):
    if isinstance(value, (str, bytes)) or not isinstance(value, (list, tuple)):
        raise DXError("%s: %s must be a list of strings, got %r" % (caller, arg_name, value))
    return list(value)


def _check_dict(caller, arg_name, value):
    if not isinstance(value, dict):
        raise DXError("%s: %s must be a dict, got %r" % (caller, arg_name, value))
    return value


def _given(*pairs):
    """The query fields of *pairs* (API field, value) whose value is not None."""
    return {field: value for field, value in pairs if value is not None}


def _add_common(query, caller, name=None, name_mode="exact", properties=None, tags=None, describe=False):
    """Add the name, properties, tags (all required) and describe constraints most searches share."""
    if name is not None:
        query["name"] = _name_query(caller, name, name_mode)
    if properties is not None:
        query["properties"] = _check_dict(caller, "properties", properties)
    if tags is not None:
        query["tags"] = {"$and": _string_list(caller, "tags", tags)}
    if describe is not None and describe is not False:
        query["describe"] = describe
    return query


def _time_range(after, before):
    """``{"after": ms, "before": ms}`` from any time form normalize_time_input accepts."""
    from dxpy.utils import normalize_time_input
    bounds = {}
    if after is not None:
        bounds["after"] = normalize_time_input(after)
    if before is not None:
        bounds["before"] = normalize_time_input(before)
    return bounds


def _add_time_ranges(query, created_after=None, created_before=None, modified_after=None, modified_before=None):
    if modified_after is not None or modified_before is not None:
        query["modified"] = _time_range(modified_after, modified_before)
    if created_after is not None or created_before is not None:
        query["created"] = _time_range(created_after, created_before)


def _id_of(value):
    """The ID of a handler (anything with ``get_id``); anything else unchanged."""
    get_id = getattr(value, "get_id", None)
    return get_id() if callable(get_id) else value


def _handler_for(result):
    from .dxdataobject_functions import get_handler
    return get_handler(result["id"], project=result.get("project"))


# Paging

def _pages(call, query, limit, first_page_size):
    """Every result of *call* (a one-argument function taking the query), page after page,
    at most *limit* of them."""
    query.setdefault("limit", first_page_size)
    query["limit"] = min(query["limit"], MAX_PAGE_SIZE)
    returned = 0
    while True:
        response = call(query)
        for result in response["results"]:
            yield result, response
            returned += 1
            if returned == limit:
                return
        if response.get("next") is None:
            return
        query["starting"] = response["next"]
        query["limit"] = min(query["limit"] * 2, MAX_PAGE_SIZE)


def _find(api_method, query, limit, return_handler, first_page_size, **kwargs):
    """Results of a ``/system/find*`` method. Responses grouped by parent folder (``byParent``)
    yield ``(result, byParent, describe)`` tuples, as dxpy does."""
    for result, response in _pages(lambda q: api_method(q, **kwargs), query, limit, first_page_size):
        if return_handler:
            result = _handler_for(result)
        by_parent = response.get("byParent")
        if by_parent is not None:
            yield result, by_parent, response.get("describe")
        else:
            yield result


def _org_find(api_method, org_id, query, limit=None, return_handler=False, first_page_size=100, **kwargs):
    """Results of an ``/org-xxxx/find*`` method."""
    for result, _ in _pages(lambda q: api_method(org_id, q, **kwargs), query, limit, first_page_size):
        yield _handler_for(result) if return_handler else result


def _check_paging(caller, limit, first_page_size):
    _positive_int(caller, "limit", limit)
    _positive_int(caller, "first_page_size", first_page_size, optional=False)


def _check_org_id(caller, org_id):
    if not isinstance(org_id, str) or not org_id.startswith("org-") or len(org_id) == 4:
        raise DXError("%s: org_id must be an org ID (org-xxxx), got %r" % (caller, org_id))


# The searches

def resolve_data_objects(objects, project=None, folder=None, batchsize=1000):
    """Resolve data objects by name: one list of ``{"project", "id"}`` matches per entry of
    *objects* (dicts with ``name`` and optionally ``folder``, ``project``), in order. *project*
    and *folder* are defaults for the entries; the API is called for *batchsize* entries at a time."""
    if isinstance(batchsize, bool) or not isinstance(batchsize, int) or not 0 < batchsize <= 1000:
        raise ValueError("batchsize for resolve_data_objects must be a positive integer not exceeding 1000, got %r"
                         % (batchsize,))
    if not isinstance(objects, (list, tuple)):
        raise DXError("resolve_data_objects: objects must be a list of dicts, got %r" % (objects,))
    payload = {}
    if project:
        payload["project"] = project
    if folder:
        payload["folder"] = folder
    results = []
    for start in range(0, len(objects), batchsize):
        payload["objects"] = list(objects[start:start + batchsize])
        results.extend(dxpy.api.system_resolve_data_objects(payload)["results"])
    return results


def find_data_objects(classname=None, state=None, visibility=None,
                      name=None, name_mode='exact', properties=None,
                      typename=None, tag=None, tags=None,
                      link=None, project=None, folder=None, recurse=None,
                      modified_after=None, modified_before=None,
                      created_after=None, created_before=None,
                      describe=False, limit=None, level=None, region=None,
                      archival_state=None, return_handler=False, first_page_size=100,
                      **kwargs):
    """Data objects matching every given constraint (``/system/findDataObjects``); each result
    is ``{"id", "project"}`` (plus ``"describe"`` when *describe* is True or a describe input),
    or a handler with *return_handler*.

    *name_mode* is ``exact``, ``glob`` or ``regexp``; *tags* must all be present; *folder* and
    *recurse* need *project* (the workspace is used when there is one); times are ms since the
    epoch, negative ms or strings such as ``"-2d"`` relative to now, or datetimes.
    """
    caller = "find_data_objects"
    _check_paging(caller, limit, first_page_size)
    if tag is not None and tags is not None:
        raise DXError('find_data_objects: Arguments "tag" and "tags" cannot both be provided')
    query = _given(("class", classname), ("state", state), ("visibility", visibility), ("type", typename),
                   ("tag", tag), ("link", _id_of(link)), ("level", level), ("region", region),
                   ("archivalState", archival_state), ("limit", limit))
    _add_common(query, caller, name, name_mode, properties, tags, describe)
    scope_project = _id_of(project) if project is not None else None
    if scope_project is None and (folder is not None or recurse is not None):
        scope_project = dxpy.WORKSPACE_ID
        if scope_project is None:
            raise DXError("Cannot search within a folder or recurse if a project is not specified")
    if scope_project is not None:
        query["scope"] = dict(_given(("folder", folder), ("recurse", recurse)), project=scope_project)
    _add_time_ranges(query, created_after, created_before, modified_after, modified_before)
    return _find(dxpy.api.system_find_data_objects, query, limit, return_handler, first_page_size, **kwargs)


def _parent_constraint(caller, arg_name, parent, no_parent):
    """The value of ``parentJob``/``parentAnalysis``: None means "has no parent"."""
    if parent is not None and no_parent:
        raise DXError("%s: Cannot provide %s and set no_%s to True" % (caller, arg_name, arg_name))
    if parent == "none":  # the older spelling of no_parent_*
        return None
    return _id_of(parent)


def find_executions(classname=None, launched_by=None, executable=None, project=None,
                    state=None, origin_job=None, parent_job=None, no_parent_job=False,
                    parent_analysis=None, no_parent_analysis=False, root_execution=None,
                    created_after=None, created_before=None, describe=False,
                    name=None, name_mode="exact", tags=None, properties=None, limit=None,
                    first_page_size=100, return_handler=False, include_subjobs=True,
                    include_restarted=None, **kwargs):
    """Jobs and analyses matching every given constraint (``/system/findExecutions``).

    IDs may be given as handlers. ``no_parent_job``/``no_parent_analysis`` (or the string
    ``"none"`` as the parent) ask for executions without such a parent.
    """
    caller = "find_executions"
    _check_paging(caller, limit, first_page_size)
    query = _given(("class", classname), ("launchedBy", launched_by), ("executable", _id_of(executable)),
                   ("project", _id_of(project)), ("state", state), ("originJob", _id_of(origin_job)),
                   ("rootExecution", _id_of(root_execution)), ("includeRestarted", include_restarted),
                   ("limit", limit))
    if parent_job is not None or no_parent_job:
        query["parentJob"] = _parent_constraint(caller, "parent_job", parent_job, no_parent_job)
    if parent_analysis is not None or no_parent_analysis:
        query["parentAnalysis"] = _parent_constraint(caller, "parent_analysis", parent_analysis, no_parent_analysis)
    _add_time_ranges(query, created_after, created_before)
    _add_common(query, caller, name, name_mode, properties, tags, describe)
    if include_subjobs is not True:
        query["includeSubjobs"] = include_subjobs
    return _find(dxpy.api.system_find_executions, query, limit, return_handler, first_page_size, **kwargs)


def find_jobs(*args, **kwargs):
    """:func:`find_executions` restricted to jobs."""
    kwargs["classname"] = "job"
    return find_executions(*args, **kwargs)


def find_analyses(*args, **kwargs):
    """:func:`find_executions` restricted to analyses."""
    kwargs["classname"] = "analysis"
    return find_executions(*args, **kwargs)


def find_projects(name=None, name_mode='exact', properties=None, tags=None,
                  level=None, describe=False, explicit_perms=None, region=None,
                  public=None, created_after=None, created_before=None, billed_to=None,
                  limit=None, return_handler=False, first_page_size=100, containsPHI=None,
                  externalUploadRestricted=None, **kwargs):
    """Projects matching every given constraint (``/system/findProjects``); *level* is the
    least access the user must have (the API's default is CONTRIBUTE)."""
    caller = "find_projects"
    _check_paging(caller, limit, first_page_size)
    query = _given(("level", level), ("explicitPermission", explicit_perms), ("public", public), ("region", region),
                   ("billTo", billed_to), ("limit", limit), ("containsPHI", containsPHI),
                   ("externalUploadRestricted", externalUploadRestricted))
    _add_common(query, caller, name, name_mode, properties, tags, describe)
    _add_time_ranges(query, created_after, created_before)
    return _find(dxpy.api.system_find_projects, query, limit, return_handler, first_page_size, **kwargs)


def _global_executable_query(caller, name, name_mode, category, all_versions, published, billed_to, created_by,
                             developer, created_after, created_before, modified_after, modified_before, describe,
                             limit, authorized_user=None):
    query = _given(("category", category), ("allVersions", all_versions), ("published", published),
                   ("billTo", billed_to), ("createdBy", created_by), ("developer", developer),
                   ("authorizedUser", authorized_user), ("limit", limit))
    _add_common(query, caller, name, name_mode, describe=describe)
    _add_time_ranges(query, created_after, created_before, modified_after, modified_before)
    return query


def find_global_executables(method, name=None, name_mode='exact', category=None,
                            all_versions=None, published=None,
                            billed_to=None, created_by=None, developer=None,
                            created_after=None, created_before=None,
                            modified_after=None, modified_before=None,
                            describe=False, limit=None, return_handler=False,
                            first_page_size=100, **kwargs):
    """Apps or global workflows (as *method* is ``dxpy.api.system_find_apps`` or
    ``system_find_global_workflows``) matching every given constraint. Only default versions
    unless *all_versions*."""
    caller = "find_global_executables"
    if not callable(method):
        raise DXError("%s: method must be an API function such as dxpy.api.system_find_apps, got %r"
                      % (caller, method))
    _check_paging(caller, limit, first_page_size)
    query = _global_executable_query(caller, name, name_mode, category, all_versions, published, billed_to,
                                     created_by, developer, created_after, created_before, modified_after,
                                     modified_before, describe, limit)
    return _find(method, query, limit, return_handler, first_page_size, **kwargs)


def find_apps(name=None, name_mode='exact', category=None,
              all_versions=None, published=None,
              billed_to=None, created_by=None, developer=None,
              created_after=None, created_before=None,
              modified_after=None, modified_before=None,
              describe=False, limit=None, return_handler=False, first_page_size=100, **kwargs):
    """Apps matching every given constraint (``/system/findApps``)."""
    return _find_global_executables_with(dxpy.api.system_find_apps, dict(locals()))


def find_global_workflows(name=None, name_mode='exact', category=None,
                          all_versions=None, published=None,
                          billed_to=None, created_by=None, developer=None,
                          created_after=None, created_before=None,
                          modified_after=None, modified_before=None,
                          describe=False, limit=None, return_handler=False,
                          first_page_size=100, **kwargs):
    """Global workflows matching every given constraint (``/system/findGlobalWorkflows``)."""
    return _find_global_executables_with(dxpy.api.system_find_global_workflows, dict(locals()))


def _find_global_executables_with(method, arguments):
    """find_global_executables(*method*) with the *arguments* of find_apps or find_global_workflows."""
    extra = arguments.pop("kwargs")
    return find_global_executables(method, **arguments, **extra)


def _find_one(method, zero_ok=False, more_ok=True, **kwargs):
    # A string such as "False" would silently act as True: refuse anything but a bool.
    if not isinstance(zero_ok, bool):
        raise DXError("_find_one: Unexpected value found for argument zero_ok, it should be a bool: %r" % (zero_ok,))
    if not isinstance(more_ok, bool):
        raise DXError("_find_one: Unexpected value found for argument more_ok, it should be a bool: %r" % (more_ok,))
    kwargs["limit"] = 1 if more_ok else 2
    results = method(**kwargs)
    first = next(results, None)
    if first is None:
        if zero_ok:
            return None
        raise DXSearchError("Expected one result, but found none: " + str(kwargs))
    if not more_ok and next(results, None) is not None:
        raise DXSearchError("Expected one result, but found more: " + str(kwargs))
    return first


def find_one_data_object(zero_ok=False, more_ok=True, **kwargs):
    """The one data object matching *kwargs* (the arguments of :func:`find_data_objects`).
    DXSearchError when there is none (None if *zero_ok*), or more than one and not *more_ok*."""
    return _find_one(find_data_objects, zero_ok=zero_ok, more_ok=more_ok, **kwargs)


def find_one_project(zero_ok=False, more_ok=True, **kwargs):
    """The one project matching *kwargs* (the arguments of :func:`find_projects`); see
    :func:`find_one_data_object`."""
    return _find_one(find_projects, zero_ok=zero_ok, more_ok=more_ok, **kwargs)


def find_one_app(zero_ok=False, more_ok=True, **kwargs):
    """The one app matching *kwargs* (the arguments of :func:`find_apps`); see
    :func:`find_one_data_object`."""
    return _find_one(find_apps, zero_ok=zero_ok, more_ok=more_ok, **kwargs)


def org_find_members(org_id=None, level=None, describe=False):
    """Members of an org (``/org-xxxx/findMembers``), optionally of one *level* (ADMIN or MEMBER)."""
    _check_org_id("org_find_members", org_id)
    query = _given(("level", level))
    query["describe"] = describe
    return _org_find(dxpy.api.org_find_members, org_id, query)


def org_find_projects(org_id=None, name=None, name_mode='exact', ids=None, properties=None, tags=None, describe=False,
                      public=None, created_after=None, created_before=None, region=None, containsPHI=None):
    """Projects billed to an org (``/org-xxxx/findProjects``) matching every given constraint."""
    caller = "org_find_projects"
    _check_org_id(caller, org_id)
    query = _add_common(_given(("public", public), ("region", region), ("containsPHI", containsPHI)), caller,
                        name, name_mode)
    if ids is not None:
        query["id"] = _string_list(caller, "ids", ids)
    # Unlike /system/findProjects, one property or tag is given as is, several under $and.
    if properties is not None:
        _check_dict(caller, "properties", properties)
        if len(properties) == 1:
            query["properties"] = properties
        else:
            query["properties"] = {"$and": [{key: value} for key, value in properties.items()]}
    if tags is not None:
        tags = _string_list(caller, "tags", tags)
        query["tags"] = tags[0] if len(tags) == 1 else {"$and": tags}
    query["describe"] = describe
    _add_time_ranges(query, created_after, created_before)
    return _org_find(dxpy.api.org_find_projects, org_id, query)


def org_find_apps(org_id, name=None, name_mode='exact', category=None, all_versions=None, published=None,
                  created_by=None, developer=None, authorized_user=None, created_after=None, created_before=None,
                  modified_after=None, modified_before=None, describe=False, limit=None, return_handler=False,
                  first_page_size=100, **kwargs):
    """Apps billed to an org (``/org-xxxx/findApps``) matching every given constraint;
    *authorized_user* is a user ID, an org ID or ``"PUBLIC"``."""
    caller = "org_find_apps"
    _check_org_id(caller, org_id)
    _check_paging(caller, limit, first_page_size)
    query = _global_executable_query(caller, name, name_mode, category, all_versions, published, None, created_by,
                                     developer, created_after, created_before, modified_after, modified_before,
                                     describe, limit, authorized_user=authorized_user)
    return _org_find(dxpy.api.org_find_apps, org_id, query, limit=limit, return_handler=return_handler,
                     first_page_size=first_page_size, **kwargs)


def find_orgs(query, first_page_size=10):
    """Orgs matching *query*, the input of ``/system/findOrgs`` (which requires ``level``)."""
    _check_dict("find_orgs", "query", query)
    _positive_int("find_orgs", "first_page_size", first_page_size, optional=False)
    return _find(dxpy.api.system_find_orgs, dict(query), limit=None, return_handler=False,
                 first_page_size=first_page_size)
