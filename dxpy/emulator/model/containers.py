"""Projects and containers: creation, description, members and folder operations."""
from ..errors import InvalidInput, InvalidState, PermissionDenied, ResourceNotFound
from . import paths
from .access import (PROJECT_LEVELS, PUBLIC, at_least, container, data_object, find_copy, level_of,
                     not_found, object_copies, object_key, objects_in, permissions, rank, touch)
from .describe import describe_option, select
from .edits import edit_list, set_properties
from .files import upload_parameters
from .folders import ensure_folder, folder_arg, require_folder
from .ids import new_id, now_ms
from .objects import describe_object
from .validate import REQUIRED, get, one_of, string_map, strings

DEFAULT_REGION = "aws:us-east-1"
_EXTRA_FIELDS = ("folders", "fileUploadParameters", "permissions")
# Settings any CONTRIBUTE member may change, and those that take ADMINISTER.
_SETTABLE = (("name", str), ("summary", str), ("description", str))
_ADMIN_SETTABLE = (("protected", bool), ("restricted", bool), ("downloadRestricted", bool),
                   ("externalUploadRestricted", bool), ("containsPHI", bool))
# Settings a project has only once given (null takes them away again); changed by ADMINISTER.
_OPTIONAL_ADMIN_SETTABLE = (("previewViewerRestricted", bool), ("databaseUIViewOnly", bool),
                            ("httpsAppIsolatedBrowsing", bool), ("httpsAppIsolatedBrowsingOptions", dict),
                            ("allowedExecutables", (list, type(None))),
                            ("databaseResultsRestricted", (int, type(None))))


# What a new project describes before anyone sets it; the last two describe null until given.
_PROJECT_DEFAULTS = {"databaseUIViewOnly": False, "allowedExecutables": None, "databaseResultsRestricted": None}
_KEPT_WHEN_NULL = ("allowedExecutables", "databaseResultsRestricted")


def project_new(req):
    payload = req.payload
    get(payload, "name", str)
    for name, kind in _SETTABLE + _ADMIN_SETTABLE + _OPTIONAL_ADMIN_SETTABLE:
        get(payload, name, kind, None)
    region = get(payload, "region", str, DEFAULT_REGION)
    if ":" not in region:
        raise InvalidInput('Expected key "region" of input to be a region such as "%s"' % DEFAULT_REGION)
    now = now_ms()
    project = {"id": new_id("project"), "class": "project", "owner": req.user,
               "created": now, "modified": now, "folders": ["/"], "summary": "",
               "description": "", "protected": False, "restricted": False,
               "downloadRestricted": False, "externalUploadRestricted": False, "containsPHI": False,
               "tags": strings(payload, "tags", []),
               "properties": string_map(payload, "properties", {}),
               "billTo": bill_to(req, get(payload, "billTo", str, _default_bill_to(req))), "region": region,
               "permissions": {req.user: "ADMINISTER"}}
    project.update(_PROJECT_DEFAULTS)
    _apply_settings(project, payload, _SETTABLE + _ADMIN_SETTABLE + _OPTIONAL_ADMIN_SETTABLE)
    _restrict_previews(project, payload)
    req.state["containers"][project["id"]] = project
    return {"id": project["id"]}


def _default_bill_to(req):
    user = req.state["users"].get(req.user) or {}
    return user.get("billTo", req.user)


def bill_to(req, account):
    """*account* if the caller may bill to it: themselves, or an org in which they may."""
    if account == req.user:
        return account
    if not account.startswith("org-"):
        raise PermissionDenied("You may bill only to yourself or to an org, not to %s" % account)
    org = req.state.get("orgs", {}).get(account)
    if org is None:
        raise ResourceNotFound("The org %s could not be found" % account)
    member = org["members"].get(req.user)
    if member is None or not member["allowBillableActivities"]:
        raise PermissionDenied("You are not allowed to bill activities to %s" % account)
    return account


