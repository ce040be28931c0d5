"""``dx cp``: copy data objects and folders from one project or container to another.

A copy always goes to a different project than its sources (``dx mv`` works inside one).
The destination is an existing folder, or a new path: then the one source is copied into the
new path's parent folder and renamed (an object) or copied into a new folder of that name.
"""
import collections

import dxpy

from ..exceptions import DXCLIError, ResourceNotFound, err_exit  # noqa: F401  (err_exit: dxpy's module surface)
from ..utils.printing import fill
from ..utils.resolver import get_last_pos_of_char, is_hashid, resolve_existing_path, resolve_path
from . import try_call

# dxpy words this with one or two spaces between the sentences, depending on the case.
_SAME_PROJECT = ("A source path and the destination path resolved to the same project or container.{gap}"
                 "Please specify different source and destination containers, e.g.")
_SAME_PROJECT_EXAMPLE = "\n  dx cp source-project:source-id-or-path dest-project:dest-path"


def split_destination_path(dest_path):
    """(parent folder, name) of the new path *dest_path* (an absolute folder path); an
    escaped slash in the last component is a slash of the name."""
    last_slash = get_last_pos_of_char("/", dest_path)
    folder = "/" if last_slash == 0 else dest_path[:last_slash]
    return folder, dest_path[last_slash + 1:].replace("\\/", "/")


def resolve_source(source, all_mult):
    """(project, folder, results) of one source of cp or mv: *results* are the matching
    objects (a list), or None when *source* is a folder. Exits as dx does when it cannot
    be resolved."""
    return try_call(resolve_existing_path, source, allow_mult=True, all_mult=all_mult)


def _refuse_same_project(source, src_proj, dest_proj, prefix="", gap="  "):
    if src_proj != dest_proj:
        return
    if is_hashid(source):
        # Only a bare ID leaves its project implicit (the current one): say so.
        raise DXCLIError(fill("Error: You must specify a source project for " + source))
    raise DXCLIError(fill(prefix + _SAME_PROJECT.format(gap=gap)) + _SAME_PROJECT_EXAMPLE)


def _report_existing(existing, outcome):
    """Name the objects the clone left out because the destination already had them."""
    if existing:
        print(fill("The following objects already existed in the destination container and were " + outcome + ":")
              + "\n " + "\n ".join(existing))


def _clone(src_proj, dest_proj, destination, objects=(), folders=None, **extra):
    """Clone *objects* (IDs) and *folders* of *src_proj* into *destination* of *dest_proj*;
    the IDs that were already there."""
    request = {"objects": list(objects), "project": dest_proj, "destination": destination}
    if folders is not None:
        request["folders"] = list(folders)
    request.update(extra)
    return dxpy.api.project_clone(src_proj, request)["exists"]


def cp_to_noexistent_destination(args, dest_path, dx_dest, dest_proj):
    """Copy the single source of *args* to the new path *dest_path* of *dest_proj*
    (*dx_dest* is its handler): an object is cloned into the parent folder and renamed,
    a folder's contents are cloned into a new folder at *dest_path*."""
    if len(args.sources) != 1:
        raise DXCLIError("The destination folder does not exist")
    dest_folder, dest_name = split_destination_path(dest_path)
    try:
        dx_dest.list_folder(folder=dest_folder, only="folders")
    except ResourceNotFound:
        raise DXCLIError("The destination folder does not exist")

    source = args.sources[0]
    src_proj, src_path, src_results = resolve_source(source, args.all)
    _refuse_same_project(source, src_proj, dest_proj)
    if src_results is None:
        _copy_folder_as(src_proj, src_path, dest_proj, dest_path)
    else:
        _copy_objects_as(src_proj, src_results, dest_proj, dest_folder, dest_name)


def _copy_folder_as(src_proj, src_path, dest_proj, dest_path):
    contents = dxpy.api.project_list_folder(src_proj, {"folder": src_path, "includeHidden": True})
    dxpy.api.project_new_folder(dest_proj, {"folder": dest_path})
    existing = _clone(src_proj, dest_proj, dest_path, objects=[found["id"] for found in contents["objects"]],
                      folders=contents["folders"])
    _report_existing(existing, "not copied")


def _copy_objects_as(src_proj, src_results, dest_proj, dest_folder, dest_name):
    existing = _clone(src_proj, dest_proj, dest_folder, objects=[found["id"] for found in src_results])
    _report_existing(existing, "not copied")
    for found in src_results:
        if found["id"] not in existing:
            dxpy.DXHTTPRequest("/" + found["id"] + "/rename", {"project": dest_proj, "name": dest_name})


def cp(args):
    """``dx cp SOURCE... DESTINATION``."""
    dest_proj, dest_path, _name = try_call(resolve_path, args.destination, expected="folder")
    if dest_path is None:
        raise DXCLIError("Cannot copy to a hash ID")
    dx_dest = dxpy.get_handler(dest_proj)
    try:
        dx_dest.list_folder(folder=dest_path, only="folders")
    except Exception:
        cp_to_noexistent_destination(args, dest_path, dx_dest, dest_proj)
        return
    if not args.sources:
        raise DXCLIError("No sources provided to copy to another project")
    sources = _sources_by_project(args, dest_proj)
    existing = []
    for src_proj, (objects, folders) in sources.items():
        existing += _clone(src_proj, dest_proj, dest_path, objects=objects, folders=folders,
                           targetFileRelocation=args.target_file_relocation)
    _report_existing(existing, "left alone")


def _sources_by_project(args, dest_proj):
    """{source project: (object IDs, folder paths)} of the sources, in their order."""
    sources = collections.OrderedDict()
    for source in args.sources:
        src_proj, src_folder, src_results = resolve_source(source, args.all)
        _refuse_same_project(source, src_proj, dest_proj, prefix="Error: ", gap=" ")
        if src_proj is None:
            raise DXCLIError(fill("Error: A source project must be specified or a current project set in order "
                                  "to clone objects between projects"))
        objects, folders = sources.setdefault(src_proj, ([], []))
        if src_results is None:
            folders.append(src_folder)
        else:
            objects.extend(found["id"] for found in src_results)
    return sources
