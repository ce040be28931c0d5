"""dx commands that move file and record contents: upload, download, make_download_url, cat,
head and get. Transfers go through the library (``dxpy.upload_local_file``,
``dxpy.download_dxfile``, ``DXFile``); this module parses, resolves paths and prints."""
import argparse
import copy
import json
import os
import re
import sys

from ..exceptions import EXPECTED_ERR_EXIT_STATUS, err_exit
from ..utils.printing import fill
from . import registry, try_call
from .download import download, download_one_file, local_name, refuse, refuse_existing  # noqa: F401
from .parsers import DXParserError, env_args, no_color_arg, parser_dataobject_args, stdout_args

# Bytes per read when printing a file.
_CAT_CHUNK = 1024 * 1024
# Bytes per read when printing the first lines of a file.
_HEAD_CHUNK = 32 * 1024
_DEFAULT_URL_SECONDS = 24 * 3600


def _help(text):
    return fill(text, width_adjustment=-24)


def _resolve_entity(path, wrap=False, **kwargs):
    """(project, description result) of the data object *path* names; exits 3 when it names
    none (a folder or project), the message wrapped at the terminal's width with *wrap*."""
    from ..utils.resolver import resolve_existing_path
    project, _folder, result = try_call(resolve_existing_path, path, **kwargs)
    if result is None:
        message = "Could not resolve " + path + " to a data object"
        err_exit(fill(message) if wrap else message, EXPECTED_ERR_EXIT_STATUS)
    return project, result


# -- upload ------------------------------------------------------------------------------------

# Real paths of the directories uploaded by this process: a symlink loop is walked once.
upload_seen_paths = set()


def _take_destination(args):
    """``-o`` is an older spelling of ``--path``: one of them at most."""
    if args.output is not None and args.path is not None:
        raise DXParserError("Error: Cannot provide both the -o/--output and --path/--destination arguments")
    if args.path is None:
        args.path = args.output


def upload(args, **kwargs):
    """``dx upload FILE...``: each local file or (with -r) directory, "-" for stdin.
    (*kwargs*: dxpy's signature takes and ignores them.)"""
    try_call(_take_destination, args)  # a usage error: exit 3 without a traceback
    args.multithread = not args.singlethread
    if len(args.filename) > 1 and args.path is not None and not args.path.endswith("/"):
        args.path += "/"  # several sources: the destination is a folder
    for filename in list(args.filename):
        args.filename = filename
        upload_one(args)


def _upload_destination(args):
    """(project, folder, name or None) of the new file."""
    import dxpy
    from ..utils.resolver import resolve_path
    from_stdin = args.filename == "-"
    if args.path is None:
        project, folder, name = dxpy.WORKSPACE_ID, dxpy.config.get("DX_CLI_WD", "/"), None
    else:
        project, folder, name = try_call(resolve_path, args.path)
    if name is None and not from_stdin:
        name = os.path.basename(args.filename)
    return project, folder, name


def _upload_directory(args, project, folder):
    import dxpy
    if not args.recursive:
        err_exit("Error: {f} is a directory but the -r/--recursive option was not given".format(f=args.filename),
                 EXPECTED_ERR_EXIT_STATUS)
    real_path = os.path.realpath(args.filename)
    if real_path in upload_seen_paths:
        print("Skipping {f}: directory loop".format(f=args.filename), file=sys.stderr)
        return
    upload_seen_paths.add(real_path)
    base = os.path.basename(args.filename)
    entries = os.listdir(args.filename)
    if not entries:
        dxpy.api.project_new_folder(project, {"folder": os.path.join(folder, base), "parents": True})
    for entry in entries:
        child = copy.copy(args)
        child.mute = True
        child.filename = os.path.join(args.filename, entry)
        child.path = "{p}:{f}/{sf}/".format(p=project, f=folder, sf=base)
        child.parents = True
        upload_one(child)


