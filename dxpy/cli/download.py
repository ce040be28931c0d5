"""``dx download``: files, globs and folders to local files, through the library's transfers
(``dxpy.download_dxfile``, ``dxpy.download_folder``).

Refusals (an existing local file without ``-f``, a folder without ``-r``, ...) print dx's
message alone and exit 3, as every other invalid-input error of dx does.
"""
import collections
import logging
import os
import sys

import dxpy

from ..exceptions import EXPECTED_ERR_EXIT_STATUS, err_exit
from ..utils import pathmatch
from ..utils.printing import fill
from ..utils.resolver import (get_first_pos_of_char, is_jbor_str, is_project_explicit, object_exists_in_project,
                              resolve_existing_path)
from . import try_call

logger = logging.getLogger("dxpy")

# What the resolver describes for each match, so that no file needs a describe call of its own.
_FILE_DESCRIBE = {"parts": True, "size": True, "drive": True, "md5": True, "checksumType": True}


def do_debug(msg):
    """Log *msg* at debug level on the "dxpy" logger."""
    logger.debug(msg)


def refuse(message):
    """Print dx's *message* (wrapped) on stderr and exit 3."""
    err_exit(fill(message), EXPECTED_ERR_EXIT_STATUS)


def refuse_existing(path, args):
    """Exit when the local *path* exists and ``-f/--overwrite`` was not given."""
    if not args.overwrite and os.path.exists(path):
        refuse('Error: path "' + path + '" already exists but -f/--overwrite was not set')


def _show_progress(args):
    return bool(getattr(args, "show_progress", False))


def download_one_file(project, file_desc, dest_filename, args):
    """Download the file described by *file_desc* to *dest_filename*; other classes and files
    that are not closed are skipped with a note on stderr."""
    refuse_existing(dest_filename, args)
    if file_desc["class"] != "file":
        print("Skipping non-file data object {name} ({id})".format(**file_desc), file=sys.stderr)
        return
    if file_desc["state"] != "closed":
        print("Skipping file {name} ({id}) because it is not closed".format(**file_desc), file=sys.stderr)
        return
    tries = vars(args).get("symlink_max_tries")
    dxpy.download_dxfile(file_desc["id"], dest_filename, show_progress=_show_progress(args), project=project,
                         describe_output=file_desc, symlink_max_tries=15 if tries is None else tries)


def download_one_database_file(project, database_desc, dest_filename, src_filename, file_status, args):
    """Download *src_filename*, a file of the database described by *database_desc*, under the
    local directory *dest_filename*; *file_status* is its ``listFolder`` entry."""
    do_debug("download_one_database_file: %s of %s to %s" % (src_filename, database_desc.get("id"), dest_filename))
    # The file lands at dest_filename/src_filename: that is the path that must not be overwritten.
    refuse_existing(os.path.join(dest_filename, src_filename.strip("/")), args)
    if database_desc["class"] != "database":
        print("Skipping non-database data object {name} ({id})".format(**database_desc), file=sys.stderr)
        return
    dxpy.download_dxdatabasefile(database_desc["id"], dest_filename, src_filename, file_status,
                                 show_progress=_show_progress(args), project=project,
                                 describe_output=database_desc)


# -- which folders a path names ------------------------------------------------------------------

def _is_glob(path):
    return get_first_pos_of_char("*", path) > -1 or get_first_pos_of_char("?", path) > -1


def _absolute(path, project):
    """(absolute folder path, prefix to strip for local names) of *path* typed in *project*."""
    if not path.startswith("/") and dxpy.WORKSPACE_ID == project:
        path = os.path.join(dxpy.config.get("DX_CLI_WD", "/"), path)
    strip_prefix = os.path.dirname(path.rstrip("/"))
    if len(path) > 1:
        path = path.rstrip("/")
    return path, strip_prefix


def _matching_folders(project, path):
    """(folders of *project* that *path* names, as a glob; the prefix to strip from them)."""
    colon = get_first_pos_of_char(":", path)
    if colon >= 0:
        path = path[colon + 1:]
    abs_path, strip_prefix = _absolute(path, project)
    parent = os.path.dirname(abs_path)
    if not parent.startswith("/"):
        return [], strip_prefix  # a relative path outside the current project names no folder
    folders = pathmatch.filter(dxpy.list_subfolders(project, parent, recurse=False), abs_path)
    if "/" in folders and len(folders) > 1:
        folders.remove("/")  # the root would hold every other match again
    return folders, strip_prefix


