"""Links (``{"$dnanexus_link": ...}``) and the shorthand functions that act on an ID or a link
without building a handler by hand: :func:`get_handler`, :func:`describe`, :func:`get_details`,
:func:`remove`."""
import importlib
import re

import dxpy

from . import DXDataObject  # noqa: F401  (dxpy exposes it here)
from . import _link_ids
from . import __dict__ as all_bindings  # noqa: F401  (dxpy exposes the bindings namespace under this name)
from ..compat import basestring
from ..exceptions import DXError

__all__ = ["dxlink", "is_dxlink", "get_dxlink_ids", "get_handler", "describe", "get_details", "remove"]

# ID class -> (module under dxpy.bindings, handler class). Imported on first use: the executable
# handlers import this module themselves.
_HANDLERS = {
    "record": ("dxrecord", "DXRecord"),
    "file": ("dxfile", "DXFile"),
    "database": ("dxdatabase", "DXDatabase"),
    "applet": ("dxapplet", "DXApplet"),
    "workflow": ("dxworkflow", "DXWorkflow"),
    "project": ("dxproject", "DXProject"),
    "container": ("dxproject", "DXContainer"),
    "job": ("dxjob", "DXJob"),
    "analysis": ("dxanalysis", "DXAnalysis"),
    "app": ("dxapp", "DXApp"),
    "globalworkflow": ("dxglobalworkflow", "DXGlobalWorkflow"),
}
# Handlers whose constructor takes no project.
_NO_PROJECT = frozenset(["project", "container", "job", "analysis"])
# Global executables may be named ("app-bwa", "app-bwa/1.0.0") as well as identified by hash.
_NAMED = frozenset(["app", "globalworkflow"])
_HASH_ID = re.compile(r"^[a-z]+-[0-9A-Za-z]{24}$")


def dxlink(object_id, project_id=None, field=None):
    """A link to *object_id* (an ID or a handler); a link given is returned unchanged.

    With *field*, *object_id* must be a job ID and the result is a job-based object reference
    ``{"$dnanexus_link": {"job": ..., "field": ...}}``; with *project_id* (and no field) it is
    ``{"$dnanexus_link": {"project": ..., "id": ...}}``.
    """
    if is_dxlink(object_id):
        return object_id
    if callable(getattr(object_id, "get_id", None)):  # a handler
        object_id = object_id.get_id()
    if not isinstance(object_id, basestring):
        raise DXError("dxlink: expected an object ID, a handler or a link, got %r" % (object_id,))
    if field:
        dxpy.verify_string_dxid(object_id, "job")
        return {"$dnanexus_link": {"job": object_id, "field": field}}
    if project_id:
        return {"$dnanexus_link": {"project": project_id, "id": object_id}}
    return {"$dnanexus_link": object_id}


def is_dxlink(x):
    """Whether *x* is a dict with key ``$dnanexus_link`` naming an object (a string, or a
    dict with ``id`` or ``job``)."""
    if not isinstance(x, dict) or "$dnanexus_link" not in x:
        return False
    link = x["$dnanexus_link"]
    if isinstance(link, basestring):
        return True
    return isinstance(link, dict) and ("id" in link or "job" in link)


def get_dxlink_ids(link):
    """``(object ID, project ID or None)`` for a link to a data object, ``(job ID, field)``
    for a job-based object reference. DXError for anything else."""
    ids = _link_ids(link)
    if ids is None:
        raise DXError("Invalid link: %r" % (link,))
    return ids


def _handler_class(id_class):
    module_name, class_name = _HANDLERS[id_class]
    module = importlib.import_module("dxpy.bindings." + module_name)
    return getattr(module, class_name)


def _parse(id_or_link):
    """``(ID class, ID, project from the link or None)``; ValueError when there is none."""
    if is_dxlink(id_or_link):
        target = id_or_link["$dnanexus_link"]
        if isinstance(target, dict) and "id" not in target:
            raise ValueError("a job-based object reference is not a link to an object")
        object_id, link_project = get_dxlink_ids(id_or_link)
    else:
        object_id, link_project = id_or_link, None
    if isinstance(object_id, bytes):
        object_id = object_id.decode("utf-8")
    if not isinstance(object_id, str):
        raise ValueError("expected an object ID or a link, got %s" % type(object_id).__name__)
    id_class = object_id.split("-", 1)[0]
    if "-" not in object_id or id_class not in _HANDLERS:
        raise ValueError("unknown class of ID %r" % object_id)
    return id_class, object_id, link_project


def get_handler(id_or_link, project=None):
    """A handler for an object ID or a link: data objects (in *project*, else the link's
    project, else the workspace), projects, containers, jobs, analyses, and apps or global
    workflows given as ``app-xxxx``, ``app-name`` or ``app-name/version_or_tag``."""
    try:
        id_class, object_id, link_project = _parse(id_or_link)
    except ValueError as e:
        raise DXError("Could not parse link %r: %s" % (id_or_link, e))
    cls = _handler_class(id_class)
    if id_class in _NAMED:
        if _HASH_ID.match(object_id):
            return cls(object_id)
        name, slash, alias = object_id.split("-", 1)[1].partition("/")
        return cls(name=name, alias=alias) if slash else cls(name=name)
    if id_class in _NO_PROJECT:
        return cls(object_id)
    project = project if project is not None else link_project
    if project is None:
        return cls(object_id)
    return cls(object_id, project=project)


def describe(id_or_link, **kwargs):
    """``describe(**kwargs)`` of the object's handler (or of a handler given); for a list of IDs or links, one
    ``/system/describeDataObjects`` call (``fields`` and ``classDescribeOptions`` in *kwargs*
    apply to every object) and the list of descriptions in the same order."""
    if isinstance(id_or_link, basestring) or is_dxlink(id_or_link):
        return get_handler(id_or_link).describe(**kwargs)
    if callable(getattr(id_or_link, "describe", None)):  # already a handler
        return id_or_link.describe(**kwargs)
    if isinstance(id_or_link, dict) or not hasattr(id_or_link, "__iter__"):
        raise DXError("describe: expected an object ID, a link, or a list of them, got %r" % (id_or_link,))
    ids = []
    for entry in id_or_link:
        if is_dxlink(entry):
            target = entry["$dnanexus_link"]
            entry = target if isinstance(target, basestring) else target.get("id")
        if not isinstance(entry, basestring):
            raise DXError("describe: expected object IDs or links to data objects in the list, got %r" % (entry,))
        ids.append(entry)
    fields = kwargs.get("fields")
    options = dict((field, True) for field in fields) if fields else True
    payload = {"objects": [{"id": object_id, "describe": options} for object_id in ids]}
    if "classDescribeOptions" in kwargs:
        payload["classDescribeOptions"] = kwargs["classDescribeOptions"]
    results = dxpy.api.system_describe_data_objects(payload)["results"]
    descriptions = []
    for object_id, result in zip(ids, results):
        if "describe" not in result:
            raise DXError("Could not describe %s: %s" % (object_id, result.get("error", result)))
        descriptions.append(result["describe"])
    return descriptions


def get_details(id_or_link, **kwargs):
    """The details of the data object named by an ID or a link."""
    return get_handler(id_or_link).get_details(**kwargs)


def remove(id_or_link, **kwargs):
    """Remove the data object named by an ID or a link from its project."""
    return get_handler(id_or_link).remove(**kwargs)
