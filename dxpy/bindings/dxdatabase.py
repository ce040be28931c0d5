"""Databases: the DXDatabase handler (metadata and download URLs of a database's files)."""
import logging
import os
import threading

import dxpy
import dxpy.api
from . import DXDataObject
from ..compat import basestring  # noqa: F401  (dxpy exposes it here)
from ..exceptions import DXError
from ..utils.resolver import object_exists_in_project
from .dxfile import (DEFAULT_BUFFER_SIZE, DXFILE_HTTP_THREADS, FILE_REQUEST_TIMEOUT,  # noqa: F401
                     MD5_READ_CHUNK_SIZE, MIN_BUFFER_SIZE)

__all__ = ["DXDatabase", "DXFILE_HTTP_THREADS", "DEFAULT_BUFFER_SIZE"]


def _check_headers(headers):
    """The download headers the server sent, checked to be a mapping of strings."""
    if not isinstance(headers, dict):
        raise DXError("Expected the download headers to be a JSON object, got %r" % (headers,))
    for key, value in headers.items():
        if not isinstance(key, str) or not isinstance(value, str):
            raise DXError("Expected download header %r: %r to be strings" % (key, value))
    return headers


def do_debug(msg):
    """Log *msg* at debug level on the "dxpy" logger."""
    logging.getLogger("dxpy").debug(msg)


class DXDatabase(DXDataObject):
    """Handler for a database (created on the platform by Spark SQL, not by this library)."""

    _class = "database"

    _http_threadpool_size = DXFILE_HTTP_THREADS

    # Passed as *project* to say "bill no particular project".
    NO_PROJECT_HINT = "NO_PROJECT_HINT"

    def __init__(self, dxid=None, project=None, read_buffer_size=DEFAULT_BUFFER_SIZE,
                 expected_file_size=None, file_is_mmapd=False):
        DXDataObject.__init__(self, dxid=dxid, project=project)
        self._read_bufsize = read_buffer_size
        self._expected_file_size = expected_file_size
        self._file_is_mmapd = file_is_mmapd
        # Download URLs do not expire; they are kept per (file in the database, project).
        self._download_urls = {}
        self._url_lock = threading.Lock()

    def get_download_url(self, filename=None, src_filename=None, project=None, **kwargs):
        """Return ``(url, headers)`` to download *src_filename*, a file inside the database.

        *project* is the project to bill; by default the handler's project when (outside a
        job) the database is in it. :attr:`NO_PROJECT_HINT` names no project.
        """
        if self._dxid is None:
            raise DXError("This DXDatabase handler has no database ID")
        if src_filename is not None and not isinstance(src_filename, str):
            raise DXError("src_filename should be a string, not %r" % (src_filename,))
        args = {}
        if src_filename is not None:
            args["filename"] = src_filename
        if project is None and "DX_JOB_ID" not in os.environ:
            own = self.get_proj_id()
            if own and object_exists_in_project(self._dxid, own):
                project = own
        if project is not None and project != DXDatabase.NO_PROJECT_HINT:
            args["projectContext"] = project
        dump_to = os.environ.get("_DX_DUMP_BILLED_PROJECT")
        if dump_to:
            with open(dump_to, "w") as fd:
                if project is not None and project != DXDatabase.NO_PROJECT_HINT:
                    fd.write(project)
        key = (src_filename, args.get("projectContext"))
        with self._url_lock:
            if key not in self._download_urls:
                kwargs.setdefault("timeout", FILE_REQUEST_TIMEOUT)
                resp = dxpy.api.database_download_file(self._dxid, args, **kwargs)
                self._download_urls[key] = (resp["url"], _check_headers(resp.get("headers", {})))
            url, headers = self._download_urls[key]
        return url, dict(headers)
