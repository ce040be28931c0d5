"""dx commands that act on projects and call the API: ``invite``, ``uninvite``,
``update project``, ``rmproject``, ``new project``, ``new record`` and ``api``.

The bindings and the resolver are imported inside the handlers so that loading this module
(for ``dx help`` or argument completion) stays cheap.
"""
import argparse
import json
import sys

from ..exceptions import DXCLIError, err_exit
from ..utils.printing import fill
from . import registry, workflow
from .org import new_org, update_membership, update_org
from .users import add_new_user_parser
from .parsers import (env_args, parser_dataobject_args, parser_single_dataobject_output_args,
                      stdout_args)

_PERMISSION_LEVELS = ["VIEW", "UPLOAD", "CONTRIBUTE", "ADMINISTER"]


# -- small helpers -------------------------------------------------------------------------------

def process_list_of_usernames(thing):
    """Usernames -> user IDs (``alice`` -> ``user-alice``); org and user IDs and PUBLIC are kept."""
    return [name if name == "PUBLIC" or name.startswith(("org-", "user-")) else "user-" + name.lower()
            for name in thing]


def get_json_from_stdin():
    """Read one line of JSON typed by the user."""
    text = input("Type JSON here> ")
    try:
        return json.loads(text)
    except ValueError:
        raise DXCLIError("Error: user input could not be parsed as JSON")


def _entity_id(entity, email_allowed=False):
    """A member of a project as the API names it: anything that is not PUBLIC, an ID
    (it has a dash) or (where allowed) an email address is a username."""
    if entity == "PUBLIC" or "-" in entity or (email_allowed and "@" in entity):
        return entity
    return "user-" + entity.lower()


def _project_of(path):
    """The ID of the project named by *path* (a project name or ID, a trailing colon optional)."""
    from ..utils.resolver import resolve_existing_path
    from . import try_call
    if ":" not in path:
        path += ":"
    project, _folder, _entity = try_call(resolve_existing_path, path, "project")
    return project


# -- invite / uninvite ---------------------------------------------------------------------------

def invite(args):
    """``dx invite INVITEE [PROJECT] [LEVEL]``."""
    import dxpy
    project = _project_of(args.project)
    invitee = _entity_id(args.invitee, email_allowed=True)
    request = {"invitee": invitee, "level": args.level}
    if not args.send_email:
        request["suppressEmailNotification"] = True
    reply = dxpy.api.project_invite(project, request)
    print("Invited %s to %s (%s)" % (invitee, project, reply["state"]))


def uninvite(args):
    """``dx uninvite ENTITY [PROJECT]``."""
    import dxpy
    project = _project_of(args.project)
    entity = _entity_id(args.entity)
    dxpy.api.project_decrease_permissions(project, {entity: None})
    print("Uninvited %s from %s" % (entity, project))


def _add_invite(subparsers):
    parser = subparsers.add_parser(
        "invite", help="Invite another user to a project or make it public", prog="dx invite", parents=[env_args],
        description=fill('Give a DNAnexus entity (a user, an org, or PUBLIC) access to a project. An invitee that '
                         'is not a DNAnexus ID is taken as a username: "dx invite alice : VIEW" lets the user '
                         '"user-alice" view the current project.'))
    parser.add_argument("invitee", help="Entity to invite")
    parser.add_argument("project", nargs="?", default=":", help="Project to invite the invitee to")
    parser.add_argument("level", nargs="?", default="VIEW", choices=_PERMISSION_LEVELS,
                        help="Permission level to grant")
    parser.add_argument("--no-email", dest="send_email", action="store_false",
                        help="Do not send the invitee an email about the invitation")
    parser.set_defaults(func=invite)
    registry.register_parser(parser, categories="other")


def _add_uninvite(subparsers):
    parser = subparsers.add_parser(
        "uninvite", help="Revoke others' permissions on a project you administer", prog="dx uninvite",
        parents=[env_args],
        description=fill("Take away an entity's access to a project you administer. An entity that is not a "
                         'DNAnexus ID is taken as a username: "dx uninvite alice :" revokes the access of '
                         '"user-alice" to the current project.'))
    parser.add_argument("entity", help="Entity to uninvite")
    parser.add_argument("project", nargs="?", default=":", help="Project to revoke the permissions on")
    parser.set_defaults(func=uninvite)
    registry.register_parser(parser, categories="other")


