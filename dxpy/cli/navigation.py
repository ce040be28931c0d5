"""``dx ls``, ``tree``, ``mkdir``, ``rmdir``, ``rm``, ``mv`` and ``cp``: list and organize the
folders and data objects of a project.

Commands that act on several paths (mkdir, rmdir, rm) go through all of them, print a line for
each one that fails and then exit 3, as dxpy's dx does.
"""
import argparse

from ..exceptions import err_exit
from ..utils.printing import fill
from . import registry
from .parsers import all_arg, delim_arg, env_args, no_color_arg, stdout_args

_HELP_WIDTH = -24


def _help(text):
    return fill(text, width_adjustment=_HELP_WIDTH)


def cmp_names(x):
    """Sort key of a listed or found object: its name, ignoring case."""
    return x["describe"]["name"].lower()


def _folder_label(name):
    from ..utils.printing import BLUE, BOLD, ENDC
    return BOLD() + BLUE() + name + ENDC()


# -- ls -------------------------------------------------------------------------------------------

def ls(args):
    """``dx ls [PATH]``: the folders and objects of a folder, or the objects PATH names."""
    from ..utils.resolver import resolve_existing_path
    from . import try_call
    project, folderpath, entity_results = try_call(resolve_existing_path, args.path, ask_to_resolve=False)
    if project is None:
        err_exit("Current project must be set or specified before any data can be listed", 3)
    if entity_results is None:
        _ls_folder(args, project, folderpath)
    else:
        _print_ls_objects(args, [found for found in entity_results if found["describe"]["project"] == project])


def _ls_only(args):
    """What to ask listFolder for: --obj and --folders each narrow it, unless --full is given."""
    if args.obj and not args.folders and not args.full:
        return "objects"
    if args.folders and not args.obj and not args.full:
        return "folders"
    return "all"


def _ls_describe_fields(args):
    """The least each output style needs to know about an object."""
    from ..utils.describe import get_ls_l_desc_fields
    if args.brief:
        return {"id": True, "name": True}
    if args.verbose:
        return get_ls_l_desc_fields()
    return {"id": True, "class": True, "name": True}


def _ls_folder(args, project, folderpath):
    import dxpy
    from ..utils.describe import print_ls_l_header
    from ..utils.printing import UNDERLINE
    handler = dxpy.get_handler(project)
    listing = handler.list_folder(folder=folderpath, describe={"fields": _ls_describe_fields(args)},
                                  only=_ls_only(args), includeHidden=args.all)
    if args.verbose:
        print(UNDERLINE("Project:") + " " + handler.describe()["name"] + " (" + project + ")")
        print(UNDERLINE("Folder :") + " " + folderpath)
    if not args.obj:
        _print_ls_folders(args, (["/.", "/.."] if args.all else []) + listing["folders"])
    if not args.folders:
        objects = sorted(listing["objects"], key=cmp_names)
        if args.verbose:
            if objects:
                print_ls_l_header()
            else:
                print("No data objects found in the folder")
        _print_ls_objects(args, objects)


def _print_ls_folders(args, folders):
    for folder in folders:
        print(_folder_label(folder if args.full else folder.rsplit("/", 1)[-1] + "/"))


def _print_ls_objects(args, results):
    """One line per object: its ID (--brief), its long line (-l), or its name, with the ID
    when another listed object has the same name."""
    import collections
    from ..utils.describe import print_ls_desc, print_ls_l_desc
    name_counts = collections.Counter(found["describe"]["name"] for found in results)
    for found in results:
        if args.brief:
            print(found["id"])
        elif args.verbose:
            print_ls_l_desc(found["describe"], include_project=False)
        else:
            print_ls_desc(found["describe"], print_id=name_counts[found["describe"]["name"]] > 1)


# -- tree -----------------------------------------------------------------------------------------