def new_container(state, owner):
    """A bare ``container-xxxx`` (the platform makes these for jobs; no route creates one)."""
    now = now_ms()
    cid = new_id("container")
    state["containers"][cid] = {"id": cid, "class": "container", "owner": owner, "name": cid,
                                "created": now, "modified": now, "folders": ["/"],
                                "tags": [], "properties": {}, "billTo": owner,
                                "region": DEFAULT_REGION, "permissions": {owner: "ADMINISTER"}}
    return cid


def _apply_settings(project, payload, settable):
    for name, kind in settable:
        if name in payload:
            project[name] = get(payload, name, kind)
            if project[name] is None and name not in _KEPT_WHEN_NULL:
                del project[name]


def _restrict_previews(project, payload):
    """A project whose data may not be downloaded may not be previewed either."""
    if payload.get("downloadRestricted") is True:
        project["previewViewerRestricted"] = True


def _full_description(req, c):
    members = permissions(c)
    full = dict((key, value) for key, value in c.items() if key not in ("owner", "permissions"))
    full.update({"createdBy": {"user": c["owner"]}, "billTo": c.get("billTo", c["owner"]),
                 "level": level_of(req.state, c, req.user), "public": PUBLIC in members,
                 "permissions": dict(members), "region": c.get("region", DEFAULT_REGION),
                 "dataUsage": 0, "sponsoredDataUsage": 0, "remoteDataUsage": 0,
                 "fileUploadParameters": upload_parameters(req.platform, c.get("region", DEFAULT_REGION)),
                 "folders": sorted(c["folders"])})
    return full


def describe_container(req, c, payload):
    """*c* described for the describe input *payload*; besides ``fields``, the older form
    ``{"permissions": true, "folders": true}`` asks for fields not given by default."""
    extras = [name for name in _EXTRA_FIELDS if not get(payload, name, bool, False)]
    return select(_full_description(req, c), extras, payload)


def container_describe(req):
    return describe_container(req, container(req), req.payload)


def project_update(req):
    project = container(req)
    admin_settable = _ADMIN_SETTABLE + _OPTIONAL_ADMIN_SETTABLE
    for name, kind in _SETTABLE + admin_settable:
        get(req.payload, name, kind, None)  # validate everything before changing anything
    if any(name in req.payload for name, _ in admin_settable):
        container(req, level="ADMINISTER")
    if req.payload.get("downloadRestricted") is False and project.get("downloadRestricted"):
        raise InvalidInput("downloadRestricted cannot be turned off once it is on (%s)" % project["id"])
    _apply_settings(project, req.payload, _SETTABLE + admin_settable)
    _restrict_previews(project, req.payload)
    return touch(project)


def project_destroy(req):
    container(req)
    get(req.payload, "terminateJobs", bool, False)
    for obj in objects_in(req, req.id):
        _remove_object(req, obj)
    del req.state["containers"][req.id]
    return {}


def _remove_object(req, obj):
    """Remove one copy of *obj*; a file's bytes go with its last copy."""
    del req.state["objects"][object_key(req.state, obj)]
    if obj["class"] == "file" and not object_copies(req.state, obj["id"]):
        req.parts.drop(obj["id"])


def container_add_tags(req):
    c = container(req)
    edit_list(c, "tags", strings(req.payload, "tags"), adding=True)
    return touch(c)


def container_remove_tags(req):
    c = container(req)
    edit_list(c, "tags", strings(req.payload, "tags"), adding=False)
    return touch(c)


def container_set_properties(req):
    c = container(req)
    set_properties(c, string_map(req.payload, "properties", allow_null=True))
    return touch(c)


# Folders

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
    entry = {"id": obj["id"]}
    if describe is not None:
        entry["describe"] = describe_object(obj, describe)
    return entry


def _deleting(req):
    """The route's container, for a method that deletes data: a protected one takes ADMINISTER."""
    c = container(req)
    if c.get("protected"):
        container(req, level="ADMINISTER")
    return c


