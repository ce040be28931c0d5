"""Downloading the files inside a database (the parquet files Spark SQL writes).

A database's files are listed with ``/database-xxxx/listFolder``; each one is fetched here in
ranges of *chunksize* bytes through the URL ``/database-xxxx/downloadFile`` gives, a bounded
number of ranges at a time, and written in order under a local directory.
"""
import logging
import os

import dxpy
from dxpy import http, retry
from . import _transfer
from . import dxdatabase, dxfile  # noqa: F401  (dxpy exposes these names here)
from .dxdatabase import DXDatabase
from .dxfile import DEFAULT_BUFFER_SIZE, FILE_REQUEST_TIMEOUT, DXFile  # noqa: F401
from ..compat import md5_hasher
from ..exceptions import (DXChecksumMismatchError, DXError, DXFileError, DXPartLengthMismatchError,
                          DXIncompleteReadsError, err_exit)  # noqa: F401
from ..utils import response_iterator  # noqa: F401

__all__ = ["download_dxdatabasefile"]

logger = logging.getLogger("dxpy")

# Attempts at a whole file when a range or the file comes back wrong (each HTTP request is
# also retried by DXHTTPRequest itself).
DOWNLOAD_ATTEMPTS = 3


def do_debug(msg):
    """Log *msg* at debug level on the "dxpy" logger."""
    logger.debug(msg)


def ensure_local_dir(d):
    """Create the local directory *d* (and its parents) unless it exists; DXFileError when
    *d* exists and is not a directory."""
    if os.path.isdir(d):
        return
    if os.path.exists(d):
        raise DXFileError("Destination location '%s' already exists and is not a directory" % (d,))
    logger.debug("Creating destination directory: '%s'", d)
    os.makedirs(d, exist_ok=True)


# -- argument checks -----------------------------------------------------------------------

def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def _database_handler(dxid, project):
    if isinstance(dxid, DXDatabase):
        return dxid
    if not isinstance(dxid, str):
        raise DXError("dxid should be a database ID or a DXDatabase, not %r" % (dxid,))
    return DXDatabase(dxid, project=None if project == DXDatabase.NO_PROJECT_HINT else project)


def _relative_source(src_filename):
    """*src_filename* as a relative path that stays inside the destination directory."""
    if not isinstance(src_filename, str):
        raise DXError("src_filename should be a string naming a file in the database, not %r" % (src_filename,))
    relative = src_filename.strip("/")
    parts = relative.split("/")
    if not relative or any(part in ("", ".", "..") for part in parts):
        raise DXError("src_filename should be a path such as 'table/part-0.parquet', not %r" % (src_filename,))
    return relative


def _file_size(file_status):
    if not isinstance(file_status, dict):
        raise DXError("file_status should be a listFolder entry (a dict with 'size'), not %r" % (file_status,))
    size = file_status.get("size")
    if not _is_int(size) or size < 0:
        raise DXError("file_status['size'] should be a non-negative integer, not %r" % (size,))
    return size


def _check_arguments(dst_filename, file_status, chunksize, describe_output):
    if not isinstance(dst_filename, (str, os.PathLike)):
        raise DXError("dst_filename should be the path of a local directory, not %r" % (dst_filename,))
    _file_size(file_status)
    if not _is_int(chunksize) or chunksize <= 0:
        raise DXError("chunksize should be a positive number of bytes, not %r" % (chunksize,))
    if describe_output is not None and not isinstance(describe_output, dict):
        raise DXError("describe_output should be a dict (a database description) or None, not %r"
                      % (describe_output,))


# -- the download ----------------------------------------------------------------------------

def download_dxdatabasefile(dxid, dst_filename, src_filename, file_status, chunksize=DEFAULT_BUFFER_SIZE,
                            append=False, show_progress=False, project=None, describe_output=None, **kwargs):
    """Download *src_filename*, a file inside the database *dxid*, to
    ``dst_filename/src_filename`` (subdirectories are created as needed).

    :param dxid: database ID or :class:`DXDatabase`
    :param dst_filename: local directory the database's files go under
    :param src_filename: path of the file inside the database, e.g. ``"table/part-0.parquet"``
    :param file_status: the file's entry from ``/database-xxxx/listFolder``; its ``size`` (and
        ``md5`` when present) is what the download is checked against
    :param chunksize: bytes per ranged request
    :param append: append to the local file instead of replacing it
    :param show_progress: draw a progress bar on stderr
    :param project: project to bill; ``DXDatabase.NO_PROJECT_HINT`` for none
    :param describe_output: the database's description with ``parts``, to skip a describe call
    :raises DXError: for bad arguments; ``DXFileError`` (``DXPartLengthMismatchError``,
        ``DXChecksumMismatchError``) when the data still comes back wrong after retries; API
        errors such as ``ResourceNotFound`` when the database or file does not exist.
    """
    _check_arguments(dst_filename, file_status, chunksize, describe_output)
    _relative_source(src_filename)
    attempts_left = {}
    while not _download_dxdatabasefile(dxid, dst_filename, src_filename, file_status, attempts_left,
                                       chunksize=chunksize, append=append, show_progress=show_progress,
                                       project=project, describe_output=describe_output, **kwargs):
        pass


