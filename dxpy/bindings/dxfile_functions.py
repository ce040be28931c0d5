"""Shortcuts for files: open or create a handler, upload a local file, stream or string,
download a file (verified, resumable) or a whole folder."""
import collections
import logging
import mmap
import os
import stat
import threading

import dxpy
import dxpy.http
from dxpy import retry
from . import dxfile, DXFile, _transfer
from .dxfile import FILE_REQUEST_TIMEOUT  # noqa: F401  (dxpy exposes it here)
from ..compat import md5_hasher
from ..exceptions import (DXError, DXFileError, DXPartLengthMismatchError,  # noqa: F401
                          DXChecksumMismatchError, DXIncompleteReadsError, err_exit)
from ..utils import response_iterator  # noqa: F401  (dxpy exposes it here)

logger = logging.getLogger("dxpy")

__all__ = ["open_dxfile", "new_dxfile", "download_dxfile", "upload_local_file", "upload_string",
           "list_subfolders", "download_folder"]

# Attempts at a part whose downloaded bytes do not match its checksum.
PART_ATTEMPTS = 3
# Block size for checking the local copy of a resumed download.
_VERIFY_BLOCK = 4 * 1024 * 1024


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
    """``(read(offset, size), size or None, mappable)`` for *fd*. A regular file is read
    from its start whatever its position or text mode, as views of memory maps when
    *mappable* (no copy: the pages go from the page cache to md5 and the socket); a
    stream is read as it comes."""
    try:
        fileno = fd.fileno()
        info = os.fstat(fileno)
    except (AttributeError, OSError, ValueError):
        fileno = info = None
    if info is None or not stat.S_ISREG(info.st_mode):
        return (lambda offset, size: fd.read(size)), None, False
    file_size = info.st_size

    def read(offset, size):
        size = min(size, file_size - offset)
        if size <= 0:
            return b""
        if offset % mmap.ALLOCATIONGRANULARITY == 0:
            mapped = mmap.mmap(fileno, size, offset=offset, access=mmap.ACCESS_READ)
            if hasattr(mapped, "madvise"):
                mapped.madvise(mmap.MADV_WILLNEED)  # read ahead while earlier parts go up
            return memoryview(mapped)  # unmapped once the last reference goes
        if hasattr(os, "pread"):
            return os.pread(fileno, size, offset)
        os.lseek(fileno, offset, os.SEEK_SET)
        return os.read(fileno, size)
    return read, file_size, True


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
        read, file_size, mappable = _local_source(fd)
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
                                 expected_file_size=file_size, file_is_mmapd=mappable, **creation_kwargs)
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
        while True:
            data = read(offset, part)
            if not data:
                break
            offset += len(data)
            write_kwargs = dict(remaining_kwargs, report_progress_fn=report)
            if isinstance(data, memoryview):  # a mapped part of the file: sent as it is
                handler._write_view(data, True, multithread, write_kwargs)
            else:
                handler.write(data, multithread=multithread, **write_kwargs)
            del data  # a mapped part is unmapped as soon as its upload is done
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

_Span = collections.namedtuple("_Span", "index part_id start end md5")
_WHOLE = "whole file"  # the ChainedHashes key of the whole-file md5


def _write_at(fh, data, offset):
    """Write *data* at *offset* of *fh* (the caller serializes calls where there is no pwrite)."""
    if not hasattr(os, "pwrite"):
        fh.seek(offset)
        fh.write(data)
        fh.flush()
        return
    view = memoryview(data)
    while len(view):
        written = os.pwrite(fh.fileno(), view, offset)
        view, offset = view[written:], offset + written


