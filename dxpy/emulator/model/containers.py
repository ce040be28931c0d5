"""Projects and containers: creation, description and folder operations."""
from ..errors import InvalidInput, InvalidState, ResourceNotFound
from . import paths
from .access import (container, data_object, find_copy, not_found, object_copies, object_key,
                     objects_in, touch)
from .describe import describe_option, select
from .ids import new_id, now_ms
from .validate import REQUIRED, get, string_map, strings

FILE_UPLOAD_PARAMETERS = {
    "minimumPartSize": 5 * 1024 ** 2, "maximumPartSize": 5 * 1024 ** 3,
    "emptyLastPartAllowed": True, "maximumNumParts": 10000,
    "maximumFileSize": 5 * 1024 ** 4,
}
_EXTRA_FIELDS = ("folders", "fileUploadParameters", "permissions")
_SETTABLE = (("name", str), ("summary", str), ("description", str),
             ("protected", bool), ("restricted", bool))


def project_new(req):
    payload = req.payload
    get(payload, "name", str)
    now = now_ms()
    project = {"id": new_id("project"), "class": "project", "owner": req.user,
               "created": now, "modified": now, "folders": ["/"], "summary": "",
               "description": "", "protected": False, "restricted": False,
               "tags": strings(payload, "tags", []),
               "properties": string_map(payload, "properties", {})}
    _apply_settings(project, payload)
    req.state["containers"][project["id"]] = project
    return {"id": project["id"]}


def new_container(state, owner):
    """A bare ``container-xxxx`` (the platform makes these for jobs; no route creates one)."""
    now = now_ms()
    cid = new_id("container")
    state["containers"][cid] = {"id": cid, "class": "container", "owner": owner, "name": cid,
                                "created": now, "modified": now, "folders": ["/"],
                                "tags": [], "properties": {}}
    return cid


def _apply_settings(project, payload):
    for name, kind in _SETTABLE:
        if name in payload:
            project[name] = get(payload, name, kind)


def _full_description(req, c):
    full = dict((key, value) for key, value in c.items() if key != "owner")
    full.update({"createdBy": {"user": c["owner"]}, "billTo": c["owner"], "level": "ADMINISTER",
                 "permissions": {c["owner"]: "ADMINISTER"}, "region": "aws:us-east-1",
                 "dataUsage": 0, "sponsoredDataUsage": 0, "remoteDataUsage": 0,
                 "fileUploadParameters": dict(FILE_UPLOAD_PARAMETERS),
                 "folders": sorted(c["folders"])})
    return full


def describe_container(req, c, payload):
    return select(_full_description(req, c), _EXTRA_FIELDS, payload)


def container_describe(req):
    return describe_container(req, container(req), req.payload)


def project_update(req):
    project = container(req)
    for name, kind in _SETTABLE:
        get(req.payload, name, kind, None)  # validate everything before changing anything
    _apply_settings(project, req.payload)
    return touch(project)


def project_destroy(req):
    container(req)
    for obj in objects_in(req, req.id):
        _remove_object(req, obj)
    del req.state["containers"][req.id]
    return {}


def _remove_object(req, obj):
    """Remove one copy of *obj*; a file's bytes go with its last copy."""
    del req.state["objects"][object_key(req.state, obj)]
    if obj["class"] == "file" and not object_copies(req.state, obj["id"]):
        req.store.drop_parts(obj["id"])


def container_add_tags(req):
    c = container(req)
    for tag in strings(req.payload, "tags"):
        if tag not in c["tags"]:
            c["tags"].append(tag)
    return touch(c)


def container_remove_tags(req):
    c = container(req)
    removed = set(strings(req.payload, "tags"))
    c["tags"] = [tag for tag in c["tags"] if tag not in removed]
    return touch(c)


def container_set_properties(req):
    c = container(req)
    set_properties(c, string_map(req.payload, "properties", allow_null=True))
    return touch(c)


def set_properties(entity, changes):
    """Apply *changes*; a null value deletes the property."""
    for key, value in changes.items():
        if value is None:
            entity["properties"].pop(key, None)
        else:
            entity["properties"][key] = value


# Folders

def folder_arg(payload, name="folder", default="/"):
    return paths.normalize(get(payload, name, str, default), name)


def require_folder(c, folder):
    if folder not in c["folders"]:
        raise ResourceNotFound("The folder %s could not be found in %s" % (folder, c["id"]))


def ensure_folder(c, folder, parents):
    """Make *folder* exist; without *parents* its parent must exist already."""
    if not parents:
        require_folder(c, paths.parent(folder) or "/")
    for path in reversed(paths.ancestors(folder)):
        if path not in c["folders"]:
            c["folders"].append(path)


def container_new_folder(req):
    c = container(req)
    folder = folder_arg(req.payload, default=REQUIRED)
    parents = get(req.payload, "parents", bool, False)
    if folder in c["folders"] and not parents:
        raise InvalidInput("The folder %s already exists" % folder)
    ensure_folder(c, folder, parents)
    return touch(c)


