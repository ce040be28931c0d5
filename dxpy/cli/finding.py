"""``dx find``: searches for apps and global workflows, executions (from .executions), data
objects, projects, orgs and the members, projects and apps of an org."""
import argparse
import json

from ..utils.printing import fill
from . import registry
from .executions import add_find_execution_parsers
from .org import find_orgs, org_find_apps, org_find_members, org_find_projects
from .parsers import (contains_phi, delim_arg, env_args, find_by_properties_and_tags_args, json_arg, no_color_arg,
                      stdout_args)

__all__ = ["find_apps", "find_apps_result", "find_global_workflows", "find_global_workflows_result",
           "find_data", "find_projects", "find_orgs", "print_find_results"]

DATA_CLASSES = ["record", "file", "applet", "workflow", "database"]


def _help(text):
    return fill(text, width_adjustment=-24)


def normalized_times(args, dests):
    """The time options *dests* of *args* in ms since the epoch, so that a malformed one stops
    dx before any search (as invalid input, exit 3)."""
    from ..exceptions import err_exit
    from ..utils import normalize_time_input
    for dest in dests:
        value = getattr(args, dest)
        if value is not None:
            try:
                setattr(args, dest, normalize_time_input(value))
            except ValueError:
                err_exit(expected_exceptions=(ValueError,))


# -- dx find data --------------------------------------------------------------------------------

def _data_search_scope(args):
    """Set ``args.project`` and ``args.folder`` (the hidden --folder is an older --path)."""
    import dxpy
    from ..utils.resolver import get_last_pos_of_char, resolve_existing_path, resolve_path
    from .parsers import DXParserError
    if args.folder is not None and args.path is not None:
        raise DXParserError("Cannot supply both --folder and --path.")
    if args.folder is None:
        args.folder = args.path
    if args.all_projects:
        args.project, args.folder, args.recurse = None, None, True
        return
    if args.project is None:
        args.project = dxpy.WORKSPACE_ID
    else:
        if get_last_pos_of_char(":", args.project) == -1:
            args.project += ":"
        if args.folder is not None and get_last_pos_of_char(":", args.folder) != -1:
            raise DXParserError("Cannot supply both --project and --path PROJECTID:FOLDERPATH.")
        args.project = resolve_existing_path(args.project, "project")[0]
    if args.folder is not None and not args.folder.startswith("/"):
        args.project, args.folder, _ = resolve_path(args.folder, expected="folder")


def _data_describe_input(args):
    from ..utils.describe import get_ls_l_desc_fields
    if args.brief:
        return {"fields": {"project": True, "id": True}}
    if args.verbose:
        return True
    return {"fields": get_ls_l_desc_fields()}


def _print_data_results(args, results):
    from ..utils.describe import print_data_obj_desc, print_ls_l_desc
    if args.json:
        print(json.dumps(list(results), indent=4))
    elif args.brief:
        for result in results:
            print(result["project"] + ":" + result["id"])
    elif args.verbose:
        for result in results:
            print("")
            print_data_obj_desc(result["describe"])
    else:
        for result in results:
            print_ls_l_desc(result["describe"], include_folder=True, include_project=args.all_projects)


def find_data(args):
    """``dx find data``."""
    import dxpy
    from . import try_call
    from .parsers import process_find_by_property_args
    try_call(process_find_by_property_args, args)
    try_call(_data_search_scope, args)
    normalized_times(args, ("created_after", "created_before", "mod_after", "mod_before"))
    results = dxpy.find_data_objects(
        classname=args.classname, state=args.state, visibility=args.visibility, properties=args.properties,
        name=args.name, name_mode=args.name_mode, typename=args.type, tags=args.tag, link=args.link,
        project=args.project, folder=args.folder,
        recurse=None if args.recurse else False,  # the API recurses unless told otherwise
        modified_after=args.mod_after, modified_before=args.mod_before,
        created_after=args.created_after, created_before=args.created_before,
        region=args.region, describe=_data_describe_input(args))
    _print_data_results(args, results)


# -- dx find projects ----------------------------------------------------------------------------

