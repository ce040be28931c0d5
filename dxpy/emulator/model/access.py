"""Looking entities up on behalf of a caller, and the permission rules shared by all routes.

A container keeps a ``permissions`` map from user IDs, org IDs and ``PUBLIC`` to a level.
A user's level in it is the greatest of: their own entry; for each org entry, the lesser of
the org's level and the user's ``projectAccess`` in that org; VIEW when the container is
public. Each route needs a least level in the container it acts on: ``level`` and ``intoLevel`` in
the route table (see ``required_level``).

A job's token acts for the user who launched the job, within the job's reach, as on the
platform: CONTRIBUTE in its temporary workspace; in its project context the executable's
``access.project`` (VIEW for an applet without one, nothing for an app: it reads the inputs
cloned into its workspace); in other projects ``access.allProjects``, if any; never more than
the user has. Creating projects needs ``access.projectCreation``; creating apps or global
workflows, or changing them, ``access.developer``. (``access.network`` is not enforced: job
processes share the host's network.)
"""
from ..errors import InvalidState, PermissionDenied, ResourceNotFound
from .ids import id_class, now_ms
from .tokens import calling_job


CONTAINER_CLASSES = ("project", "container")
LEVELS = ("NONE", "VIEW", "UPLOAD", "CONTRIBUTE", "ADMINISTER")
PROJECT_LEVELS = LEVELS[1:]
PUBLIC = "PUBLIC"


class Request(object):
    """One API call: the caller, the ID in the route (or None), the parsed input and the route's
    entry in the route table (``routes.Route``)."""

    def __init__(self, platform, state, user, resource_id, payload, base_url, route, headers=None, client_ip=None):
        self.platform = platform
        self.state = state  # as handed out by platform.transaction()
        self.parts = platform.parts
        self.user = user
        self.id = resource_id
        self.payload = payload
        self.base_url = base_url
        self.route = route
        self.headers = headers if headers is not None else {}  # the HTTP request's headers
        self.client_ip = client_ip  # the caller's address (None when called without HTTP)


def not_found(entity_id):
    return ResourceNotFound('The entity %s could not be found' % entity_id)


def rank(level):
    return LEVELS.index(level) if level in LEVELS else 0


def at_least(level, needed):
    return rank(level) >= rank(needed)


def permissions(c):
    """The permissions map of container *c* (state saved before it existed gets one)."""
    if "permissions" not in c:
        c["permissions"] = {c["owner"]: "ADMINISTER"}
    return c["permissions"]


def member_project_access(state, org_id, user):
    """The greatest level *user* gets from projects shared with *org_id* ("NONE": no member)."""
    org = state.get("orgs", {}).get(org_id)
    member = org["members"].get(user) if org is not None else None
    if member is None:
        return "NONE"
    return "ADMINISTER" if member["level"] == "ADMIN" else member["projectAccess"]


def _grants(state, c, user):
    """(source, level) for each way *user* has access to *c*: their own entry, each org the
    project is shared with (capped by the user's projectAccess there), and ADMIN membership of
    the org the project is billed to."""
    for member, level in permissions(c).items():
        if member == user:
            yield member, level
        elif member.startswith("org-"):
            yield member, LEVELS[min(rank(level), rank(member_project_access(state, member, user)))]
    bill_to = c.get("billTo", "")
    org = state.get("orgs", {}).get(bill_to) if bill_to.startswith("org-") else None
    if org is not None and org["members"].get(user, {}).get("level") == "ADMIN":
        yield bill_to, "ADMINISTER"


def permission_sources(state, c, user):
    """(level, sources): *user*'s level in *c* without public access, and the user/org IDs
    that give it."""
    best, sources = "NONE", []
    for member, granted in _grants(state, c, user):
        if rank(granted) > rank(best):
            best, sources = granted, [member]
        elif granted == best and granted != "NONE" and member not in sources:
            sources.append(member)
    return best, sorted(sources)


def level_of(state, c, user, public=True):
    """*user*'s level in container *c*; a public container gives everyone VIEW when *public*;
    a job's token gets no more than the job may have there (see :func:`job_ceiling`)."""
    level = permission_sources(state, c, user)[0]
    if public and PUBLIC in permissions(c) and rank(level) < rank("VIEW"):
        level = "VIEW"
    return capped(level, job_ceiling(state, user, c["id"]))


def capped(level, ceiling):
    return level if rank(level) <= rank(ceiling) else ceiling


# What a job's token may reach

WORKSPACE_LEVEL = "CONTRIBUTE"
APPLET_PROJECT_LEVEL = "VIEW"  # an applet's jobs in their project context, without access.project