def _upload_file(args, project, folder, name):
    import dxpy
    from ..utils.describe import print_desc
    from_stdin = args.filename == "-"
    dxfile = dxpy.upload_local_file(filename=None if from_stdin else args.filename,
                                    file=sys.stdin.buffer if from_stdin else None,
                                    write_buffer_size=None if args.write_buffer_size is None
                                    else int(args.write_buffer_size),
                                    name=name, tags=args.tags, types=args.types, hidden=args.hidden,
                                    project=project, properties=args.properties, details=args.details,
                                    folder=folder, parents=args.parents, show_progress=args.show_progress,
                                    multithread=args.multithread)
    if args.wait:
        dxfile._wait_on_close()
    if args.brief:
        print(dxfile.get_id())
    elif not args.mute:
        print_desc(dxfile.describe(incl_properties=True, incl_details=True))


def upload_one(args):
    """Upload ``args.filename`` (a file, "-" or a directory) to ``args.path``."""
    from .parsers import process_dataobject_args
    try_call(process_dataobject_args, args)
    args.show_progress = args.show_progress and not args.brief
    project, folder, name = _upload_destination(args)
    if os.path.isdir(args.filename):
        _upload_directory(args, project, folder)
    else:
        _upload_file(args, project, folder, name)


# -- download, cat, head -------------------------------------------------------------------------

def download_or_cat(args):
    """``dx download``: to local files, or with ``-o -`` to stdout."""
    if args.output == "-":
        cat(argparse.Namespace(path=list(args.paths), unicode_text=args.unicode_text))
        return
    download(args)


def _billed_project(path, project, desc):
    """The project to name when reading the file *path* names: the one the path gives (checked
    to hold it), else none."""
    from ..utils.resolver import is_jbor_str, is_project_explicit, object_exists_in_project
    if is_jbor_str(path):
        return desc["project"]
    if not is_project_explicit(path):
        return None
    if project is not None and not object_exists_in_project(desc["id"], project):
        err_exit("Error: project does not contain specified file object", EXPECTED_ERR_EXIT_STATUS)
    return project


def _write_file_to_stdout(file_id, project, text):
    import dxpy
    handler = dxpy.DXFile(file_id, mode="r" if text else "rb")
    out = sys.stdout if text else sys.stdout.buffer
    while True:
        chunk = handler.read(_CAT_CHUNK, project=project or dxpy.DXFile.NO_PROJECT_HINT)
        if not chunk:
            break
        out.write(chunk)
    out.flush()


def cat(args):
    """``dx cat PATH...``: the files' contents, one after the other, on stdout."""
    for path in args.path:
        project, result = _resolve_entity(path)
        if result["describe"]["class"] != "file":
            err_exit("Error: expected a file object", EXPECTED_ERR_EXIT_STATUS)
        project = _billed_project(path, project, result["describe"])
        _write_file_to_stdout(result["id"], project, args.unicode_text)


def _require_class(result, expected):
    klass = result["describe"]["class"]
    if klass != expected:
        err_exit("Error: The given object is of class " + klass + " but an object of class " + expected +
                 " was expected", EXPECTED_ERR_EXIT_STATUS)


def head(args):
    """``dx head [-n N] PATH``: the first N lines of a file ("File contains binary data" once
    the text stops being UTF-8)."""
    import dxpy
    project, result = _resolve_entity(args.path, expected="entity")
    _require_class(result, "file")
    if args.lines <= 0:
        return
    handler = dxpy.DXFile(result["id"], project=project, read_buffer_size=_HEAD_CHUNK)
    try:
        for count, line in enumerate(handler, 1):
            print(line)
            if count == args.lines:
                break
    except UnicodeDecodeError:
        sys.stdout.write("File contains binary data")


