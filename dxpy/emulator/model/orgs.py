"""Organizations: ``/org/new``, ``/org-xxxx/describe``, ``update``, ``invite``,
``setMemberAccess``, ``removeMember``, ``findMembers``, ``findProjects`` and ``/system/findOrgs``
(``findApps`` is with the apps).

An org is ``state["orgs"][org_id]``; its ``members`` map user IDs to a membership: a level
(ADMIN or MEMBER) and the permission flags allowBillableActivities, appAccess, projectAccess.
"""
import re

from ..errors import InvalidInput, InvalidState, PermissionDenied, ResourceNotFound
from .access import LEVELS, PUBLIC, permissions
from .describe import describe_option, select
from .ids import now_ms
from .queries import limit_of, name_matcher, paginate
from .search import project_filters, project_results
from .users import describe_user, permitted_regions
from .validate import get, one_of, strings

MEMBERSHIP_LEVELS = ("ADMIN", "MEMBER")
_HANDLE = re.compile(r"^[A-Za-z0-9._]+$")
_ADMIN_FLAGS = {"allowBillableActivities": True, "appAccess": True, "projectAccess": "ADMINISTER"}
_MEMBER_DEFAULTS = {"allowBillableActivities": False, "appAccess": True, "projectAccess": "CONTRIBUTE"}
# policy -> its allowed values (a tuple of levels) or its type
_POLICIES = {"memberListVisibility": ("ADMIN", "MEMBER", "PUBLIC"), "restrictProjectTransfer": ("ADMIN", "MEMBER"),
             "jobReuse": bool, "detailedJobMetricsCollectDefault": bool}
_DEFAULT_POLICIES = {"memberListVisibility": "ADMIN", "restrictProjectTransfer": "ADMIN"}


def orgs_of(state):
    return state.setdefault("orgs", {})


def _org(req, org_id=None):
    org_id = req.id if org_id is None else org_id
    org = orgs_of(req.state).get(org_id)
    if org is None:
        raise ResourceNotFound("The org %s could not be found" % org_id)
    return org


def admin_org(req):
    """The route's org, if the caller is one of its ADMINs."""
    org = _org(req)
    member = org["members"].get(req.user)
    if member is None or member["level"] != "ADMIN":
        raise PermissionDenied("ADMIN membership of %s required to perform this action" % org["id"])
    return org


def _policies(payload, current):
    policies = dict(current)
    given = get(payload, "policies", dict, {})
    for name in given:
        if name not in _POLICIES:
            raise InvalidInput('Unknown org policy %r in key "policies" of input' % name)
        allowed = _POLICIES[name]
        policies[name] = one_of(given, name, allowed) if isinstance(allowed, tuple) else get(given, name, allowed)
    return policies


def _job_logs_forwarding(payload, current):
    """``jobLogsForwarding``: where job logs go (a Splunk collector's ``url`` and ``token``), or
    null to stop forwarding them."""
    if "jobLogsForwarding" not in payload:
        return current
    forwarding = get(payload, "jobLogsForwarding", (dict, type(None)))
    if forwarding is None:
        return None
    for field in forwarding:
        if field not in ("url", "token"):
            raise InvalidInput('Unknown key %r in key "jobLogsForwarding" of input' % field)
    return {"url": get(forwarding, "url", str), "token": get(forwarding, "token", str)}


def org_new(req):
    payload = req.payload
    handle = get(payload, "handle", str)
    name = get(payload, "name", str)
    if not _HANDLE.match(handle):
        raise InvalidInput('Expected key "handle" of input to have only letters, digits, "." and "_"')
    handle = handle.lower()  # handles, and so org IDs, are lowercase
    org_id = "org-" + handle
    policies = _policies(payload, _DEFAULT_POLICIES)
    if org_id in orgs_of(req.state):
        raise InvalidInput("The handle %s is already taken" % handle)
    now = now_ms()
    orgs_of(req.state)[org_id] = {
        "id": org_id, "class": "org", "handle": handle, "name": name, "created": now, "modified": now,
        "createdBy": {"user": req.user}, "policies": policies,
        "members": {req.user: dict(_ADMIN_FLAGS, level="ADMIN")}}
    return {"id": org_id}


