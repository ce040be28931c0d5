"""Containers (a job's temporary workspace) and projects: folders and the objects in them."""
import dxpy
import dxpy.api
from . import DXObject
from ..exceptions import DXError

__all__ = ["DXContainer", "DXProject"]

# Optional arguments of DXProject.new / DXProject.update -> their API field names.
_NEW_FIELDS = (
    ("summary", "summary"), ("description", "description"), ("region", "region"), ("protected", "protected"),
    ("restricted", "restricted"), ("download_restricted", "downloadRestricted"), ("contains_phi", "containsPHI"),
    ("bill_to", "billTo"), ("database_ui_view_only", "databaseUIViewOnly"),
    ("external_upload_restricted", "externalUploadRestricted"),
    ("database_results_restricted", "databaseResultsRestricted"), ("tags", "tags"), ("properties", "properties"),
    ("default_symlink", "defaultSymlink"), ("drive", "drive"), ("preview_viewer_restricted", "previewViewerRestricted"),
)
_UPDATE_FIELDS = (
    ("name", "name"), ("summary", "summary"), ("description", "description"), ("protected", "protected"),
    ("restricted", "restricted"), ("download_restricted", "downloadRestricted"), ("version", "version"),
    ("allowed_executables", "allowedExecutables"), ("database_ui_view_only", "databaseUIViewOnly"),
    ("external_upload_restricted", "externalUploadRestricted"),
    ("database_results_restricted", "databaseResultsRestricted"),
    ("https_app_isolated_browsing", "httpsAppIsolatedBrowsing"),
    ("https_app_isolated_browsing_options", "httpsAppIsolatedBrowsingOptions"),
    ("preview_viewer_restricted", "previewViewerRestricted"),
)


def _fields_given(pairs, values):
    return {api_name: values[arg] for arg, api_name in pairs if values[arg] is not None}


class DXContainer(DXObject):
    """Handler for a data container; with no ID, the default workspace (``dxpy.WORKSPACE_ID``)."""

    _class = "container"

    def __init__(self, dxid=None):
        DXObject.__init__(self)
        self.set_id(dxid if dxid is not None else dxpy.WORKSPACE_ID)

    def _route(self, name):
        # Projects and containers share these methods under different route prefixes.
        prefix = "project_" if isinstance(self, DXProject) else "container_"
        return getattr(dxpy.api, prefix + name)

    def describe(self, **kwargs):
        """Describe the container; keyword arguments go to the API call (e.g. ``input_params``)."""
        self._desc = self._route("describe")(self._dxid, **kwargs)
        return self._desc

    def new_folder(self, folder, parents=False, **kwargs):
        """Create *folder* (and its missing parents when *parents* is true)."""
        self._route("new_folder")(self._dxid, {"folder": folder, "parents": parents}, **kwargs)

    def list_folder(self, folder="/", describe=False, only="all", includeHidden=False, **kwargs):
        """Return ``{"objects": [...], "folders": [...]}`` for *folder*.

        *describe* is False, True or the input of a describe call per object; *only* is
        "objects", "folders" or "all"; hidden objects are listed with *includeHidden*.
        """
        return self._route("list_folder")(
            self._dxid, {"folder": folder, "describe": describe, "only": only, "includeHidden": includeHidden},
            **kwargs)

    def move(self, destination, objects=[], folders=[], **kwargs):
        """Move *objects* (IDs) and *folders* (paths) into the folder *destination*."""
        self._route("move")(self._dxid, {"objects": objects, "folders": folders, "destination": destination},
                            **kwargs)

    def move_folder(self, folder, destination, **kwargs):
        """Move *folder* (with its contents) into the folder *destination*."""
        self._route("move")(self._dxid, {"folders": [folder], "destination": destination}, **kwargs)

    def remove_folder(self, folder, recurse=False, force=False, **kwargs):
        """Remove *folder*; with *recurse*, everything in it too. Large folders are removed
        in several partial calls until the server reports completion."""
        route = self._route("remove_folder")
        while True:
            # With force the call is idempotent, so it may be retried safely.
            resp = route(self._dxid, {"folder": folder, "recurse": recurse, "force": force, "partial": True},
                         always_retry=force, **kwargs)
            if "completed" not in resp:
                raise DXError("Error removing folder %r from %s: no 'completed' in the reply" % (folder, self._dxid))
            if resp["completed"]:
                return

    def remove_objects(self, objects, force=False, **kwargs):
        """Remove *objects* (a list of IDs) from the container."""
        self._route("remove_objects")(self._dxid, {"objects": objects, "force": force}, always_retry=force,
                                      **kwargs)

    def clone(self, container, destination="/", objects=[], folders=[], parents=False, **kwargs):
        """Clone *objects* and *folders* into *destination* of the container *container*;
        return the API reply (``{"id": ..., "project": ..., "exists": [...]}``)."""
        return self._route("clone")(
            self._dxid,
            {"objects": objects, "folders": folders, "project": container, "destination": destination,
             "parents": parents},
            **kwargs)


class DXProject(DXContainer):
    """Handler for a project."""

    _class = "project"

    def new(self, name, summary=None, description=None, region=None, protected=None,
            restricted=None, download_restricted=None, contains_phi=None,
            tags=None, properties=None, bill_to=None, database_ui_view_only=None,
            external_upload_restricted=None, default_symlink=None,
            database_results_restricted=None, drive=None, preview_viewer_restricted=None,
            **kwargs):
        """Create a project named *name*, associate the handler with it and return its ID.
        Arguments left as None are not sent (the platform defaults apply)."""
        values = dict(locals())
        input_hash = {"name": name}
        input_hash.update(_fields_given(_NEW_FIELDS, values))
        self.set_id(dxpy.api.project_new(input_hash, **kwargs)["id"])
        self._desc = {}
        return self._dxid

    def update(self, name=None, summary=None, description=None, protected=None,
               restricted=None, download_restricted=None, version=None,
               allowed_executables=None, unset_allowed_executables=None,
               database_ui_view_only=None, external_upload_restricted=None,
               database_results_restricted=None, unset_database_results_restricted=None,
               https_app_isolated_browsing=None, https_app_isolated_browsing_options=None,
               preview_viewer_restricted=None, **kwargs):
        """Change the project's settings; arguments left as None are unchanged.
        *unset_allowed_executables* / *unset_database_results_restricted* clear those settings."""
        update_hash = _fields_given(_UPDATE_FIELDS, dict(locals()))
        if unset_allowed_executables:
            update_hash["allowedExecutables"] = None
        if unset_database_results_restricted:
            update_hash["databaseResultsRestricted"] = None
        dxpy.api.project_update(self._dxid, update_hash, **kwargs)

    def invite(self, invitee, level, send_email=True, **kwargs):
        """Give *invitee* (a user ID, org ID or email) the access *level* ("VIEW",
        "UPLOAD", "CONTRIBUTE", "ADMINISTER")."""
        return dxpy.api.project_invite(
            self._dxid, {"invitee": invitee, "level": level, "suppressEmailNotification": not send_email}, **kwargs)

    def decrease_perms(self, member, level, **kwargs):
        """Lower *member*'s access to *level* (None removes the member)."""
        return dxpy.api.project_decrease_permissions(self._dxid, {member: level}, **kwargs)

    def destroy(self, **kwargs):
        """Destroy the project and everything in it."""
        dxpy.api.project_destroy(self._dxid, **kwargs)

    def set_properties(self, properties, **kwargs):
        """Set project properties (a dict of strings; a None value deletes that property)."""
        return dxpy.api.project_set_properties(self._dxid, {"properties": properties}, **kwargs)