class _Download(object):
    """One download_dxfile call: the plan (spans of parts), the local file, the checks.

    Each range is fetched, hashed (its part's md5; the whole file's, when the platform gives
    one, in file order) and written at its offset by the worker that fetched it: a range's
    bytes never wait for the main thread, so memory holds one range per worker. When the
    call fails, the file is cut back to the ranges written without a gap."""

    def __init__(self, handler, desc, filename, chunksize, project, progress, kwargs):
        self.handler, self.filename, self.chunksize = handler, filename, chunksize
        self.progress, self.kwargs = progress, kwargs
        # Resolved here, before any worker starts: a worker makes no lookups of its own.
        self.project = handler._url_project(project)
        self.file_id = handler.get_id()
        parts = desc.get("parts")
        if parts is None:  # a symlinked file: one range, checked by its whole-file md5 only
            parts = {"1": {"size": int(desc.get("size") or 0)}}
        self.spans, offset = [], 0
        for i, part_id in enumerate(sorted(parts, key=int)):
            size = int(parts[part_id]["size"])
            self.spans.append(_Span(i, part_id, offset, offset + size, parts[part_id].get("md5")))
            offset += size
        self.size = offset
        if not all(span.md5 for span in self.spans) and desc.get("md5") is None:
            import warnings
            warnings.warn("Download of file %s is not being checked for integrity" % self.file_id)
        self.whole_md5 = desc.get("md5")
        if self.whole_md5 and len(self.spans) == 1 and self.spans[0].md5 == self.whole_md5:
            self.whole_md5 = None  # the part's check is the same check
        self.whole = md5_hasher() if self.whole_md5 else None
        self.write_lock = threading.Lock()

    def run(self, append):
        with self._open(append) as fh:
            base = self.base
            first = self._keep_verified_prefix(fh) if self.resumable else 0
            fh.flush()
            todo, states, rehash_whole = [span.index for span in self.spans[first:]], {}, False
            while todo:
                mismatches = self._transfer(fh, base, todo, chain_whole=not rehash_whole)
                todo = self._parts_to_retry(mismatches, states)
                rehash_whole = rehash_whole or bool(todo)
            if self.whole is not None and rehash_whole:
                # Damaged ranges went into the running hash: hash the file as written.
                self.whole = md5_hasher()
                fh.seek(base)
                for block in iter(lambda: fh.read(_VERIFY_BLOCK), b""):
                    self.whole.update(block)
        if self.whole is not None and self.whole.hexdigest() != self.whole_md5:
            raise DXChecksumMismatchError("md5sum mismatch in %s (expected %s, got %s)"
                                          % (self.file_id, self.whole_md5, self.whole.hexdigest()))

    def _parts_to_retry(self, mismatches, states):
        """The indexes of the damaged parts to download again, after the back-off of
        dxpy.retry (PART_ATTEMPTS in all per part); raises a part's error once it is spent."""
        policy = retry.RetryPolicy(max_retries=PART_ATTEMPTS - 1)
        todo, delay = [], 0
        for index, error in mismatches:
            states[index] = states.get(index) or policy.start(True)
            states[index] = states[index].increment(retry.ANSWER_LOST)
            if states[index].delay is None:
                raise error
            logger.warning("%s; downloading part %s again", error, self.spans[index].part_id)
            todo.append(index)
            delay = max(delay, states[index].delay)
        if todo:
            dxpy.http._sleep(delay)
        return todo

    def _open(self, append):
        """The local file, opened for writes at any offset (never O_APPEND, which would
        put every pwrite at the end); sets *base* (where the download starts in it) and
        *resumable* (whether the parts it holds may be kept)."""
        self.base, self.resumable = 0, False
        if append:
            with open(self.filename, "ab") as fh:
                self.base = fh.tell()
            return open(self.filename, "rb+")
        try:
            fh = open(self.filename, "rb+")
            self.resumable = True
            return fh
        except (IOError, OSError):
            return open(self.filename, "wb+")

    def _keep_verified_prefix(self, fh):
        """Keep the parts of an existing local file that match their md5, cut the rest; return
        the index of the first part still to download."""
        kept, first = 0, 0
        for span in self.spans:
            if not span.md5:
                break
            hasher = md5_hasher()
            whole = self.whole.copy() if self.whole is not None else None
            remaining = span.end - span.start
            while remaining:
                block = fh.read(min(_VERIFY_BLOCK, remaining))
                if not block:
                    break
                hasher.update(block)
                if whole is not None:
                    whole.update(block)
                remaining -= len(block)
            if remaining or hasher.hexdigest() != span.md5:
                break
            kept, first, self.whole = span.end, span.index + 1, whole
            if self.progress is not None:
                self.progress.show("Verified", done=kept)
        fh.seek(kept)
        fh.truncate()
        if self.progress is not None and first:
            self.progress.show("Resuming at", done=kept)
        logger.debug("%s: %d of %d parts already downloaded", self.file_id, first, len(self.spans))
        return first

    def _fetch(self, transfer, hashes, fh, base, index, start, stop, chain_whole):
        """One range: fetched, hashed, written. Returns (index, start, stop, digest or None)."""
        span = self.spans[index]
        try:
            data = self.handler._read_range(start, stop, self.project, transfer=transfer, **self.kwargs)
        except BaseException:
            hashes.fail(index, span.start)
            hashes.fail(_WHOLE, 0)
            raise
        digest = None
        if span.md5:
            # Parts hash in parallel with each other; the ranges of one part in order.
            hasher = hashes.add(index, span.start, start, stop, data)
            if stop == span.end:
                digest = hasher.hexdigest()
        if chain_whole and self.whole is not None:
            hashes.add(_WHOLE, None, start, stop, data)
        with self.write_lock:
            transfer.check()  # once given up on, the file is cut back: nothing may land after it
            _write_at(fh, data, base + start)
        if self.progress is not None:
            self.progress.add(len(data))
        return index, start, stop, digest

    def _tasks(self, transfer, hashes, fh, base, indexes, chain_whole):
        """The ranges of the parts *indexes*. Without a whole-file hash to keep in file order,
        the ranges of *threads* parts are interleaved: a part's ranges hash one after the
        other, so workers on different parts hash in parallel."""
        def part_ranges(span):
            for start, stop in _transfer.ranges(span.start, span.end, self.chunksize, self.chunksize):
                yield span.index, start, stop
        streams = collections.deque(part_ranges(self.spans[index]) for index in indexes)
        window = 1 if chain_whole and self.whole is not None else transfer.threads
        active = collections.deque()
        while streams or active:
            while streams and len(active) < window:
                active.append(streams.popleft())
            stream = active.popleft()
            task = next(stream, None)
            if task is not None:
                yield (transfer, hashes, fh, base) + task + (chain_whole,)
                active.append(stream)

    def _transfer(self, fh, base, indexes, chain_whole):
        """Download the parts *indexes*; returns [(index, DXChecksumMismatchError)] for the
        parts that came out wrong. On failure, cuts the file after what arrived intact."""
        hashes = _transfer.ChainedHashes(md5_hasher)
        if chain_whole and self.whole is not None:
            hashes.seed(_WHOLE, self.whole, self.spans[indexes[0]].start)
        transfer = _transfer.Transfer(DXFile._http_threadpool_size)
        # Results are small: a queue twice the pool keeps every worker busy.
        # (hashes.close first, when given up: a worker waiting for its turn to hash must not
        # wait for a range that will never come.)
        prefetch = _transfer.OrderedPrefetch(transfer, 2 * transfer.threads, self._fetch,
                                             self._tasks(transfer, hashes, fh, base, indexes, chain_whole),
                                             before_abort=hashes.close)
        mismatches, arrived = [], collections.defaultdict(dict)  # index -> {start: stop}
        try:
            while True:
                result = prefetch.next()
                if result is None:
                    return mismatches
                index, start, stop, digest = result
                arrived[index][start] = stop
                span = self.spans[index]
                if digest is not None and digest != span.md5:
                    arrived[index].clear()
                    mismatches.append((index, DXChecksumMismatchError(
                        "md5sum mismatch in %s part %s (expected %s, got %s)"
                        % (self.file_id, span.part_id, span.md5, digest))))
                    if self.progress is not None:
                        self.progress.add(span.start - span.end)  # counted again when it is fetched again
        except BaseException:
            prefetch.close()  # joins the workers: nothing is written after the cut
            with self.write_lock:
                fh.truncate(base + self._intact_until(indexes, arrived))
            raise
        finally:
            prefetch.close()

    def _intact_until(self, indexes, arrived):
        """Where the bytes known to be right end: parts outside *indexes* are intact from
        before; inside, the ranges that *arrived* count up to the first gap."""
        wanted = set(indexes)
        for span in self.spans[indexes[0]:]:
            if span.index not in wanted:
                continue
            position, ranges = span.start, arrived.get(span.index, {})
            while position in ranges:
                position = ranges[position]
            if position < span.end:
                return position
        return self.size


def download_dxfile(dxid, filename, chunksize=dxfile.DEFAULT_BUFFER_SIZE, append=False, show_progress=False,
                    project=None, describe_output=None, symlink_max_tries=15, **kwargs):
    """Download the file *dxid* (an ID, a link or a DXFile) to the local path *filename*.

    Ranges of *chunksize* bytes are fetched in parallel and written in place; each part is
    checked against its md5 (and the whole file against the file's md5, when described),
    raising DXChecksumMismatchError after repeated mismatches. When *filename* exists the
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
    _Download(handler, desc, filename, chunksize, project, progress, kwargs).run(append)
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

