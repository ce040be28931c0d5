"""dx commands that read or change the metadata of data objects, projects and executions:
``get_details``, ``set_details``, ``set_visibility``, ``add_types``, ``remove_types``,
``tag``, ``untag``, ``rename``, ``set_properties``, ``unset_properties``, ``close`` and ``wait``.

Commands given a path that matches several objects act on each (all of them with ``-a``); a
failure on one is reported on stderr, the others are still done, and dx exits 3 at the end.
"""
import datetime
import json
import os
import sys

from ..exceptions import DXCLIError, err_exit
from ..utils.printing import fill
from . import registry
from .parsers import all_arg, env_args, try_arg


def render_timestamp(epochSeconds):
    """A time in milliseconds since the epoch as local ``YYYY-MM-DD HH:MM:SS``."""
    return datetime.datetime.fromtimestamp(epochSeconds // 1000).strftime("%Y-%m-%d %H:%M:%S")


# -- shared steps --------------------------------------------------------------------------------

def _not_resolved(path):
    return fill('Could not resolve "%s" to a name or ID' % path)


def _resolve_objects(path, all_matches):
    """The data objects *path* names (every match with *all_matches*); None when it names none."""
    from ..utils.resolver import resolve_existing_path
    from . import try_call
    _project, _folder, results = try_call(resolve_existing_path, path, expected="entity", allow_mult=True,
                                          all_mult=all_matches)
    return results


def _resolve_objects_or_exit(path, all_matches):
    """:func:`_resolve_objects`, exiting 3 with dx's message when nothing matches."""
    results = _resolve_objects(path, all_matches)
    if results is None:
        err_exit(_not_resolved(path), 3)
    return results


def _call_on_each(results, method, payload):
    """``POST /ID/method`` for each resolved entity; failures are printed on stderr.
    True when every call succeeded."""
    import dxpy
    from ..exceptions import format_exception, network_exceptions
    succeeded = True
    for result in results:
        try:
            dxpy.DXHTTPRequest("/%s/%s" % (result["id"], method), payload)
        except (dxpy.DXAPIError,) + network_exceptions as error:
            print(format_exception(error), file=sys.stderr)
            succeeded = False
    return succeeded


def _exit_unless(succeeded):
    if not succeeded:
        err_exit("", 3)


def _call_on_objects(args, method, payload):
    """Resolve ``args.path`` to data objects and call *method* on each."""
    results = _resolve_objects_or_exit(args.path, args.all)
    _exit_unless(_call_on_each(results, method, payload))


# -- details, visibility, types ------------------------------------------------------------------

def get_details(args):
    """``dx get_details PATH``: the details as indented JSON."""
    import dxpy
    from ..utils.resolver import resolve_existing_path
    from . import try_call
    project, _folder, result = try_call(resolve_existing_path, args.path, expected="entity")
    if result is None:
        err_exit(_not_resolved(args.path), 3)
    request = {"project": project} if project is not None else {}
    print(json.dumps(dxpy.DXHTTPRequest("/%s/getDetails" % result["id"], request), indent=4))


def _parse_details(text, what):
    try:
        return json.loads(text)
    except ValueError as error:
        err_exit("Error: %s could not be parsed as JSON" % what, exception=error, expected_exceptions=(ValueError,))


def _details_to_set(args):
    """The details of ``dx set_details``: the JSON argument or the contents of ``-f`` (- for stdin)."""
    from .parsers import DXParserError
    if args.details is not None and args.details_file is not None:
        raise DXParserError("Cannot provide both -f/--details-file and details")
    if args.details is not None:
        return _parse_details(args.details, "Details")
    if args.details_file is None:
        raise DXParserError("Must set one of -f/--details-file or details")
    with (sys.stdin if args.details_file == "-" else open(args.details_file)) as stream:
        return _parse_details(stream.read(), "File contents")


def set_details(args):
    """``dx set_details PATH [DETAILS] [-f FILE]``."""
    from ..utils.resolver import ResolutionError
    from .parsers import DXParserError
    results = _resolve_objects(args.path, args.all)
    try:
        if results is None:
            raise ResolutionError('Could not resolve "%s" to a name or ID' % args.path)
        details = _details_to_set(args)
    except (ResolutionError, DXParserError) as error:
        err_exit(exception=error, expected_exceptions=(ResolutionError, DXParserError))
    _exit_unless(_call_on_each(results, "setDetails", details))


def set_visibility(args):
    """``dx set_visibility PATH hidden|visible``."""
    _call_on_objects(args, "setVisibility", {"hidden": args.visibility == "hidden"})


def add_types(args):
    """``dx add_types PATH TYPE...``."""
    _call_on_objects(args, "addTypes", {"types": args.types})


def remove_types(args):
    """``dx remove_types PATH TYPE...``."""
    _call_on_objects(args, "removeTypes", {"types": args.types})


# -- tags, properties, names: of objects, executions or a project -------------------------------

def _objects_or_project(args, what):
    """(project, results): the data objects or executions ``args.path`` names, or (project,
    None) when it names only a project. *what* ends the error for a container that is not a
    project ("Cannot <what> a non-project data container")."""
    from ..utils.resolver import is_job_id, resolve_to_objects_or_project
    from . import try_call
    project, _folder, results = try_call(resolve_to_objects_or_project, args.path, args.all)
    if results is None and not project.startswith("project-"):
        err_exit("Cannot %s a non-project data container" % what, 3)
    if getattr(args, "job_try", None) is not None and (results is None or
                                                       not all(is_job_id(result["id"]) for result in results)):
        # dxpy exits 1 here, its code for a bug in dx; this is invalid input, so 3.
        err_exit("Parameter --try T can be used only with jobs", 3)
    return project, results


def _change(args, method, fields, project_method, what):
    """``POST /ID/method`` with *fields* (and the project, and ``try`` when given) for what
    ``args.path`` names; for a project, ``dxpy.api.<project_method>(project, fields)``."""
    import dxpy
    project, results = _objects_or_project(args, what)
    if results is None:
        getattr(dxpy.api, project_method)(project, fields)
        return
    payload = dict(fields, project=project)
    if getattr(args, "job_try", None) is not None:
        payload["try"] = args.job_try
    _exit_unless(_call_on_each(results, method, payload))


def add_tags(args):
    """``dx tag PATH TAG...``."""
    _change(args, "addTags", {"tags": args.tags}, "project_add_tags", "add tags to")


def remove_tags(args):
    """``dx untag PATH TAG...``."""
    _change(args, "removeTags", {"tags": args.tags}, "project_remove_tags", "remove tags from")


def rename(args):
    """``dx rename PATH NAME``: a data object, or a project (``NAME:``)."""
    _change(args, "rename", {"name": args.name}, "project_update", "rename")


def _set_properties(args, properties, what):
    _change(args, "setProperties", {"properties": properties}, "project_set_properties", what)


def set_properties(args):
    """``dx set_properties PATH KEY=VALUE...``."""
    from .parsers import process_properties_args
    from . import try_call
    try_call(process_properties_args, args)
    _set_properties(args, args.properties, "set properties on")


def unset_properties(args):
    """``dx unset_properties PATH KEY...``."""
    _set_properties(args, dict.fromkeys(args.properties), "unset properties on")


# -- close, wait ---------------------------------------------------------------------------------

def _resolve_quietly(path, **kwargs):
    """(project, results) of *path*, (None, None) when it cannot be resolved."""
    from ..utils.resolver import resolve_existing_path
    try:
        project, _folder, results = resolve_existing_path(path, expected="entity", **kwargs)
    except Exception:
        return None, None
    return project, results


def _close_all(project, results):
    """Close each object; a refusal is printed (on stdout) and the rest are still closed.
    (the handlers of the objects asked to close, whether every object is or was closed)"""
    import dxpy
    handlers = []
    closed_all = True
    for result in results:
        try:
            handler = dxpy.get_handler(result["id"], project=project)
            handler.close()
            handlers.append(handler)
        except Exception as error:
            print(fill(str(error)))
            # dxpy exits 0 even when an object could not be closed (no permission, ...);
            # one that is already closed is no failure.
            closed_all = closed_all and isinstance(error, dxpy.exceptions.InvalidState)
    return handlers, closed_all


def close(args):
    """``dx close [--wait] PATH...``."""
    handlers = []
    succeeded = True
    for path in args.path:
        project, results = _resolve_quietly(path, allow_mult=True, all_mult=args.all)
        if results is None:
            print(_not_resolved(path))
            succeeded = False
        else:
            asked, closed_all = _close_all(project, results)
            handlers.extend(asked)
            succeeded = succeeded and closed_all
    if args.wait:
        for handler in handlers:
            handler._wait_on_close()
    _exit_unless(succeeded)


def _paths_from_file(args):
    """With ``--from-file`` and one local file, the paths listed in it, one a line."""
    if not (args.from_file and len(args.path) == 1 and os.path.isfile(args.path[0])):
        return args.path
    try:
        with open(args.path[0]) as listing:
            return listing.read().strip().split("\n")
    except IOError as error:
        raise DXCLIError("Could not open %s. The problem was: %s" % (args.path[0], error))


def _wait_for_execution(execution_id):
    import dxpy
    from . import try_call
    print("Waiting for %s to finish running..." % execution_id)
    try_call(dxpy.get_handler(execution_id).wait_on_done)
    print("Done")


def _wait_for_object(path):
    """Wait for the object at *path* to close; False when *path* names no object."""
    import dxpy
    from . import try_call
    _project, result = _resolve_quietly(path)
    if result is None:
        print(fill("Could not resolve %s to a data object" % path))
        return False
    handler = dxpy.get_handler(result["id"], project=result["describe"]["project"])
    print("Waiting for %s to close..." % path)
    try_call(handler._wait_on_close)
    print("Done")
    return True


def wait(args):
    """``dx wait [--from-file] PATH...``: data objects until closed, jobs and analyses until done."""
    from ..utils.resolver import is_analysis_id, is_job_id
    found_all = True
    for path in _paths_from_file(args):
        if is_job_id(path) or is_analysis_id(path):
            _wait_for_execution(path)
        elif not _wait_for_object(path):
            found_all = False
    _exit_unless(found_all)


# -- parsers -------------------------------------------------------------------------------------

_OBJECT_PATH_HELP = "ID or path of the data object to change"
_ANY_PATH_HELP = "ID or path of the project, data object, or execution to change"
_CONTEXT_NOTE = ("  A project context must be set or given for the IDs or paths of data objects.")


def _command(subparsers, name, handler, help_line, description, parents, categories="metadata"):
    """A top-level command of this module with the usual parents; returns its parser."""
    parser = subparsers.add_parser(name, help=help_line, description=fill(description), prog="dx " + name,
                                   parents=[env_args] + list(parents))
    parser.set_defaults(func=handler)
    return parser, lambda: registry.register_parser(parser, categories=categories)


def _add_get_details(subparsers):
    parser, register = _command(subparsers, "get_details", get_details, "Get details of a data object",
                                "Print the JSON details of a data object.", ())
    parser.add_argument("path", help="ID or path of the data object")
    register()


def _add_set_details(subparsers):
    parser, register = _command(subparsers, "set_details", set_details, "Set details on a data object",
                                "Replace the JSON details of a data object.", [all_arg])
    parser.add_argument("path", help=_OBJECT_PATH_HELP)
    parser.add_argument("details", nargs="?", help="JSON to store as the details")
    parser.add_argument("-f", "--details-file", help='Local file with the JSON to store as details ("-" for stdin)')
    register()


def _add_set_visibility(subparsers):
    parser, register = _command(subparsers, "set_visibility", set_visibility, "Set visibility on a data object",
                                "Hide a data object or make it visible.", [all_arg])
    parser.add_argument("path", help=_OBJECT_PATH_HELP)
    parser.add_argument("visibility", choices=["hidden", "visible"], help="The visibility to give the object")
    register()


_TYPES_NOTE = " The DNAnexus types are listed at https://documentation.dnanexus.com/developer/api/" \
              "data-object-lifecycle/types."


def _add_types_command(name, handler, help_line, verb):
    def add(subparsers):
        parser, register = _command(subparsers, name, handler, help_line, help_line + "." + _TYPES_NOTE, [all_arg])
        parser.add_argument("path", help=_OBJECT_PATH_HELP)
        parser.add_argument("types", nargs="+", metavar="type", help="Types to " + verb)
        register()
    return add


def _add_tag_command(name, handler, help_line, verb):
    def add(subparsers):
        parser, register = _command(subparsers, name, handler, help_line, help_line + "." + _CONTEXT_NOTE,
                                    [all_arg, try_arg])
        parser.add_argument("path", help=_ANY_PATH_HELP)
        parser.add_argument("tags", nargs="+", metavar="tag", help="Tags to " + verb)
        register()
    return add


def _add_rename(subparsers):
    parser, register = _command(
        subparsers, "rename", rename, "Rename a project or data object",
        "Rename a project or data object (use 'dx mv' for folders). A project context must be set or given "
        'to rename a data object; a project or project context is written with a colon ":" after its ID or name.',
        [all_arg])
    parser.add_argument("path", help="Path of the project or data object to rename")
    parser.add_argument("name", help="New name")
    register()


def _add_set_properties(subparsers):
    parser, register = _command(subparsers, "set_properties", set_properties,
                                "Set properties of a project, data object, or execution",
                                "Set properties of a project, data object, or execution." + _CONTEXT_NOTE,
                                [all_arg, try_arg])
    parser.add_argument("path", help=_ANY_PATH_HELP)
    parser.add_argument("properties", nargs="+", metavar="propertyname=value",
                        help="Property names and their new values")
    register()


def _add_unset_properties(subparsers):
    parser, register = _command(subparsers, "unset_properties", unset_properties,
                                "Unset properties of a project, data object, or execution",
                                "Remove properties of a project, data object, or execution." + _CONTEXT_NOTE,
                                [all_arg, try_arg])
    parser.add_argument("path", help=_ANY_PATH_HELP)
    parser.add_argument("properties", nargs="+", metavar="propertyname", help="Names of the properties to remove")
    register()


def _add_close(subparsers):
    parser, register = _command(subparsers, "close", close, "Close data object(s)",
                                "Close one or more data objects.", [all_arg], categories=("data", "metadata"))
    parser.add_argument("path", nargs="+", help="Path of a data object to close")
    parser.add_argument("--wait", action="store_true", help="Wait until the objects are closed")
    register()


def _add_wait(subparsers):
    parser, register = _command(
        subparsers, "wait", wait, "Wait for data object(s) to close or job(s) to finish",
        'Wait until each data object is closed and each job or analysis has finished ("done", "failed" or '
        '"terminated"); exit with a nonzero code when a job ends in any state but "done". With --from-file, '
        "the only PATH is a local file listing the objects and jobs, one a line.",
        (), categories=("data", "metadata", "exec"))
    parser.add_argument("path", nargs="+", help="Path of a data object, job ID, or file of IDs to wait for")
    parser.add_argument("--from-file", action="store_true", help="Read the objects to wait for from the file PATH")
    register()


COMMANDS = {
    "get_details": _add_get_details,
    "set_details": _add_set_details,
    "set_visibility": _add_set_visibility,
    "add_types": _add_types_command("add_types", add_types, "Add types to a data object", "add"),
    "remove_types": _add_types_command("remove_types", remove_types, "Remove types from a data object", "remove"),
    "tag": _add_tag_command("tag", add_tags, "Tag a project, data object, or execution", "add"),
    "untag": _add_tag_command("untag", remove_tags, "Untag a project, data object, or execution", "remove"),
    "rename": _add_rename,
    "set_properties": _add_set_properties,
    "unset_properties": _add_unset_properties,
    "close": _add_close,
    "wait": _add_wait,
}
