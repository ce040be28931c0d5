"""Files: the DXFile handler, a file-like object over a remote file.

Writes are cut into parts that go up concurrently on a bounded pool (at most a pool's worth
of parts in memory); reads fetch ranges ahead of the reader on the same pool. All HTTP goes
through ``dxpy.DXHTTPRequest``, which retries.
"""
import codecs
import contextlib
import mmap
import os
import threading
import time

import dxpy
import dxpy.api
import dxpy.http
from dxpy import retry
from . import DXDataObject
from . import _transfer
from ..compat import basestring, md5_hasher
from ..exceptions import DXError, DXFileError, DXIncompleteReadsError  # noqa: F401  (dxpy exposes them here)
from ..utils import warn
from ..utils.resolver import object_exists_in_project

__all__ = ["DXFile", "DXFILE_HTTP_THREADS", "DEFAULT_BUFFER_SIZE"]

# Connections per transfer: $DX_TRANSFER_CONNECTIONS, else sized for a WAN link (_transfer).
DXFILE_HTTP_THREADS = _transfer.default_connections()
MIN_BUFFER_SIZE = 1024 * 1024
# Inside a job (DX_JOB_ID set when dxpy was imported) bigger buffers pay off.
DEFAULT_BUFFER_SIZE = 1024 * 1024 * (96 if dxpy.JOB_ID else 16)
MD5_READ_CHUNK_SIZE = 1024 * 1024 * 4
FILE_REQUEST_TIMEOUT = 60
PART_UPLOAD_REQUEST_TIMEOUT_SECONDS = 300

MAX_PART_INDEX = 10000
# Parts of a local file made ready (MD5, upload URL) while the connections are all sending.
PREPARED_AHEAD = 4
# The first range a reader fetches; later ones double up to the read buffer size.
FIRST_READ_SIZE = 1024 * 1024
# Attempts at a range whose body has the wrong length (each one retried by DXHTTPRequest).
RANGE_ATTEMPTS = 3
_NEVER = 32503680000  # year 3000: URLs without an expiry time
# Keyword arguments meant for the transfer code, never for an API call.
_TRANSFER_ONLY = ("report_progress_fn", "display_progress")


def _api_kwargs(kwargs):
    return {k: v for k, v in kwargs.items() if k not in _TRANSFER_ONLY}


# dxpy's names for the part-size rules, which tools built on dxpy call.
_readable_part_size = _transfer.readable_size


def _get_write_buf_size(buffer_size_hint, file_upload_params, expected_file_size, file_is_mmapd=False):
    """The part size of an upload (see ``_transfer.part_size``)."""
    return _transfer.part_size(buffer_size_hint, file_upload_params, expected_file_size, file_is_mmapd)


def _read_url_range(url, headers, start, end, timeout):
    """Bytes *start* to *end* (inclusive) of the preauthenticated *url*."""
    ranged = dict(headers, Range="bytes=%d-%d" % (start, end))
    return dxpy.DXHTTPRequest(url, None, method="GET", headers=ranged, auth=None, jsonify_data=False,
                              prepend_srv=False, always_retry=True, timeout=timeout, decode_response_body=False)


def _validate_headers(headers):
    for key, value in headers.items():
        if not isinstance(key, basestring):
            raise ValueError("Expected key %r of headers to be a string" % (key,))
        if not isinstance(value, basestring):
            raise ValueError("Expected value %r of headers (associated with key %r) to be a string" % (value, key))
    return headers