# -- update project ------------------------------------------------------------------------------

def update_project(args):
    """``dx update project PROJECT --name ... --protected true ...``."""
    import dxpy
    from .parsers import get_update_project_args
    from . import try_call
    update = try_call(get_update_project_args, args)
    project = _project_of(args.project_id)
    reply = dxpy.api.project_update(project, update)
    print(reply["id"] if args.brief else json.dumps(reply))


def _true_false_option(parser, flag, text, choices=("true", "false")):
    parser.add_argument(flag, choices=list(choices), help=text)


def _add_update_project(children):
    from .registry import positive_integer
    parser = children.add_parser("project", help="Updates a specified project with the specified options",
                                 description="", prog="dx update project", parents=[stdout_args, env_args])
    parser.add_argument("project_id", help="Project ID or project name")
    parser.add_argument("--name", help="New name of the project")
    parser.add_argument("--summary", help="New summary of the project")
    parser.add_argument("--description", help="New description of the project")
    _true_false_option(parser, "--protected", "Whether the project is PROTECTED")
    _true_false_option(parser, "--restricted", "Whether the project is RESTRICTED")
    _true_false_option(parser, "--download-restricted", "Whether downloads from the project are restricted")
    _true_false_option(parser, "--preview-viewer-restricted",
                       "Whether file previews and viewers are restricted in the project")
    _true_false_option(parser, "--containsPHI", "Mark the project as containing PHI (cannot be undone)",
                       choices=("true",))
    _true_false_option(parser, "--external-upload-restricted",
                       "Whether uploads of file and table data to the project are restricted")
    _true_false_option(parser, "--database-ui-view-only",
                       "Whether viewers of the project are kept from reading database data directly")
    parser.add_argument("--bill-to", type=str, help="User or org ID of the new billing account")
    _true_false_option(parser, "--https-app-isolated-browsing",
                       "Whether https access to the project's jobs goes through Isolated Browsing (then "
                       "httpsApp executables need httpsApp.shared_access 'NONE' to run here)")
    parser.add_argument("--https-app-isolated-browsing-options", type=str,
                        help="JSON object of Isolated Browsing options (see the project-xxxx/update API method)")
    executables = parser.add_mutually_exclusive_group()
    executables.add_argument("--allowed-executables", type=str, nargs="+",
                             help="The only executables (IDs) the project may run; replaces any earlier list")
    executables.add_argument("--unset-allowed-executables", action="store_true",
                             help="Lift the restriction set by --allowed-executables")
    results = parser.add_mutually_exclusive_group()
    results.add_argument("--database-results-restricted", type=positive_integer,
                         help="Viewers of the project get database results only above this size")
    results.add_argument("--unset-database-results-restricted", action="store_true",
                         help="Lift the restriction set by --database-results-restricted")
    parser.set_defaults(func=update_project)
    registry.register_parser(parser, subparsers_action=children, categories="metadata")


def _add_update(subparsers):
    parser = subparsers.add_parser("update", help="Update certain types of metadata", prog="dx update",
                                   description=fill("Update metadata that the other commands do not cover, "
                                                    "of one of the targets below."))
    children = parser.add_subparsers(parser_class=registry.DXArgumentParser)
    children.metavar = "target"
    registry.register_parser(parser, categories=())
    _add_update_org(children)
    workflow.add_update_workflow_parser(children)
    workflow.add_update_stage_parser(children)
    _add_update_member(children)
    _add_update_project(children)


# -- update org / update member / new org ---------------------------------------------------------

_ORG_LEVELS = ["ADMIN", "MEMBER"]
_PROJECT_ACCESS_LEVELS = ["ADMINISTER", "CONTRIBUTE", "UPLOAD", "VIEW", "NONE"]


