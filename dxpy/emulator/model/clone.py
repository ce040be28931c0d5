"""``/project-xxxx/clone`` and ``/container-xxxx/clone``: the same closed objects become
listed in another container too (each container keeps its own copy of the metadata)."""
import copy

from ..errors import InvalidInput, InvalidState
from . import paths
from .access import clone_key, container, data_object, find_copy, objects_in, touch
from .folders import ensure_folder, folder_arg, require_folder
from .objects import CONTAINER_IDS
from .validate import REQUIRED, entity_id, get, strings


def _folder_plan(req, src, folder, destination):
    """(object, target folder) for everything in *folder*, and the folders to create."""
    if folder == "/":
        raise InvalidInput("The root folder cannot be cloned")
    require_folder(src, folder)
    target = paths.join(destination, paths.basename(folder))
    moved = [(obj, paths.rebase(obj["folder"], folder, target))
             for obj in sorted(objects_in(req, src["id"]), key=lambda obj: obj["id"])
             if paths.is_within(obj["folder"], folder)]
    folders = [paths.rebase(path, folder, target) for path in src["folders"]
               if paths.is_within(path, folder)]
    return moved, folders


def _require_closed(obj):
    if obj["state"] != "closed":
        raise InvalidState("%s is in the %s state; only closed objects can be cloned"
                           % (obj["id"], obj["state"]))


def container_clone(req):
    src = container(req)
    payload = req.payload
    dest_id = entity_id(payload, "project", CONTAINER_IDS, REQUIRED)
    destination = folder_arg(payload, "destination", "/")
    parents = get(payload, "parents", bool, False)
    object_ids = strings(payload, "objects", [])
    folder_args = [paths.normalize(path, "folders") for path in strings(payload, "folders", [])]
    dest = container(req, dest_id)
    if dest is src:
        raise InvalidInput("The destination of a clone must be another container")
    plan = [(data_object(req, oid, src["id"]), destination) for oid in object_ids]
    new_folders = [destination]
    for folder in folder_args:
        moved, folders = _folder_plan(req, src, folder, destination)
        plan.extend(moved)
        new_folders.extend(folders)
    for obj, _ in plan:
        _require_closed(obj)
    if not parents:
        require_folder(dest, destination)
    for folder in new_folders:
        ensure_folder(dest, folder, True)
    exists = _place_copies(req, dest, plan)
    touch(dest)
    return {"id": src["id"], "project": dest["id"], "exists": exists}


def _place_copies(req, dest, plan):
    """List each planned object in *dest*; the IDs already there are returned, untouched."""
    exists, seen = [], set()
    for obj, folder in plan:
        if obj["id"] in seen:
            continue
        seen.add(obj["id"])
        if find_copy(req.state, obj["id"], dest["id"]) is not None:
            exists.append(obj["id"])
            continue
        clone = copy.deepcopy(obj)
        clone.update({"project": dest["id"], "folder": folder})
        req.state["objects"][clone_key(obj["id"], dest["id"])] = clone
    return exists