def calling_job_record(state, user):
    """The job whose token made the request acting as *user*, or None."""
    job_id = calling_job(user)
    return state.get("jobs", {}).get(job_id) if job_id is not None else None


def job_access(state, job):
    """The ``access`` spec of the executable *job* runs (an applet's or an app's)."""
    executable_id = job.get("executable")
    if id_class(executable_id) == "applet":
        record = state["objects"].get(executable_id) or next(
            (obj for obj in state["objects"].values() if obj.get("id") == executable_id), None)
    else:
        record = state.get("apps", {}).get(executable_id)
    return (record or {}).get("access") or {}


def job_ceiling(state, user, cid):
    """The most a request acting as *user* may do in container *cid*: ADMINISTER (no cap) for a
    user's own token; for a job's token, what the job may reach there."""
    job = calling_job_record(state, user)
    if job is None:
        return "ADMINISTER"
    if cid == job.get("workspace"):
        return WORKSPACE_LEVEL
    access = job_access(state, job)
    if cid == job.get("project"):
        default = APPLET_PROJECT_LEVEL if id_class(job.get("executable")) == "applet" else "NONE"
        own = access.get("project", default)
        return own if rank(own) >= rank(access.get("allProjects", "NONE")) else access["allProjects"]
    return access.get("allProjects", "NONE")


def require_job_access(state, user, route):
    """PermissionDenied when *user* is a job's token and *route* (a ``routes.Route``) needs an
    access flag (its ``jobAccess``) that the job's executable lacks."""
    job = calling_job_record(state, user) if route.job_access is not None else None
    if job is not None and job_access(state, job).get(route.job_access) is not True:
        raise PermissionDenied("The token of %s may not call %s: its executable's access spec does not grant %s"
                               % (job["id"], route.path, route.job_access))


def required_level(req, cid):
    """The level the current route needs in container *cid* by default."""
    return req.route.level if cid == req.id else req.route.into_level


def denied(level, cid):
    return PermissionDenied("%s permission required in %s to perform this action" % (level, cid))


def container(req, cid=None, level=None):
    """The container *cid* (default: the route's ID), if the caller has *level* in it
    (default: what the current method needs there)."""
    cid = req.id if cid is None else cid
    found = req.state["containers"].get(cid)
    if found is None:
        raise not_found(cid)
    level = required_level(req, cid) if level is None else level
    if not at_least(level_of(req.state, found, req.user), level):
        raise denied(level, cid)
    if req.route.path.endswith("/clone") and cid == req.id and found.get("restricted"):
        raise PermissionDenied("%s is restricted: its data cannot be cloned out of it" % cid)
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


def object_level(req, obj):
    """The level the current route needs in the container of data object *obj*. Metadata of a
    closed object needs CONTRIBUTE where the route asks for UPLOAD (UPLOAD covers only open objects)."""
    needed = req.route.level
    if needed == "UPLOAD" and obj.get("state") != "open" and req.id == obj["id"]:
        return "CONTRIBUTE"
    return needed


def data_object(req, oid=None, project=None):
    """The data object *oid* (default: the route's ID), optionally checked to be in *project*;
    without *project*, a copy in a container where the caller has the level the method needs
    (else one they can see, else any: the error then names that container)."""
    oid = req.id if oid is None else oid
    copies = object_copies(req.state, oid)
    if project is not None:
        copies = [found for found in copies if found["project"] == project]
    if not copies:
        if project is not None:
            container(req, project, "VIEW")  # a foreign project says PermissionDenied, not "missing"
        raise not_found(oid)

    def caller_level(found):
        c = req.state["containers"].get(found["project"])
        return level_of(req.state, c, req.user) if c is not None else "NONE"
    usable = ([found for found in copies if at_least(caller_level(found), object_level(req, found))]
              or [found for found in copies if at_least(caller_level(found), "VIEW")] or copies)
    chosen = usable[0]
    container(req, chosen["project"], object_level(req, chosen))
    return chosen


def objects_in(req, cid):
    return [obj for obj in req.state["objects"].values() if obj["project"] == cid]


def require_open(obj):
    if obj["state"] != "open":
        raise InvalidState("%s is in the %s state and cannot be modified" % (obj["id"], obj["state"]))


def touch(entity):
    entity["modified"] = max(now_ms(), entity["modified"])
    return {"id": entity["id"]}


def visible_containers(req, level="VIEW", public=False):
    """Containers in which the caller has at least *level* (public access counts when *public*)."""
    return [c for c in req.state["containers"].values()
            if at_least(level_of(req.state, c, req.user, public), level)]


def owned_containers(req):
    """Containers the caller can see through their own or their orgs' permissions."""
    return visible_containers(req)
