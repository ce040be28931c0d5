"""``dx add``, ``dx remove`` and ``dx list``: add items to a list, take them off it, or print it
(the developers and authorized users of an app, the stages of a workflow, the members of an org).

Each subcommand is one entry of ``_ADD`` / ``_REMOVE``: a function ``adder(children, command)``
that adds its parser to *children*, the subparsers of *command* ("add" or "remove"), and
registers it.
"""
from . import registry
from .databases import add_list_database_parser
from .apps import (add_developers_parser, add_users_parser, list_developers_parser, list_users_parser,
                   remove_developers_parser, remove_users_parser)
from .org import add_membership, remove_membership
from .parsers import env_args, stdout_args
from .workflow import add_list_stages_parser, add_remove_stage_parser, add_stage_parser


def _member_parser(children, command, help_line, handler):
    """``dx add member`` / ``dx remove member``: an org and a user; the options follow."""
    parser = children.add_parser("member", help=help_line, description=help_line, prog="dx %s member" % command,
                                 parents=[stdout_args, env_args])
    parser.add_argument("org_id", help="ID of the org")
    parser.add_argument("username_or_user_id", help="Username or user ID of the user")
    parser.set_defaults(func=handler)
    return parser


def _add_member(children, command):
    parser = _member_parser(children, command, "Grant a user membership to an org", add_membership)
    parser.add_argument("--level", required=True, choices=["ADMIN", "MEMBER"],
                        help="Membership level the user gets in the org")
    parser.add_argument("--allow-billable-activities", default=False, action="store_true",
                        help='Give the user the "allowBillableActivities" permission in the org')
    parser.add_argument("--no-app-access", default=True, action="store_false", dest="app_access",
                        help='Leave the user without the "appAccess" permission in the org')
    parser.add_argument("--project-access", choices=["ADMINISTER", "CONTRIBUTE", "UPLOAD", "VIEW", "NONE"],
                        default="CONTRIBUTE",
                        help="Highest permission the user gets to projects shared with the org; default "
                             "CONTRIBUTE")
    parser.add_argument("--no-email", default=False, action="store_true",
                        help="Do not email the user about the invitation")
    registry.register_parser(parser, subparsers_action=children, categories="org")


def _remove_member(children, command):
    parser = _member_parser(children, command, "Revoke the org membership of a user", remove_membership)
    parser.add_argument("--keep-explicit-project-permissions", default=True, action="store_false",
                        dest="revoke_project_permissions",
                        help="Keep the permissions the user was given explicitly to projects billed to the "
                             "org (those coming from the membership go in any case)")
    parser.add_argument("--keep-explicit-app-permissions", default=True, action="store_false",
                        dest="revoke_app_permissions",
                        help="Keep the developer and user permissions the user was given explicitly to apps "
                             "billed to the org (those coming from the membership go in any case)")
    parser.add_argument("-y", "--yes", action="store_false", dest="confirm", help="Do not ask for confirmation")
    registry.register_parser(parser, subparsers_action=children, categories="org")


_ADD = [
    add_users_parser,
    add_developers_parser,
    lambda children, _command: add_stage_parser(children),
    _add_member,
]

_REMOVE = [
    remove_users_parser,
    remove_developers_parser,
    lambda children, _command: add_remove_stage_parser(children),
    _remove_member,
]

_LIST = [
    list_users_parser,
    list_developers_parser,
    lambda children, _command: add_list_stages_parser(children),
    add_list_database_parser,
]


def _list_command(name, help_line, description, adders):
    """The adder of the top-level command *name*, whose subcommands *adders* define."""
    def add(subparsers):
        parser = subparsers.add_parser(name, help=help_line, prog="dx " + name, description=description)
        children = parser.add_subparsers(parser_class=registry.DXArgumentParser)
        children.metavar = "list_type"
        registry.register_parser(parser, categories=())
        for adder in adders:
            adder(children, name)
    return add


COMMANDS = {
    "add": _list_command("add", "Add one or more items to a list", "Add one or more items to a list", _ADD),
    "remove": _list_command("remove", "Remove one or more items from a list",
                            "Remove one or more items from a list", _REMOVE),
    "list": _list_command("list", "Print the members of a list", "Print the members of a list", _LIST),
}