def make_download_url(args):
    """``dx make_download_url PATH``: a preauthenticated URL of the file."""
    import dxpy
    from ..utils import normalize_timedelta
    project, result = _resolve_entity(args.path, wrap=True, expected="entity")
    if result["describe"]["class"] != "file":
        err_exit(fill("Error: dx download is only for downloading file objects"), EXPECTED_ERR_EXIT_STATUS)
    filename = args.filename if args.filename is not None else result["describe"]["name"]
    dxfile = dxpy.DXFile(result["id"], project=project)
    # Only a project is billed, never a job's workspace.
    billed = dxfile.project if re.match(r"^project-[a-zA-Z0-9]{24}$", dxfile.project or "") \
        else dxpy.DXFile.NO_PROJECT_HINT
    duration = normalize_timedelta(args.duration) // 1000 if args.duration else _DEFAULT_URL_SECONDS
    url, _headers = dxfile.get_download_url(preauthenticated=True, duration=duration, filename=filename,
                                            project=billed)
    print(url)


# -- get ---------------------------------------------------------------------------------------

def get_record(entity_result, args):
    """``dx get`` of a record: its details as indented JSON, to a file (NAME.json by default)
    or to stdout with ``-o -``."""
    import dxpy
    details = dxpy.api.record_get_details(entity_result["id"])
    text = json.dumps(details, indent=4)
    if args.output == "-":
        sys.stdout.write(text)
        return
    filename = args.output
    if filename is None:
        filename = local_name(entity_result["describe"]["name"]) + ("" if args.no_ext else ".json")
    refuse_existing(filename, args)
    try:
        with open(filename, "w") as handle:
            handle.write(text)
    except EnvironmentError:
        err_exit("Error opening destination file " + filename, EXPECTED_ERR_EXIT_STATUS)


def get_output_path(obj_name, obj_class, args):
    """The local directory that ``dx get`` of an applet, app, workflow or database writes to:
    OUTPUT (or OUTPUT/NAME when OUTPUT is a directory), created empty. An existing file there
    is replaced with -f; an existing non-empty directory is refused (for a database with -f
    its files are added)."""
    if args.output == "-":
        err_exit("Error: {} objects cannot be dumped to stdout, please specify a directory".format(obj_class),
                 EXPECTED_ERR_EXIT_STATUS)
    base = args.output or "."
    output_path = os.path.join(base, local_name(obj_name)) if os.path.isdir(base) else base
    if os.path.isfile(output_path):
        refuse_existing(output_path, args)
        os.unlink(output_path)
    if not os.path.exists(output_path):
        print('Creating "{}" output directory'.format(output_path), file=sys.stderr)
        os.mkdir(output_path)
    if os.listdir(output_path) and not (obj_class == "database" and args.overwrite):
        refuse('Error: path "' + output_path + '" already exists. Remove it and try again.')
    return output_path


def _get_file(project, desc, args):
    """``dx get`` of a file: to OUTPUT (a file, a directory, or "-" for stdout), else to its name."""
    if args.output == "-":
        cat(argparse.Namespace(path=[desc["id"]], unicode_text=False))
        return
    dest = local_name(desc["name"])
    if args.output is not None:
        dest = os.path.join(args.output, dest) if os.path.isdir(args.output) else args.output
    download_one_file(project, desc, dest, args)


def _describe_global(path):
    """(None, result) for an app or global workflow named by ID-like prefix, else None."""
    import dxpy
    from ..utils.resolver import is_hashid
    if is_hashid(path) or ":" in path:
        return None
    if path.startswith("app-"):
        desc = dxpy.api.app_describe(path)
    elif path.startswith("globalworkflow-"):
        desc = dxpy.api.global_workflow_describe(path)
    else:
        return None
    return None, {"id": desc["id"], "describe": desc}


def get_applet(project, entity_result, args):
    """``dx get`` of an applet: its source directory, resources included unless omitted."""
    import dxpy
    from ..utils.executable_unbuilder import dump_executable
    output_path = get_output_path(entity_result["describe"]["name"], entity_result["describe"]["class"], args)
    print("Downloading applet data", file=sys.stderr)
    applet = dxpy.DXApplet(entity_result["id"], project=project)
    describe_output = applet.describe(incl_properties=True, incl_details=True)
    dump_executable(applet, output_path, omit_resources=args.omit_resources, describe_output=describe_output)