def tree(args):
    """``dx tree [PATH]``: the folders and objects under a folder, drawn as a tree."""
    import dxpy
    from ..utils.describe import get_ls_desc, get_ls_l_desc, get_ls_l_desc_fields
    from ..utils.pretty_print import format_tree
    from ..utils.resolver import resolve_existing_path
    from . import try_call
    project, folderpath, _none = try_call(resolve_existing_path, args.path, expected="folder")
    if project is None:
        err_exit(fill("Current project must be set or specified before any data can be listed"), 3)
    all_folders = dxpy.get_handler(project).describe(input_params={"folders": True})["folders"]
    if folderpath not in all_folders:
        # dxpy's dx draws an empty tree here; say that the folder is missing, as dx cd does.
        err_exit(fill(folderpath + ": No such file or directory found in project " + project), 3)
    root = {}
    for folder in all_folders:
        if folder.startswith(folderpath if folderpath == "/" else folderpath + "/"):
            _tree_node(root, folderpath, folder, create=True)
    found = dxpy.find_data_objects(project=project, folder=folderpath, recurse=True,
                                   visibility="either" if args.all else None,
                                   describe={"fields": get_ls_l_desc_fields()})
    for item in sorted(found, key=cmp_names):
        desc = item["describe"]
        label = get_ls_l_desc(desc) if args.long else get_ls_desc(desc)
        _tree_node(root, folderpath, desc["folder"])[label] = None
    print(format_tree(root, root=_folder_label(args.path)))


def _tree_node(root, base, folder, create=False):
    """The children of *folder* in the tree *root* drawn for the folder *base*."""
    node = root
    for name in folder[len(base):].split("/"):
        if name:
            label = _folder_label(name)
            node = node.setdefault(label, {}) if create else node[label]
    return node


# -- mkdir, rmdir ---------------------------------------------------------------------------------

def _for_each_folder(paths, action, doing):
    """Call ``action(project, folder)`` for each of *paths* taken as folder paths; print why
    a path could not be resolved or acted on, and exit 3 at the end if any failed."""
    from ..utils.resolver import ResolutionError, resolve_path
    had_error = False
    for path in paths:
        try:
            project, folderpath, _none = resolve_path(path, expected="folder")
        except ResolutionError as details:
            print(fill('Could not resolve "' + path + '": ' + str(details)))
            had_error = True
            continue
        if project is None:
            print(fill('Could not resolve the project of "' + path + '"'))
            had_error = True
            continue
        if folderpath is None:
            # An ID or a job output, not a folder path (dxpy's dx goes on and fails with a TypeError).
            print(fill('Could not resolve "' + path + '": expected a folder path, not an ID'))
            had_error = True
            continue
        try:
            action(project, folderpath)
        except Exception as details:
            print("Error while " + doing + " " + folderpath + " in " + project)
            print("  " + str(details))
            had_error = True
    if had_error:
        err_exit("", 3)


def mkdir(args):
    """``dx mkdir [-p] PATH...``."""
    import dxpy

    def create(project, folder):
        dxpy.api.project_new_folder(project, {"folder": folder, "parents": args.parents})
    _for_each_folder(args.paths, create, "creating")


def _remove_folder(project, folder, always_retry=False, **options):
    """removeFolder in as many partial calls as the server needs."""
    import dxpy
    from ..exceptions import DXError
    while True:
        response = dxpy.api.project_remove_folder(project, dict(options, folder=folder, partial=True),
                                                  always_retry=always_retry)
        if "completed" not in response:
            raise DXError("Error removing folder")
        if response["completed"]:
            return


def rmdir(args):
    """``dx rmdir PATH...``: remove empty folders."""
    _for_each_folder(args.paths, _remove_folder, "removing")


# -- rm -------------------------------------------------------------------------------------------

_RED_ALERT = """
===========================================================================
*     {alert}: Recursive deletion will remove all files in project!     *
*                                                                         *
*                  {project}                       *
*                                                                         *
*   Please issue 'dx rm -r --force' if you are sure you want to do this.  *
===========================================================================
"""