def _org_policy_options(parser, defaults):
    """--member-list-visibility and --project-transfer-ability (with *defaults*: as for a new org)."""
    suffix = "; default ADMIN" if defaults else ""
    parser.add_argument("--member-list-visibility", choices=["ADMIN", "MEMBER", "PUBLIC"],
                        default="ADMIN" if defaults else None,
                        help="Least org membership level that may list the members of the org and see the "
                             "level and permissions of other members (the memberListVisibility policy)" + suffix)
    parser.add_argument("--project-transfer-ability", choices=_ORG_LEVELS, default="ADMIN" if defaults else None,
                        help="Least org membership level that may give a project billed to the org another "
                             "billing account (the restrictProjectTransfer policy)" + suffix)


def _add_update_org(children):
    parser = children.add_parser("org", help="Update information about an org",
                                 description="Update information about an org", prog="dx update org",
                                 parents=[stdout_args, env_args])
    parser.add_argument("org_id", help="ID of the org")
    parser.add_argument("--name", help="New name of the org")
    _org_policy_options(parser, defaults=False)
    parser.add_argument("--saml-idp", help="New SAML identity provider of the org")
    parser.add_argument("--detailed-job-metrics-collect-default", choices=["true", "false"],
                        help="Whether jobs in the projects billed to the org collect detailed metrics unless "
                             "told otherwise")
    job_reuse = parser.add_mutually_exclusive_group(required=False)
    job_reuse.add_argument("--enable-job-reuse", action="store_true",
                           help="Let jobs in the projects billed to the org reuse the results of earlier jobs")
    job_reuse.add_argument("--disable-job-reuse", action="store_true",
                           help="Keep jobs in the projects billed to the org from reusing earlier results")
    parser.add_argument("--job-logs-forwarding-json", metavar="JLF",
                        help='JSON object with the "url" and "token" of a Splunk HTTP event collector to '
                             "forward job logs to, e.g. '{\"url\": \"https://splunk.example.com/collector\", "
                             "\"token\": \"hec-token\"}'")
    parser.set_defaults(func=update_org)
    registry.register_parser(parser, subparsers_action=children, categories="org")


def _add_update_member(children):
    parser = children.add_parser("member", help="Update the membership of a user in an org",
                                 description="Update the membership of a user in an org", prog="dx update member",
                                 parents=[stdout_args, env_args])
    parser.add_argument("org_id", help="ID of the org")
    parser.add_argument("username_or_user_id", help="Username or user ID of the member")
    parser.add_argument("--level", choices=_ORG_LEVELS, help="New membership level of the user")
    parser.add_argument("--allow-billable-activities", choices=["true", "false"],
                        help='New "allowBillableActivities" permission of the user (false when an ADMIN '
                             "becomes a MEMBER, unless given)")
    parser.add_argument("--app-access", choices=["true", "false"],
                        help='New "appAccess" permission of the user (true when an ADMIN becomes a MEMBER, '
                             "unless given)")
    parser.add_argument("--project-access", choices=_PROJECT_ACCESS_LEVELS,
                        help="New highest permission the user gets to projects shared with the org "
                             "(CONTRIBUTE when an ADMIN becomes a MEMBER, unless given)")
    parser.set_defaults(func=update_membership)
    registry.register_parser(parser, subparsers_action=children, categories="org")


def _add_new_org(children):
    parser = children.add_parser("org", help="Create new non-billable org", prog="dx new org",
                                 description=fill("Create an org that cannot be billed. To create a billable "
                                                  "org, contact sales@dnanexus.com"),
                                 parents=[stdout_args, env_args])
    parser.add_argument("name", nargs="?", help="Name of the org (asked for when not given, on a terminal)")
    parser.add_argument("--handle", required=True,
                        help='Unique handle of the org: its ID is "org-" followed by the handle in lowercase')
    _org_policy_options(parser, defaults=True)
    parser.set_defaults(func=new_org)
    registry.register_parser(parser, subparsers_action=children, categories="org")


# -- rmproject -----------------------------------------------------------------------------------

