"""dx commands that administer apps and global workflows: ``install``, ``uninstall``,
``publish``, and the ``users`` / ``developers`` subcommands of ``add``, ``remove`` and
``list`` (who may run a published version, who may build and publish new ones)."""
import sys

from ..utils.printing import fill
from . import registry, try_call
from .parsers import env_args

# -- handlers ------------------------------------------------------------------------------------


def _global_executable(path):
    from ..utils.resolver import resolve_global_executable
    return try_call(resolve_global_executable, path)


def _routes(desc, app_route, global_workflow_route):
    """The API wrapper for an app or a global workflow, as *desc* says which it is."""
    import dxpy
    return getattr(dxpy.api, app_route if desc["class"] == "app" else global_workflow_route)


def _change_list(path, names, field, app_route, global_workflow_route):
    from .projects import process_list_of_usernames
    desc = _global_executable(path)
    change = _routes(desc, app_route, global_workflow_route)
    try_call(change, desc["id"], input_params={field: process_list_of_usernames(names)})


def add_users(args):
    _change_list(args.app, args.users, "authorizedUsers", "app_add_authorized_users",
                 "global_workflow_add_authorized_users")


def remove_users(args):
    _change_list(args.app, args.users, "authorizedUsers", "app_remove_authorized_users",
                 "global_workflow_remove_authorized_users")


def add_developers(args):
    _change_list(args.app, args.developers, "developers", "app_add_developers", "global_workflow_add_developers")


def remove_developers(args):
    _change_list(args.app, args.developers, "developers", "app_remove_developers",
                 "global_workflow_remove_developers")


def list_users(args):
    desc = _global_executable(args.app)
    users = desc.get("authorizedUsers")
    if users is None:  # the description lists them for developers only; the list route for all
        listing = _routes(desc, "app_list_authorized_users", "global_workflow_list_authorized_users")
        users = try_call(listing, desc["id"])["authorizedUsers"]
    for user in users:
        print(user)


def list_developers(args):
    desc = _global_executable(args.app)
    listing = _routes(desc, "app_list_developers", "global_workflow_list_developers")
    for developer in try_call(listing, desc["id"])["developers"]:
        print(developer)


def install(args):
    import dxpy
    from ..utils.resolver import resolve_app
    desc = try_call(resolve_app, args.app)
    try_call(dxpy.api.app_install, desc["id"])
    print("Installed the " + desc["name"] + " app")


def uninstall(args):
    """Uninstall the app *args.app* names; an app that can no longer be described (deleted,
    say) is found among the caller's installed apps by name."""
    import dxpy
    from ..exceptions import EXPECTED_ERR_EXIT_STATUS, err_exit
    from ..utils.resolver import get_app_from_path
    desc = get_app_from_path(args.app)
    if desc is not None:
        try_call(dxpy.api.app_uninstall, desc["id"])
        return
    installed = try_call(dxpy.api.user_describe, dxpy.whoami(), {"fields": {"appsInstalled": True}})
    app = "app-" + args.app if args.app in installed["appsInstalled"] else args.app
    if not app.startswith("app-"):
        err_exit("Could not find the app", EXPECTED_ERR_EXIT_STATUS)
    try_call(dxpy.api.app_uninstall, app)
    print("Uninstalled the {} app".format(app))


def publish(args):
    from ..utils.resolver import resolve_global_executable
    desc = try_call(resolve_global_executable, args.executable, is_version_required=True)
    publishing = _routes(desc, "app_publish", "global_workflow_publish")
    try_call(publishing, desc["id"], input_params={"makeDefault": args.make_default})
    lines = ["Published {} successfully".format(args.executable)]
    if desc.get("authorizedUsers"):
        lines.append("It is now available to the authorized users: {}".format(", ".join(desc["authorizedUsers"])))
    lines += ["You can add or remove users with:", "  dx add users {} user-xxxx".format(desc["name"]),
              "  dx remove users {} user-yyyy".format(desc["name"])]
    sys.stderr.write("\n".join(lines) + "\n")


