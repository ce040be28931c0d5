"""``dx find jobs|analyses|executions``, ``dx terminate``, and ``dx ssh``/``dx ssh_config`` (which
need the platform's job machines: they say so and exit 3).

``dx find executions`` lists execution trees by default: a first search finds the roots of the
matching executions (origin jobs, or root executions for analyses), a second one fetches the
whole trees at once (``originJob``/``rootExecution`` given as arrays).
"""
import argparse
import collections
import json

from ..exceptions import DXCLIError
from . import registry
from .parsers import (add_find_executions_search_gp, delim_arg, env_args, find_by_properties_and_tags_args,
                      find_executions_args, json_arg, no_color_arg, stdout_args)

_MORE_RESULTS = ("* More results not shown; use -n to increase number of results or --created-before to show "
                 "older results")
# Trees are counted by their roots; without trees a few more results are asked for, so that
# tries of one job (which come as separate results) can be sorted before the list is cut.
_EXTRA_FOR_TRIES = 10


# -- dx terminate ---------------------------------------------------------------------------------

def terminate(args):
    """``dx terminate ID...``: stops at the first that cannot be terminated."""
    import dxpy
    for execution in args.jobid:
        dxpy.api.job_terminate(execution)  # the route is the ID's: /analysis-xxxx/terminate for an analysis


# -- dx ssh, dx ssh_config ------------------------------------------------------------------------

def _needs_platform(args):
    raise DXCLIError('"%s" connects to a job\'s machine on the DNAnexus platform; jobs of the local emulator '
                     "run as processes on this computer, without SSH" % args.ssh_command)


# -- dx find executions ---------------------------------------------------------------------------

class _Key(collections.namedtuple("_Key", "id try_number")):
    """An execution and one of its tries (-1 for an execution without tries)."""

    @classmethod
    def of(cls, execution_id, try_number=None):
        return cls(execution_id, -1 if try_number is None else try_number)


# What the listing shows of an execution (and how trees are put together): all it asks for
# unless --json prints whole descriptions.
_LISTED_FIELDS = ("id", "class", "name", "state", "executableName", "function", "launchedBy", "created",
                  "parentJob", "parentJobTry", "parentAnalysis", "masterJob", "originJob", "rootExecution",
                  "startedRunning", "stoppedRunning", "outputReusedFrom", "try", "failureReason", "failureMessage")


def _describe_input(args, include_io):
    if not args.json:
        fields = dict.fromkeys(_LISTED_FIELDS, True)
        fields["output"] = include_io
        return {"fields": fields}
    if args.classname == "job":
        return {"defaultFields": True, "fields": {
            "runInput": include_io, "originalInput": include_io, "input": include_io, "output": include_io,
            "internetUsageIPs": bool(args.verbose)}}
    return {"io": include_io}


def _search_scope(args):
    """(project, origin) to search, or None when --id rules out every result."""
    import dxpy
    from ..utils.resolver import get_last_pos_of_char, resolve_existing_path
    if args.id is not None:
        described = dxpy.api.job_describe(args.id, {"io": False})
        origin = described.get("originJob")
        if (args.origin_jobs and args.id != origin) or (args.origin is not None and origin != args.origin):
            return None
        args.user = None
        return None, origin
    project = dxpy.WORKSPACE_ID
    if args.project is not None:
        path = args.project if get_last_pos_of_char(":", args.project) != -1 else args.project + ":"
        project = resolve_existing_path(path, "project")[0]
    if args.user is not None and args.user != "self" and not args.user.startswith("user-"):
        args.user = "user-" + args.user.lower()
    return (None if args.all_projects else project), args.origin


class _Listing(object):
    """The output of one ``dx find executions``: text, IDs (--brief) or descriptions (--json)."""

    def __init__(self, args, include_restarted):
        self.args = args
        self.include_restarted = include_restarted
        self.json = []

    def describe_line(self, desc, **options):
        from ..utils.describe import get_find_executions_string
        return get_find_executions_string(desc, show_outputs=self.args.show_outputs, **options)

    def brief(self, execution_id, try_number, has_tries):
        shown = has_tries and self.include_restarted and try_number is not None and try_number >= 0
        print(execution_id + (" try %d" % try_number if shown else ""))


def _find_roots_or_executions(args, query, trees, to_fetch):
    """The first search: with *trees*, {root: execution to draw from} in the order found; else the
    executions found. Also whether there are more than *to_fetch*, and the tries of each ID."""
    import dxpy
    roots, found, tries = collections.OrderedDict(), [], collections.defaultdict(set)
    more = False
    counted = 0
    # a first page large enough for what is asked: fewer round trips than pages of 100
    for result in dxpy.find_executions(first_page_size=max(100, min(1000, to_fetch + 1)), **query):
        desc = result["describe"]
        if trees:
            root = desc["originJob"] if args.classname == "job" else desc["rootExecution"]
            counted += root not in roots
        else:
            counted += 1
            found.append(result)
        tries[result["id"]].add(_Key.of(result["id"], desc.get("try")).try_number)
        if counted > to_fetch:
            more = True
            break
        if trees:
            # "dx find analyses" draws an analysis of a job's tree on its own: the last one found
            roots[root] = desc["id"] if args.classname == "analysis" and root.startswith("job-") else root
    return roots, found, tries, more


