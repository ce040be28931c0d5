"""``dx describe``: the description of anything a path, ID or name can stand for (data objects,
projects and containers, jobs and analyses, apps and global workflows, users, orgs)."""
import argparse
import json

from ..exceptions import DXCLIError, err_exit
from ..utils.printing import ENDC, UNDERLINE, fill
from . import registry
from .parsers import delim_arg, env_args, json_arg, no_color_arg

# Fields of a job or analysis that dx describe shows (and asks for) only with --verbose.
VERBOSE_ONLY_JOB_FIELDS = [
    "internetUsageIPs",
    "runSystemRequirements",
    "runSystemRequirementsByExecutable",
    "mergedSystemRequirementsByExecutable",
    "jobLogsForwardingStatus",
    "instanceTypeTransitions",
]

VERBOSE_ONLY_ANALYSIS_FIELDS = [
    "runSystemRequirements",
    "runSystemRequirementsByExecutable",
    "mergedSystemRequirementsByExecutable",
    "runStageSystemRequirements",
    "instanceTypeTransitions",
]


def _verbose_only_fields(entity_id):
    from ..utils.resolver import is_analysis_id, is_job_id
    if is_job_id(entity_id):
        return VERBOSE_ONLY_JOB_FIELDS
    if is_analysis_id(entity_id):
        return VERBOSE_ONLY_ANALYSIS_FIELDS
    return []


def filter_verbose_fields(description, entity_id):
    """*description* without the fields shown only with --verbose (for a job or an analysis;
    any other entity's description is returned as it is)."""
    hidden = _verbose_only_fields(entity_id)
    if not hidden:
        return description
    return {key: value for key, value in description.items() if key not in hidden}


class _Matches(object):
    """The matches of one ``dx describe``: printed as found ("Result N:" and the description,
    or the name alone with --name), or kept for the JSON printed at the end."""

    def __init__(self, args):
        self.args = args
        self.descriptions = []
        self.count = 0

    def add(self, desc, name=None, verbose=None):
        """One match; *name* is what --name prints (default: the ``name`` field)."""
        from ..utils.describe import print_desc
        self.count += 1
        if self.args.json:
            self.descriptions.append(desc)
        elif self.args.name:
            print(desc["name"] if name is None else name)
        else:
            print(("\n" if self.count > 1 else "") + UNDERLINE() + "Result " + str(self.count) + ":" + ENDC())
            print_desc(desc, self.args.verbose if verbose is None else verbose)

    def finish(self):
        if not self.args.json:
            if self.count == 0:
                raise DXCLIError("No matches found for " + self.args.path)
        elif self.args.multi:
            print(json.dumps(self.descriptions, indent=4))
        elif len(self.descriptions) > 1:
            raise DXCLIError("More than one match found for " + self.args.path +
                             "; to get all of them in JSON format, also provide the --multi flag.")
        elif not self.descriptions:
            raise DXCLIError("No match found for " + self.args.path)
        else:
            print(json.dumps(self.descriptions[0], indent=4))


def _unless_not_found(call, *args):
    """``call(*args)``, or None when the platform has no such entity."""
    from ..exceptions import ResourceNotFound
    try:
        return call(*args)
    except ResourceNotFound:
        return None


def _entity_describe_input(args):
    """The describe input used while resolving the path as data objects, jobs or analyses."""
    import dxpy
    from ..utils.resolver import is_data_obj_id, is_job_id
    describe_input = {"properties": True, "details": True}
    if is_data_obj_id(args.path) and dxpy.WORKSPACE_ID is not None:
        # Describe the copy in the current project when that project is still reachable.
        if _unless_not_found(dxpy.api.project_describe, dxpy.WORKSPACE_ID, {"fields": {"id": True}}) is not None:
            describe_input["project"] = dxpy.WORKSPACE_ID
    fields = _verbose_only_fields(args.path)
    if fields:
        describe_input["defaultFields"] = True
        describe_input["fields"] = dict.fromkeys(["spotCostSavings"] + (fields if args.verbose else []), True)
    if args.job_try is not None:
        if not is_job_id(args.path):
            err_exit("Parameter --try T can be used only when describing jobs")
        describe_input["try"] = args.job_try
    return describe_input


def _resolve_entities(args):
    """(project, results) for the path as data objects, jobs or analyses; results None when it
    names none. Permission errors stop here; others leave the other readings open."""
    from ..utils.resolver import ResolutionError
    from ..utils.resolver import resolve_existing_path
    describe_input = _entity_describe_input(args)
    try:
        project, _folder, results = resolve_existing_path(args.path, expected="entity", ask_to_resolve=False,
                                                          describe=describe_input)
    except ResolutionError as error:
        if str(error).endswith("code 401"):
            raise DXCLIError(str(error))
        return None, None
    return project, results


