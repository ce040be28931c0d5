"""Users: ``/user-xxxx/describe`` and the auth server's ``/system/getUserInfo``.

User and org IDs are handles (``user-alice``, ``org-lab``), not the 24-character IDs of
other entities; ``handle_class`` recognizes them."""
import re

from ..errors import InvalidInput, InvalidState, PermissionDenied, ResourceNotFound
from .containers import DEFAULT_REGION
from .describe import select
from .ids import now_ms
from .validate import get

_HANDLE_ID = re.compile(r"^(user|org)-([A-Za-z0-9._-]+)$")
# Fields given only on request (``{"appsInstalled": true}`` or through ``fields``).
_EXTRA_FIELDS = ("appsInstalled", "subscriptions", "orgs")


def handle_class(value):
    """``"user"`` / ``"org"`` for an ID of that form (``user-alice``), else None."""
    match = _HANDLE_ID.match(value) if isinstance(value, str) else None
    return match.group(1) if match else None


def new_user(state, user_id, first=None, last=None, email=None):
    """The stored user *user_id*, created with these names if it is new."""
    if handle_class(user_id) != "user":
        raise InvalidInput("%r is not a user ID of the form user-<handle>" % user_id)
    handle = user_id[len("user-"):]
    now = now_ms()
    user = state["users"].setdefault(user_id, {"id": user_id, "created": now})
    user.setdefault("modified", user["created"])
    user.setdefault("first", first if first is not None else handle)
    user.setdefault("middle", "")
    user.setdefault("last", last if last is not None else "")
    user.setdefault("email", email if email is not None else handle + "@example.com")
    return user


def _user(req, user_id):
    user = req.state["users"].get(user_id)
    if user is None:
        raise ResourceNotFound("The user %s could not be found" % user_id)
    return new_user(req.state, user_id)  # fills in fields that older state lacks


def permitted_regions(entity):
    """The regions in which a user or org may perform billable activities (the emulator
    keeps data in one region unless told otherwise)."""
    return list(entity.get("permittedRegions", [DEFAULT_REGION]))


def _apps_installed(req, user_id):
    """App name -> ID of the version *user_id* installed."""
    return dict((record["name"], record["id"]) for record in req.state.get("apps", {}).values()
                if user_id in record.get("_installedBy", ()))


def _memberships(req, user_id):
    return dict((org_id, org["members"][user_id]["level"])
                for org_id, org in sorted(req.state.get("orgs", {}).items()) if user_id in org["members"])


def describe_user(req, user_id, payload):
    """The description of *user_id*: names for anyone; email, billing account and its
    regions, times, installed apps and org memberships for the user themselves."""
    user = _user(req, user_id)
    handle = user_id[len("user-"):]
    full = {"id": user_id, "class": "user", "handle": handle, "first": user["first"],
            "middle": user["middle"], "last": user["last"],
            "fullName": " ".join(part for part in (user["first"], user["middle"], user["last"]) if part)}
    if user_id == req.user:
        if "sshPublicKey" in user:
            full["sshPublicKey"] = user["sshPublicKey"]
        full.update({"email": user["email"], "billTo": user.get("billTo", user_id),
                     "created": user["created"], "modified": user["modified"],
                     "appsInstalled": _apps_installed(req, user_id), "subscriptions": [],
                     "orgs": _memberships(req, user_id), "permittedRegions": permitted_regions(user)})
    extras = [name for name in _EXTRA_FIELDS if not get(payload, name, bool, False)]
    return select(full, extras, payload)


_UPDATABLE_NAMES = ("first", "middle", "last")


def user_update(req):
    """Change the caller's own names and SSH public key (``sshPublicKey``; null removes it)."""
    if req.id != req.user:
        raise PermissionDenied("Only %s can update its own account" % req.id)
    user = _user(req, req.id)
    unknown = sorted(set(req.payload) - set(_UPDATABLE_NAMES) - {"sshPublicKey"})
    if unknown:
        raise InvalidInput("The emulator updates only first, middle, last and sshPublicKey, not %s"
                           % ", ".join(unknown))
    changes = dict((name, get(req.payload, name, str)) for name in _UPDATABLE_NAMES if name in req.payload)
    if "sshPublicKey" in req.payload:
        key = get(req.payload, "sshPublicKey", (str, type(None)))
        if key is not None and not key.strip():
            raise InvalidInput("Expected sshPublicKey to be a public key, or null to remove it")
        changes["sshPublicKey"] = key
    for name, value in changes.items():
        if value is None:
            user.pop(name, None)
        else:
            user[name] = value
    user["modified"] = now_ms()
    return {"id": req.id}


def user_describe(req):
    return describe_user(req, req.id, req.payload)


def get_user_info(req):
    """What the auth server says about the caller (dxpy's ``user_info()``)."""
    user = _user(req, req.user)
    return {"id": req.user, "user_id": req.user, "username": req.user[len("user-"):], "email": user["email"],
            "first": user["first"], "last": user["last"]}


def system_whoami(req):
    """The caller's ID; with ``fields: {"clientIp": true}`` also the address the call came from."""
    fields = get(req.payload, "fields", dict, {})
    if not all(isinstance(value, bool) for value in fields.values()):
        raise InvalidInput("Expected the values of fields to be booleans")
    answer = {"id": req.user}
    if fields.get("clientIp"):
        answer["clientIp"] = req.client_ip
    return answer


_USERNAME = re.compile(r"^[a-z][a-z0-9_.]{2,}$")
_MAX_TOKEN_DURATION_MS = 30 * 24 * 60 * 60 * 1000


def user_new(req):
    """The auth server's ``/user/new``: an admin of ``provisioningOrg`` (the org the account
    is made on behalf of, required here) creates the account ``user-<username>``."""
    payload = req.payload
    username = get(payload, "username", str).lower()
    if not _USERNAME.match(username):
        raise InvalidInput("Invalid username %r: a letter, then at least two letters, digits, '_' or '.'" % username)
    email = get(payload, "email", str)
    if "@" not in email.strip("@"):
        raise InvalidInput("Invalid email address %r" % email)
    names = dict((field, get(payload, field, str, "")) for field in ("first", "middle", "last", "occupation"))
    duration = get(payload, "tokenDuration", int, None)
    if duration is not None and not 0 < duration <= _MAX_TOKEN_DURATION_MS:
        raise InvalidInput("tokenDuration must be a positive number of milliseconds, 30 days at most")
    org_id = get(payload, "provisioningOrg", str, None)
    org = req.state.get("orgs", {}).get(org_id) if org_id is not None else None
    member = org["members"].get(req.user) if org is not None else None
    if member is None or member.get("level") != "ADMIN":
        raise PermissionDenied("Creating a user account needs provisioningOrg, an org in which the caller is ADMIN")
    bill_to = get(payload, "billTo", str, None)
    if bill_to is not None and bill_to not in req.state.get("orgs", {}):
        raise ResourceNotFound("The org %s could not be found" % bill_to)
    user_id = "user-" + username
    if user_id in req.state["users"]:
        raise InvalidState("The username %s is already taken" % username)
    user = new_user(req.state, user_id, names["first"] or username, names["last"], email)
    user.update({"middle": names["middle"], "occupation": names["occupation"], "provisioningOrg": org_id})
    if bill_to is not None:
        user["billTo"] = bill_to
    return {"id": user_id}