# -- what to download --------------------------------------------------------------------------

class _Plan(object):
    """The files and folders that the paths name, by project (the project to bill)."""

    def __init__(self):
        self.files = collections.OrderedDict()
        self.folders = collections.OrderedDict()
        self.count = 0
        self.file_names, self.folder_names = [], []

    def add(self, project, files, folders, strip_prefix):
        self.files.setdefault(project, []).extend(files)
        self.folders.setdefault(project, []).extend((folder, strip_prefix) for folder in folders)
        self.count += len(files) + len(folders)
        self.file_names.extend(f["describe"]["name"] for f in files)
        self.folder_names.extend(folder[len(strip_prefix):].lstrip("/") for folder in folders)

    def check_name_conflicts(self):
        conflicts = set(self.file_names) & set(self.folder_names)
        if conflicts:
            refuse("Error: The following paths are both file and folder names, and cannot be downloaded to "
                   "the same destination: " + ", ".join(sorted(conflicts)))


def _resolve_files(path, args):
    kwargs = {"allow_empty_string": False, "describe": _FILE_DESCRIBE}
    if args.all or _is_glob(path):
        kwargs.update(allow_mult=True, all_mult=True)
    project, _folder, matches = try_call(resolve_existing_path, path, **kwargs)
    if matches is None:
        matches = []
    elif not isinstance(matches, list):
        matches = [matches]
    return project, matches


def _plan_path(plan, path, args):
    """Add what *path* names to *plan*."""
    project, files = _resolve_files(path, args)
    explicit_project = is_project_explicit(path) or is_jbor_str(path)
    if is_jbor_str(path):
        project = files[0]["describe"]["project"]
    folders, strip_prefix = _matching_folders(project, path) if project is not None else ([], "")
    if not files and not folders:
        refuse("Error: {path} is neither a file nor a folder name".format(path=path))
    if not explicit_project:
        project = dxpy.DXFile.NO_PROJECT_HINT  # a bare ID: bill no particular project
    elif files and not args.lightweight and \
            not any(object_exists_in_project(f["describe"]["id"], project) for f in files):
        err_exit(fill("Error: specified project does not contain specified file object"))  # dxpy exits 1 here
    plan.add(project, files, folders, strip_prefix)


def _destination(args, count):
    """(local directory, local file name or None) where the downloads go."""
    output = args.output
    if output is None:
        return os.getcwd(), None
    if count > 1:
        if not os.path.exists(output):
            refuse("Error: When downloading multiple objects, --output must be an existing directory")
        return output, None
    if os.path.isdir(output):
        return output, None
    if output.endswith("/"):
        refuse("Error: {path} could not be found".format(path=output))
    return os.getcwd(), output


def local_name(name):
    """A platform object name as a local file name ("/" cannot be in one)."""
    return name.replace("/", "%2F")


def _download_folders(plan, destdir, args):
    for project, folders in plan.folders.items():
        for folder, strip_prefix in folders:
            if not args.recursive:
                refuse('Error: "' + folder + '" is a folder but the -r/--recursive option was not given')
            target = os.path.join(destdir, folder[len(strip_prefix):].lstrip("/"))
            dxpy.download_folder(project, target, folder=folder, overwrite=args.overwrite,
                                 show_progress=_show_progress(args))


def _download_files(plan, destdir, dest_filename, args):
    for project, files in plan.files.items():
        for found in files:
            desc = found["describe"]
            download_one_file(project, desc, dest_filename or os.path.join(destdir, local_name(desc["name"])), args)


def download(args):
    """``dx download PATH...``: each path is a file (ID, name or glob) or a folder (with -r)."""
    plan = _Plan()
    for path in args.paths:
        _plan_path(plan, path, args)
    plan.check_name_conflicts()
    destdir, dest_filename = _destination(args, plan.count)
    _download_folders(plan, destdir, args)
    _download_files(plan, destdir, dest_filename, args)
