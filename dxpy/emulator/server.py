"""The emulator's HTTP/1.1 front end: API calls, part uploads, file downloads, fault rules.

* ``POST /<class-or-id>/<method>``: an API call. ``Authorization: Bearer <token>`` is
  required; the body is JSON (empty means ``{}``); the answer is JSON.
* ``PUT /upload/<file-id>/<index>?<signature>``: a file part; ``Content-MD5`` is passed to the platform.
* ``GET /download/<file-id>/<anything>?<signature>``: file contents; honours a single ``Range``
  (``bytes=a-b``, ``bytes=a-``, ``bytes=-n``), served from the stored parts without joining them.
* ``POST /system/getUserInfo``, ``/system/newAuthToken`` (no token needed: it is how one is had from a
  username and password) and ``/system/destroyAuthToken``: the auth server's routes, answered on the
  same port: point ``DX_AUTHSERVER_HOST`` (with its ``http://``) and ``DX_AUTHSERVER_PORT`` here.
* ``GET /job-xxxx/getLog/websocket``: the job's log, streamed over a WebSocket as it is
  written (:mod:`.logstream`).
* ``POST /emulator/faults``: changes the fault rules (``{"add": {...}}``, ``{"clear": true}``)
  from another process; only with the emulator's administrator token (the one it prints at start,
  unless an admin token was given): any other user's or job's token is PermissionDenied.

The upload and download URLs need no token: as on the platform, the URL is the credential (the
model signs it, with an expiry, and checks the signature on every PUT and GET). URLs are built
from the server's own address, never from the request's ``Host`` header.
Every answer carries an ``X-Request-ID``; every failure inside a handler becomes a JSON error.
"""
import hmac
import itertools
import json
import math
import re
import socket
import sys
import threading
import time
import traceback
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from . import errors, logstream
from .errors import PlatformError
from .faults import FaultRule, FaultRules, default_error_type
from .limits import Limits, json_depth_exceeds
from .model.routes import tokenless_routes

FAULTS_ROUTE = "/emulator/faults"
# The auth server's login route: how a client gets a token in the first place.
# Logging in and /system/greet (what a client asks before it has logged in): "token": false in
# the route table
UNAUTHENTICATED_ROUTES = tokenless_routes()

# Bodies up to this size go out with their headers in one write; larger ones follow the
# headers in slices of _BLOCK bytes (memoryview slices: no copies).
_SMALL_BODY = 256 * 1024
_BLOCK = 8 * 1024 * 1024

_JSON = "application/json"
_GARBAGE = b"<html><body>502 Bad Gateway: this is not JSON</body></html>"
_RANGE = re.compile(r"^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$")


class _ClientGone(Exception):
    """The client closed the connection before its request was complete."""


class _BadFraming(Exception):
    """The request body cannot be delimited (bad Content-Length or chunk size)."""


class _TooLarge(Exception):
    """The request body is larger than the server accepts."""


class _TooDeep(Exception):
    """The request's JSON nests deeper than the server accepts."""


class Response(object):
    """What a handler answers: a status, a body (bytes-like, or a list of bytes-like pieces
    sent one after the other, so that a file's parts go out without being joined) and extra
    headers."""

    def __init__(self, status, body, content_type=_JSON, headers=()):
        self.status = status
        self.chunks = [memoryview(piece).cast("B") for piece in (body if isinstance(body, list) else [body])]
        self.content_type = content_type
        self.headers = list(headers)

    @property
    def body(self):
        return self.chunks[0] if len(self.chunks) == 1 else memoryview(b"".join(self.chunks))

    @classmethod
    def json(cls, status, value, headers=()):
        return cls(status, json.dumps(value).encode("utf-8"), headers=headers)

    @classmethod
    def error(cls, error, headers=()):
        return cls.json(error.status, error.to_json(), headers=headers)