def _subfolders(c, folder):
    return sorted(path for path in c["folders"] if paths.parent(path) == folder)


def container_list_folder(req):
    c = container(req)
    payload = req.payload
    folder = folder_arg(payload)
    only = get(payload, "only", str, "all")
    if only not in ("objects", "folders", "all"):
        raise InvalidInput('Expected key "only" of input to be "objects", "folders" or "all"')
    describe = describe_option(payload)
    include_hidden = get(payload, "includeHidden", bool, False)
    flags = get(payload, "hasSubfolderFlags", bool, False)
    require_folder(c, folder)
    result = {}
    if only in ("objects", "all"):
        found = sorted((obj for obj in objects_in(req, c["id"]) if obj["folder"] == folder
                        and (include_hidden or not obj["hidden"])), key=lambda obj: obj["id"])
        result["objects"] = [_listing(obj, describe) for obj in found]
    if only in ("folders", "all"):
        subfolders = _subfolders(c, folder)
        result["folders"] = ([[path, bool(_subfolders(c, path))] for path in subfolders]
                             if flags else subfolders)
    return result


def _listing(obj, describe):
    from .objects import describe_object  # deferred: objects imports this module
    entry = {"id": obj["id"]}
    if describe is not None:
        entry["describe"] = describe_object(obj, describe)
    return entry


def container_remove_folder(req):
    c = container(req)
    folder = folder_arg(req.payload, default=REQUIRED)
    recurse = get(req.payload, "recurse", bool, False)
    get(req.payload, "force", bool, False)
    partial = get(req.payload, "partial", bool, False)
    if folder == "/":
        raise InvalidInput("The root folder cannot be removed")
    require_folder(c, folder)
    inside = [obj for obj in objects_in(req, c["id"]) if paths.is_within(obj["folder"], folder)]
    if not recurse and (inside or _subfolders(c, folder)):
        raise InvalidState("The folder %s is not empty; use recurse to remove it" % folder)
    for obj in inside:
        _remove_object(req, obj)
    c["folders"] = [path for path in c["folders"] if not paths.is_within(path, folder)]
    result = touch(c)
    if partial:
        result["completed"] = True
    return result


def container_rename_folder(req):
    c = container(req)
    folder = folder_arg(req.payload, default=REQUIRED)
    name = paths.check_name(get(req.payload, "name", str))
    if folder == "/":
        raise InvalidInput("The root folder cannot be renamed")
    require_folder(c, folder)
    target = paths.join(paths.parent(folder), name)
    if target != folder and target in c["folders"]:
        raise InvalidInput("The folder %s already exists" % target)
    _relocate_folder(req, c, folder, target)
    return touch(c)


def _relocate_folder(req, c, old, new):
    c["folders"] = [paths.rebase(path, old, new) if paths.is_within(path, old) else path
                    for path in c["folders"]]
    for obj in objects_in(req, c["id"]):
        if paths.is_within(obj["folder"], old):
            obj["folder"] = paths.rebase(obj["folder"], old, new)


def container_move(req):
    c = container(req)
    payload = req.payload
    destination = folder_arg(payload, "destination", REQUIRED)
    object_ids = strings(payload, "objects", [])
    folders = [paths.normalize(path, "folders") for path in strings(payload, "folders", [])]
    require_folder(c, destination)
    objects = [data_object(req, oid, c["id"]) for oid in object_ids]
    for folder in folders:
        _check_folder_move(c, folder, destination)
    for obj in objects:
        obj["folder"] = destination
    for folder in folders:
        _relocate_folder(req, c, folder, paths.join(destination, paths.basename(folder)))
    return touch(c)


def _check_folder_move(c, folder, destination):
    if folder == "/":
        raise InvalidInput("The root folder cannot be moved")
    require_folder(c, folder)
    if paths.is_within(destination, folder):
        raise InvalidInput("Cannot move %s into itself or one of its subfolders" % folder)
    target = paths.join(destination, paths.basename(folder))
    if target != folder and target in c["folders"]:
        raise InvalidInput("The folder %s already exists" % target)


def container_remove_objects(req):
    c = container(req)
    object_ids = strings(req.payload, "objects")
    force = get(req.payload, "force", bool, False)
    found = []
    for oid in object_ids:
        obj = find_copy(req.state, oid, c["id"])
        if obj is None:
            if not force:
                raise not_found(oid)
        else:
            found.append(obj)
    for obj in found:
        _remove_object(req, obj)
    return touch(c)


FOLDER_ROUTES = {
    "describe": container_describe,
    "newFolder": container_new_folder,
    "listFolder": container_list_folder,
    "removeFolder": container_remove_folder,
    "renameFolder": container_rename_folder,
    "move": container_move,
    "removeObjects": container_remove_objects,
    "addTags": container_add_tags,
    "removeTags": container_remove_tags,
    "setProperties": container_set_properties,
}
PROJECT_ROUTES = {
    ("project", "new"): project_new,
    ("project", "update"): project_update,
    ("project", "destroy"): project_destroy,
}
