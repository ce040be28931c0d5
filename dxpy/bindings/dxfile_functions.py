"""Shortcuts for files: open or create a handler, upload a local file, stream or string,
download a file (verified, resumable) or a whole folder."""
import logging
import os
import stat

import dxpy
import dxpy.http
from . import dxfile, DXFile, _download, _transfer
from ._download import PART_ATTEMPTS  # noqa: F401  (attempts at a part whose checksum mismatches)
from .dxfile import FILE_REQUEST_TIMEOUT  # noqa: F401  (dxpy exposes it here)
from ..compat import md5_hasher  # noqa: F401  (dxpy exposes it here)
from ..exceptions import (DXError, DXFileError, DXPartLengthMismatchError,  # noqa: F401
                          DXChecksumMismatchError, DXIncompleteReadsError, err_exit)
from ..utils import response_iterator  # noqa: F401  (dxpy exposes it here)

logger = logging.getLogger("dxpy")

__all__ = ["open_dxfile", "new_dxfile", "download_dxfile", "upload_local_file", "upload_string",
           "list_subfolders", "download_folder"]


def _require_path(value, name):
    if not isinstance(value, (str, os.PathLike)):
        raise DXError("%s must be a path (str or os.PathLike), not %r" % (name, value))
    return os.fspath(value)


def _require_positive(value, name):
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise DXError("%s must be a positive integer, not %r" % (name, value))
    return value


def open_dxfile(dxid, project=None, mode=None, read_buffer_size=dxfile.DEFAULT_BUFFER_SIZE):
    """A handler for the existing file *dxid*, to read like a local file::

        with open_dxfile("file-xxxx") as fd:
            for line in fd:
                ...
    """
    return DXFile(dxid, project=project, mode=mode, read_buffer_size=read_buffer_size)


def new_dxfile(mode=None, write_buffer_size=dxfile.DEFAULT_BUFFER_SIZE, expected_file_size=None, file_is_mmapd=False,
               **kwargs):
    """Create a new, open remote file and return its handler, ready for ``write``.

    *kwargs* are those of ``DXDataObject.new`` (project, name, folder, tags, ...) plus
    ``media_type``.
    """
    if write_buffer_size is None:
        write_buffer_size = dxfile.DEFAULT_BUFFER_SIZE
    handler = DXFile(mode=mode, write_buffer_size=write_buffer_size, expected_file_size=expected_file_size,
                     file_is_mmapd=file_is_mmapd)
    handler.new(**kwargs)
    return handler


# -- upload ----------------------------------------------------------------------------------

def _local_source(fd):
    """``(read(offset, size), size or None, fileno or None)`` for *fd*. A regular file is
    read from its start whatever its position or text mode, and its *fileno* is given (where
    ``os.pread`` exists) so that parts are sent as slices of it, read as they go out; a
    stream is read as it comes."""
    try:
        fileno = fd.fileno()
        info = os.fstat(fileno)
    except (AttributeError, OSError, ValueError):
        fileno = info = None
    if info is None or not stat.S_ISREG(info.st_mode):
        return (lambda offset, size: fd.read(size)), None, None
    file_size = info.st_size

    def read(offset, size):
        size = min(size, file_size - offset)
        if size <= 0:
            return b""
        os.lseek(fileno, offset, os.SEEK_SET)
        return os.read(fileno, size)
    return read, file_size, fileno if hasattr(os, "pread") else None


