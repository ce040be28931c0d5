"""``dx archive`` and ``dx unarchive``: ask the platform to move files, or the files of one
folder, of one project to archival storage and back (``/project-xxxx/archive``, ``unarchive``)."""
import argparse
import copy

from ..exceptions import err_exit
from ..utils.printing import BOLD, fill
from . import INTERACTIVE_CLI, prompt_for_yn, registry
from .console import eprint
from .parsers import all_arg

EXPECTED_ERR_EXIT_STATUS = 3


def _fail(message):
    err_exit(message, code=EXPECTED_ERR_EXIT_STATUS)


def _project_of(word):
    """The project ID that the part before the colon names ("" for the current project)."""
    import dxpy
    from ..utils.resolver import is_container_id, pick
    if is_container_id(word) and word.startswith("project-"):
        return word
    if word == "":
        if not dxpy.PROJECT_CONTEXT_ID:
            _fail("Cannot find current project. Please check the environment.")
        return dxpy.PROJECT_CONTEXT_ID
    try:
        found = list(dxpy.find_projects(name=word, describe=True))
    except dxpy.DXAPIError:
        found = []
    if not found:
        _fail("Cannot find project with name {}".format(word))
    choice = pick(["{} ({})".format(result["describe"]["name"], result["id"]) for result in found])
    return found[choice]["id"]


def _split_paths(paths):
    """(project words, folders, file words) of the command line's paths: a path ending with
    "/" names a folder, any other a file."""
    from ..utils.resolver import clean_folder_path, split_unescaped
    projects, folders, files = [], [], []
    for path in paths:
        parts = split_unescaped(":", path, include_empty_strings=True)
        if len(parts) > 2 or not parts or not parts[-1]:
            _fail("Path '{}' is invalid. Please check the inputs or check --help for example inputs.".format(path))
        project_word = parts[0] if len(parts) == 2 else ""
        if project_word not in projects:
            projects.append(project_word)
        obj = parts[-1]
        if obj.endswith("/"):
            folder, _name = clean_folder_path(("" if obj.startswith("/") else "/") + obj)
            if folder not in folders:
                folders.append(folder)
        elif obj not in files:
            files.append(obj)
    return projects, folders, files


def _file_ids(words, project, take_all):
    """File IDs of *words* (IDs or paths in *project*); a name shared by several files asks
    which (all of them with --all)."""
    import dxpy
    from ..utils.resolver import clean_folder_path, is_data_obj_id, pick
    ids = []
    for word in words:
        if is_data_obj_id(word) and word.startswith("file-"):
            found_ids = [word]
        else:
            folder, name = clean_folder_path(("" if word.startswith("/") else "/") + word)
            try:
                results = list(dxpy.find_data_objects(classname="file", name=name, project=project, folder=folder,
                                                      describe=True, recurse=False))
            except dxpy.DXAPIError:
                results = []
            if not results:
                _fail("Input '{}' is not found as a file in project '{}'".format(word, project))
            found_ids = [result["id"] for result in results]
            if not take_all:
                choice = pick(["{} ({})".format(result["describe"]["name"], result["id"]) for result in results],
                              allow_mult=True)
                if choice != "*":
                    found_ids = [results[choice]["id"]]
        ids.extend(file_id for file_id in found_ids if file_id not in ids)
    return ids


def _targets(args):
    """(file IDs, folder, project) that the paths name: one project, and either one folder or files."""
    project_words, folders, file_words = _split_paths(args.path)
    project = None
    for word in project_words:
        found = _project_of(word)
        if project is not None and found != project:
            _fail("All paths must refer to files/folder in a single project, but two project ids: '{}' and '{}' are "
                  "given. ".format(project, found))
        project = found
    if len(folders) > 1:
        _fail("Only one folder is allowed for each request. Please check the inputs or check --help for example "
              "inputs.")
    if folders and file_words:
        _fail("Expecting either a single folder or a list of files for each API request")
    if folders:
        return [], folders[0], project
    return _file_ids(file_words, project, args.all), None, project


def _send(project, request, route):
    import dxpy
    try:
        return route(project, request)
    except Exception as error:
        from ..exceptions import format_exception
        eprint("Failed request: {}".format(request))
        if isinstance(error, (dxpy.exceptions.InvalidState, dxpy.exceptions.ResourceNotFound,
                              dxpy.exceptions.PermissionDenied)):
            eprint("     API error: {}. {}".format(error.name, error.msg))
        else:
            eprint("     Unexpected error: {}".format(format_exception(error)))
        _fail("Failed request: {}. {}".format(request, format_exception(error)))


def archive(args):
    """``dx archive`` and ``dx unarchive`` (by ``args.request_mode``): tag the files for
    archival or unarchival and say how many were tagged."""
    import dxpy
    files, folder, project = _targets(args)
    if files:
        request = {"files": files}
    elif folder:
        request = {"folder": folder, "recurse": args.recurse}
    else:
        _fail("No input file/folder is found in project {}".format(project))
    archiving = args.request_mode == "archival"
    if archiving:
        request["allCopies"] = args.all_copies
        route = dxpy.api.project_archive
    else:
        request["rate"] = args.rate
        route = dxpy.api.project_unarchive
    if args.confirm and INTERACTIVE_CLI:
        if not archiving:
            dry_run = _send(project, dict(copy.deepcopy(request), dryRun=True), route)
            print("Will tag {} file(s) for unarchival in {}, totalling {} GB, costing ${}".format(
                dry_run["files"], project, dry_run["size"], dry_run["cost"] / 1000))
        elif files:
            print("Will tag {} file(s) for archival in {}".format(len(files), project))
        else:
            print("Will tag file(s) for archival in folder {}:{} {}recursively".format(
                project, folder, "" if args.recurse else "non-"))
        if not prompt_for_yn("Confirm all paths?", default=True):
            return
    result = _send(project, request, route)
    if not args.quiet:
        print()
        if archiving:
            print("Tagged {} file(s) for archival in {}".format(result["count"], project))
        else:
            print("Tagged {} file(s) for unarchival, totalling {} GB, costing ${}".format(
                result["files"], result["size"], result["cost"] / 1000))
        print()