def find_projects(args):
    """``dx find projects``."""
    import dxpy
    from ..utils.printing import format_find_results
    from . import try_call
    from .parsers import process_external_upload_restricted_param, process_find_by_property_args, process_phi_param
    for process in (process_find_by_property_args, process_phi_param, process_external_upload_restricted_param):
        try_call(process, args)
    normalized_times(args, ("created_after", "created_before"))
    results = dxpy.find_projects(
        name=args.name, name_mode="glob", properties=args.properties, tags=args.tag,
        level="VIEW" if args.public else args.level, describe=not args.brief,
        # public projects are reached without explicit permission; the others only with it
        explicit_perms=None if args.public else True, public=True if args.public else None,
        created_after=args.created_after, created_before=args.created_before, region=args.region,
        containsPHI=args.containsPHI, externalUploadRestricted=args.external_upload_restricted)
    format_find_results(args, results)


# -- dx find apps / globalworkflows --------------------------------------------------------------

def _find_global_executables(search, args, installed=None):
    """The apps or global workflows *search* (``dxpy.find_apps`` / ``find_global_workflows``)
    finds with the options in *args*, sorted by name unless --brief; for apps (*installed* not
    None) only the installed ones when *installed*."""
    normalized_times(args, ("created_after", "created_before", "mod_after", "mod_before"))
    fields = {"name": True, "title": not args.brief, "version": not args.brief, "published": args.verbose,
              "billTo": not args.brief}
    if installed is not None:
        fields["installed"] = installed
    results = search(name=args.name, name_mode="glob", category=args.category, all_versions=args.all,
                     published=not args.unpublished, billed_to=args.billed_to, created_by=args.creator,
                     developer=args.developer, created_after=args.created_after,
                     created_before=args.created_before, modified_after=args.mod_after,
                     modified_before=args.mod_before, describe={"fields": fields})
    if installed:
        results = (result for result in results if result["describe"]["installed"])
    if args.brief:
        return ({"id": result["id"]} for result in results)
    return sorted(results, key=lambda result: result["describe"]["name"])


def find_apps_result(args):
    """The apps that ``dx find apps`` with *args* lists (results of ``dxpy.find_apps``)."""
    import dxpy
    return _find_global_executables(dxpy.find_apps, args, args.installed)


def find_global_workflows_result(args):
    """The global workflows that ``dx find globalworkflows`` with *args* lists."""
    import dxpy
    return _find_global_executables(dxpy.find_global_workflows, args)


def find_apps(args):
    """``dx find apps``."""
    from . import try_call
    try_call(lambda: print_find_results(find_apps_result(args), args))


def find_global_workflows(args):
    """``dx find globalworkflows``."""
    from . import try_call
    try_call(lambda: print_find_results(find_global_workflows_result(args), args))



def print_find_results(results, args):
    """Print found apps or global workflows: JSON, IDs (--brief), or a line per result."""
    from ..utils.printing import _format_find_apps_results, print_json_or_ids
    if not print_json_or_ids(args, results):
        _format_find_apps_results(results, verbose=args.verbose)


# -- parsers -------------------------------------------------------------------------------------

def _time_help(option, what, when):
    return ("{what} {when} this time: a date (--{option}=2021-12-01, --{option}=\"2021-12-01 19:01:33\"), "
            "Unix time in milliseconds (--{option}=1642196636000), or a time relative to now: a negative "
            "number with a unit s, m, h, d, w, M or y (--{option}=-2d is two days ago)"
            ).format(option=option, what=what, when=when)


def _add_time_options(parser, what, modified=False):
    kinds = [("created", "created")] + ([("mod", "last modified")] if modified else [])
    for prefix, verb in kinds:
        for when in ("after", "before"):
            option = "%s-%s" % (prefix, when)
            parser.add_argument("--" + option, help=_time_help(option, "%s %s" % (what, verb), when))


def _add_find_data(subparsers):
    parser = subparsers.add_parser(
        "data", help="List data objects in the current project",
        description=fill("Lists the data objects that match every given condition, in the current project by "
                         "default. --all-projects searches every project you can reach (except public ones) and "
                         "overrides --path and --norecurse."),
        parents=[stdout_args, json_arg, no_color_arg, delim_arg, env_args, find_by_properties_and_tags_args],
        prog="dx find data")
    parser.add_argument("--class", dest="classname", choices=DATA_CLASSES, metavar="{%s}" % ",".join(DATA_CLASSES),
                        help="Class of the data objects")
    parser.add_argument("--state", choices=["open", "closing", "closed", "any"], help="State of the objects")
    parser.add_argument("--visibility", choices=["hidden", "visible", "either"], default="visible",
                        help="Hidden objects, visible ones, or both")
    parser.add_argument("--name", help=_help("Name to match, as --name-mode says"))
    parser.add_argument("--name-mode", default="glob", choices=["glob", "exact", "regexp"],
                        help="How --name matches")
    parser.add_argument("--type", help="Type of the data objects")
    parser.add_argument("--link", help="ID of an object the data objects link to")
    parser.add_argument("--all-projects", "--allprojects", action="store_true",
                        help=_help("Search every project you can reach, public ones excepted"))
    parser.add_argument("--project", help=argparse.SUPPRESS)
    parser.add_argument("--folder", help=argparse.SUPPRESS)
    parser.add_argument("--path", metavar="PROJECT:FOLDER", help=_help("Project and/or folder to search in"))
    parser.add_argument("--norecurse", dest="recurse", action="store_false",
                        help="Leave out the subfolders of the folder")
    _add_time_options(parser, "Objects", modified=True)
    parser.add_argument("--region", help="Search only in this region")
    parser.set_defaults(func=find_data)
    registry.register_parser(parser, subparsers_action=subparsers, categories=("data", "metadata"))