class _Refused(Exception):
    """One project of ``dx rmproject`` is left alone; the message says why."""


def _project_to_remove(name):
    """The ID of the project *name* names: a name or ID, at most a trailing colon."""
    from ..utils.resolver import resolve_container_id_or_name, split_unescaped
    from . import try_call
    parts = split_unescaped(":", name)
    if name.startswith(":"):
        if not parts:
            raise _Refused('Unable to remove ":": to remove the current project, use its name or ID')
        raise _Refused('Unable to remove "%s": a nonempty string was found to the right of an unescaped colon'
                       % name)
    if len(parts) > 1:
        raise _Refused('Unable to remove "%s": a nonempty string was found to the right of an unescaped colon'
                       % name)
    project_id = try_call(resolve_container_id_or_name, parts[0]) if parts else None
    if project_id is None:
        raise _Refused('Unable to remove "%s": could not resolve to a project ID' % name)
    return project_id


def _confirmed(question, project_name):
    """Ask *question* (y/n) on stdin; a refusal is reported and raises _Refused."""
    answer = input(question)
    if not answer or answer[0].lower() != "y":
        raise _Refused('Aborting deletion of project "%s"' % project_name)


def _destroy_project(project_id, project_name, ask):
    """Destroy a project; with *ask*, confirm first, and again before terminating its jobs."""
    import dxpy
    if ask:
        _confirmed(fill('About to delete project "%s" (%s)' % (project_name, project_id)) + "\nPlease confirm [y/n]: ",
                   project_name)
    try:
        dxpy.api.project_destroy(project_id, {"terminateJobs": not ask})
    except dxpy.DXAPIError as error:
        if error.name != "InvalidState":
            raise
        _confirmed(fill("WARNING: there are still unfinished jobs in the project.")
                   + "\nTerminate all jobs and delete the project? [y/n]: ", project_name)
        dxpy.api.project_destroy(project_id, {"terminateJobs": True})


def _remove_one_project(name, args):
    """Remove the project *name*; False (after saying why on stdout) when it was not removed."""
    import dxpy
    try:
        project_id = _project_to_remove(name)
        project_name = dxpy.api.project_describe(project_id)["name"]
        _destroy_project(project_id, project_name, ask=args.confirm)
    except _Refused as refusal:
        print(fill(str(refusal)))
        return False
    except EOFError:
        # No answer: dxpy prints a traceback here; end the prompt's line and stop instead.
        print("")
        sys.exit(3)
    except KeyboardInterrupt:
        err_exit("", 3)
    except Exception as error:
        print(fill("Was unable to remove %s, %s" % (name, error)))
        return False
    if not args.quiet:
        print(fill('Successfully deleted project "%s"' % project_name))
    return True


def rmproject(args):
    """``dx rmproject [-y] [-q] PROJECT...``: every project is tried; exit 3 if any was not removed."""
    removed = [_remove_one_project(name, args) for name in args.projects]
    if not all(removed):
        err_exit("", 3)


def _add_rmproject(subparsers):
    parser = subparsers.add_parser("rmproject", help="Delete a project", prog="dx rmproject", parents=[env_args],
                                   description="Delete projects and all the data in them")
    parser.add_argument("projects", metavar="project", nargs="+", help="Projects to remove")
    parser.add_argument("-y", "--yes", dest="confirm", action="store_false", help="Do not ask for confirmation")
    parser.add_argument("-q", "--quiet", action="store_true", help="Print no purely informational messages")
    parser.set_defaults(func=rmproject)
    registry.register_parser(parser, categories="fs")


# -- new project / new record --------------------------------------------------------------------

# option destination -> project/new field, for the options passed on as given
_NEW_PROJECT_FIELDS = [
    ("database_results_restricted", "databaseResultsRestricted"),
    ("monthly_compute_limit", "monthlyComputeLimit"),
    ("monthly_egress_bytes_limit", "monthlyEgressBytesLimit"),
    ("monthly_storage_limit", "monthlyStorageLimit"),
    ("drive", "drive"),
]