def _download_dxdatabasefile(dxid, filename, src_filename, file_status, part_retry_counter,
                             chunksize=DEFAULT_BUFFER_SIZE, append=False, show_progress=False,
                             project=None, describe_output=None, **kwargs):
    """One attempt at the download. True when done; False when it failed in a way worth
    another attempt (the local file is then put back as it was); raises otherwise.
    *part_retry_counter* keeps part "1"'s (a database file is one part) dxpy.retry state."""
    _check_arguments(filename, file_status, chunksize, describe_output)
    relative = _relative_source(src_filename)
    size = _file_size(file_status)
    database = _database_handler(dxid, project)
    if not (describe_output and describe_output.get("parts") is not None):
        # Also fails early, with the API's error, on a database that does not exist.
        database.describe(fields={"parts"}, default_fields=True, **kwargs)
    # Asking for the URL before touching the disk reports a missing file without leaving an
    # empty local one behind; the handler caches it for the ranged requests.
    database.get_download_url(src_filename=src_filename, project=project, **kwargs)

    dest_path = os.path.join(os.fspath(filename), *relative.split("/"))
    ensure_local_dir(os.path.dirname(dest_path))
    if os.path.isdir(dest_path):
        raise DXFileError("Destination '%s' for %s is a directory" % (dest_path, src_filename))
    do_debug("Downloading %s from %s to %s" % (src_filename, database.get_id(), dest_path))

    with open(dest_path, "ab" if append else "wb") as fh:
        start_size = fh.seek(0, os.SEEK_END)
        try:
            _write_ranges(database, src_filename, project, size, chunksize, file_status.get("md5"),
                          fh, dest_path, show_progress, kwargs)
        except DXFileError as error:
            fh.truncate(start_size)
            state = part_retry_counter.get("1") or retry.RetryPolicy(max_retries=DOWNLOAD_ATTEMPTS - 1).start(True)
            state = part_retry_counter["1"] = state.increment(retry.ANSWER_LOST)
            if state.delay is None:
                raise
            logger.warning("Download of %s from %s failed (%s); retrying in %s seconds (%d attempts left)",
                           src_filename, database.get_id(), error, state.delay,
                           DOWNLOAD_ATTEMPTS - state.failures)
            http._sleep(state.delay)
            return False
    return True


def _write_ranges(database, src_filename, project, size, chunksize, expected_md5, fh, dest_path,
                  show_progress, kwargs):
    """Fetch the file's ranges (a bounded number ahead, on the shared transfer pool) and write
    them to *fh* in order; check the total against the expected md5 when one is known."""
    # One range ahead per connection, as many as fit the memory budget (ranges are held in memory).
    threads = _transfer.parts_in_memory(DXDatabase._http_threadpool_size, chunksize)
    spans = _transfer.ranges(0, size, chunksize, chunksize)

    transfer = _transfer.Transfer(threads)

    def fetch(start, stop):
        return _read_range(database, src_filename, project, start, stop, kwargs, transfer)

    progress = _transfer.Progress(size, dest_path, "Downloaded") if show_progress else None
    if progress:
        progress.show(done=0)
    hasher = md5_hasher() if expected_md5 else None
    prefetch = _transfer.OrderedPrefetch(transfer, threads, fetch, spans)
    try:
        while True:
            data = prefetch.next()
            if data is None:
                break
            fh.write(data)
            if hasher:
                hasher.update(data)
            if progress:
                progress.add(len(data))
    finally:
        prefetch.close()
    if hasher and hasher.hexdigest() != expected_md5:
        raise DXChecksumMismatchError("Checksum mismatch in %s file %s (expected %s, got %s)"
                                      % (database.get_id(), src_filename, expected_md5, hasher.hexdigest()))
    if progress:
        progress.finish("Completed")


def _read_range(database, src_filename, project, start, stop, kwargs, transfer=None):
    """Bytes [start, stop) of *src_filename* in *database*, by one ranged GET (which
    DXHTTPRequest retries on network errors and 5xx answers; no attempt starts once
    *transfer* is aborted)."""
    def url_and_headers():
        if transfer is not None:
            transfer.check()
        url, headers = database.get_download_url(src_filename=src_filename, project=project, **kwargs)
        headers["Range"] = "bytes=%d-%d" % (start, stop - 1)
        return url, headers

    response = dxpy.DXHTTPRequest(url_and_headers, None, method="GET", auth=None, jsonify_data=False,
                                  prepend_srv=False, always_retry=True, timeout=FILE_REQUEST_TIMEOUT,
                                  decode_response_body=False, want_full_response=True)
    data = response.content
    if response.status_code == 200 and len(data) > stop - start:
        data = data[start:stop]  # the server sent the whole file instead of the range
    if len(data) != stop - start:
        raise DXPartLengthMismatchError("Unexpected data size in %s file %s bytes %d-%d (expected %d, got %d)"
                                        % (database.get_id(), src_filename, start, stop - 1, stop - start,
                                           len(data)))
    return data
