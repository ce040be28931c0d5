"""Data objects: creation and the methods every data object class shares."""
import copy

from ..errors import InvalidInput
from .access import container, data_object, find_copy, object_copies, require_open, touch
from .edits import edit_list, set_properties
from .folders import ensure_folder, folder_arg, require_folder
from .describe import select
from .ids import new_id, now_ms
from .validate import REQUIRED, entity_id, get, string_map, strings

DATA_CLASSES = ("record", "file")
CONTAINER_IDS = ("project", "container")
# Given only on request; a file's "parts" only through ``fields`` (dxpy asks for them that way).
_EXTRA_FIELDS = ("properties", "details", "parts")


def create_object(req, klass, extra=None):
    """Validate the common ``*/new`` input and store a new open object of *klass*."""
    payload = req.payload
    c = container(req, entity_id(payload, "project", CONTAINER_IDS))
    folder = folder_arg(payload)
    parents = get(payload, "parents", bool, False)
    oid = new_id(klass)
    now = now_ms()
    obj = {"id": oid, "class": klass, "project": c["id"], "folder": folder,
           "name": get(payload, "name", str, oid), "state": "open",
           "hidden": get(payload, "hidden", bool, False),
           "types": strings(payload, "types", []), "tags": strings(payload, "tags", []),
           "properties": string_map(payload, "properties", {}),
           "details": _details(payload, {}), "created": now, "modified": now,
           "createdBy": {"user": req.user}}
    obj.update(extra or {})
    if not parents:
        require_folder(c, folder)
    ensure_folder(c, folder, True)
    req.state["objects"][oid] = obj
    return obj


def _details(payload, default=REQUIRED):
    return copy.deepcopy(get(payload, "details", (dict, list), default))


# What a new record takes from its ``initializeFrom`` record, unless its input gives it.
_INITIALIZED_FIELDS = ("name", "types", "tags", "properties", "details", "hidden")


def _initial_metadata(req):
    source = get(req.payload, "initializeFrom", dict, None)
    if source is None:
        return {}
    record = data_object(req, entity_id(source, "id", ("record",)), get(source, "project", str, None))
    return dict((field, copy.deepcopy(record[field])) for field in _INITIALIZED_FIELDS if field not in req.payload)


def record_new(req):
    close = get(req.payload, "close", bool, False)
    obj = create_object(req, "record", _initial_metadata(req))
    if close:
        obj["state"] = "closed"
    return {"id": obj["id"]}


def collect(value, pick):
    """Every non-None ``pick(part)`` for *value* and the parts nested in its dicts and
    lists, outermost first; a picked part is not searched further."""
    picked = pick(value)
    if picked is not None:
        return [picked]
    if isinstance(value, dict):
        value = value.values()
    elif not isinstance(value, list):
        return []
    return [found for item in value for found in collect(item, pick)]


def _linked_id(value):
    if isinstance(value, dict) and len(value) == 1:
        link = value.get("$dnanexus_link")
        if isinstance(link, dict):
            link = link.get("id")
        if isinstance(link, str):
            return link
    return None


def links_in(value):
    """IDs referenced by ``{"$dnanexus_link": ...}`` anywhere in *value*."""
    return collect(value, _linked_id)


def describe_object(obj, payload):
    """The describe output of *obj* for the describe input *payload*."""
    full = dict((key, copy.deepcopy(value)) for key, value in obj.items() if not key.startswith("_"))
    full.update({"sponsored": False, "archivalState": obj.get("archivalState", "live"),
                 "links": sorted(set(links_in(obj["details"])))})
    extras = [name for name in _EXTRA_FIELDS if not get(payload, name, bool, False)]
    return select(full, extras, payload)


def _target(req):
    """The route's object, looked up in the ``project`` the input names, if any."""
    return data_object(req, project=entity_id(req.payload, "project", CONTAINER_IDS, None))


def object_describe(req):
    # describe takes "project" as a hint: without a copy there, another reachable copy is described
    hint = entity_id(req.payload, "project", CONTAINER_IDS, None)
    if hint is not None and find_copy(req.state, req.id, hint) is None:
        hint = None
    return describe_object(data_object(req, project=hint), req.payload)


def object_rename(req):
    obj = _target(req)
    obj["name"] = get(req.payload, "name", str)
    return touch(obj)


def _list_editor(field, adding):
    def edit(req):
        obj = _target(req)
        values = strings(req.payload, field)
        if field == "types":
            require_open(obj)
        edit_list(obj, field, values, adding)
        return touch(obj)
    edit.__name__ = ("add_" if adding else "remove_") + field
    return edit


def object_set_properties(req):
    obj = _target(req)
    set_properties(obj, string_map(req.payload, "properties", allow_null=True))
    return touch(obj)


def _new_details(payload):
    """The details a ``setDetails`` input sets: on the platform the input *is* the new
    details, a JSON object or array."""
    if not isinstance(payload, (dict, list)):
        raise InvalidInput("Expected input to be the new details, a JSON object or array")
    return copy.deepcopy(payload)


def object_set_details(req):
    obj = data_object(req)  # the input is the details: a "project" in it is no project
    details = _new_details(req.payload)
    require_open(obj)
    obj["details"] = details
    return touch(obj)


def object_get_details(req):
    return copy.deepcopy(_target(req)["details"])


def object_set_visibility(req):
    obj = _target(req)
    hidden = get(req.payload, "hidden", bool)
    require_open(obj)
    obj["hidden"] = hidden
    return touch(obj)


def object_close(req):
    obj = _target(req)
    require_open(obj)
    closer = CLOSERS.get(obj["class"])
    state = closer(req, obj) if closer is not None else None
    obj["state"] = state or "closed"
    return touch(obj)


def object_list_projects(req):
    obj = _target(req)
    return dict((found["project"], "ADMINISTER") for found in object_copies(req.state, obj["id"])
                if req.state["containers"][found["project"]]["owner"] == req.user)


# class -> function(req, obj) run on close; it returns the new state (None: "closed")
CLOSERS = {}

# Route handlers (bound to routes by the route table)
add_tags = _list_editor("tags", True)
remove_tags = _list_editor("tags", False)
add_types = _list_editor("types", True)
remove_types = _list_editor("types", False)