def container_remove_folder(req):
    c = _deleting(req)
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
    c = _deleting(req)
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


# Members

def _member_id(req, member, field):
    """*member* (a user ID, an org ID or PUBLIC) checked to exist."""
    if member == PUBLIC:
        return member
    if member.startswith("user-"):
        if member not in req.state["users"]:
            raise ResourceNotFound("The user %s could not be found" % member)
        return member
    if member.startswith("org-"):
        if member not in req.state.get("orgs", {}):
            raise ResourceNotFound("The org %s could not be found" % member)
        return member
    raise InvalidInput('Expected %s to be a user ID, an org ID or "PUBLIC", not %r' % (field, member))


def _user_by_email(req, email):
    for user in req.state["users"].values():
        if user.get("email") == email:
            return user["id"]
    return None


def project_invite(req):
    """Give *invitee* *level* in the project, unless they have as much already. An email
    address of no known user leaves the invitation pending (nothing is granted)."""
    project = container(req)
    payload = req.payload
    invitee = get(payload, "invitee", str)
    level = one_of(payload, "level", PROJECT_LEVELS)
    get(payload, "suppressEmailNotification", bool, False)
    get(payload, "suppressAllNotifications", bool, False)
    if "@" in invitee:
        found = _user_by_email(req, invitee)
        if found is None:
            return {"id": project["id"], "state": "pending"}
        invitee = found
    invitee = _member_id(req, invitee, 'key "invitee" of input')
    if invitee == PUBLIC and level != "VIEW":
        raise InvalidInput("A project can be made public only at the VIEW level")
    members = permissions(project)
    if rank(level) > rank(members.get(invitee, "NONE")):
        members[invitee] = level
        touch(project)
    return {"id": project["id"], "state": "fulfilled"}


def _check_administered(req, project, members):
    """InvalidState when no user would administer *project* (org-billed ones have the org's ADMINs)."""
    if project.get("billTo", "").startswith("org-"):
        return
    if not any(level == "ADMINISTER" and member.startswith("user-") for member, level in members.items()):
        raise InvalidState("%s would be left without a member who has ADMINISTER permission" % project["id"])


def project_decrease_permissions(req):
    """Lower members' levels (null removes them). Anyone may lower their own; changing others'
    takes ADMINISTER. A level above the current one changes nothing."""
    project = container(req)
    changes = req.payload
    for member, level in changes.items():
        _member_id(req, member, "the key %r of input" % member)
        if level is not None and level not in PROJECT_LEVELS:
            raise InvalidInput("Expected the value of key %r of input to be one of %s, or null"
                               % (member, ", ".join(PROJECT_LEVELS)))
    if any(member != req.user for member in changes):
        container(req, level="ADMINISTER")
    members = dict(permissions(project))
    for member, level in changes.items():
        if member not in members:
            continue
        if level is None:
            del members[member]
        elif rank(level) < rank(members[member]):
            members[member] = level
    _check_administered(req, project, members)
    project["permissions"] = members
    return touch(project)


def project_leave(req):
    """Drop the caller's own membership (an org's grant is the org's business)."""
    project = container(req)
    members = dict(permissions(project))
    if req.user not in members:
        raise InvalidState("%s is not a member of %s in its own right" % (req.user, project["id"]))
    del members[req.user]
    _check_administered(req, project, members)
    project["permissions"] = members
    return touch(project)


def object_list_projects(req):
    """``/class-xxxx/listProjects``: container ID -> the caller's level, for every container
    holding a copy of the object in which the caller has at least VIEW."""
    obj = data_object(req)
    found = {}
    for copy in object_copies(req.state, obj["id"]):
        c = req.state["containers"].get(copy["project"])
        level = level_of(req.state, c, req.user) if c is not None else "NONE"
        if at_least(level, "VIEW"):
            found[c["id"]] = level
    return found