def _new_project_input(args):
    request = {"name": args.name}
    if args.bill_to:
        request["billTo"] = args.bill_to
    if args.region:
        request["region"] = args.region
    if args.phi:
        request["containsPHI"] = True
    if args.database_ui_view_only:
        request["databaseUIViewOnly"] = True
    for dest, field in _NEW_PROJECT_FIELDS:
        if getattr(args, dest) is not None:
            request[field] = getattr(args, dest)
    if args.default_symlink is not None:
        request["defaultSymlink"] = json.loads(args.default_symlink)
    return request


def new_project(args):
    """``dx new project NAME [--region R] [-s] [--bill-to B] [--phi] ...``."""
    import dxpy
    from . import INTERACTIVE_CLI, prompt_for_yn
    if args.name is None:
        if not INTERACTIVE_CLI:
            err_exit(registry.parser_map["new project"].format_help()
                     + fill("No project name supplied, and input is not interactive"), 3)
        args.name = input("Enter name for new project: ")
    project_id = dxpy.api.project_new(_new_project_input(args))["id"]
    if args.brief:
        print(project_id)
    else:
        print(fill('Created new project called "%s" (%s)' % (args.name, project_id)))
    if args.select or (INTERACTIVE_CLI and prompt_for_yn("Switch to new project now?", default=False)):
        from .session import set_project, set_wd
        set_project(project_id, write=True, name=args.name)
        set_wd("/", write=True)


def _record_to_copy(path):
    """The record at *path* (``--init``), as a handler."""
    import dxpy
    from ..utils.resolver import resolve_existing_path
    from . import try_call
    project, _folder, result = try_call(resolve_existing_path, path, expected="entity")
    return dxpy.DXRecord(dxid=result["id"], project=project)


def _new_object_place(output):
    """(project, folder, name) for a new object at *output* (None: the current folder)."""
    import dxpy
    from ..utils.resolver import resolve_path
    from . import try_call
    if output is None:
        return dxpy.WORKSPACE_ID, dxpy.config.get("DX_CLI_WD", "/"), None
    return try_call(resolve_path, output)


def new_record(args):
    """``dx new record [PATH] [--init RECORD] [--close] [metadata options]``."""
    import dxpy
    from ..utils.describe import print_desc
    from .parsers import process_dataobject_args, process_single_dataobject_output_args
    from . import try_call
    try_call(process_dataobject_args, args)
    try_call(process_single_dataobject_output_args, args)
    init_from = _record_to_copy(args.init) if args.init is not None else None
    project, folder, name = _new_object_place(args.output)
    record = dxpy.new_dxrecord(project=project, folder=folder, name=name, tags=args.tags, types=args.types,
                               hidden=args.hidden, properties=args.properties, details=args.details,
                               close=args.close, parents=args.parents, init_from=init_from)
    if args.brief:
        print(record.get_id())
    else:
        print_desc(record.describe(incl_properties=True, incl_details=True), args.verbose)


def _add_new_project(children):
    from .registry import positive_integer, positive_number
    parser = children.add_parser("project", help="Create a new project", description="Create a new project",
                                 prog="dx new project", parents=[stdout_args, env_args])
    parser.add_argument("name", nargs="?", help="Name of the new project")
    parser.add_argument("--region", help="Region the new project lives in")
    parser.add_argument("-s", "--select", action="store_true", help="Make the new project the current one")
    parser.add_argument("--bill-to", help="User or org ID to bill the project to (default: your own billTo)")
    parser.add_argument("--phi", default=False, action="store_true", help="Protect the project as holding PHI")
    parser.add_argument("--database-ui-view-only", default=False, action="store_true",
                        help="Keep viewers of the project from reading database data directly")
    parser.add_argument("--database-results-restricted", type=positive_integer,
                        help="Viewers of the project get database results only above this size")
    parser.add_argument("--monthly-compute-limit", type=positive_integer,
                        help="Monthly spending limit for compute")
    parser.add_argument("--monthly-egress-bytes-limit", type=positive_integer,
                        help="Monthly limit for egress, in bytes")
    parser.add_argument("--monthly-storage-limit", type=positive_number,
                        help="Monthly spending limit for storage")
    parser.add_argument("--default-symlink", help="Default symlink (JSON) of an external storage account")
    parser.add_argument("--drive", help="Drive of an external storage account")
    parser.set_defaults(func=new_project)
    registry.register_parser(parser, subparsers_action=children, categories="fs")