# -- parsers -------------------------------------------------------------------------------------

_USERS_ARE = ("Published versions can be run by the authorized users and the developers; unpublished ones "
              "by the developers only.")
_DEVELOPERS_ARE = ("Developers build and publish new versions and choose the developers and authorized users.")


def _member_list_parser(children, command, kind, help_line, description, handler, metavar=None, names_help=None):
    """``dx add|remove|list users|developers APP [NAME ...]``."""
    parser = children.add_parser(kind, help=help_line, description=fill(description),
                                 prog="dx %s %s" % (command, kind), parents=[env_args])
    parser.add_argument("app", help="Name or ID of an app")
    if metavar is not None:
        parser.add_argument(kind, metavar=metavar, nargs="+", help=names_help)
    parser.set_defaults(func=handler)
    registry.register_parser(parser, subparsers_action=children, categories="exec")
    return parser


def add_users_parser(children, command):
    _member_list_parser(children, command, "users", "Add authorized users for an app",
                        "Let more users or orgs run an app or global workflow. " + _USERS_ARE, add_users,
                        metavar="authorizedUser", names_help="Users (names or IDs) or orgs to add")


def remove_users_parser(children, command):
    _member_list_parser(children, command, "users", "Remove authorized users for an app",
                        "Take users or orgs off the authorized users of an app or global workflow. " + _USERS_ARE,
                        remove_users, metavar="authorizedUser", names_help="Users (names or IDs) or orgs to remove")


def list_users_parser(children, command):
    _member_list_parser(children, command, "users", "List authorized users for an app",
                        "Print the authorized users of an app or global workflow, one a line. " + _USERS_ARE,
                        list_users)


def add_developers_parser(children, command):
    _member_list_parser(children, command, "developers", "Add developers for an app",
                        "Make more users or orgs developers of an app or global workflow. " + _DEVELOPERS_ARE,
                        add_developers, metavar="developer", names_help="Users (names or IDs) or orgs to add")


def remove_developers_parser(children, command):
    _member_list_parser(children, command, "developers", "Remove developers for an app",
                        "Take users or orgs off the developers of an app or global workflow. " + _DEVELOPERS_ARE,
                        remove_developers, metavar="developer", names_help="Users (names or IDs) to remove")


def list_developers_parser(children, command):
    _member_list_parser(children, command, "developers", "List developers for an app",
                        "Print the developers of an app or global workflow, one a line. " + _DEVELOPERS_ARE,
                        list_developers)


def _add_install(subparsers):
    parser = subparsers.add_parser("install", help="Install an app", prog="dx install", parents=[env_args],
                                   description=fill('Install an app by name or ID; "dx find apps" lists the '
                                                    "apps you can install."))
    parser.add_argument("app", help="ID or name of the app to install")
    parser.set_defaults(func=install)
    registry.register_parser(parser, categories="exec")


def _add_uninstall(subparsers):
    parser = subparsers.add_parser("uninstall", help="Uninstall an app", prog="dx uninstall", parents=[env_args],
                                   description="Uninstall an app by name or ID.")
    parser.add_argument("app", help="ID or name of the app to uninstall")
    parser.set_defaults(func=uninstall)
    registry.register_parser(parser, categories="exec")


def _add_publish(subparsers):
    parser = subparsers.add_parser("publish", help="Publish an app or a global workflow", prog="dx publish",
                                   description=fill("Release one version of an app or global workflow to its "
                                                    "authorized users."))
    parser.add_argument("executable", help="ID, or name and version, of an app or global workflow, e.g. myqc/1.0.0")
    parser.add_argument("--no-default", action="store_false", dest="make_default",
                        help='Leave the "default" alias where it is')
    parser.set_defaults(func=publish)
    registry.register_parser(parser)


COMMANDS = {
    "install": _add_install,
    "uninstall": _add_uninstall,
    "publish": _add_publish,
}