def _describe_container(matches, args, project):
    """The project named by ``PROJECT:`` or the project/container ID given."""
    import dxpy
    from ..utils.resolver import is_container_id
    if args.path.endswith(":") and project is not None:
        container = project
    elif is_container_id(args.path):
        container = args.path
    else:
        return
    describe_input = {"properties": True}
    if args.verbose:
        describe_input.update(permissions=True, appCaches=True)
    desc = _unless_not_found(dxpy.api.project_describe, container, describe_input)
    if desc is not None:
        matches.add(desc)


def _add_entities(matches, args, results):
    import dxpy
    from ..utils.resolver import is_analysis_id
    for result in results:
        desc = result["describe"]
        if args.verbose and is_analysis_id(result["id"]):
            desc.update(dxpy.DXAnalysis(result["id"]).describe())
        if args.json and not args.verbose:
            desc = filter_verbose_fields(desc, result["id"])
        matches.add(desc, verbose=args.verbose or args.details)


def _describe_global_executable_by_id(matches, path):
    """``app-...`` or ``globalworkflow-...`` (an ID, or a name with the prefix)."""
    import dxpy
    if path.startswith("app-"):
        desc = _unless_not_found(dxpy.api.app_describe, path)
    else:
        desc = _unless_not_found(dxpy.api.global_workflow_describe, path)
        if desc is not None:
            desc = dxpy.append_underlying_workflow_describe(desc)
    if desc is not None:
        matches.add(desc)


def _describe_global_executables_named(matches, name):
    """Apps named *name*, or else global workflows (they share one namespace)."""
    import dxpy
    found = False
    for result in dxpy.find_apps(name=name, describe=True):
        matches.add(result["describe"])
        found = True
    if found:
        return
    for result in dxpy.find_global_workflows(name=name, describe=True):
        matches.add(dxpy.append_underlying_workflow_describe(result["describe"]))


def _describe_user_or_org(matches, path):
    import dxpy
    if path.startswith("user-"):
        desc = _unless_not_found(dxpy.api.user_describe, path, {"appsInstalled": True, "subscriptions": True})
        if desc is not None:
            matches.add(desc, name=str(desc["first"]) + " " + str(desc["last"]))
    elif path.startswith(("org-", "team-")):
        desc = _unless_not_found(dxpy.DXHTTPRequest, "/" + path + "/describe", {})
        if desc is not None:
            matches.add(desc, name=desc["id"])


def _describe_global_names(matches, args):
    """A path without project and not an ID may name an app, a global workflow, a user or an org."""
    if args.path.startswith(("app-", "globalworkflow-")):
        _describe_global_executable_by_id(matches, args.path)
    else:
        _describe_global_executables_named(matches, args.path)
    _describe_user_or_org(matches, args.path)


def describe(args):
    """``dx describe PATH``."""
    from ..utils.resolver import is_hashid
    if not args.path:
        raise DXCLIError("Must provide a nonempty string to be described")
    if args.name and (args.verbose or args.details or args.json):
        raise DXCLIError("Cannot request --name in addition to one of --verbose, --details, or --json")
    project, results = _resolve_entities(args)
    matches = _Matches(args)
    if results is None:
        _describe_container(matches, args, project)
    else:
        _add_entities(matches, args, results)
    if not is_hashid(args.path) and ":" not in args.path:
        _describe_global_names(matches, args)
    matches.finish()


def _description():
    return "\n\n".join([
        fill("Describes a DNAnexus entity: a data object (by name or ID), a project, a job or analysis, an "
             "app, a user, an org, and so on. Every match is shown; with --json, more than one match is an "
             "error unless --multi is given too, which prints a JSON array of all their descriptions."),
        "NOTES:",
        "- " + fill("With an object ID, the project in the path is only a hint: the copy in that project is "
                    "described when there is one, otherwise a copy in another project you can access."),
        "- " + fill("Advanced inputs of apps and applets are shown only with --verbose."),
    ])


def _add_describe(subparsers):
    parser = subparsers.add_parser("describe", help="Describe a remote object", description=_description(),
                                   formatter_class=argparse.RawTextHelpFormatter,
                                   parents=[json_arg, no_color_arg, delim_arg, env_args], prog="dx describe")
    parser.add_argument("--details", action="store_true", help="Also show the details of data objects")
    parser.add_argument("--verbose", action="store_true", help="Show more metadata")
    parser.add_argument("--name", action="store_true", help="Print only the names of the matches, one a line")
    parser.add_argument("--multi", action="store_true",
                        help=fill("With --json, print a JSON array of the descriptions of all matches",
                                  width_adjustment=-24))
    parser.add_argument("--try", metavar="T", dest="job_try", type=int,
                        help=fill("For a restarted job, describe try T (0 is the first); default: the last try",
                                  width_adjustment=-24))
    parser.add_argument("path", help=fill("ID or path of the object to describe (it may be in another project)",
                                          width_adjustment=-24))
    parser.set_defaults(func=describe)
    registry.register_parser(parser, categories=("data", "metadata"))


COMMANDS = {"describe": _add_describe}