def upload_local_file(filename=None, file=None, media_type=None, keep_open=False,
                      wait_on_close=False, use_existing_dxfile=None, show_progress=False,
                      write_buffer_size=None, multithread=True, **kwargs):
    """Upload the local file *filename*, or what the file object *file* holds, into a new
    remote file (or *use_existing_dxfile*) and return its handler.

    A file of unknown length (a pipe, a socket, any stream) is read until it ends. The new
    file is named after the local one unless *name* is given; other *kwargs* are those of
    ``DXDataObject.new``. Unless *keep_open*, the file is closed (and with *wait_on_close*
    waited on until it is).
    """
    if (filename is None) == (file is None):
        raise DXError("upload_local_file needs exactly one of filename or file")
    if filename is not None:
        filename = _require_path(filename, "filename")
    elif not hasattr(file, "read"):
        raise DXError("file must be a file object with a read method, not %r" % (file,))
    if use_existing_dxfile is not None and not isinstance(use_existing_dxfile, DXFile):
        raise DXError("use_existing_dxfile must be a DXFile, not %r" % (use_existing_dxfile,))
    fd = open(filename, "rb") if filename is not None else file
    try:
        read, file_size, fileno = _local_source(fd)
        _, remaining_kwargs = dxpy.DXDataObject._get_creation_params(kwargs)
        if use_existing_dxfile is not None:
            handler = use_existing_dxfile
        else:
            creation_kwargs = dict(kwargs)
            local_name = filename if filename is not None else getattr(file, "name", None)
            if "name" not in creation_kwargs and isinstance(local_name, str):
                creation_kwargs["name"] = os.path.basename(local_name)
            # Mode "a": closing is this function's decision (keep_open), not the handler's.
            handler = new_dxfile(mode="a", media_type=media_type, write_buffer_size=write_buffer_size,
                                 expected_file_size=file_size, **creation_kwargs)
        handler._ensure_write_bufsize(**remaining_kwargs)
        part = handler._write_bufsize
        progress = report = None
        if show_progress:
            progress = _transfer.Progress(file_size, filename if filename is not None else "", "Uploaded")
            handler._num_bytes_transmitted = 0

            def report(h, num_bytes):
                h._num_bytes_transmitted += num_bytes
                progress.add(num_bytes)
            progress.show()
        offset = 0
        write_kwargs = dict(remaining_kwargs, report_progress_fn=report)
        if fileno is not None and not handler._write_len:
            # Parts of a regular file are slices of it, read while they are sent: memory
            # holds a block per connection, whatever the part size.
            for offset in range(0, file_size, part):
                handler._queue_part(_transfer.FileSlice(fileno, offset, min(part, file_size - offset)),
                                    multithread, write_kwargs)
            offset = file_size
        while True:
            data = read(offset, part)
            if not data:
                break
            offset += len(data)
            handler.write(data, multithread=multithread, **write_kwargs)
        handler.flush(report_progress_fn=report, **remaining_kwargs)
        if progress is not None:
            progress.finish()
        handler.wait_until_parts_uploaded(**remaining_kwargs)
    finally:
        if filename is not None:
            fd.close()
    if not keep_open:
        handler.close(block=wait_on_close, **remaining_kwargs)
    return handler


def upload_string(to_upload, media_type=None, keep_open=False, wait_on_close=False, **kwargs):
    """Upload *to_upload* (str, written as UTF-8, or bytes-like) into a new remote file and
    return its handler; closed unless *keep_open*. *kwargs* are those of ``new_dxfile``."""
    if not isinstance(to_upload, (str, bytes, bytearray, memoryview)):
        raise DXFileError("Invalid type %s for upload_string: expected str or bytes" % type(to_upload))
    handler = new_dxfile(media_type=media_type, mode="a", **kwargs)
    _, remaining_kwargs = dxpy.DXDataObject._get_creation_params(kwargs)
    for name in ("write_buffer_size", "expected_file_size", "file_is_mmapd"):
        remaining_kwargs.pop(name, None)
    handler.write(to_upload, **remaining_kwargs)
    if not keep_open:
        handler.close(block=wait_on_close, **remaining_kwargs)
    else:
        handler.flush(**remaining_kwargs)
    return handler


# -- download --------------------------------------------------------------------------------

