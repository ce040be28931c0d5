"""Apps: versioned executables published in one global namespace (not in projects).

An app version is named by its ID (``app-xxxx``) or by its name plus a version or tag
(``app-<name>/<alias>``; the alias "default" names the version tagged as default). Its
developers may publish new versions, manage tags, and delete it.
"""
import dxpy
from . import DXObject, verify_string_dxid
from ..compat import basestring
from ..exceptions import DXError
from .dxapplet import DXExecutable
from .dxjob import DXJob

# What ``dx get`` keeps of an app's description.
_app_required_keys = ["name", "title", "summary", "dxapi", "openSource", "httpsApp", "version", "inputSpec",
                      "outputSpec", "runSpec", "developers", "authorizedUsers", "regionalOptions"]
_app_optional_keys = ["details", "categories", "access", "ignoreReuse", "treeTurnaroundTimeThreshold"]
_app_describe_output_keys = []
_app_cleanup_keys = ["name", "title", "summary", "dxapi", "openSource", "version", "runSpec", "developers",
                     "authorizedUsers"]


class _GlobalExecutable(DXObject, DXExecutable):
    """What apps and global workflows share: they live in the global namespace, named by ID
    or by name plus a version or tag (*alias*), and their API wrappers take that pair."""

    _label = None  # the kind, as error messages name it
    _execution_class = None  # handler class of what run() starts

    def __init__(self, dxid=None, name=None, alias=None):
        DXObject.__init__(self)
        self._name = self._alias = None
        if dxid is not None or name is not None or alias is not None:
            self.set_id(dxid=dxid, name=name, alias=alias)

    def set_id(self, dxid=None, name=None, alias=None):
        """Point the handler at *dxid*, or at *name* with version or tag *alias* (default
        "default"). Giving *dxid* together with a name or alias is an error."""
        self._dxid = self._name = self._alias = None
        if dxid is not None:
            if name is not None or alias is not None:
                raise DXError("Did not expect name or alias to be given if dxid is given")
            verify_string_dxid(dxid, self._class)
            self._dxid = dxid
        elif name is not None:
            if not isinstance(name, basestring) or not name:
                raise DXError("%s name needs to be a non-empty string: %r" % (self._label, name))
            if alias is not None and (not isinstance(alias, basestring) or not alias):
                raise DXError("%s alias needs to be a non-empty string: %r" % (self._label, alias))
            self._name = name
            self._alias = "default" if alias is None else alias
        elif alias is not None:
            raise DXError("%s alias %r given without a name" % (self._label, alias))

    def get_id(self):
        """The ID, or ``<class>-<name>/<alias>`` for a handler made from a name (None if unset)."""
        if self._dxid is not None:
            return self._dxid
        if self._name is None:
            return None
        return "%s-%s/%s" % (self._class, self._name, self._alias)

    def _call(self, method, **kwargs):
        """Call the API wrapper of *method* with the ID, or the name and alias."""
        if self._dxid is not None:
            target, alias = self._dxid, None
        elif self._name is not None:
            target, alias = self._class + "-" + self._name, self._alias
        else:
            raise DXError("%s.%s: the handler has neither an ID nor a name" % (type(self).__name__, method))
        return self._route(method)(target, alias=alias, **kwargs)

    def describe(self, fields=None, **kwargs):
        """Describe this version; *fields* (dict of name -> True) limits the output."""
        describe_input = {}
        if fields:
            describe_input["fields"] = fields
        self._desc = self._call("describe", input_params=describe_input, **kwargs)
        return self._desc

    def publish(self, **kwargs):
        """Publish this version, making it visible to its authorized users."""
        return self._call("publish", **kwargs)

    def _run_impl(self, run_input, **kwargs):
        return self._execution_class(self._call("run", input_params=run_input, **kwargs)["id"])


class DXApp(_GlobalExecutable):
    """Handler for an app, by ID (``DXApp("app-xxxx")``) or by name and version or tag
    (``DXApp(name="bwa", alias="1.0.0")``)."""

    _class = "app"
    _label = "App"
    _execution_class = DXJob
    _required_keys = _app_required_keys
    _optional_keys = _app_optional_keys
    _describe_output_keys = _app_describe_output_keys
    _cleanup_keys = _app_cleanup_keys

    def new(self, **kwargs):
        """Create an app version from *applet* (an applet ID) or *initializeFrom* (an
        app ID) and associate the handler with it.

        *version* is required; *name*, *title*, *summary*, *description*, *details*,
        *billing*, *access*, *resources*, *regionalOptions* and *bill_to* (the billTo
        user or org) are optional. Other kwargs go to the API call.
        """
        if "applet" not in kwargs and "initializeFrom" not in kwargs:
            raise DXError("%s: One of the keyword arguments applet and initializeFrom is required"
                          % type(self).__name__)
        if "version" not in kwargs:
            raise DXError("%s: Keyword argument version is required" % type(self).__name__)
        dx_hash = {"version": kwargs.pop("version")}
        for field in ("initializeFrom", "applet", "name", "title", "summary", "description", "details",
                      "billing", "access", "resources", "regionalOptions"):
            if field in kwargs:
                dx_hash[field] = kwargs.pop(field)
        if "bill_to" in kwargs:
            dx_hash["billTo"] = kwargs.pop("bill_to")
        resp = dxpy.api.app_new(dx_hash, **kwargs)
        self.set_id(dxid=resp["id"])

    def update(self, **kwargs):
        """Update an unpublished app version: *applet*, *billing*, *access*, *resources*,
        *details*. Other kwargs go to the API call."""
        updates = {}
        for field in ("applet", "billing", "access", "resources", "details"):
            if field in kwargs:
                updates[field] = kwargs.pop(field)
        self._call("update", input_params=updates, **kwargs)

    def add_tags(self, tags, **kwargs):
        """Add the tags (version aliases) *tags* to this app version."""
        return self._call("add_tags", input_params={"tags": tags}, **kwargs)

    def addTags(self, tags, **kwargs):
        """Deprecated name of :meth:`add_tags`."""
        return self.add_tags(tags, **kwargs)

    def remove_tags(self, tags, **kwargs):
        """Remove the tags (version aliases) *tags* from this app version."""
        return self._call("remove_tags", input_params={"tags": tags}, **kwargs)

    def removeTags(self, tags, **kwargs):
        """Deprecated name of :meth:`remove_tags`."""
        return self.remove_tags(tags, **kwargs)

    def install(self, **kwargs):
        """Install the app in the current user's account."""
        return self._call("install", **kwargs)

    def uninstall(self, **kwargs):
        """Uninstall the app from the current user's account."""
        return self._call("uninstall", **kwargs)

    def get(self, **kwargs):
        """Return the full specification of the app (``/app-xxxx/get``)."""
        return self._call("get", **kwargs)

    def delete(self, **kwargs):
        """Delete this app version."""
        return self._call("delete", **kwargs)

    def _get_run_input(self, executable_input, **kwargs):
        return DXExecutable._get_run_input_fields_for_applet(executable_input, **kwargs)

    def run(self, app_input, *args, **kwargs):
        """Run the app's "main" entry point with *app_input*; returns a :class:`DXJob`.
        Options as in :meth:`DXExecutable.run`."""
        return super(DXApp, self).run(app_input, *args, **kwargs)