def get_app(entity_result, args):
    """``dx get`` of an app: its source directory, resources included unless omitted."""
    import dxpy
    from ..utils.executable_unbuilder import dump_executable
    output_path = get_output_path(entity_result["describe"]["name"], entity_result["describe"]["class"], args)
    print("Downloading application data", file=sys.stderr)
    dump_executable(dxpy.DXApp(entity_result["id"]), output_path, omit_resources=args.omit_resources)


def get_workflow(entity_result, args):
    """``dx get`` of a workflow or global workflow: its dxworkflow.json (and Readme.md)."""
    import dxpy
    from ..utils.executable_unbuilder import dump_executable
    desc = entity_result["describe"]
    output_path = get_output_path(desc["name"], desc["class"], args)
    print("Downloading workflow data", file=sys.stderr)
    handler = dxpy.DXWorkflow if desc["class"] == "workflow" else dxpy.DXGlobalWorkflow
    dump_executable(handler(entity_result["id"]), output_path, omit_resources=True, describe_output=desc)


def get(args):
    """``dx get PATH``: a file's contents, a record's details, or the source directory of an
    applet, app, workflow or global workflow, saved locally."""
    found = _describe_global(args.path)
    project, result = found if found is not None else _resolve_entity(args.path, expected="entity")
    klass = result["describe"]["class"]
    if klass == "file":
        _get_file(project, result["describe"], args)
    elif klass == "record":
        get_record(result, args)
    elif klass == "applet":
        get_applet(project, result, args)
    elif klass == "app":
        get_app(result, args)
    elif klass in ("workflow", "globalworkflow"):
        get_workflow(result, args)
    elif klass == "database":
        from .databases import get_database
        get_database(result, args)
    else:
        err_exit("Error: The given object is of class " + klass + " but an object of class file, record, "
                 "applet, app, or workflow was expected", EXPECTED_ERR_EXIT_STATUS)


# -- parsers -------------------------------------------------------------------------------------

def _progress_option(parser):
    # Shown by default only when stderr is a terminal, as dxpy does.
    parser.add_argument("--no-progress", dest="show_progress", action="store_false", default=sys.stderr.isatty(),
                        help="Do not show a progress bar")


def _unicode_option(parser):
    parser.add_argument("--unicode", dest="unicode_text", action="store_true",
                        help=_help("Decode the data as UTF-8 text when writing it to stdout"))


def _add_upload(subparsers):
    parser = subparsers.add_parser(
        "upload", help="Upload file(s) or directory", prog="dx upload",
        parents=[parser_dataobject_args, stdout_args, env_args],
        description=fill('Upload local files or directories ("-" reads stdin). A new file takes the local '
                         "file's name unless --path/--destination gives one: a destination ending in a slash "
                         "is the folder to upload into, otherwise it is the full path of the new file."))
    parser.add_argument("filename", nargs="+",
                        help=_help('Local file or directory to upload ("-" for stdin); give several to upload '
                                   "them all"))
    parser.add_argument("-o", "--output", help=argparse.SUPPRESS)  # older spelling of --path
    parser.add_argument("--path", "--destination", nargs="?",
                        help=_help("Where to upload to on the platform (default: the current project and "
                                   "folder)"))
    parser.add_argument("-r", "--recursive", action="store_true", help="Upload directories and their contents")
    parser.add_argument("--wait", action="store_true", help="Return only once the file is closed")
    _progress_option(parser)
    parser.add_argument("--buffer-size", dest="write_buffer_size", help="Size of each part uploaded, in bytes")
    parser.add_argument("--singlethread", dest="singlethread", action="store_true",
                        help="Upload one part at a time")
    parser.set_defaults(func=upload, mute=False)
    registry.register_parser(parser, categories="data")