def _refuse_removing_a_whole_project(args):
    """Without --force, ``rm -r`` of a project's root folder only warns, and exits 3."""
    from ..utils.printing import RED, nostderr
    from ..utils.resolver import resolve_existing_path
    for path in args.paths:
        try:
            with nostderr():
                project, folderpath, entity_results = resolve_existing_path(path, allow_mult=True,
                                                                            all_mult=args.all)
        except Exception:
            continue  # reported when the paths are resolved for removal
        if folderpath == "/" and entity_results is None:
            print(_RED_ALERT.format(alert=RED("RED ALERT"), project=project))
            err_exit("", 3)


def _paths_to_remove(args):
    """({project: {"folders": [...], "objects": [...]}}, had_error) for the paths of rm,
    printing why any path cannot be removed."""
    import collections
    from ..utils.resolver import resolve_existing_path
    projects = collections.OrderedDict()
    had_error = False
    for path in args.paths:
        try:
            project, folderpath, entity_results = resolve_existing_path(path, allow_mult=True, all_mult=args.all)
        except Exception as details:
            print(fill('Could not resolve "' + path + '": ' + str(details)))
            had_error = True
            continue
        if project is None:
            print(fill('Could not resolve "' + path + '" to a project'))
            had_error = True
            continue
        targets = projects.setdefault(project, {"folders": [], "objects": []})
        if entity_results is not None:
            targets["objects"] += [found["id"] for found in entity_results]
        elif folderpath is None:
            print(fill("Path " + path + ' resolved to a project; cannot remove a project using "rm"'))
            had_error = True
        elif not args.recursive:
            print(fill('Did not find "' + path + '" as a data object; if it is a folder, cannot remove it '
                       'without setting the "-r" flag'))
            had_error = True
        else:
            targets["folders"].append(folderpath)
    return projects, had_error


def rm(args):
    """``dx rm [-r] [-f] [-a] PATH...``: remove objects, and folders with -r."""
    import json

    import dxpy
    if args.recursive and not args.force:
        _refuse_removing_a_whole_project(args)
    projects, had_error = _paths_to_remove(args)
    for project, targets in projects.items():
        for folder in targets["folders"]:
            try:
                # force: removing again what is already gone is no error, so retries are safe
                _remove_folder(project, folder, always_retry=True, recurse=True, force=True)
            except Exception as details:
                print("Error while removing " + folder + " from " + project)
                print("  " + str(details))
                had_error = True
        try:
            dxpy.api.project_remove_objects(project, {"objects": targets["objects"], "force": True},
                                            always_retry=True)
        except Exception as details:
            print("Error while removing " + json.dumps(targets["objects"]) + " from " + project)
            print("  " + str(details))
            had_error = True
    if had_error:
        err_exit("", 3)


# -- mv -------------------------------------------------------------------------------------------

def mv(args):
    """``dx mv SOURCE... DESTINATION``: move into an existing folder, or rename one source."""
    import dxpy
    from ..utils.resolver import resolve_path
    from . import try_call
    dest_proj, dest_path, _none = try_call(resolve_path, args.destination, expected="folder")
    if dest_path is None:
        # dxpy's dx prints a traceback of its own ValueError before this line
        err_exit("Cannot move to a hash ID", 3)
    try:
        dxpy.get_handler(dest_proj).list_folder(folder=dest_path, only="folders")
    except Exception:
        # A new path. err_exit below reports this error (why the path is new) with its message.
        _mv_to_new_path(args, dest_proj, dest_path)
        return
    _mv_into_folder(args, dest_proj, dest_path)