def download_dxfile(dxid, filename, chunksize=dxfile.DEFAULT_BUFFER_SIZE, append=False, show_progress=False,
                    project=None, describe_output=None, symlink_max_tries=15, **kwargs):
    """Download the file *dxid* (an ID, a link or a DXFile) to the local path *filename*.

    Byte ranges are fetched on several connections at once (``DXFile.set_http_threadpool_size``,
    $DX_TRANSFER_CONNECTIONS) and streamed to their place in the file; each part is checked
    against its md5 (a symlinked file's parts against their ``checksum`` of the file's
    ``checksumType``; the whole file against the file's md5, when described), raising
    DXChecksumMismatchError after repeated mismatches. *chunksize*: the smallest range
    fetched (ranges are sized for the connections, from 8 MiB up). When *filename* exists the
    parts it already holds intact are kept and the download resumes after them; with
    *append*, the whole file is appended to it instead.

    *project*: the project billed (default: the handler's, if it holds the file);
    ``DXFile.NO_PROJECT_HINT`` for none. *describe_output*: the file's description with its
    ``parts``, to save a describe call. *symlink_max_tries*: kept for compatibility; files
    stored elsewhere (symlinks) are downloaded like any other.
    """
    filename = _require_path(filename, "filename")
    _require_positive(chunksize, "chunksize")
    if isinstance(symlink_max_tries, bool) or not isinstance(symlink_max_tries, int) or symlink_max_tries < 1:
        raise DXError("symlink_max_tries argument has to be positive integer")
    if describe_output is not None and not isinstance(describe_output, dict):
        raise DXError("describe_output must be the dict of a file's description, not %r" % (describe_output,))
    if isinstance(dxid, DXFile):
        handler = dxid
    else:
        handler = DXFile(dxid, mode="r", project=project if project != DXFile.NO_PROJECT_HINT else None)
    if describe_output and describe_output.get("parts") is not None:
        desc = describe_output
    else:
        desc = handler.describe(fields={"parts"}, default_fields=True, **kwargs)
    state = desc.get("state", "closed")
    if state != "closed":
        raise DXFileError("Cannot download %s (%s): the file is %s, not closed"
                          % (handler.get_id(), desc.get("name", "unnamed"), state))
    if "drive" in desc and ("parts" not in desc or desc["drive"] == "drive-PUBLISHED"):
        desc = dict(desc, parts=None)
    progress = _transfer.Progress(desc.get("size"), filename, "Downloaded") if show_progress else None
    if progress is not None:
        progress.show()
    _download.Download(handler, desc, filename, chunksize, project, progress, DXFile._http_threadpool_size,
                       kwargs).run(append)
    if progress is not None:
        progress.finish("Completed")


# -- folders ---------------------------------------------------------------------------------

def _folder_path(path, name):
    if not isinstance(path, str) or not path.strip().startswith("/"):
        raise DXError("%s must be an absolute remote folder path such as '/data', not %r" % (name, path))
    path = path.strip()
    return path.rstrip("/") or "/"


def list_subfolders(project, path, recurse=True):
    """The folders of *project* under *path* (included): the whole subtree with *recurse*,
    else only its direct subfolders. A generator."""
    if not isinstance(project, str):
        raise DXError("project must be a project ID, not %r" % (project,))
    path = _folder_path(path, "path")
    folders = dxpy.api.project_describe(project, {"folders": True})["folders"]
    prefix = "/" if path == "/" else path + "/"
    if recurse:
        return (f for f in folders if f == path or f.startswith(prefix))
    return (f for f in folders if f == path or (f.startswith(prefix) and "/" not in f[len(prefix):]))


def download_folder(project, destdir, folder="/", overwrite=False, chunksize=dxfile.DEFAULT_BUFFER_SIZE,
                    show_progress=False, **kwargs):
    """Download the closed files of *folder* of *project* and all its subfolders into the
    local directory *destdir*, mirroring the tree. An existing local file is an error unless
    *overwrite*."""
    if not isinstance(folder, str) or folder.strip() == "":
        raise DXFileError("Invalid remote folder name: '%s'" % (folder,))
    folder = _folder_path(folder, "folder")
    destdir = _require_path(destdir, "destdir")
    if destdir.strip() == "":
        raise DXFileError("Invalid destination directory name: '%s'" % destdir)
    destdir = os.path.normpath(destdir)

    def local_dir(remote):
        suffix = remote[len(folder):].lstrip("/")
        return os.path.join(destdir, *suffix.split("/")) if suffix else destdir

    remote_folders = sorted(list_subfolders(project, folder, recurse=True))
    if not remote_folders:
        raise DXFileError("Remote folder '%s' not found" % folder)
    for remote in remote_folders:
        target = local_dir(remote)
        if not os.path.isdir(target):
            if os.path.exists(target):
                raise DXFileError("Destination location '%s' already exists and is not a directory" % target)
            logger.debug("Creating destination directory: '%s'", target)
            os.makedirs(target)

    from .search import find_data_objects
    describe = {"fields": {"folder": True, "name": True, "id": True, "parts": True, "size": True,
                           "drive": True, "md5": True}}
    for found in find_data_objects(classname="file", state="closed", project=project, folder=folder,
                                   recurse=True, describe=describe):
        desc = found["describe"]
        local_filename = os.path.join(local_dir(desc["folder"]), desc["name"])
        if os.path.exists(local_filename) and not overwrite:
            raise DXFileError("Destination file '%s' already exists but no overwrite option is provided"
                              % local_filename)
        logger.debug("Downloading '%s/%s' remote file to '%s' location",
                     "" if desc["folder"] == "/" else desc["folder"], desc["name"], local_filename)
        download_dxfile(desc["id"], local_filename, chunksize=chunksize, project=project,
                        show_progress=show_progress, describe_output=desc, **kwargs)