class EmulatorServer(ThreadingHTTPServer):
    """Serves one platform model. ``close_connections()`` ends idle keep-alive connections
    so that ``stop`` does not leave handler threads waiting on them."""

    daemon_threads = True
    request_queue_size = 128

    def __init__(self, address, platform, faults=None, verbose=False, link=None, admin_token=None, limits=None):
        self.platform = platform
        self.limits = limits if limits is not None else Limits()
        self._slots = threading.BoundedSemaphore(self.limits.max_connections)
        self._admitted = set()  # connections holding a slot
        self.link = link  # a dxpy.emulator.link.Link: every connection delayed and paced
        self.admin_token = admin_token  # the only token that changes fault rules (None: nobody)
        self.faults = faults if faults is not None else FaultRules()
        self.verbose = verbose
        self._request_ids = itertools.count(1)
        self._id_prefix = uuid.uuid4().hex[:8]
        self._connections = set()
        self._connections_guard = threading.Lock()
        ThreadingHTTPServer.__init__(self, address, RequestHandler)

    @property
    def base_url(self):
        """The server's own address, as clients reach it (a wildcard bind is reached on loopback)."""
        host, port = self.server_address[:2]
        return "http://%s:%d" % ("127.0.0.1" if host in ("", "0.0.0.0") else host, port)

    def next_request_id(self):
        return "emulator-%s-%d" % (self._id_prefix, next(self._request_ids))

    def get_request(self):
        sock, address = ThreadingHTTPServer.get_request(self)
        # Without it, a response written after the previous one was not yet acknowledged
        # waits for the peer's delayed ACK (~40 ms) on a keep-alive connection.
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with self._connections_guard:
            self._connections.add(sock)
        return sock, address

    def process_request(self, request, client_address):
        """Serve *request* in a thread of its own if a slot is free; else answer 503 and close it."""
        if not self._slots.acquire(blocking=False):
            self._turn_away(request)
            return
        with self._connections_guard:
            self._admitted.add(request)
        ThreadingHTTPServer.process_request(self, request, client_address)

    def _turn_away(self, sock):
        message = "The emulator is serving its maximum of %d connections: try again" % self.limits.max_connections
        sys.stderr.write("dxpy emulator: connection refused: %s\n" % message)
        body = json.dumps(errors.ServiceUnavailable(message).to_json()).encode("utf-8")
        head = ("HTTP/1.1 503 Service Unavailable\r\nContent-Type: %s\r\nContent-Length: %d\r\n"
                "Retry-After: 1\r\nX-Request-ID: %s\r\nX-Content-Type-Options: nosniff\r\n"
                "Connection: close\r\n\r\n" % (_JSON, len(body), self.next_request_id()))
        try:
            sock.settimeout(1)
            sock.sendall(head.encode("latin-1") + body)
            sock.shutdown(socket.SHUT_WR)
            while sock.recv(65536):  # what the client sent, so that closing does not reset the answer
                pass
        except OSError:
            pass
        self.shutdown_request(sock)

    def shutdown_request(self, request):
        with self._connections_guard:
            self._connections.discard(request)
            admitted = request in self._admitted
            self._admitted.discard(request)
        if admitted:
            self._slots.release()
        ThreadingHTTPServer.shutdown_request(self, request)

    def close_connections(self):
        with self._connections_guard:
            connections = list(self._connections)
        for sock in connections:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def handle_error(self, request, client_address):
        # A client that goes away is its own business; anything else is worth a traceback.
        if isinstance(sys.exc_info()[1], (ConnectionError, socket.timeout)):
            return
        ThreadingHTTPServer.handle_error(self, request, client_address)


class RequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive
    server_version = "dxpy-emulator"
    sys_version = ""

    def setup(self):
        self.timeout = self.server.limits.read_timeout  # for a request line, headers or body to arrive
        BaseHTTPRequestHandler.setup(self)
        if self.server.link is not None:
            self.rfile, self.wfile = self.server.link.wrap(self.rfile, self.wfile)

    # -- entry points ----------------------------------------------------------------

    def do_POST(self):
        self._serve(self._api_call)

    def do_PUT(self):
        self._serve(self._upload)

    def do_GET(self):
        job_id = logstream.log_socket_job(self.path)
        if job_id is not None:
            self._log_socket(job_id)
            return
        self._serve(self._download)

    def send_error(self, code, message=None, explain=None):
        """HTTP-level failures (bad request line, unknown method) answered in JSON. The
        connection closes: whatever body the request had is still unread."""
        self.close_connection = True
        self._request_id = self.server.next_request_id()
        error = PlatformError(default_error_type(code), message or self.responses.get(code, ("",))[0], code)
        self._send(Response.error(error))

    def log_message(self, format, *args):
        if self.server.verbose:
            BaseHTTPRequestHandler.log_message(self, format, *args)

    # -- dispatch ----------------------------------------------------------------------

    def _serve(self, handler):
        self._request_id = self.server.next_request_id()
        # API routes ignore query parameters, as on the platform; transfer URLs carry their signature there.
        path, _, self._query = self.path.partition("?")
        try:
            body = self._read_body(self.server.limits.max_body(self.command))
        except _ClientGone:
            self.close_connection = True
            return
        except _BadFraming as e:
            self.send_error(400, str(e))
            return
        except _TooLarge as e:
            self._refused(str(e))
            self.send_error(413, str(e))
            return
        rule = None if path == FAULTS_ROUTE else self.server.faults.match(path, self.headers)
        if rule is not None and rule.action == "drop":
            self.close_connection = True
            return
        if rule is not None and rule.action == "status":
            headers = [("Retry-After", "%d" % math.ceil(rule.retry_after))] if rule.retry_after is not None else []
            error = PlatformError(rule.error_type, "Injected fault (rule %s)" % rule.route_pattern, rule.status)
            self._send(Response.error(error, headers))
            return
        if rule is not None and rule.action == "delay":
            time.sleep(rule.delay)
        response = self._answer(handler, path, body)
        if rule is not None and rule.action == "garbage":
            response = Response(response.status, _GARBAGE)
        self._send(response, truncate=rule is not None and rule.action == "truncate")

    def _answer(self, handler, path, body):
        try:
            try:
                return handler(path, body)
            except PlatformError as e:
                return Response.error(e, e.headers)  # may fail too, on details that are not JSON
        except Exception as e:  # a bug in the emulator must not cost the client its connection
            sys.stderr.write("dxpy emulator: %s %s failed\n%s" % (self.command, path, traceback.format_exc()))
            return Response.error(errors.InternalError("%s: %s" % (type(e).__name__, e)))

    # -- handlers: each takes (path, body) and returns a Response ------------------------

    def _api_call(self, path, body):
        if path == FAULTS_ROUTE:
            self._require_admin()
            return Response.json(200, self._change_faults(self._parse_json(body)))
        user = None if path in UNAUTHENTICATED_ROUTES else self._authenticate()
        payload = self._parse_json(body)
        return Response.json(200, self.server.platform.call(user, path, payload, base_url=self.server.base_url,
                                                            headers=self.headers, client_ip=self.client_address[0]))

    def _upload(self, path, body):
        parts = path.split("/")
        if len(parts) != 4 or parts[1] != "upload" or not parts[3].isdigit():
            raise errors.ResourceNotFound("The upload URL %s is not of the form /upload/<file-id>/<index>" % path)
        self.server.platform.receive_part(parts[2], int(parts[3]), body, self.headers.get("Content-MD5"), self._query)
        return Response.json(200, {})

    def _download(self, path, body):
        parts = path.split("/")
        if len(parts) < 4 or parts[1] != "download":
            raise errors.ResourceNotFound("The download URL %s is not of the form /download/<file-id>/<name>" % path)
        platform, file_id, query = self.server.platform, parts[2], self._query
        size, chunks = platform.file_chunks(file_id, 0, -1, query)  # the size (and the file's state) first
        span = _byte_range(self.headers.get("Range"), size)
        if span is None:
            size, chunks = platform.file_chunks(file_id, query=query)
            return Response(200, chunks, "application/octet-stream", [("Accept-Ranges", "bytes")])
        if span is _UNSATISFIABLE:
            error = PlatformError("InvalidInput", "Range %s is outside the file's %d bytes"
                                  % (self.headers.get("Range"), size), 416)
            return Response.error(error, [("Content-Range", "bytes */%d" % size)])
        start, end = span
        size, chunks = platform.file_chunks(file_id, start, end, query)
        return Response(206, chunks, "application/octet-stream",
                        [("Accept-Ranges", "bytes"), ("Content-Range", "bytes %d-%d/%d" % (start, end, size))])

    def _log_socket(self, job_id):
        """``GET /job-xxxx/getLog/websocket``: the job's log over a WebSocket (see :mod:`.logstream`);
        the connection is the socket's until the log ends."""
        self._request_id = self.server.next_request_id()
        self.close_connection = True
        answer = logstream.handshake(self.headers)
        if answer is None:
            self._send(Response.error(errors.InvalidInput("%s is a WebSocket: expected an Upgrade request"
                                                          % self.path.split("?", 1)[0])))
            return
        self.wfile.write(answer)
        self.connection.settimeout(None)  # the stream lasts as long as the log, however quiet
        logstream.stream(logstream.WebSocket(self.rfile, self.wfile), self.server.platform, job_id)

    # -- helpers -----------------------------------------------------------------------

    def _bearer_token(self):
        scheme, _, token = self.headers.get("Authorization", "").strip().partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            raise errors.InvalidAuthentication("Expected an Authorization header of the form 'Bearer <token>'")
        return token

    def _require_admin(self):
        token, admin = self._bearer_token(), self.server.admin_token
        if admin is None or not hmac.compare_digest(token.encode("utf-8"), admin.encode("utf-8")):
            raise errors.PermissionDenied("Only the emulator's administrator token may change its fault rules")

    def _authenticate(self):
        user = self.server.platform.authenticate(self._bearer_token())
        if user is None:
            raise errors.InvalidAuthentication("The token could not be found")
        return user

    def _change_faults(self, payload):
        faults = self.server.faults
        try:
            if payload.get("clear"):
                faults.clear()
            added = payload.get("add")
            added = [added] if isinstance(added, dict) else (added or [])
            for rule in added:  # all rules are checked before any is added
                if not isinstance(rule, dict):
                    raise TypeError("each rule must be a JSON object")
                FaultRule(**rule)
            for rule in added:
                faults.add(**rule)
        except (TypeError, ValueError) as e:
            raise errors.InvalidInput("Bad fault rule: %s" % e)
        return {"rules": faults.list()}

    def _read_body(self, limit):
        """The request's body, of at most *limit* bytes (_TooLarge before reading a larger one)."""
        try:
            if self.headers.get("Transfer-Encoding", "").strip().lower() == "chunked":
                return self._read_chunked(limit)
            length = self.headers.get("Content-Length")
            if length is None:
                return b""
            try:
                length = int(length)
            except ValueError:
                length = -1
            if length < 0:
                raise _BadFraming("Content-Length must be a non-negative integer")
            if length > limit:
                raise _TooLarge("The request body has %d bytes, more than the %d this server accepts for %s"
                                % (length, limit, self.command))
            return self._read_exactly(length)
        except OSError:  # the read timeout ran out, or the connection broke
            raise _ClientGone()

    def _read_exactly(self, length):
        # BufferedReader.read(n) fills one n-byte object straight from the socket, in blocks
        # as large as the kernel hands over: no intermediate list, no join.
        data = self.rfile.read(length)
        if len(data) != length:
            raise _ClientGone()
        return data

    def _read_chunked(self, limit):
        chunks, total = [], 0
        while True:
            line = self.rfile.readline(65537)
            if not line:
                raise _ClientGone()
            try:
                size = int(line.split(b";", 1)[0].strip(), 16)
            except ValueError:
                raise _BadFraming("Bad chunk size line %r" % line[:40])
            if size < 0:
                raise _BadFraming("Bad chunk size line %r" % line[:40])
            if size == 0:
                while self.rfile.readline(65537).strip():  # trailer fields, ignored
                    pass
                return b"".join(chunks)
            total += size
            if total > limit:  # before reading, so that a size of ffffffffffff costs nothing
                raise _TooLarge("The chunked request body has more than the %d bytes this server accepts for %s"
                                % (limit, self.command))
            chunks.append(self._read_exactly(size))
            self.rfile.readline(3)  # the CRLF after the chunk

    def _parse_json(self, body):
        try:
            return _parse_json(self.headers.get("Content-Type"), body, self.server.limits.max_json_depth)
        except _TooDeep as e:
            self._refused(str(e))
            raise errors.MalformedJSON(str(e))

    def _refused(self, reason):
        """One line on stderr for a request refused by a limit."""
        sys.stderr.write("dxpy emulator: %s %s refused: %s\n" % (self.command, self.path.split("?", 1)[0], reason))

    def _send(self, response, truncate=False):
        """Send *response*; with *truncate*, only half its body, then close the connection."""
        chunks = response.chunks
        declared = sum(len(chunk) for chunk in chunks)
        if truncate:
            chunks = _first_bytes(chunks, declared // 2)
            declared = max(declared, 1)
            self.close_connection = True
        lines = ["HTTP/1.1 %d %s" % (response.status, self.responses.get(response.status, ("",))[0]),
                 "Content-Type: " + response.content_type,
                 "Content-Length: %d" % declared,
                 "X-Request-ID: " + self._request_id,
                 "X-Content-Type-Options: nosniff"]
        lines.extend("%s: %s" % header for header in response.headers)
        if self.close_connection:
            lines.append("Connection: close")
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        if self.server.verbose:
            self.log_request(response.status, declared)
        # One write for headers and body: one segment and one system call for a small answer,
        # where http.server's separate writes wait on the peer's delayed ACK.
        if declared <= _SMALL_BODY:
            self.wfile.write(b"".join([head] + chunks))
            return
        self.wfile.write(head)
        for chunk in chunks:
            for offset in range(0, len(chunk), _BLOCK):
                self.wfile.write(chunk[offset:offset + _BLOCK])


_UNSATISFIABLE = object()


def _first_bytes(chunks, count):
    """The leading *count* bytes of *chunks*, as views."""
    kept = []
    for chunk in chunks:
        if count <= 0:
            break
        kept.append(chunk[:count])
        count -= len(kept[-1])
    return kept


def _byte_range(header, size):
    """``(first, last)`` (inclusive) for a single-range ``Range`` header, None to send the
    whole file (no header, or one this server does not understand, as RFC 7233 allows), or
    _UNSATISFIABLE."""
    if not header:
        return None
    match = _RANGE.match(header)
    if match is None or not (match.group(1) or match.group(2)):
        return None
    first, last = match.group(1), match.group(2)
    if not first:  # "bytes=-n": the last n bytes
        suffix = int(last)
        if suffix == 0 or size == 0:
            return _UNSATISFIABLE
        return max(0, size - suffix), size - 1
    first = int(first)
    if last and int(last) < first:  # syntactically invalid: ignored
        return None
    if first >= size:
        return _UNSATISFIABLE
    return first, size - 1 if not last else min(int(last), size - 1)


def _parse_json(content_type, body, max_depth):
    if content_type is not None and content_type.split(";", 1)[0].strip().lower() != _JSON:
        raise errors.MalformedJSON("The Content-Type must be absent or application/json, not %r" % content_type)
    if not body.strip():
        return {}
    too_deep = _TooDeep("The request body is nested more than %d arrays or objects deep" % max_depth)
    try:
        payload = json.loads(body.decode("utf-8"))
    except RecursionError:
        raise too_deep
    except ValueError as e:  # UnicodeDecodeError is a ValueError too
        raise errors.MalformedJSON("The request body is not valid JSON: %s" % e)
    # Fewer brackets than the limit cannot nest deeper than it: most bodies need no walk.
    if body.count(b"[") + body.count(b"{") > max_depth and json_depth_exceeds(payload, max_depth):
        raise too_deep
    return payload  # the model says which inputs must be objects