def _mv_to_new_path(args, dest_proj, dest_path):
    """Rename the single source to *dest_path*, moving it first when its folder differs."""
    import dxpy
    from .cp import resolve_source, split_destination_path
    if len(args.sources) != 1:
        err_exit("The destination folder does not exist", 3)
    dest_folder, dest_name = split_destination_path(dest_path)
    try:
        dxpy.get_handler(dest_proj).list_folder(folder=dest_folder, only="folders")
    except Exception:
        err_exit("The destination folder does not exist", 3)
    src_proj, src_path, src_results = resolve_source(args.sources[0], args.all)
    if src_proj != dest_proj:
        err_exit(fill('Error: Using "mv" for moving something from one project to another is unsupported.'), 3)
    if src_results is None:
        if src_path == "/":
            err_exit(fill('Cannot rename root folder; to rename the project, please use the "dx rename" '
                          'subcommand.'), 3)
        dxpy.api.project_rename_folder(src_proj, {"folder": src_path, "newpath": dest_path})
        return
    if src_results[0]["describe"]["folder"] != dest_folder:
        dxpy.api.project_move(src_proj, {"objects": [found["id"] for found in src_results],
                                         "destination": dest_folder,
                                         "targetFileRelocation": args.target_file_relocation})
    for found in src_results:
        dxpy.DXHTTPRequest("/" + found["id"] + "/rename", {"project": src_proj, "name": dest_name})


def _mv_into_folder(args, dest_proj, dest_path):
    import dxpy
    from .cp import resolve_source
    objects, folders = [], []
    for source in args.sources:
        src_proj, src_folder, src_results = resolve_source(source, args.all)
        if src_proj != dest_proj:
            err_exit(fill('Using "mv" for moving something from one project to another is unsupported.  '
                          'Please use "cp" and "rm" instead.'), 3)
        if src_results is None:
            folders.append(src_folder)
        else:
            objects += [found["id"] for found in src_results]
    dxpy.api.project_move(dest_proj, {"objects": objects, "folders": folders, "destination": dest_path,
                                      "targetFileRelocation": args.target_file_relocation})


def cp(args):
    """``dx cp SOURCE... DESTINATION`` (see dxpy.cli.cp)."""
    from .cp import cp as copy
    copy(args)


# -- parsers --------------------------------------------------------------------------------------

_PATH_HELP = ("Folder to list, as FOLDER or PROJECT:/FOLDER (default: the current folder of the current "
              "project)")


def _add_ls(subparsers):
    parser = subparsers.add_parser("ls", help="List folders and/or objects in a folder",
                                   description="List the folders and/or data objects of a folder",
                                   parents=[no_color_arg, delim_arg, env_args, stdout_args], prog="dx ls")
    parser.add_argument("-a", "--all", action="store_true", help="include hidden objects")
    long_group = parser.add_mutually_exclusive_group()
    long_group.add_argument("-l", "--long", dest="verbose", action="store_true", help='Same as "--verbose"')
    parser.add_argument("--obj", action="store_true", help="list objects only")
    parser.add_argument("--folders", action="store_true", help="list folders only")
    parser.add_argument("--full", action="store_true", help="print the whole path of each folder")
    parser.add_argument("path", nargs="?", default=".",
                        help=_help(_PATH_HELP + "; a path naming objects (a name, a glob or an ID) lists just them"))
    parser.set_defaults(func=ls)
    registry.register_parser(parser, categories="fs")


def _add_tree(subparsers):
    parser = subparsers.add_parser("tree", help="List folders and objects in a tree",
                                   description="Draw the folders and data objects under a folder as a tree",
                                   parents=[no_color_arg, env_args], prog="dx tree")
    parser.add_argument("-a", "--all", action="store_true", help="include hidden objects")
    parser.add_argument("-l", "--long", action="store_true", help="show each object as a long listing line")
    parser.add_argument("path", nargs="?", default=".", help=_help(_PATH_HELP))
    parser.set_defaults(func=tree)
    registry.register_parser(parser, categories="fs")


_CP_DESCRIPTION = """{intro}

EXAMPLES

  {examples}

  $ dx cp FirstProj:file-B0XBQFygpqGK8ZPjbk0Q000q .
  $ dx cp reads.fq.gz project-B0VK6F6gpqG6z7JGkbqQ000Q:/folder/path/newname.fq.gz
"""