_EXAMPLES = '''
The input paths should be either 1 folder path or up to 1000 files, and all path(s) need to be in the same project.
To specify which project to use, prepend the path or ID of the file/folder with the project ID or name and a colon.

EXAMPLES:

    # {verb} 3 files in project "FirstProj" with project ID project-B0VK6F6gpqG6z7JGkbqQ000Q
    $ dx {verb} FirstProj:file-B0XBQFygpqGK8ZPjbk0Q000Q FirstProj:/path/to/file1 project-B0VK6F6gpqG6z7JGkbqQ000Q:/file2

    # {verb} 2 files in current project. Specifying file ids saves time by avoiding file name resolution.
    $ dx select FirstProj
    $ dx {verb} file-A00000ygpqGK8ZPjbk0Q000Q file-B00000ygpqGK8ZPjbk0Q000Q

    # {verb} all files recursively in project-B0VK6F6gpqG6z7JGkbqQ000Q
    $ dx {verb} project-B0VK6F6gpqG6z7JGkbqQ000Q:/
  '''


def _add_quiet(parser):
    parser.add_argument("-q", "--quiet", help="Do not print extra info messages", action="store_true")


def _add_common(parser, verb):
    parser.add_argument("-y", "--yes", dest="confirm", default=True, action="store_false",
                        help=fill("Do not ask for confirmation.", width_adjustment=-24))
    parser.add_argument("--no-recurse", dest="recurse", action="store_false",
                        help=fill("When `path` refers to a single folder, this flag causes only files in the specified "
                                  "folder and not its subfolders to be {}. This flag has no impact when `path` input "
                                  "refers to a collection of files.".format(verb), width_adjustment=-24))
    parser.add_argument("path", default=[], nargs="+",
                        help=fill("May refer to a single folder or specify up to 1000 files inside a project.",
                                  width_adjustment=-24))


def _add_archive(subparsers):
    parser = subparsers.add_parser(
        "archive", prog="dx archive", parents=[all_arg], formatter_class=argparse.RawTextHelpFormatter,
        help="Requests for the specified set files or for the files in a single specified folder in one project to "
             "be archived on the platform",
        description="\nRequests for {} or for the files in {} in {} to be archived on the platform.\n"
                    "For each file, if this is the last copy of a file to have archival requested, it will trigger "
                    "the full archival of the object.\nOtherwise, the file will be marked in an archival state "
                    "denoting that archival has been requested.\n".format(
                        BOLD("the specified set files"), BOLD("a single specified folder"), BOLD("ONE project"))
                    + _EXAMPLES.format(verb="archive"))
    _add_quiet(parser)
    parser.add_argument("--all-copies", dest="all_copies", default=False, action="store_true",
                        help=fill("If true, archive all the copies of files in projects with the same billTo org.",
                                  width_adjustment=-24) + "\n" + fill(
                            "See https://documentation.dnanexus.com/developer/api/data-containers/projects"
                            "#api-method-project-xxxx-archive for details.", width_adjustment=-24))
    _add_common(parser, "archived")
    parser.add_argument_group(title="Output",
                              description='If -q option is not specified, prints "Tagged <count> file(s) for archival"')
    parser.set_defaults(func=archive, request_mode="archival")
    registry.register_parser(parser, categories="fs")


def _add_unarchive(subparsers):
    parser = subparsers.add_parser(
        "unarchive", prog="dx unarchive", parents=[all_arg], formatter_class=argparse.RawTextHelpFormatter,
        help="Requests for the specified set files or for the files in a single specified folder in one project to "
             "be unarchived on the platform.",
        description="\nRequests for {} or for the files in {} in {} to be unarchived on the platform.\n"
                    "The requested copy will eventually be transitioned over to the live state while all other "
                    "copies will move over to the archival state.\n".format(
                        BOLD("a specified set files"), BOLD("a single specified folder"), BOLD("ONE project"))
                    + _EXAMPLES.format(verb="unarchive"))
    parser.add_argument("--rate", choices=["Expedited", "Standard", "Bulk"], default="Standard",
                        help=fill("The speed at which all files in this request are unarchived.", width_adjustment=-24)
                        + "\n" + fill("- Azure regions: {Standard, Expedited}", width_adjustment=-24,
                                      initial_indent="  ")
                        + "\n" + fill("- AWS regions: {Standard, Bulk}", width_adjustment=-24, initial_indent="  "))
    _add_quiet(parser)
    _add_common(parser, "unarchived")
    parser.add_argument_group(title="Output", description='If -q option is not specified, prints "Tagged <> file(s) '
                                                          'for unarchival, totalling <> GB, costing <> "')
    parser.set_defaults(func=archive, request_mode="unarchival")
    registry.register_parser(parser, categories="fs")


COMMANDS = {"archive": _add_archive, "unarchive": _add_unarchive}
