"""Handlers for remote platform objects.

:class:`DXObject` is the base of every handler; :class:`DXDataObject` is the base of the
handlers for data objects (records, files, databases, applets, workflows), which live in a
project. A handler's API routes are the ``dxpy.api`` wrappers named after its class
(``record_describe`` for ``_class = "record"``): see :meth:`DXObject._route` and
``DXDataObject._ROUTES``.
"""
import copy
import importlib
import re

import dxpy
import dxpy.api
from ..compat import basestring
from ..exceptions import (  # noqa: F401  (re-exported, as dxpy.bindings does)
    AppError, AppInsufficientResourceError, AppInternalError, DXAPIError, DXAppletError, DXCLIError, DXError,
    DXFileError, DXJobFailureError, DXSearchError,
)

# Classes whose handlers are not tied to a project: their repr shows no project.
_PROJECTLESS_CLASSES = ("container", "project", "app", "globalworkflow")


def _class_phrase(classes):
    if len(classes) == 1:
        return classes[0]
    if len(classes) == 2:
        return " or ".join(classes)
    return ", ".join(classes[:-1]) + ", or " + classes[-1]


def verify_string_dxid(dxid, expected_classes):
    """Raise :class:`DXError` unless *dxid* is a string ID of one of *expected_classes*
    (a class name such as ``"file"``, or a list of them)."""
    if isinstance(expected_classes, str):
        expected_classes = [expected_classes]
    if not isinstance(expected_classes, (list, tuple)) or not expected_classes:
        raise DXError("verify_string_dxid: expected_classes should be a string or list of strings, not %r"
                      % (expected_classes,))
    pattern = "^(" + "|".join(expected_classes) + ")-[0-9a-zA-Z]{24}$"
    if not (isinstance(dxid, str) and re.match(pattern, dxid)):
        raise DXError("Invalid ID of class %s: %r" % (_class_phrase(list(expected_classes)), dxid))


def _link_ids(value):
    """(id, project) when *value* is a DNAnexus link, else None. A job-based reference
    gives (job ID, field), which then fails the ID check with a clear message."""
    if not isinstance(value, dict) or "$dnanexus_link" not in value:
        return None
    target = value["$dnanexus_link"]
    if isinstance(target, basestring):
        return target, None
    if isinstance(target, dict):
        if "id" in target:
            return target["id"], target.get("project")
        if "job" in target and "field" in target:
            return target["job"], target["field"]
    raise DXError("Invalid link: %r" % (value,))


class DXObject(object):
    """Base of every remote object handler.

    Reading an attribute that the handler does not have (``handler.name``, ``handler.state``)
    describes the object once and returns that field of the description.
    """

    def __init__(self, dxid=None, project=None):
        self._dxid, self._proj = None, None
        self._desc = {}
        if dxid is not None:
            self.set_id(dxid)

    def _repr(self, use_name=False):
        dxid = self._dxid if self._dxid is not None else "no ID stored"
        proj = self._proj if self._proj is not None else "no project ID stored"
        in_project = self._class not in _PROJECTLESS_CLASSES
        if use_name:
            where = "%s (%s)" % (dxid, proj) if in_project else dxid
            return "<dxpy.%s: %s (%s)>" % (type(self).__name__, self._desc.get("name"), where)
        where = "%s (%s)" % (dxid, proj) if in_project else dxid
        return "<%s.%s object at 0x%x: %s>" % (type(self).__module__, type(self).__name__, id(self), where)

    def __str__(self):
        return self._repr(use_name=True)

    def __repr__(self):
        return self._repr()

    def __getattr__(self, attr):
        # Private and special names are never description fields; looking them up in the
        # description would recurse (before __init__ ran) or confuse copy/pickle.
        if attr.startswith("_"):
            raise AttributeError("%r object has no attribute %r" % (type(self).__name__, attr))
        if not self._desc:
            self.describe()
        try:
            return self._desc[attr]
        except KeyError:
            raise AttributeError("%r object has no attribute %r (not in its description)"
                                 % (type(self).__name__, attr)) from None

    def describe(self, *args, **kwargs):
        """Return the description of the remote object (each handler class defines it)."""
        raise NotImplementedError("%s does not define describe()" % type(self).__name__)

    def set_id(self, dxid):
        """Associate the handler with *dxid* (None clears it)."""
        if dxid is not None:
            verify_string_dxid(dxid, self._class)
        self._dxid = dxid

    def get_id(self):
        """Return the ID of the object the handler is associated with."""
        return self._dxid

    # Prefix of this handler's dxpy.api wrappers when it differs from _class.
    _api_prefix = None

    def _route(self, method):
        """The ``dxpy.api`` wrapper of ``/<class>-xxxx/<method>`` (looked up on each call, so
        that a patched wrapper is used)."""
        return getattr(dxpy.api, (self._api_prefix or self._class) + "_" + method)