def _add_find_projects(subparsers):
    parser = subparsers.add_parser(
        "projects", help="List projects",
        description=fill("Lists the projects that match every given condition; --public lists public projects."),
        parents=[stdout_args, json_arg, delim_arg, env_args, find_by_properties_and_tags_args, contains_phi],
        prog="dx find projects")
    parser.add_argument("--name", help="Name of the projects")
    parser.add_argument("--level", choices=["VIEW", "UPLOAD", "CONTRIBUTE", "ADMINISTER"],
                        help="Least access level you must have")
    parser.add_argument("--public", action="store_true",
                        help=_help("Only public projects (the level is then VIEW)"))
    _add_time_options(parser, "Projects")
    parser.add_argument("--region", help="Search only in this region")
    parser.add_argument("--external-upload-restricted", choices=["true", "false"],
                        help=_help("true: only projects whose uploads from outside are restricted; false: only "
                                   "the others"))
    parser.set_defaults(func=find_projects)
    registry.register_parser(parser, subparsers_action=subparsers, categories="data")


class PrintCategoryHelp(argparse.Action):
    """``--category-help``: the common app categories, then exit."""

    def __call__(self, parser, namespace, values, option_string=None):
        from ..app_categories import APP_CATEGORIES
        kind = "workflows" if parser.prog == "dx find globalworkflows" else "apps"
        print("usage: %s --category CATEGORY" % parser.prog)
        print("")
        print(fill("List only the %s that belong to a particular category by providing a category name." % kind))
        print("")
        print("Common category names include:")
        print("  " + "\n  ".join(sorted(APP_CATEGORIES)))
        parser.exit(0)


def _org_entities_parser(children, name, help_line, description, parents=()):
    parser = children.add_parser(name, help=help_line, description=fill(description), prog="dx find org " + name,
                                 parents=[stdout_args, json_arg, delim_arg, env_args] + list(parents))
    parser.add_argument("org_id", help="ID of the org")
    return parser


_ADMINS_ONLY = ("Only ADMINs of the org may search: they find them all, also those not shared with them.")


def _add_find_org_members(children):
    parser = _org_entities_parser(children, "members", "List the members of an org",
                                  "Lists the members of an org that match the given conditions.")
    parser.add_argument("--level", choices=["ADMIN", "MEMBER"], help="Only members at this membership level")
    parser.set_defaults(func=org_find_members)
    registry.register_parser(parser, subparsers_action=children, categories="org")


def _add_find_org_projects(children):
    parser = _org_entities_parser(children, "projects", "List the projects billed to an org",
                                  "Lists the projects billed to an org that match every given condition. "
                                  + _ADMINS_ONLY, parents=[find_by_properties_and_tags_args, contains_phi])
    parser.add_argument("--name", help="Name of the projects")
    parser.add_argument("--ids", nargs="+", help=_help('Only these projects (IDs), e.g. "--ids project-1 project-2"'))
    public = parser.add_mutually_exclusive_group()
    public.add_argument("--public-only", dest="public", action="store_true", default=None,
                        help="Only public projects")
    public.add_argument("--private-only", dest="public", action="store_false", default=None,
                        help="Only projects that are not public")
    _add_time_options(parser, "Projects")
    parser.add_argument("--region", help="Search only in this region")
    parser.set_defaults(func=org_find_projects)
    registry.register_parser(parser, subparsers_action=children, categories=("data", "org"))