def _print_executions(args, listing, found, tries):
    """--origin-jobs and --all-jobs: one line (or entry) per execution, newest first."""
    from ..utils.pretty_print import format_tree
    newest = sorted(found, key=lambda result: (-result["describe"]["created"], -result["describe"].get("try", 0)))
    for result in newest[:args.num_results]:
        desc = result["describe"]
        show_try = listing.include_restarted and max(tries[result["id"]]) > 0
        if args.json:
            listing.json.append(desc)
        elif args.brief:
            listing.brief(result["id"], desc.get("try"), show_try)
        else:
            print(format_tree({}, listing.describe_line(desc, has_children=False, single_result=True,
                                                        show_try=show_try)))


class _Trees(object):
    """The executions of whole trees, by parent, and their drawing."""

    def __init__(self, args, listing, tries):
        self.args = args
        self.listing = listing
        self.tries = tries
        self.children = collections.defaultdict(list)  # _Key -> child IDs
        self.descriptions = {}
        self.parent_field = "masterJob" if args.no_subjobs else "parentJob"

    def add(self, result):
        desc = result["describe"]
        key = _Key.of(result["id"], desc.get("try"))
        parent_id = desc.get(self.parent_field) or desc.get("parentAnalysis")
        if parent_id:
            parent = (_Key.of(parent_id, desc.get("parentJobTry")) if self.parent_field == "parentJob"
                      and desc.get(self.parent_field) else _Key.of(parent_id))
            if key.id not in self.children[parent]:
                self.children[parent].append(key.id)
        self.descriptions[key] = desc
        self.tries[key.id].add(key.try_number)

    def sorted_tries(self):
        self.tries = {execution: sorted(numbers, reverse=True) for execution, numbers in self.tries.items()}

    def created(self, execution_id):
        return self.descriptions[_Key(execution_id, self.tries[execution_id][-1])]["created"]

    def build(self, root, root_try):
        """({label: subtree}, label) of the tree under *root* (all its tries when *root_try* is None)."""
        args, listing = self.args, self.listing
        root_tries = self.tries[root]
        if root_try is None:
            if len(root_tries) == 1:
                return self.build(root, root_tries[0])
            tree, label = {}, ""
            if not args.json and not args.brief:
                head = self.descriptions[_Key(root, root_tries[0])]
                label = listing.describe_line(head, has_children=_Key(root, root_tries[0]) in self.children,
                                              is_cached_result=head.get("outputReusedFrom") is not None,
                                              show_try=listing.include_restarted, as_try_group_root=True)
                tree[label] = collections.OrderedDict()
            for number in root_tries:
                subtree, _ = self.build(root, number)
                if tree:
                    tree[label].update(subtree)
            return tree, label
        key = _Key(root, root_try)
        desc = self.descriptions[key]
        tree, label = {}, ""
        if args.json:
            listing.json.append(desc)
        elif args.brief:
            listing.brief(root, root_try, len(root_tries) > 1)
        else:
            label = listing.describe_line(desc, has_children=key in self.children,
                                          is_cached_result=desc.get("outputReusedFrom") is not None,
                                          show_try=listing.include_restarted and len(root_tries) > 1)
            tree[label] = collections.OrderedDict()
        for child in self.children.get(key, []):
            child_tries = self.tries[child]
            subtree, _ = self.build(child, child_tries[0] if len(child_tries) == 1 else None)
            if tree:
                tree[label].update(subtree)
        return tree, label

    def print_tree(self, root):
        from ..utils.pretty_print import format_tree
        tree, label = self.build(root, None)
        if tree:
            print(format_tree(tree[label], label))