def _add_cp(subparsers):
    description = _CP_DESCRIPTION.format(
        intro=fill("Copy data objects and/or folders from one project to another; folders are copied with "
                   "everything in them. A path or ID preceded by a project name or ID and a colon names a "
                   "source or destination in that project."),
        examples=fill('The first command copies a file of the project "FirstProj" into the current folder of '
                      'the current project. The second copies the object "reads.fq.gz" of the current folder '
                      'into /folder/path of project-B0VK6F6gpqG6z7JGkbqQ000Q, naming the copy "newname.fq.gz".',
                      width_adjustment=-2, subsequent_indent="  "))
    parser = subparsers.add_parser("cp", help="Copy objects and/or folders between different projects",
                                   formatter_class=argparse.RawTextHelpFormatter, description=description,
                                   prog="dx cp", parents=[env_args, all_arg])
    _add_sources_and_destination(parser, "copy", "a different project or container than every source")
    parser.add_argument("--target-file-relocation", action="store_true", default=False,
                        help=_help("Let the target file of a symlink be relocated in external storage "
                                   "by the clone"))
    parser.set_defaults(func=cp)
    registry.register_parser(parser, categories="fs")


def _add_mv(subparsers):
    parser = subparsers.add_parser(
        "mv", help="Move or rename objects and/or folders inside a project",
        formatter_class=argparse.RawTextHelpFormatter, prog="dx mv", parents=[env_args, all_arg],
        description=fill("Move or rename data objects and/or folders within one project. To copy data from "
                         "one project to another, use 'dx cp'."))
    _add_sources_and_destination(parser, "move", "the project or container of every source")
    parser.add_argument("--target-file-relocation", action="store_true", default=False,
                        help=_help("Let the target file of a symlink be relocated in external storage "
                                   "by the move"))
    parser.set_defaults(func=mv)
    registry.register_parser(parser, categories="fs")


def _add_sources_and_destination(parser, verb, where):
    parser.add_argument("sources", metavar="source", nargs="+", help="Objects and/or folders to " + verb)
    parser.add_argument("destination", help=fill("Folder to " + verb + " the sources into, or the new path of a "
                                                 "single source; in " + where, width_adjustment=-15))


def _add_mkdir(subparsers):
    parser = subparsers.add_parser("mkdir", help="Create a new folder", description="Create new folders",
                                   prog="dx mkdir", parents=[env_args])
    parser.add_argument("-p", "--parents", action="store_true",
                        help="create missing parent folders; an existing folder is no error")
    parser.add_argument("paths", metavar="path", nargs="+", help="Folders to create")
    parser.set_defaults(func=mkdir)
    registry.register_parser(parser, categories="fs")


def _add_rmdir(subparsers):
    parser = subparsers.add_parser("rmdir", help="Remove a folder", description="Remove empty folders",
                                   prog="dx rmdir", parents=[env_args])
    parser.add_argument("paths", metavar="path", nargs="+", help="Folders to remove")
    parser.set_defaults(func=rmdir)
    registry.register_parser(parser, categories="fs")


def _add_rm(subparsers):
    parser = subparsers.add_parser("rm", help="Remove data objects and folders",
                                   description="Remove data objects, and folders with -r.", prog="dx rm",
                                   parents=[env_args, all_arg])
    parser.add_argument("paths", metavar="path", nargs="+", help="Objects (or folders, with -r) to remove")
    parser.add_argument("-r", "--recursive", action="store_true", help="Remove folders with everything in them")
    parser.add_argument("-f", "--force", action="store_true",
                        help="Do not stop at removing a whole project's contents")
    parser.set_defaults(func=rm)
    registry.register_parser(parser, categories="fs")


COMMANDS = {"ls": _add_ls, "tree": _add_tree, "cp": _add_cp, "mv": _add_mv, "mkdir": _add_mkdir,
            "rmdir": _add_rmdir, "rm": _add_rm}