def _byte_view(data, what="write data argument"):
    """``(memoryview, immutable)`` over *data*; str is encoded as UTF-8."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    if not isinstance(data, (bytes, bytearray, memoryview, mmap.mmap)):
        raise DXFileError("Invalid type %s for %s" % (type(data), what))
    view = memoryview(data)
    if view.ndim != 1 or view.itemsize != 1:
        view = view.cast("B")
    # Only bytes cannot change under us once write() returns: anything else is copied.
    return view, isinstance(data, bytes)


def _positive_int(value, name):
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValueError("%s must be a positive integer, not %r" % (name, value))
    return value


class DXFile(DXDataObject):
    """Handler for a remote file, usable as a Python file object.

    *mode* is "r", "w" or "a", optionally with "b" for bytes (else reads return str).
    *read_buffer_size* is the largest range fetched at once; *write_buffer_size* is a hint
    for the part size (the region's limits and *expected_file_size* may change it);
    *file_is_mmapd* makes the part size a multiple of mmap's allocation granularity.
    Writing only appends; ``seek`` moves the read position.
    """

    _class = "file"

    # The connections one transfer keeps busy (set_http_threadpool_size changes it).
    _http_threadpool_size = DXFILE_HTTP_THREADS

    # Passed as *project* to download calls to say "bill no particular project".
    NO_PROJECT_HINT = "NO_PROJECT_HINT"

    @classmethod
    def set_http_threadpool_size(cls, num_threads):
        """Use *num_threads* connections (1 to 32) for each upload or download from now on
        (default: $DX_TRANSFER_CONNECTIONS, else 16). ValueError for anything else."""
        cls._http_threadpool_size = _transfer.check_connections(num_threads, "num_threads")

    def __init__(self, dxid=None, project=None, mode=None, read_buffer_size=DEFAULT_BUFFER_SIZE,
                 write_buffer_size=DEFAULT_BUFFER_SIZE, expected_file_size=None, file_is_mmapd=False):
        # Transfer state first: the base constructor calls set_ids, which resets it.
        self._lock = threading.Lock()
        self._jobs = _transfer.BoundedJobs()
        self._write_chunks, self._write_len = [], 0
        self._reset_transfer_state()
        self._write_bufsize = None
        DXDataObject.__init__(self, dxid=dxid, project=project)
        self._binary_mode = False
        if mode is None:
            self._close_on_exit = True
        else:
            if not isinstance(mode, str):
                raise ValueError("mode must be one of 'r', 'w', or 'a' (optionally with 'b'), not %r" % (mode,))
            self._binary_mode = "b" in mode
            if mode.replace("b", "") not in ("r", "w", "a"):
                raise ValueError("mode must be one of 'r', 'w', or 'a' (optionally with 'b'), not %r" % (mode,))
            self._close_on_exit = mode.replace("b", "") == "w"
        self._read_bufsize = _positive_int(read_buffer_size, "read_buffer_size")
        self._write_buffer_size_hint = _positive_int(write_buffer_size, "write_buffer_size")
        if expected_file_size is not None and (isinstance(expected_file_size, bool) or
                                               not isinstance(expected_file_size, int) or expected_file_size < 0):
            raise ValueError("expected_file_size must be a non-negative integer or None, not %r"
                             % (expected_file_size,))
        self._expected_file_size = expected_file_size
        self._file_is_mmapd = bool(file_is_mmapd)

    def _reset_transfer_state(self):
        self._pos = 0
        self._file_length = None
        self._cur_part = 1
        self._num_uploaded_parts = 0
        self._exists_in_proj = None
        self._url_cache = None  # (key, url, headers, expires)
        self._drop_read_state()

    def _drop_read_state(self):
        prefetch = getattr(self, "_prefetch", None)
        if prefetch is not None:
            prefetch.close()
        self._prefetch, self._prefetch_next, self._prefetch_project = None, None, None
        self._chunk, self._chunk_start = b"", 0
        self._decoder = None

    def _new(self, dx_hash, media_type=None, **kwargs):
        """Call /file/new with *dx_hash* (and ``media`` = *media_type*) and associate the
        handler with the new, open file."""
        if media_type is not None:
            dx_hash["media"] = media_type
        resp = dxpy.api.file_new(dx_hash, **kwargs)
        self.set_ids(resp["id"], dx_hash["project"])

    def set_ids(self, dxid, project=None):
        """Associate the handler with *dxid* in *project*, after flushing what was written
        to the previous file."""
        if self._dxid is not None:
            self.flush()
        DXDataObject.set_ids(self, dxid, project)
        self._reset_transfer_state()
        self._write_bufsize = None

    # -- context manager, destructor, iteration ------------------------------------------

    def __enter__(self):
        return self

    def __exit__(self, type, value, traceback):
        self.flush()
        if self._close_on_exit and self._get_state() == "open":
            self.close()

    def __del__(self):
        # Unflushed data at garbage collection is a caller's bug: say so, then try to save it
        # synchronously (an exception here can only be printed by Python).
        if not hasattr(self, "_jobs") or not (self._write_len or len(self._jobs)):
            return
        warn("=== WARNING! === A DXFile object (%s) is being destroyed with unflushed data; flushing it now. "
             "Call flush() or close(), or use it as a context manager, so that errors can be reported."
             % (self._dxid,))
        self.flush(multithread=False)

    def __iter__(self):
        """The lines of the file (text mode only), without their "\\n"."""
        if self._binary_mode:
            raise DXFileError("Cannot read lines when file opened in binary mode")
        pending = ""
        while True:
            more = self.read(self._read_bufsize)
            if not more:
                break
            lines = (pending + more).split("\n")
            pending = lines.pop()
            for line in lines:
                yield line
        if pending:
            yield pending

    # -- state ---------------------------------------------------------------------------

    def _lean_describe(self, fields, **kwargs):
        # Asks only for *fields* and leaves the cached description (attribute access) alone.
        describe_input = {"fields": {name: True for name in fields}}
        if self._proj is not None:
            describe_input["project"] = self._proj
        return self._describe(self._dxid, describe_input, **kwargs)

    def _get_state(self, **kwargs):
        return self._lean_describe(("state",), **kwargs)["state"]

    def closed(self, **kwargs):
        """True when the remote file is closed (False while "open" or "closing")."""
        return self._get_state(**kwargs) == "closed"

    # -- writing -------------------------------------------------------------------------

    def _ensure_write_bufsize(self, **kwargs):
        if self._write_bufsize is not None:
            return
        if self._proj is None:
            raise DXFileError("The handler of %s has no project: cannot learn the region's upload limits"
                              % (self._dxid,))
        params = dxpy.api.project_describe(self._proj, {"fields": {"fileUploadParameters": True}},
                                           **_api_kwargs(kwargs))["fileUploadParameters"]
        self._empty_last_part_allowed = params.get("emptyLastPartAllowed", True)
        self._write_bufsize = _transfer.part_size(self._write_buffer_size_hint, params,
                                                  self._expected_file_size, self._file_is_mmapd)

    def write(self, data, multithread=True, **kwargs):
        """Append *data* (bytes-like, or str written as UTF-8) to the file.

        Full parts are uploaded at once, in the background with *multithread*; when a pool's
        worth of parts is in flight this waits for one to finish. An upload error is raised
        by a later ``write``, ``flush`` or ``close``.
        """
        view, immutable = _byte_view(data)
        self._write_view(view, immutable, multithread, kwargs, data if isinstance(data, bytes) else view)

    def _write_view(self, view, immutable, multithread, kwargs, whole=None):
        """write() of a byte view; *immutable* views (and *whole*, the same bytes as one
        object) are sent without a copy, so they must not change until flushed."""
        self._ensure_write_bufsize(**kwargs)
        size = self._write_bufsize
        offset, total = 0, len(view)
        if self._write_len:
            offset = min(size - self._write_len, total)
            self._buffer(view[:offset], immutable)
            if self._write_len >= size:
                self._send_buffer(multithread, kwargs)
        while total - offset >= size:
            if offset == 0 and total == size and immutable:
                part = whole if whole is not None else view
            else:
                part = view[offset:offset + size] if immutable else bytes(view[offset:offset + size])
            self._queue_part(part, multithread, kwargs)
            offset += size
        if offset < total:
            self._buffer(view[offset:], immutable)

    def _buffer(self, view, immutable):
        if len(view):
            self._write_chunks.append(view if immutable else bytes(view))
            self._write_len += len(view)

    def _send_buffer(self, multithread, kwargs):
        chunks = self._write_chunks
        part = chunks[0] if len(chunks) == 1 else b"".join(chunks)
        self._write_chunks, self._write_len = [], 0
        self._queue_part(part, multithread, kwargs)

    def _queue_part(self, data, multithread, kwargs):
        index = self._cur_part
        self._cur_part += 1
        if multithread:
            connections = type(self)._http_threadpool_size
            if isinstance(data, _transfer.FileSlice):
                # Read as it is sent: a few more parts get their MD5 and upload URL ready
                # while *connections* others are being sent.
                limits = (connections + PREPARED_AHEAD, connections)
            else:
                jobs = _transfer.parts_in_memory(connections, len(data))
                limits = (jobs, jobs)
            self._jobs.submit(limits, self._upload_part, data, index, **kwargs)
        else:
            self._upload_part(None, data, index, **kwargs)

    def flush(self, multithread=True, **kwargs):
        """Upload what is buffered and wait until every part sent so far is uploaded."""
        if self._write_len:
            self._send_buffer(multithread, kwargs)
        self._jobs.wait_all()

    def upload_part(self, data, index=None, display_progress=False, report_progress_fn=None, **kwargs):
        """Upload *data* (bytes-like, or a seekable file object read from its position) as
        part *index* (1 to 10000; the platform's default, 1, when None).

        The upload URL is asked for before every attempt; a failed attempt is retried with
        the same data. *report_progress_fn* is called as ``fn(self, num_bytes)`` when done.
        """
        if index is not None and (isinstance(index, bool) or not isinstance(index, int)
                                  or not 1 <= index <= MAX_PART_INDEX):
            raise DXFileError("Part index must be an integer from 1 to %d, not %r" % (MAX_PART_INDEX, index))
        self._upload_part(None, data, index, display_progress, report_progress_fn, **kwargs)

    def _upload_part(self, transfer, data, index, display_progress=False, report_progress_fn=None, **kwargs):
        """upload_part; as a job of *transfer*, whose API server it uses and whose abort
        flag stops it before any further attempt."""
        if isinstance(data, _transfer.FileSlice):
            body, md5, size = data, md5_hasher(), len(data)
            for block in data.blocks(_transfer.FILE_BLOCK):
                md5.update(block)
        elif hasattr(data, "read") and hasattr(data, "seek") and hasattr(data, "tell"):
            body, md5, size = data, md5_hasher(), 0
            start = data.tell()
            for block in iter(lambda: data.read(MD5_READ_CHUNK_SIZE), b""):
                md5.update(block)
                size += len(block)
            data.seek(start)
        else:
            view, _ = _byte_view(data, "part data")
            md5 = md5_hasher()
            md5.update(view)
            body, size = _transfer.BlockReader(view), len(view)
        request = {"md5": md5.hexdigest(), "size": size}
        if index is not None:
            request["index"] = index
        api_kwargs = _api_kwargs(kwargs)
        api_kwargs.setdefault("timeout", FILE_REQUEST_TIMEOUT)
        max_wait = api_kwargs.pop("max_retry_wait", None)
        policy = retry.RetryPolicy(max_retries=api_kwargs.pop("max_retries", dxpy.DEFAULT_RETRIES),
                                   max_wait=dxpy.http.MAX_RETRY_WAIT if max_wait is None else max_wait)
        url_calls = [0]

        def new_upload_url():
            # The upload URL calls share the part's retries: the n-th may retry only what the
            # PUT has left, so the nested retry loops do not multiply.
            budget = {"max_retries": max(0, policy.max_retries - url_calls[0]), "max_retry_wait": policy.max_wait}
            url_calls[0] += 1
            if transfer is None:
                resp = dxpy.api.file_upload(self._dxid, request, **dict(api_kwargs, **budget))
            else:
                resp = transfer.api_call("/%s/upload" % self._dxid, request, **dict(api_kwargs, **budget))
            return resp["url"], _validate_headers(resp.get("headers", {}))

        # Asked for before a connection is taken (while other parts are being sent); every
        # later attempt at the PUT asks for a fresh one.
        first = [new_upload_url()]

        def upload_url_and_headers():
            if transfer is not None:
                transfer.check()  # given up on while this part waited for a connection
            return first.pop() if first else new_upload_url()

        slot = transfer.connections.taken(index or 1) if transfer is not None else contextlib.nullcontext()
        with slot:
            dxpy.DXHTTPRequest(upload_url_and_headers, body, method="PUT", jsonify_data=False, prepend_srv=False,
                               always_retry=True, timeout=PART_UPLOAD_REQUEST_TIMEOUT_SECONDS, auth=None,
                               retry_policy=policy)
        with self._lock:
            self._num_uploaded_parts += 1
        if display_progress:
            warn(".")
        if report_progress_fn is not None:
            report_progress_fn(self, size)

    def close(self, block=False, **kwargs):
        """Upload what is left and close the remote file; with *block*, wait until it is
        closed. A file with no parts at all gets an empty one where the region allows it."""
        report_progress_fn = kwargs.pop("report_progress_fn", None)
        self.flush(report_progress_fn=report_progress_fn, **kwargs)
        if self._num_uploaded_parts == 0:
            # Only a file without any part gets the empty one (never overwrite a part 1
            # that another handler uploaded).
            empty_allowed = True
            if self._proj is not None:
                self._ensure_write_bufsize(**kwargs)
                empty_allowed = self._empty_last_part_allowed
            if empty_allowed and not self._lean_describe(("parts",), **kwargs).get("parts"):
                try:
                    self.upload_part(b"", 1, **kwargs)
                except dxpy.exceptions.InvalidState:
                    pass  # closed or closing already: file_close below says so
        self._close(self._dxid, **kwargs)
        if block:
            self._wait_on_close(**kwargs)

    def wait_on_close(self, timeout=3600 * 24 * 7, **kwargs):
        """Wait until the file is closed; DXError after *timeout* seconds."""
        self._wait_on_close(timeout, **kwargs)

    def wait_until_parts_uploaded(self, **kwargs):
        """Wait until every part uploaded so far is reported complete."""
        self._wait_until_parts_uploaded(**kwargs)

    # -- download URL --------------------------------------------------------------------

    def get_download_url(self, duration=None, preauthenticated=False, filename=None, project=None, **kwargs):
        """Return ``(url, headers)`` to download the file from.

        *project* (a project containing the file) is the one billed; when None, outside a
        job, the handler's project is used if it holds the file. ``DXFile.NO_PROJECT_HINT``
        sends no project. The URL is cached until it expires.
        """
        return self._download_url(duration, preauthenticated, filename, project, False, **kwargs)

    def _url_project(self, project):
        """The project to name when asking for a download URL: *project*, else (outside a
        job) the handler's if it holds the file; ``NO_PROJECT_HINT`` for none. Transfers
        call it before their workers start, so that no worker has to look it up."""
        if project is not None and not isinstance(project, str):
            raise DXFileError("project must be a project ID string or DXFile.NO_PROJECT_HINT, not %r" % (project,))
        if project is None and "DX_JOB_ID" not in os.environ:
            # The handler's project is only a hint: used when it holds the file.
            if self._proj is not None and self._exists_in_proj is None:
                self._exists_in_proj = object_exists_in_project(self._dxid, self._proj)
            if self._exists_in_proj:
                return self._proj
        return DXFile.NO_PROJECT_HINT if project is None else project

    def _download_url(self, duration, preauthenticated, filename, project, refresh, transfer=None, **kwargs):
        project = self._url_project(project)
        key = (duration, preauthenticated, filename, None if project == DXFile.NO_PROJECT_HINT else project)
        with self._lock:
            cached = self._url_cache
            if refresh or cached is None or cached[0] != key or cached[3] < time.time():
                cached = self._url_cache = self._new_download_url(key, transfer, **kwargs)
            return cached[1], dict(cached[2])  # each caller gets headers it may change

    def _new_download_url(self, key, transfer, **kwargs):
        duration, preauthenticated, filename, project = key
        args = {"preauthenticated": preauthenticated}
        if duration is not None:
            args["duration"] = duration
        if filename is not None:
            args["filename"] = filename
        if project is not None:
            args["project"] = project
        if "_DX_DUMP_BILLED_PROJECT" in os.environ:  # test hook: which project was billed
            with open(os.environ["_DX_DUMP_BILLED_PROJECT"], "w") as fd:
                fd.write(project or "")
        kwargs = _api_kwargs(kwargs)
        kwargs.setdefault("timeout", FILE_REQUEST_TIMEOUT)
        if transfer is None:
            resp = dxpy.api.file_download(self._dxid, args, **kwargs)
        else:
            resp = transfer.api_call("/%s/download" % self._dxid, args, **kwargs)
        if resp.get("security_status") == "FLAGGED_MALICIOUS":
            warn("WARNING: Potentially malicious file detected. Verify the source before viewing or executing.")
        expires = resp.get("expires")
        expires = expires / 1000.0 - 60 if isinstance(expires, (int, float)) else _NEVER  # allow for clock drift
        return key, resp["url"], _validate_headers(resp.get("headers") or {}), expires

    def _read_range(self, start, stop, project=None, transfer=None, **kwargs):
        """Bytes [start, stop) of the file. The cached URL serves the first attempt; a retry
        asks for a fresh one (it may have expired or gone bad). As a job of *transfer*, no
        attempt starts once it is aborted."""
        attempts = [0]

        def url_and_headers():
            if transfer is not None:
                transfer.check()
            attempts[0] += 1
            url, headers = self._download_url(None, False, None, project, attempts[0] > 1, transfer, **kwargs)
            headers["Range"] = "bytes=%d-%d" % (start, stop - 1)
            return url, headers

        short_reads = retry.RetryPolicy(max_retries=RANGE_ATTEMPTS - 1).start(True)
        while True:
            response = dxpy.DXHTTPRequest(url_and_headers, None, method="GET", auth=None, jsonify_data=False,
                                          prepend_srv=False, always_retry=True, timeout=FILE_REQUEST_TIMEOUT,
                                          decode_response_body=False, want_full_response=True)
            data = response.content
            if response.status_code == 200 and len(data) > stop - start:
                data = data[start:stop]  # the server ignored the Range header
            if len(data) == stop - start:
                return data
            short_reads = short_reads.increment(retry.ANSWER_LOST)  # a short answer: lost in part
            if short_reads.delay is None:
                raise DXIncompleteReadsError("Asked %s for bytes %d-%d, got %d bytes %d times"
                                             % (self._dxid, start, stop - 1, len(data), short_reads.failures))
            dxpy.http._sleep(short_reads.delay)

    def _generate_read_requests(self, start_pos=0, end_pos=None, project=None, limit_chunk_size=None, **kwargs):
        """The ranged reads of bytes [start_pos, end_pos) as dxpy lists them: ``(function,
        [url, headers, first, last, timeout], {})`` per range, ranges growing up to
        *limit_chunk_size* (default: the read buffer size); call ``function(*args)`` for the bytes."""
        limit_chunk_size = limit_chunk_size or self._read_bufsize
        if self._file_length is None:
            self._file_length = int(self._lean_describe(("size",), **kwargs)["size"])
        end_pos = self._file_length if end_pos is None else end_pos
        if end_pos > self._file_length:
            raise DXFileError("Invalid end_pos")
        for start, stop in _transfer.ranges(start_pos, end_pos, min(FIRST_READ_SIZE, limit_chunk_size),
                                            limit_chunk_size):
            url, headers = self.get_download_url(project=project, **kwargs)
            yield _read_url_range, [url, headers, start, stop - 1, FILE_REQUEST_TIMEOUT], {}

    # -- reading -------------------------------------------------------------------------

    def seek(self, offset, from_what=os.SEEK_SET):
        """Move the read position to *offset* bytes from the start (``from_what`` 0), the
        current position (1) or the end (2). Reads past the end return nothing."""
        if isinstance(offset, bool) or not isinstance(offset, int):
            raise DXFileError("Invalid seek offset %r: expected an integer" % (offset,))
        if from_what == os.SEEK_SET:
            reference = 0
        elif from_what == os.SEEK_CUR:
            reference = self._pos
        elif from_what == os.SEEK_END:
            if self._file_length is None:
                self._file_length = int(self._lean_describe(("size",))["size"])
            reference = self._file_length
        else:
            raise DXFileError("Invalid value supplied for from_what")
        if reference + offset < 0:
            raise DXFileError("Invalid seek to %d: before the start of %s" % (reference + offset, self._dxid))
        self._pos = reference + offset
        self._decoder = None
        # Data already fetched or on its way stays usable if the new position is in the
        # current range or is where the next one starts; anything else starts afresh.
        in_chunk = self._chunk_start <= self._pos < self._chunk_start + len(self._chunk)
        if not in_chunk and self._pos != self._prefetch_next:
            self._drop_read_state()

    def tell(self):
        """The read position (after line iteration, the end of what was fetched)."""
        return self._pos

    def read(self, length=None, use_compression=None, project=None, **kwargs):
        """Read up to *length* bytes (all the rest when None) from the read position; str
        in text mode. The file must be closed. Ranges ahead are fetched in the background.

        *project*: the project billed (default: the handler's, if it holds the file);
        ``DXFile.NO_PROJECT_HINT`` for none.
        """
        if length is not None and (isinstance(length, bool) or not isinstance(length, int)):
            raise DXFileError("Invalid read length %r: expected an integer or None" % (length,))
        if project is None and self._exists_in_proj is None and self._proj is not None:
            self._exists_in_proj = object_exists_in_project(self._dxid, self._proj)
        if project is None and self._exists_in_proj:
            project = self._proj
        data = self._read_bytes(length, project, kwargs)
        if self._binary_mode:
            return data
        if self._decoder is None:
            self._decoder = codecs.getincrementaldecoder("utf-8")()
        # The decoder keeps a character cut at the end of this read for the next one.
        return self._decoder.decode(data, final=self._pos >= self._file_length)

    def _read_bytes(self, length, project, kwargs):
        if self._file_length is None:
            desc = self._lean_describe(("state", "size"), **kwargs)
            if desc["state"] != "closed":
                raise DXFileError("Cannot read from file until it is in the closed state")
            self._file_length = int(desc["size"])
        if self._pos >= self._file_length:
            self._pos = self._file_length
            return b""
        wanted = self._file_length - self._pos
        if length is not None and 0 <= length < wanted:
            wanted = length
        pieces = []
        while wanted > 0:
            chunk, offset = self._chunk, self._pos - self._chunk_start
            if 0 <= offset < len(chunk):
                take = min(wanted, len(chunk) - offset)
                pieces.append(chunk if take == len(chunk) else chunk[offset:offset + take])
                self._pos += take
                wanted -= take
                continue
            if self._prefetch is None or self._prefetch_next != self._pos or self._prefetch_project != project:
                self._start_prefetch(project, kwargs)
            self._chunk_start = self._prefetch_next
            self._chunk = b""  # released before the next range arrives
            try:
                self._chunk = self._prefetch.next()
            except BaseException:
                # Nothing of a failed read-ahead is reused: the next read starts afresh
                # (with the project it names), from the position reached.
                self._drop_read_state()
                raise
            if self._chunk is None:
                raise DXFileError("%s ended at byte %d, before its size of %d bytes"
                                  % (self._dxid, self._prefetch_next, self._file_length))
            self._prefetch_next += len(self._chunk)
        return pieces[0] if len(pieces) == 1 else b"".join(pieces)

    def _start_prefetch(self, project, kwargs):
        self._drop_read_state()
        largest = min(self._read_bufsize, _transfer.READ_RANGE_MAX)
        spans = _transfer.ranges(self._pos, self._file_length, FIRST_READ_SIZE, largest)
        # One range ahead per connection, as many as fit the memory budget (fewer once the
        # link proves fast): the reader takes each one as it arrives, and the ranges ahead
        # are held in memory until then.
        depth = _transfer.parts_in_memory(type(self)._http_threadpool_size, largest)
        budget = _transfer.ReadAheadBudget(largest)
        transfer = _transfer.Transfer(depth)
        tasks = ((start, stop, project) for start, stop in spans)
        self._prefetch = _transfer.OrderedPrefetch(
            transfer, depth, self._fetch_task(transfer, kwargs, budget.arrived), tasks,
            budget=budget, size_of=lambda task: task[1] - task[0])
        self._prefetch_next, self._prefetch_project = self._pos, project

    def _fetch_task(self, transfer, kwargs, arrived):
        def fetch(start, stop, project):
            started = time.monotonic()
            data = self._read_range(start, stop, project, transfer=transfer, **kwargs)
            arrived(stop - start, time.monotonic() - started)
            return data
        return fetch

    # -- archiving -----------------------------------------------------------------------

    def archive(self, all_copies=False):
        """Archive the file in its project (*all_copies*: in every project holding it)."""
        return dxpy.api.project_archive(self.get_proj_id(), {"files": [self.get_id()], "allCopies": all_copies})

    def unarchive(self, dry_run=False):
        """Unarchive the file in its project; *dry_run* only reports what it would cost."""
        return dxpy.api.project_unarchive(self.get_proj_id(), {"files": [self.get_id()], "dryRun": dry_run})