def _full_description(req, org):
    full = {"id": org["id"], "class": "org", "handle": org["handle"], "name": org["name"]}
    member = org["members"].get(req.user)
    if member is not None:
        full.update({"created": org["created"], "modified": org["modified"], "createdBy": org["createdBy"],
                     "policies": dict(org["policies"]), "level": member["level"],
                     "allowBillableActivities": member["allowBillableActivities"],
                     "appAccess": member["appAccess"], "projectAccess": member["projectAccess"],
                     "permittedRegions": permitted_regions(org)})
    return full


def describe_org(req, org, payload):
    """Members see everything; others only the ID, handle and name."""
    return select(_full_description(req, org), (), payload)


def org_describe(req):
    return describe_org(req, _org(req), req.payload)


def org_update(req):
    org = admin_org(req)
    name = get(req.payload, "name", str, org["name"])
    policies = _policies(req.payload, org["policies"])
    saml_idp = get(req.payload, "samlIdP", str, org.get("samlIdP"))
    forwarding = _job_logs_forwarding(req.payload, org.get("jobLogsForwarding"))
    org.update({"name": name, "policies": policies, "samlIdP": saml_idp, "jobLogsForwarding": forwarding,
                "modified": max(now_ms(), org["modified"])})
    return {"id": org["id"]}


def _membership(payload, level, current=None):
    """The membership a ``invite`` / ``setMemberAccess`` entry describes; ADMINs get every flag."""
    if level == "ADMIN":
        return dict(_ADMIN_FLAGS, level=level)
    base = current if current is not None and current["level"] == "MEMBER" else _MEMBER_DEFAULTS
    return {"level": level,
            "allowBillableActivities": get(payload, "allowBillableActivities", bool,
                                           base["allowBillableActivities"]),
            "appAccess": get(payload, "appAccess", bool, base["appAccess"]),
            "projectAccess": one_of(payload, "projectAccess", LEVELS, base["projectAccess"])}


def _existing_user(req, user_id, field):
    if not isinstance(user_id, str) or not user_id.startswith("user-"):
        raise InvalidInput("Expected %s to be a user ID, not %r" % (field, user_id))
    if user_id not in req.state["users"]:
        raise ResourceNotFound("The user %s could not be found" % user_id)
    return user_id


def org_invite(req):
    org = admin_org(req)
    payload = req.payload
    invitee = _existing_user(req, get(payload, "invitee", str), 'key "invitee" of input')
    level = one_of(payload, "level", MEMBERSHIP_LEVELS)
    membership = _membership(payload, level)
    get(payload, "suppressEmailNotification", bool, False)
    if invitee in org["members"]:
        raise InvalidState("%s is already a member of %s; use setMemberAccess to change it" % (invitee, org["id"]))
    org["members"][invitee] = membership
    return {"id": org["id"]}


def _check_admins_left(org, members):
    if not any(member["level"] == "ADMIN" for member in members.values()):
        raise InvalidState("%s would be left without an ADMIN" % org["id"])


def org_set_member_access(req):
    """Input: user ID -> {"level", flags...}; every entry is checked before any applies."""
    org = admin_org(req)
    members = dict(org["members"])
    for user_id, access in req.payload.items():
        if user_id not in org["members"]:
            raise InvalidInput("%s is not a member of %s" % (user_id, org["id"]))
        if not isinstance(access, dict):
            raise InvalidInput("Expected the value of key %r of input to be a JSON object" % user_id)
        level = one_of(access, "level", MEMBERSHIP_LEVELS, org["members"][user_id]["level"])
        members[user_id] = _membership(access, level, org["members"][user_id])
    _check_admins_left(org, members)
    org["members"] = members
    return {"id": org["id"]}


