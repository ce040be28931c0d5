"""Looking entities up on behalf of a caller, and the rules shared by all routes."""
from ..errors import InvalidState, PermissionDenied, ResourceNotFound
from .ids import now_ms

CONTAINER_CLASSES = ("project", "container")


class Request(object):
    """One API call: the caller, the ID in the route (or None) and the parsed input."""

    def __init__(self, platform, user, resource_id, payload, base_url=""):
        self.platform = platform
        self.store = platform.store
        self.state = platform.store.state
        self.user = user
        self.id = resource_id
        self.payload = payload
        self.base_url = base_url


def not_found(entity_id):
    return ResourceNotFound('The entity %s could not be found' % entity_id)


def container(req, cid=None):
    """The container *cid* (default: the route's ID), if the caller may use it."""
    cid = req.id if cid is None else cid
    found = req.state["containers"].get(cid)
    if found is None:
        raise not_found(cid)
    if found["owner"] != req.user:
        raise PermissionDenied("You do not have access to %s" % cid)
    return found


def clone_key(oid, cid):
    """Where the copy of *oid* in container *cid* is kept, unless it is the original (key *oid*)."""
    return "%s:%s" % (cid, oid)


def find_copy(state, oid, cid):
    """The copy of the data object *oid* listed in container *cid*, or None."""
    original = state["objects"].get(oid)
    if original is not None and original["project"] == cid:
        return original
    return state["objects"].get(clone_key(oid, cid))


def object_copies(state, oid):
    """Every copy of *oid*, one per container it is listed in (cloning adds copies)."""
    copies = [find_copy(state, oid, cid) for cid in state["containers"]]
    original = state["objects"].get(oid)
    if original is not None and original["project"] not in state["containers"]:
        copies.append(original)
    return [copy for copy in copies if copy is not None]


def object_key(state, obj):
    return obj["id"] if state["objects"].get(obj["id"]) is obj else clone_key(obj["id"], obj["project"])


def data_object(req, oid=None, project=None):
    """The data object *oid* (default: the route's ID), optionally checked to be in *project*;
    without *project*, a copy in a container the caller may use."""
    oid = req.id if oid is None else oid
    copies = object_copies(req.state, oid)
    if project is not None:
        copies = [found for found in copies if found["project"] == project]
    if not copies:
        if project is not None:
            container(req, project)  # a foreign project says PermissionDenied, not "missing"
        raise not_found(oid)
    usable = [found for found in copies if _owns(req, found["project"])]
    container(req, (usable or copies)[0]["project"])
    return (usable or copies)[0]


def _owns(req, cid):
    found = req.state["containers"].get(cid)
    return found is not None and found["owner"] == req.user


def objects_in(req, cid):
    return [obj for obj in req.state["objects"].values() if obj["project"] == cid]


def require_open(obj):
    if obj["state"] != "open":
        raise InvalidState("%s is in the %s state and cannot be modified" % (obj["id"], obj["state"]))


def touch(entity):
    entity["modified"] = max(now_ms(), entity["modified"])
    return {"id": entity["id"]}


def owned_containers(req):
    return [c for c in req.state["containers"].values() if c["owner"] == req.user]