def _add_new_record(children):
    parser = children.add_parser("record", help="Create a new record", description="Create a new record",
                                 prog="dx new record", formatter_class=argparse.RawTextHelpFormatter,
                                 parents=[parser_dataobject_args, parser_single_dataobject_output_args,
                                          stdout_args, env_args])
    parser.add_argument("--init", help="Path of a record to copy all the metadata from")
    parser.add_argument("--close", action="store_true", help="Close the record once created")
    parser.set_defaults(func=new_record)
    registry.register_parser(parser, subparsers_action=children, categories="fs")


def _add_new(subparsers):
    parser = subparsers.add_parser(
        "new", help="Create a new project or data object", prog="dx new",
        description=fill("Create a new project or data object of one of the classes below. For files use "
                         "'dx upload', for applets 'dx build'."))
    children = parser.add_subparsers(parser_class=registry.DXArgumentParser)
    children.metavar = "class"
    registry.register_parser(parser, categories="data")
    add_new_user_parser(children)
    _add_new_org(children)
    _add_new_project(children)
    _add_new_record(children)
    workflow.add_new_workflow_parser(children)


# -- api -----------------------------------------------------------------------------------------

def _api_input(args):
    """The method input: the JSON argument, or the contents of ``--input`` (a file or - for stdin)."""
    if args.input is None:
        return json.loads(args.input_json)
    with (sys.stdin if args.input == "-" else open(args.input)) as stream:
        text = stream.read()
    try:
        return json.loads(text)
    except ValueError:
        err_exit("Error: file contents could not be parsed as JSON", 3)


def api(args):
    """``dx api RESOURCE METHOD [INPUT_JSON] [--input FILE]``: print the reply as indented JSON."""
    import dxpy
    request = json.loads(args.input_json)  # checked even when --input replaces it, as dxpy does
    if args.input is not None:
        request = _api_input(args)
    reply = dxpy.DXHTTPRequest("/%s/%s" % (args.resource, args.method), request)
    print(json.dumps(reply, indent=4))


_API_DESCRIPTION = """{intro}

https://documentation.dnanexus.com/developer/api

EXAMPLE

  Change the description of a project:

  $ dx api project-B0VK6F6gpqG6z7JGkbqQ000Q update '{{"description": "desc"}}'
  {{
      "id": "project-B0VK6F6gpqG6z7JGkbqQ000Q"
  }}

"""


def _add_api(subparsers):
    intro = fill("Call an API method and print the JSON it returns. Names are not resolved: give DNAnexus IDs. "
                 "The methods are described in the API specification:")
    parser = subparsers.add_parser("api", help="Call an API method", prog="dx api", parents=[env_args],
                                   formatter_class=argparse.RawTextHelpFormatter,
                                   description=_API_DESCRIPTION.format(intro=intro))
    parser.add_argument("resource", help=fill('"system", a class name (e.g. "record"), or an entity ID such as '
                                              '"record-xxxx"; "app-name/1.0.0" is version 1.0.0 of the app '
                                              '"name"', width_adjustment=-17))
    parser.add_argument("method", help=fill("Name of the method, as in the API specification", width_adjustment=-17))
    parser.add_argument("input_json", nargs="?", default="{}", help='JSON input of the method (default "{}")')
    parser.add_argument("--input", help=fill('Read the JSON input from FILENAME ("-" for stdin)',
                                             width_adjustment=-17))
    parser.set_defaults(func=api)
    registry.register_parser(parser)


COMMANDS = {
    "invite": _add_invite,
    "uninvite": _add_uninvite,
    "update": _add_update,
    "rmproject": _add_rmproject,
    "new": _add_new,
    "api": _add_api,
}