def org_remove_member(req):
    """Remove ``user``; with ``revokeProjectPermissions`` also their own permissions in the
    projects billed to the org (reported under ``projects``)."""
    org = admin_org(req)
    payload = req.payload
    user_id = get(payload, "user", str)
    revoke_projects = get(payload, "revokeProjectPermissions", bool, False)
    get(payload, "revokeAppPermissions", bool, False)
    if user_id not in org["members"]:
        raise InvalidInput("%s is not a member of %s" % (user_id, org["id"]))
    members = dict(org["members"])
    del members[user_id]
    _check_admins_left(org, members)
    org["members"] = members
    revoked = {}
    if revoke_projects:
        for c in req.state["containers"].values():
            if c.get("billTo") == org["id"] and user_id in permissions(c):
                revoked[c["id"]] = permissions(c).pop(user_id)
    return {"id": org["id"], "projects": revoked, "apps": {}}


def _may_list_members(req, org):
    member = org["members"].get(req.user)
    visibility = org["policies"].get("memberListVisibility", "ADMIN")
    if visibility == "PUBLIC" or (member is not None and (visibility == "MEMBER" or member["level"] == "ADMIN")):
        return
    raise PermissionDenied("The member list of %s is visible only to its %s"
                           % (org["id"], "ADMINs" if visibility == "ADMIN" else "members"))


def _membership_entry(user_id, member):
    return {"id": user_id, "level": member["level"],
            "allowBillableActivities": member["allowBillableActivities"],
            "appAccess": member["appAccess"], "projectAccess": member["projectAccess"]}


def org_find_members(req):
    org = _org(req)
    _may_list_members(req, org)
    payload = req.payload
    level = one_of(payload, "level", MEMBERSHIP_LEVELS, None)
    ids = strings(payload, "id", None)
    describe = describe_option(payload)
    starting = get(payload, "starting", (str, type(None)), None)
    limit = limit_of(payload)
    found = [user_id for user_id, member in sorted(org["members"].items())
             if (level is None or member["level"] == level) and (ids is None or user_id in ids)]
    page, following = paginate(found, lambda user_id: user_id, starting, limit)
    results = []
    for user_id in page:
        entry = _membership_entry(user_id, org["members"][user_id])
        if describe is not None:
            entry["describe"] = describe_user(req, user_id, describe)
        results.append(entry)
    return {"results": results, "next": following}


def org_find_projects(req):
    """Projects billed to the org (ADMINs only), with the ``findProjects`` filters; each
    result's ``level`` is the org's own permission there (ADMINISTER when it has none)."""
    org = admin_org(req)
    matches = project_filters(req, req.payload)
    candidates = [c for c in req.state["containers"].values() if c.get("billTo") == org["id"] and matches(c)]

    def entry(c):
        return {"id": c["id"], "level": permissions(c).get(org["id"], "ADMINISTER"),
                "public": PUBLIC in permissions(c)}
    return project_results(req, candidates, req.payload, entry)


def find_orgs(req):
    """Orgs in which the caller is a member at ``level`` or above (ADMIN > MEMBER)."""
    payload = req.payload
    level = one_of(payload, "level", MEMBERSHIP_LEVELS)
    name = name_matcher(payload)
    ids = strings(payload, "id", None)
    billable = get(payload, "allowBillableActivities", bool, None)
    describe = describe_option(payload)
    starting = get(payload, "starting", (str, type(None)), None)
    limit = limit_of(payload)
    found = []
    for org_id, org in sorted(orgs_of(req.state).items()):
        member = org["members"].get(req.user)
        if member is None or (level == "ADMIN" and member["level"] != "ADMIN"):
            continue
        if name(org["name"]) and (ids is None or org_id in ids) \
                and (billable is None or member["allowBillableActivities"] == billable):
            found.append(org)
    page, following = paginate(found, lambda org: org["id"], starting, limit)
    results = []
    for org in page:
        entry = _membership_entry(org["id"], org["members"][req.user])
        if describe is not None:
            entry["describe"] = describe_org(req, org, describe)
        results.append(entry)
    return {"results": results, "next": following}