def _add_download(subparsers):
    parser = subparsers.add_parser(
        "download", help="Download file(s)", prog="dx download", parents=[env_args],
        description=fill('Download one or more files, or folders. "-o -" writes the contents to stdout.'))
    parser.add_argument("paths", nargs="+", metavar="path",
                        help="ID or name of a file, or a folder, to download")
    parser.add_argument("-o", "--output",
                        help='Local file or directory to save to ("-" for stdout); by default, or inside a '
                             "directory, the object's name on the platform")
    parser.add_argument("-f", "--overwrite", action="store_true",
                        help="Overwrite an existing local file, or resume it if what it holds so far matches "
                             "the remote file")
    parser.add_argument("-r", "--recursive", action="store_true", help="Download folders and their contents")
    parser.add_argument("-a", "--all", action="store_true", help="Download every object that matches a name")
    _progress_option(parser)
    parser.add_argument("--lightweight", action="store_true",
                        help="Make fewer API calls by skipping some checks")
    parser.add_argument("--symlink-max-tries", type=registry.positive_integer, default=15,
                        help="Most attempts at a symlinked file")
    _unicode_option(parser)
    parser.set_defaults(func=download_or_cat)
    registry.register_parser(parser, categories="data")


def _add_make_download_url(subparsers):
    parser = subparsers.add_parser(
        "make_download_url", help="Create a file download link for sharing", prog="dx make_download_url",
        description=fill("Print a preauthenticated URL that downloads a file without logging in."))
    parser.add_argument("path", help="The file, with its project: project-xxxx:file-yyyy or "
                                     "project-xxxx:/path/to/file.txt")
    parser.add_argument("--duration",
                        help="How long the URL works: seconds, or a number with a suffix s, m, h, d, w, M or y "
                             "(default: 1 day)")
    parser.add_argument("--filename", help="Name the browser saves the file as (default: the file's name)")
    parser.set_defaults(func=make_download_url)
    registry.register_parser(parser, categories="data")


def _add_cat(subparsers):
    parser = subparsers.add_parser("cat", help="Print file(s) to stdout", prog="dx cat", parents=[env_args])
    parser.add_argument("path", nargs="+", help="IDs or names of the files to print")
    _unicode_option(parser)
    parser.set_defaults(func=cat)
    registry.register_parser(parser, categories="data")


def _add_head(subparsers):
    parser = subparsers.add_parser("head", help="Print part of a file", prog="dx head",
                                   parents=[no_color_arg, env_args],
                                   description=fill("Print the first lines of a file (10 unless told otherwise)."))
    parser.add_argument("-n", "--lines", type=int, metavar="N", default=10,
                        help="How many lines to print (default 10)")
    parser.add_argument("path", help="ID or name of the file")
    parser.set_defaults(func=head)
    registry.register_parser(parser, categories="data")


def _add_get(subparsers):
    parser = subparsers.add_parser(
        "get", help="Download records, apps, applets, workflows, files, and databases.", prog="dx get",
        parents=[env_args],
        description=fill('Save the contents of a data object locally: a file\'s data, a record\'s details as '
                         'JSON ("-o -" writes them to stdout), or the source directory of an applet, app or '
                         'workflow, from which "dx build" makes it again.'))
    parser.add_argument("path", help="ID or name of the object")
    parser.add_argument("-o", "--output",
                        help='Local path to save to ("-" for stdout, for files and records); by default the '
                             "object's name, with .json added for a record")
    parser.add_argument("--filename", default="/",
                        help="For a database: the file or folder inside it to download")
    parser.add_argument("--allow-all-files", dest="allow_all_files", action="store_true", default=False,
                        help="For a database: allow downloading all its files when --filename is not given")
    parser.add_argument("--recurse", action="store_true", default=False,
                        help="For a database: look for files in subfolders too")
    parser.add_argument("--no-ext", action="store_true",
                        help="Without -o, do not add an extension to the name")
    parser.add_argument("--omit-resources", action="store_true",
                        help="For an app or applet: leave out its resources")
    parser.add_argument("-f", "--overwrite", action="store_true", help="Replace an existing local file")
    parser.set_defaults(func=get)
    registry.register_parser(parser, categories="data")


COMMANDS = {
    "upload": _add_upload,
    "download": _add_download,
    "make_download_url": _add_make_download_url,
    "cat": _add_cat,
    "head": _add_head,
    "get": _add_get,
}
