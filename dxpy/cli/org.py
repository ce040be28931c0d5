"""Handlers of the org commands of ``dx``: ``new org``, ``update org``, ``add member``,
``remove member``, ``update member``, ``find orgs`` and ``find org members|projects|apps``.

Org IDs are passed to the API as given; the platform says when one does not name an org.
"""
import json

import dxpy

from ..exceptions import DXCLIError, DXError, err_exit
from ..utils.printing import DELIMITER, fill, format_find_results
from . import INTERACTIVE_CLI, prompt_for_yn, try_call
from .parsers import process_find_by_property_args, process_phi_param


def get_user_id(user_id_or_username):
    """The user ID (``user-alice``) of a username or user ID, lowercased: usernames are
    case-insensitive."""
    lowered = user_id_or_username.lower()
    return lowered if lowered.startswith("user-") else "user-" + lowered


def get_org_invite_args(user_id, args):
    """The ``/org-xxxx/invite`` input for *user_id* from the options of ``dx add member``
    (or ``dx new user --org``, whose ``--set-bill-to`` implies billable activities)."""
    billable = True if getattr(args, "set_bill_to", False) is True else args.allow_billable_activities
    return {"invitee": user_id, "level": args.level, "allowBillableActivities": billable,
            "appAccess": args.app_access, "projectAccess": args.project_access,
            "suppressEmailNotification": args.no_email}


def _membership_of(org_id, user_id):
    """The ``findMembers`` entry of *user_id* in *org_id*, or None if not a member."""
    results = dxpy.api.org_find_members(org_id, {"id": [user_id]})["results"]
    return results[0] if results else None


def _is_member(org_id, user_id):
    """Whether *user_id* is known to be a member; False also when the member list cannot be
    read (then the invitation itself says what is wrong)."""
    try:
        return _membership_of(org_id, user_id) is not None
    except DXError:
        return False


def add_membership(args):
    """``dx add member ORG USER --level LEVEL [flags]``."""
    user_id = get_user_id(args.username_or_user_id)
    if _is_member(args.org_id, user_id):
        raise DXCLIError("Cannot add a user who is already a member of the org. To update an existing member's "
                         "permissions, use 'dx update member'")
    result = dxpy.api.org_invite(args.org_id, get_org_invite_args(user_id, args))
    print(result["id"] if args.brief else fill("Invited {} to {}".format(user_id, args.org_id)))


def _remove_member_input(user_id, args):
    return {"user": user_id, "revokeProjectPermissions": args.revoke_project_permissions,
            "revokeAppPermissions": args.revoke_app_permissions}


def _removal_confirmed(user_id, args):
    print(fill("WARNING: About to remove {u} from {o}; project permissions will{p} be removed and app "
               "permissions will{a} be removed".format(u=user_id, o=args.org_id,
                                                       p="" if args.revoke_project_permissions else " not",
                                                       a="" if args.revoke_app_permissions else " not")))
    return prompt_for_yn("Please confirm")


def _print_revoked(user_id, kind, ids):
    print(fill("Removed {} from the following {}:".format(user_id, kind)))
    for entity_id in ids or ["None"]:
        print("\t" + entity_id)


def remove_membership(args):
    """``dx remove member ORG USER [-y] [--keep-explicit-...-permissions]``."""
    user_id = get_user_id(args.username_or_user_id)
    if _membership_of(args.org_id, user_id) is None:
        raise DXCLIError("Cannot remove a user who is not a member of the org")
    if args.confirm and not _removal_confirmed(user_id, args):
        print(fill("Aborting removal of {} from {}".format(user_id, args.org_id)))
        return
    result = dxpy.api.org_remove_member(args.org_id, _remove_member_input(user_id, args))
    if args.brief:
        print(result["id"])
        return
    print(fill("Removed {} from {}".format(user_id, args.org_id)))
    _print_revoked(user_id, "projects", list(result["projects"]))
    _print_revoked(user_id, "apps", list(result["apps"]))


# option destination, setMemberAccess field, value given to an ADMIN demoted to MEMBER
_MEMBER_FLAGS = [("allow_billable_activities", "allowBillableActivities", False),
                 ("app_access", "appAccess", True),
                 ("project_access", "projectAccess", "CONTRIBUTE")]


def _flag_value(text):
    """An option's value as the API takes it: "true"/"false" as booleans, a level as is."""
    return {"true": True, "false": False}.get(text, text)


def _member_access_input(user_id, args, current_level):
    """The ``setMemberAccess`` input: the new level (the current one by default) and the
    flags given; an ADMIN made a MEMBER gets a MEMBER's default flags unless given."""
    access = {"level": args.level if args.level is not None else current_level}
    demoted = args.level == "MEMBER" and current_level == "ADMIN"
    for dest, field, demoted_value in _MEMBER_FLAGS:
        value = getattr(args, dest)
        if value is not None:
            access[field] = _flag_value(value)
        elif demoted:
            access[field] = demoted_value
    return {user_id: access}


def update_membership(args):
    """``dx update member ORG USER [--level] [flags]``."""
    user_id = get_user_id(args.username_or_user_id)
    membership = _membership_of(args.org_id, user_id)
    if membership is None:
        raise DXCLIError("Cannot update a user who is not a member of the org")
    result = dxpy.api.org_set_member_access(args.org_id,
                                            _member_access_input(user_id, args, membership["level"]))
    print(result["id"] if args.brief else fill("Updated membership of {} in {}".format(user_id, args.org_id)))


