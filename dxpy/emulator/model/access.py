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


def data_object(req, oid=None, project=None):
    """The data object *oid* (default: the route's ID), optionally checked to be in *project*."""
    oid = req.id if oid is None else oid
    found = req.state["objects"].get(oid)
    if found is None or (project is not None and found["project"] != project):
        if project is not None:
            container(req, project)  # a foreign project says PermissionDenied, not "missing"
        raise not_found(oid)
    container(req, found["project"])
    return found


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