def _add_find_org_apps(children):
    parser = _org_entities_parser(children, "apps", "List the apps billed to an org",
                                  "Lists the apps billed to an org that match every given condition. "
                                  + _ADMINS_ONLY)
    parser.add_argument("--name", help="Name of the apps")
    parser.add_argument("--category", help="Category of the apps")
    parser.add_argument("--category-help", nargs=0, action=PrintCategoryHelp,
                        help="List the common app categories")
    parser.add_argument("-a", "--all", action="store_true", help="Every version of each app, not only its default")
    parser.add_argument("--unpublished", action="store_true", help="Only unpublished apps (default: all apps)")
    parser.add_argument("--installed", action="store_true", help="Only apps you installed")
    parser.add_argument("--creator", help="User who created the app version")
    parser.add_argument("--developer", help="A developer of the apps")
    _add_time_options(parser, "Apps", modified=True)
    parser.set_defaults(func=org_find_apps)
    registry.register_parser(parser, subparsers_action=children, categories=("exec", "org"))


def _add_find_org(subparsers):
    """``dx find org members|projects|apps``."""
    parser = subparsers.add_parser("org", help="List the members, projects or apps of an org",
                                   description=fill("Lists the members, projects or apps of an org."),
                                   prog="dx find org")
    registry.register_parser(parser, subparsers_action=subparsers)
    children = parser.add_subparsers(parser_class=registry.DXArgumentParser)
    children.metavar = "entities"
    _add_find_org_members(children)
    _add_find_org_projects(children)
    _add_find_org_apps(children)


def _add_find_orgs(subparsers):
    parser = subparsers.add_parser("orgs", help="List orgs",
                                   description="Lists the orgs that match the given conditions.",
                                   parents=[stdout_args, env_args, delim_arg, json_arg], prog="dx find orgs")
    parser.add_argument("--level", choices=["ADMIN", "MEMBER"], required=True,
                        help=_help("Only orgs where your membership level is at least this one"))
    billable = parser.add_mutually_exclusive_group()
    billable.add_argument("--with-billable-activities", action="store_true",
                          help=_help("Only orgs where you may perform billable activities"))
    billable.add_argument("--without-billable-activities", dest="with_billable_activities", action="store_false",
                          help=_help("Only orgs where you may not perform billable activities"))
    parser.set_defaults(func=find_orgs, with_billable_activities=None)
    registry.register_parser(parser, subparsers_action=subparsers, categories="org")


def _add_find_global_executables(subparsers, name, kind, handler):
    """``dx find apps`` (*kind* "app") or ``dx find globalworkflows`` (*kind* "workflow")."""
    plural = kind + "s"
    parser = subparsers.add_parser(
        name, help="List available %s" % ("apps" if kind == "app" else "global workflows"), prog="dx find " + name,
        description=fill("Lists the %s you can run that match every given condition (by default only published "
                         "ones). --category-help lists the common categories." % plural),
        parents=[stdout_args, json_arg, delim_arg, env_args])
    parser.add_argument("--name", help="Name of the %s (a glob pattern)" % kind)
    parser.add_argument("--category", help="Category of the %s" % kind)
    parser.add_argument("--category-help", nargs=0, action=PrintCategoryHelp,
                        help="List the common categories")
    parser.add_argument("-a", "--all", action="store_true", help="Every version of each %s, not only its default"
                        % kind)
    parser.add_argument("--unpublished", action="store_true",
                        help="Only unpublished %s (default: only published ones)" % plural)
    if kind == "app":
        parser.add_argument("--installed", action="store_true", help="Only apps you installed")
    parser.add_argument("--billed-to", help="User or org billed for the %s" % plural)
    parser.add_argument("--creator", help="User who created the %s version" % kind)
    parser.add_argument("--developer", help="A developer of the %s" % plural)
    _add_time_options(parser, plural.capitalize(), modified=True)
    parser.set_defaults(func=handler)
    registry.register_parser(parser, subparsers_action=subparsers, categories="exec")


def _add_find(subparsers):
    parser = subparsers.add_parser("find", help="Search for DNAnexus entities",
                                   description="Searches for DNAnexus entities of one kind.",
                                   formatter_class=argparse.RawTextHelpFormatter, prog="dx find")
    children = parser.add_subparsers(parser_class=registry.DXArgumentParser)
    children.metavar = "category"
    registry.register_parser(parser, categories=())
    _add_find_global_executables(children, "apps", "app", find_apps)
    _add_find_global_executables(children, "globalworkflows", "workflow", find_global_workflows)
    add_find_execution_parsers(children)
    _add_find_data(children)
    _add_find_projects(children)
    _add_find_org(children)
    _add_find_orgs(children)


COMMANDS = {"find": _add_find}