# -- new org / update org ------------------------------------------------------------------------

def new_org(args):
    """``dx new org [NAME] --handle HANDLE [policies]``; the name is asked for on a terminal."""
    if args.name is None and INTERACTIVE_CLI:
        args.name = input("Enter descriptive name for new org: ")
    if args.name is None:
        # dxpy exits 1 here, its code for a bug in dx; a missing argument is invalid input.
        err_exit("No org name supplied and input is not interactive.", 3)
    request = {"handle": args.handle, "name": args.name,
               "policies": {"memberListVisibility": args.member_list_visibility,
                            "restrictProjectTransfer": args.project_transfer_ability}}
    org_id = try_call(dxpy.api.org_new, request)["id"]
    print(org_id if args.brief else 'Created new org called "{}" ({})'.format(args.name, org_id))


def _org_policy_updates(args):
    """The ``policies`` of an ``/org-xxxx/update`` input: only those given."""
    policies = {}
    if args.member_list_visibility is not None:
        policies["memberListVisibility"] = args.member_list_visibility
    if args.project_transfer_ability is not None:
        policies["restrictProjectTransfer"] = args.project_transfer_ability
    if args.enable_job_reuse or args.disable_job_reuse:
        policies["jobReuse"] = bool(args.enable_job_reuse)
    if args.detailed_job_metrics_collect_default is not None:
        policies["detailedJobMetricsCollectDefault"] = args.detailed_job_metrics_collect_default == "true"
    return policies


def _job_logs_forwarding(text):
    try:
        return json.loads(text)
    except ValueError:
        err_exit("Invalid JSON input for --job-logs-forwarding-json")


def _org_update_input(args):
    update = {}
    if args.name is not None:
        update["name"] = args.name
    if args.saml_idp is not None:
        update["samlIdP"] = args.saml_idp
    policies = _org_policy_updates(args)
    if policies:
        update["policies"] = policies
    if args.job_logs_forwarding_json is not None:
        update["jobLogsForwarding"] = _job_logs_forwarding(args.job_logs_forwarding_json)
    return update


def update_org(args):
    """``dx update org ORG [--name] [policies] [--saml-idp] [--job-logs-forwarding-json]``."""
    result = try_call(dxpy.api.org_update, args.org_id, _org_update_input(args))
    print(result["id"] if args.brief else fill("Updated {}".format(result["id"])))


# -- find orgs / find org ... --------------------------------------------------------------------

def _find_orgs_query(args):
    """The ``/system/findOrgs`` input for the options of ``dx find orgs``."""
    query = {"level": args.level}
    if args.with_billable_activities is not None:
        query["allowBillableActivities"] = args.with_billable_activities
    if not args.brief:
        query["describe"] = True
    return query


def find_orgs(args):
    """``dx find orgs``: JSON (on one line), IDs (--brief), or "ID : name" lines."""
    results = dxpy.find_orgs(_find_orgs_query(args))
    if args.json:
        print(json.dumps(list(results)))
        return
    separator = DELIMITER(args.delimiter) if args.delimiter else " : "
    for result in results:
        print(result["id"] if args.brief else result["id"] + separator + result["describe"]["name"])


def _search(find, **constraints):
    """``find(**constraints)``, a search of the bindings; a constraint it refuses (a malformed
    time, say) ends dx as invalid input (exit 3)."""
    try:
        return find(**constraints)
    except Exception:
        from ..exceptions import default_expected_exceptions
        err_exit(expected_exceptions=default_expected_exceptions + (DXError, ValueError))


def org_find_members(args):
    """``dx find org members ORG [--level LEVEL]``."""
    results = _search(dxpy.org_find_members, org_id=args.org_id, level=args.level, describe=not args.brief)
    format_find_results(args, results)


def org_find_projects(args):
    """``dx find org projects ORG [filters]``."""
    try_call(process_find_by_property_args, args)
    try_call(process_phi_param, args)
    results = _search(dxpy.org_find_projects, org_id=args.org_id, name=args.name, name_mode="glob", ids=args.ids,
                      properties=args.properties, tags=args.tag, describe=not args.brief, public=args.public,
                      created_after=args.created_after, created_before=args.created_before,
                      region=args.region, containsPHI=args.containsPHI)
    format_find_results(args, results)


def _org_apps_describe(args):
    """What to describe of each app: everything, unless only IDs are printed (then only
    whether it is installed, if --installed needs it)."""
    if not args.brief:
        return True
    return {"fields": {"installed": True}} if args.installed else False


def org_find_apps(args):
    """``dx find org apps ORG [filters]``. dxpy takes but ignores the filters other than the
    name and creation times; here each one applies."""
    results = _search(dxpy.org_find_apps, org_id=args.org_id, name=args.name, name_mode="glob",
                      category=args.category, all_versions=args.all,
                      published=False if args.unpublished else None, created_by=args.creator,
                      developer=args.developer, created_after=args.created_after,
                      created_before=args.created_before, modified_after=args.mod_after,
                      modified_before=args.mod_before, describe=_org_apps_describe(args))
    if args.installed:
        results = (result for result in results if result["describe"]["installed"])
    format_find_results(args, results)