def find_executions(args):
    """``dx find jobs|analyses|executions``."""
    import dxpy
    from ..utils.printing import fill, get_delimiter
    from . import try_call
    from .finding import normalized_times
    from .parsers import process_find_by_property_args
    try_call(process_find_by_property_args, args)
    normalized_times(args, ("created_after", "created_before"))
    trees = not (args.origin_jobs or args.all_jobs)
    if args.origin_jobs and args.parent is not None and args.parent != "none":
        return
    include_io = bool((args.verbose and args.json) or args.show_outputs)
    describe = _describe_input(args, include_io)
    to_fetch = args.num_results if trees else args.num_results + _EXTRA_FOR_TRIES
    scope = try_call(_search_scope, args)
    if scope is None:
        return
    project, origin = scope
    query = {"classname": args.classname, "launched_by": args.user, "executable": args.executable,
             "project": project, "state": args.state, "origin_job": origin,
             "parent_job": "none" if args.origin_jobs else args.parent, "describe": describe,
             "created_after": args.created_after, "created_before": args.created_before, "name": args.name,
             "name_mode": "glob", "tags": args.tag, "properties": args.properties,
             "include_subjobs": not args.no_subjobs, "root_execution": args.root_execution,
             "include_restarted": args.include_restarted}
    if to_fetch < 1000 and not trees:
        query["limit"] = to_fetch + 1
    listing = _Listing(args, args.include_restarted)
    roots, found, tries, more = _find_roots_or_executions(args, query, trees, to_fetch)
    if not trees:
        more = more or len(found) > args.num_results
        _print_executions(args, listing, found, tries)
    elif roots:
        drawn = _Trees(args, listing, tries)
        tree_query = {"classname": args.classname, "describe": describe, "include_subjobs": not args.no_subjobs,
                      "include_restarted": args.include_restarted,
                      ("origin_job" if args.classname == "job" else "root_execution"): list(roots)}
        if not args.all_projects:
            tree_query["project"] = project  # a public project's executions are found only when it is named
        for result in dxpy.find_executions(first_page_size=1000, **tree_query):
            drawn.add(result)
        drawn.sorted_tries()
        for root in sorted(roots, key=lambda root: -drawn.created(roots[root])):
            drawn.print_tree(roots[root])
    if args.json:
        print(json.dumps(listing.json, indent=4))
    if more and get_delimiter() is None and not (args.brief or args.json):
        print(fill(_MORE_RESULTS, subsequent_indent="  "))


# -- parsers --------------------------------------------------------------------------------------

_FINDS = [
    ("jobs", "job", "List jobs in the current project", "Finds jobs subject to the given search parameters."),
    ("analyses", "analysis", "List analyses in the current project",
     "Finds analyses subject to the given search parameters."),
    ("executions", None, "List executions (jobs and analyses) in the current project",
     "Finds executions (jobs and analyses) subject to the given search parameters."),
]


def add_find_execution_parsers(subparsers):
    """``dx find jobs``, ``dx find analyses`` and ``dx find executions`` under *subparsers*."""
    from ..utils.printing import fill
    for name, classname, help_line, description in _FINDS:
        parser = subparsers.add_parser(
            name, help=fill(help_line), prog="dx find " + name, conflict_handler="resolve",
            description=fill(description + " By default, output is formatted to show the last several job "
                                           "trees that you've run in the current project."),
            parents=[find_executions_args, stdout_args, json_arg, no_color_arg, delim_arg, env_args,
                     find_by_properties_and_tags_args],
            formatter_class=argparse.RawTextHelpFormatter)
        add_find_executions_search_gp(parser)
        parser.set_defaults(func=find_executions, classname=classname)
        registry.register_parser(parser, subparsers_action=subparsers, categories="exec")


def _add_terminate(subparsers):
    parser = subparsers.add_parser("terminate", help="Terminate jobs or analyses", prog="dx terminate",
                                   description="Terminate one or more jobs or analyses", parents=[env_args])
    parser.add_argument("jobid", nargs="+", help="ID of a job or analysis to terminate")
    parser.set_defaults(func=terminate)
    registry.register_parser(parser, categories="exec")


def _add_ssh_config(subparsers):
    parser = subparsers.add_parser("ssh_config", help="Configure SSH keys for your DNAnexus account",
                                   description="Configure SSH access credentials for your DNAnexus account",
                                   prog="dx ssh_config", parents=[env_args])
    parser.add_argument("ssh_keygen_args", nargs=argparse.REMAINDER,
                        help="Command-line arguments to pass to ssh-keygen")
    parser.add_argument("--revoke", action="store_true",
                        help="Revoke the SSH public key of your DNAnexus account (no more SSH into jobs)")
    parser.set_defaults(func=_needs_platform, ssh_command="dx ssh_config")
    registry.register_parser(parser, categories="exec")


def _add_ssh(subparsers):
    parser = subparsers.add_parser(
        "ssh", help="Connect to a running job via SSH", prog="dx ssh", parents=[env_args],
        description='Connect with an SSH client to a job running on the DNAnexus platform, launched with '
                    '"dx run --allow-ssh" (or the same API options); "dx ssh_config" sets up your account.')
    parser.add_argument("job_id", help="Name of job to connect to")
    parser.add_argument("ssh_args", nargs=argparse.REMAINDER, help="Command-line arguments to pass to the SSH client")
    parser.add_argument("--ssh-proxy", metavar="<address>:<port>",
                        help="SSH connect via proxy, argument supplied is used as the proxy address and port")
    firewall = parser.add_mutually_exclusive_group()
    firewall.add_argument("--no-firewall-update", action="store_true",
                          help="Do not update the allowSSH allowed IP ranges before connecting with ssh")
    firewall.add_argument("--allow-ssh", action="append", nargs="?", metavar="ADDRESS",
                          help="Allow SSH into the job from this IP range (default: your address as the API "
                               "server sees it)")
    parser.add_argument("--suppress-running-check", action="store_false", dest="check_running",
                        help=argparse.SUPPRESS)
    parser.set_defaults(func=_needs_platform, ssh_command="dx ssh")
    registry.register_parser(parser, categories="exec")


COMMANDS = {"terminate": _add_terminate, "ssh": _add_ssh, "ssh_config": _add_ssh_config}