def _poll_with_backoff(is_done, timeout, timeout_message):
    """Call *is_done* until it returns True, waiting in between as dxpy.retry backs off (1 s,
    then doubling with jitter up to 64-128 s) through dxpy.http._sleep; DXError
    (*timeout_message*) once the next wait would take the polling past *timeout* seconds."""
    import sys
    from dxpy import http, retry
    state = retry.RetryPolicy(max_retries=sys.maxsize, max_wait=max(0, timeout)).start(True)
    while not is_done():
        state = state.increment(retry.TRANSIENT_STATUS)
        if state.delay is None:
            raise DXError(timeout_message)
        http._sleep(state.delay)


class DXDataObject(DXObject):
    """Base of the handlers for data objects, which live in a project.

    The handler remembers the object ID and the project of the copy it works on (by
    default ``dxpy.WORKSPACE_ID``: the job's workspace inside a job, else the project
    context). Fields of the last description are readable as attributes: ``name``,
    ``folder``, ``types``, ``state``, ``hidden``, ``links``, ``sponsored``, ``tags``,
    ``created``, ``modified``, ``createdBy``.
    """

    # The per-class API routes the shared methods call, as ``self._<route>``. Each subclass
    # gets them from dxpy.api by its _class unless it defines its own (applets lack some).
    _ROUTES = ("describe", "add_types", "remove_types", "get_details", "set_details", "set_visibility", "rename",
               "set_properties", "add_tags", "remove_tags", "close", "list_projects")

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        klass = cls.__dict__.get("_class")
        if klass is None:
            return
        for route in cls._ROUTES:
            wrapper = getattr(dxpy.api, klass + "_" + route, None)
            if "_" + route not in cls.__dict__ and wrapper is not None:
                setattr(cls, "_" + route, staticmethod(wrapper))

    def __init__(self, dxid=None, project=None):
        if not hasattr(type(self), "_class"):
            raise NotImplementedError("DXDataObject is abstract: use one of its subclasses, such as DXRecord")
        DXObject.__init__(self)
        self.set_ids(dxid, project)

    @staticmethod
    def _get_creation_params(kwargs):
        """Split /new keyword arguments into the fields every data class accepts (None values
        dropped; project defaulting to the workspace) and the rest."""
        common = {"project", "name", "tags", "types", "hidden", "properties", "details", "folder", "parents"}
        dx_hash = {k: v for k, v in kwargs.items() if k in common and v is not None}
        rest = {k: v for k, v in kwargs.items() if k not in common}
        if "project" not in dx_hash:
            dx_hash["project"] = dxpy.WORKSPACE_ID
        return dx_hash, rest

    def new(self, **kwargs):
        """Create a new remote object and associate the handler with it.

        Accepts *project*, *name*, *tags*, *types*, *hidden*, *properties*, *details*,
        *folder*, *parents*, plus whatever the subclass's creation accepts.
        """
        dx_hash, rest = self._get_creation_params(kwargs)
        self._new(dx_hash, **rest)

    def set_id(self, dxid):
        """Same as :meth:`set_ids` with no project."""
        self.set_ids(dxid)

    def set_ids(self, dxid, project=None):
        """Associate the handler with *dxid* (an ID or a DNAnexus link) in *project*.

        A project named in a link is used unless *project* is given; with neither, the
        default workspace is used.
        """
        ids = _link_ids(dxid)
        if ids is not None:
            dxid = ids[0]
            if project is None:
                project = ids[1]
        if dxid is not None:
            verify_string_dxid(dxid, self._class)
        if project is not None:
            verify_string_dxid(project, ["project", "container"])
        self._dxid = dxid
        self._proj = project if project is not None else dxpy.WORKSPACE_ID

    def get_proj_id(self):
        """Return the project ID the handler is associated with (may be None)."""
        return self._proj

    def describe(self, incl_properties=False, incl_details=False, fields=None, default_fields=None, **kwargs):
        """Describe the object (project-specific fields come from the handler's project).

        *fields* (a set of names) limits the output to those fields plus ``id`` unless
        *default_fields* is true. *incl_properties*/*incl_details* are the older way to add
        properties/details and cannot be combined with *fields*/*default_fields*.
        """
        if self._dxid is None:
            raise DXError("This %s handler has not been initialized with a %s ID and cannot be described"
                          % (type(self).__name__, self._class))
        if (incl_properties or incl_details) and (fields is not None or default_fields is not None):
            raise ValueError("Cannot specify properties or details in conjunction with fields or default_fields")
        if incl_properties or incl_details:
            describe_input = {"properties": incl_properties, "details": incl_details}
        else:
            describe_input = {}
            if default_fields is not None:
                describe_input["defaultFields"] = default_fields
            if fields is not None:
                if isinstance(fields, str):
                    raise DXError("describe: fields should be a set or list of field names, not the string %r"
                                  % (fields,))
                describe_input["fields"] = {name: True for name in fields}
        if self._proj is not None:
            describe_input["project"] = self._proj
        self._desc = self._describe(self._dxid, describe_input, **kwargs)
        return self._desc

    def add_types(self, types, **kwargs):
        """Add *types* (a list of strings) to the object, which must be open."""
        self._add_types(self._dxid, {"types": types}, **kwargs)

    def remove_types(self, types, **kwargs):
        """Remove *types* (a list of strings) from the object, which must be open."""
        self._remove_types(self._dxid, {"types": types}, **kwargs)

    def get_details(self, **kwargs):
        """Return the object's details (a dict or list)."""
        return self._get_details(self._dxid, **kwargs)

    def set_details(self, details, **kwargs):
        """Replace the object's details (a dict or list); the object must be open."""
        return self._set_details(self._dxid, details, **kwargs)

    def hide(self, **kwargs):
        """Make the object hidden."""
        return self._set_visibility(self._dxid, {"hidden": True}, **kwargs)

    def unhide(self, **kwargs):
        """Make the object visible."""
        return self._set_visibility(self._dxid, {"hidden": False}, **kwargs)

    def rename(self, name, **kwargs):
        """Rename the copy of the object in the handler's project."""
        return self._rename(self._dxid, {"project": self._proj, "name": name}, **kwargs)

    def get_properties(self, **kwargs):
        """Return the properties of the copy of the object in the handler's project."""
        return self.describe(incl_properties=True, **kwargs)["properties"]

    def set_properties(self, properties, **kwargs):
        """Set properties (a dict of strings) on the copy in the handler's project; a value
        of None deletes that property, properties not named are kept."""
        self._set_properties(self._dxid, {"project": self._proj, "properties": properties}, **kwargs)

    def add_tags(self, tags, **kwargs):
        """Add *tags* to the copy of the object in the handler's project."""
        self._add_tags(self._dxid, {"project": self._proj, "tags": tags}, **kwargs)

    def remove_tags(self, tags, **kwargs):
        """Remove *tags* from the copy of the object in the handler's project."""
        self._remove_tags(self._dxid, {"project": self._proj, "tags": tags}, **kwargs)

    def close(self, **kwargs):
        """Close the object: its contents, types, details and visibility become final."""
        return self._close(self._dxid, **kwargs)

    def list_projects(self, **kwargs):
        """Return {project ID: permission level} for the projects holding the object."""
        return self._list_projects(self._dxid, **kwargs)

    def _require_project(self, action):
        if self._proj is None:
            raise DXError("%s called when a project ID was not associated with this object handler" % action)

    def remove(self, **kwargs):
        """Remove the object from the handler's project and clear the handler."""
        self._require_project("Remove")
        dxpy.api.project_remove_objects(self._proj, {"objects": [self._dxid]}, **kwargs)
        self._dxid = None
        self._proj = None
        self._desc = {}

    def move(self, folder, **kwargs):
        """Move the object to *folder* within the handler's project."""
        self._require_project("Move")
        dxpy.api.project_move(self._proj, {"objects": [self._dxid], "destination": folder}, **kwargs)

    def clone(self, project, folder="/", **kwargs):
        """Clone the object into *folder* of *project*; return a handler for the new copy."""
        self._require_project("Clone")
        verify_string_dxid(project, ["project", "container"])
        dxpy.api.project_clone(self._proj, {"objects": [self._dxid], "project": project, "destination": folder},
                               **kwargs)
        cloned = copy.copy(self)
        cloned._desc = {}
        cloned.set_ids(cloned.get_id(), project)
        return cloned

    def _get_state(self, **kwargs):
        """Return the object's state: "open", "closing" or "closed"."""
        return self.describe(fields={"state"}, **kwargs)["state"]

    def _wait_on_close(self, timeout=3600 * 24 * 1, **kwargs):
        def closed():
            state = self._get_state(**kwargs)
            if state not in ("closed", "closing"):
                raise DXError("Unexpected state while waiting for %s to close: %s" % (self._dxid, state))
            return state == "closed"
        _poll_with_backoff(closed, timeout, "Reached timeout while waiting for %s to close" % self._dxid)

    def _wait_until_parts_uploaded(self, timeout=255, **kwargs):
        describe_input = {"fields": {"parts": True, "state": True}}
        if self._proj is not None:
            describe_input["project"] = self._proj

        def uploaded():
            desc = self._describe(self._dxid, describe_input, **kwargs)
            parts = desc.get("parts") or {}
            return desc["state"] == "closed" or all(p.get("state", "complete") == "complete" for p in parts.values())
        _poll_with_backoff(uploaded, timeout,
                           "Reached timeout while waiting for parts of the file (%s) to be uploaded" % self._dxid)


def _reexport(module_name):
    module = importlib.import_module("." + module_name, __name__)
    names = getattr(module, "__all__", None)
    if names is None:
        names = [n for n in vars(module) if not n.startswith("_")]
    namespace = globals()
    for name in names:
        namespace[name] = getattr(module, name)


# Binding modules whose public names are re-exported here (as dxpy's `from .x import *`).
_SUBMODULES = ("dxproject", "dxrecord", "dxfile", "dxfile_functions", "dxdatabase", "dxdataobject_functions",
               "search", "auth",
               "dxjob", "dxanalysis", "dxapplet", "dxapp", "dxglobalworkflow", "dxworkflow",
               "dxapp_container_functions", "dxdatabase_functions", "download_all_inputs", "mount_all_inputs")

for _module_name in _SUBMODULES:
    _reexport(_module_name)
