"""Real HTTP servers on 127.0.0.1 for exercising dxpy's HTTP layer, plus dxpy state helpers.

ScriptedServer answers each request with the next *step* of its script (see ``reply``,
``error``, ``truncated``, ``drop`` and ``garbage``) and records every request it receives.
ForwardingProxy is a plain HTTP forward proxy that records what passes through it.

Typical use::

    with ScriptedServer([error(500, "InternalError"), reply(json={"ok": True})]) as srv:
        ...  # talk to srv.url
        assert len(srv.requests) == 2
"""
import contextlib
import http.client
import json
import socket
import sys
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from requests.structures import CaseInsensitiveDict

__all__ = [
    "ScriptedServer", "ForwardingProxy", "RecordedRequest", "Step",
    "reply", "error", "echo", "truncated", "drop", "garbage",
    "unused_port", "configure_dxpy", "record_sleeps", "DXTestConfig",
]

_HOP_BY_HOP = {"connection", "keep-alive", "proxy-authorization", "proxy-authenticate",
               "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade"}


class RecordedRequest(object):
    """One request as a server saw it. ``headers`` is case-insensitive; ``body`` is bytes."""

    def __init__(self, method, path, headers, body):
        self.method = method
        self.path = path
        self.headers = headers
        self.body = body

    def json(self):
        return json.loads(self.body.decode("utf-8"))

    def __repr__(self):
        return "<RecordedRequest %s %s %d bytes>" % (self.method, self.path, len(self.body))


class Step(object):
    """What the server does with one request. Build steps with the helper functions below.

    kind is "reply" (status, headers, body), "truncated" (declares ``declared_length`` bytes
    but sends ``body`` and closes), "drop" (closes without answering) or "garbage" (sends
    ``body`` where the status line belongs and closes). ``delay`` seconds pass first.
    """

    def __init__(self, kind="reply", status=200, headers=None, body=b"", delay=0.0,
                 declared_length=None):
        self.kind = kind
        self.status = status
        self.headers = list((headers or {}).items())
        self.body = body.encode("utf-8") if isinstance(body, str) else body
        self.delay = delay
        self.declared_length = declared_length

    def __repr__(self):
        return "<Step %s %s>" % (self.kind, self.status)


_NO_JSON = object()


def reply(status=200, body=b"", json=_NO_JSON, headers=None, delay=0.0):
    """A complete response; with ``json=`` the body is that object, typed application/json."""
    headers = dict(headers or {})
    if json is not _NO_JSON:
        body = _dumps(json)
        headers.setdefault("Content-Type", "application/json")
    return Step("reply", status, headers, body, delay)


def error(status, type_, message="something went wrong", details=None, request_id=None,
          headers=None, delay=0.0):
    """A DNAnexus API error: ``{"error": {"type": ..., "message": ..., "details": ...}}``."""
    content = {"type": type_, "message": message}
    if details is not None:
        content["details"] = details
    headers = dict(headers or {})
    if request_id is not None:
        headers["X-Request-ID"] = request_id
    return reply(status, json={"error": content}, headers=headers, delay=delay)


def echo(request):
    """Script step (a callable) answering 200 with ``{"method", "path", "body"}``."""
    body = request.json() if request.body else None
    return reply(json={"method": request.method, "path": request.path, "body": body})


def truncated(body=b'{"partial": ', declared_length=1000, status=200, headers=None, delay=0.0):
    """Declares ``declared_length`` bytes of JSON, sends fewer, then closes the connection."""
    headers = dict(headers or {})
    headers.setdefault("Content-Type", "application/json")
    return Step("truncated", status, headers, body, delay, declared_length)


def drop(delay=0.0):
    """Reads the request, then closes the connection without sending a byte."""
    return Step("drop", delay=delay)


def garbage(data=b"THIS IS NOT HTTP\r\n\r\n", delay=0.0):
    """Sends ``data`` instead of a status line, then closes the connection."""
    return Step("garbage", body=data, delay=delay)


def _dumps(obj):
    return json.dumps(obj).encode("utf-8")


def unused_port():
    """A loopback port on which nothing listens (connecting to it is refused)."""
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _LoopbackHTTPServer(ThreadingHTTPServer):
    """Threaded server that tracks its connections so that close() ends them all."""

    daemon_threads = True
    request_queue_size = 128
    allow_reuse_address = True

    def __init__(self, handler_class, owner):
        self.owner = owner
        self.closing = threading.Event()
        self._lock = threading.Lock()
        self._connections = set()
        self._handler_threads = []
        ThreadingHTTPServer.__init__(self, ("127.0.0.1", 0), handler_class)

    def get_request(self):
        sock, address = ThreadingHTTPServer.get_request(self)
        # Without this, a response written in two pieces waits for the client's delayed ACK.
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with self._lock:
            self._connections.add(sock)
        return sock, address

    def process_request(self, request, client_address):
        thread = threading.Thread(target=self.process_request_thread,
                                  args=(request, client_address), daemon=True)
        with self._lock:
            self._handler_threads = [t for t in self._handler_threads if t.is_alive()] + [thread]
        thread.start()

    def shutdown_request(self, request):
        with self._lock:
            self._connections.discard(request)
        ThreadingHTTPServer.shutdown_request(self, request)

    def handle_error(self, request, client_address):
        self.owner.errors.append(sys.exc_info()[1])

    def stop(self):
        self.closing.set()
        self.shutdown()
        with self._lock:
            connections, threads = list(self._connections), list(self._handler_threads)
        for sock in connections:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        for thread in threads:
            thread.join(5)
        self.server_close()


class _Handler(BaseHTTPRequestHandler):
    """Reads requests (Content-Length or chunked bodies) and writes raw responses."""

    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):  # keep test output quiet
        pass

    def _read_body(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _record(self):
        request = RecordedRequest(self.command, self.path,
                                  CaseInsensitiveDict(self.headers.items()), self._read_body())
        self.server.owner._record(request)
        return request

    def _send(self, status, headers, body, declared_length=None):
        reason = http.client.responses.get(status, "Unknown")
        lines = ["HTTP/1.1 %d %s" % (status, reason)]
        names = {name.lower() for name, _ in headers}
        lines += ["%s: %s" % (name, value) for name, value in headers]
        if "content-length" not in names:
            length = len(body) if declared_length is None else declared_length
            lines.append("Content-Length: %d" % length)
        if self.close_connection:
            lines.append("Connection: close")
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        self.wfile.write(head + (b"" if self.command == "HEAD" else body))

    def _close_now(self):
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)


class _ScriptedHandler(_Handler):

    def _handle(self):
        request = self._record()
        step = self.server.owner._next_step(request)
        if step.delay and self.server.closing.wait(step.delay):
            return self._close_now()
        if step.kind == "drop":
            return self._close_now()
        if step.kind == "garbage":
            self.wfile.write(step.body)
            return self._close_now()
        if step.kind == "truncated":
            self.close_connection = True
            self._send(step.status, step.headers, step.body, step.declared_length)
            return self._close_now()
        self._send(step.status, step.headers, step.body)


class _ProxyHandler(_Handler):

    def _handle(self):
        request = self._record()
        target = urlsplit(self.path)
        if self.command == "CONNECT" or target.scheme != "http":
            return self._send(501, [("Content-Type", "text/plain")], b"only http:// is proxied")
        path = target.path or "/"
        if target.query:
            path += "?" + target.query
        headers = {name: value for name, value in request.headers.items()
                   if name.lower() not in _HOP_BY_HOP and name.lower() != "content-length"}
        upstream = http.client.HTTPConnection(target.hostname, target.port or 80, timeout=30)
        try:
            upstream.request(self.command, path, body=request.body or None, headers=headers)
            response = upstream.getresponse()
            body = response.read()
        except (OSError, http.client.HTTPException) as exc:
            return self._send(502, [("Content-Type", "text/plain")], str(exc).encode("utf-8"))
        finally:
            upstream.close()
        relayed = [(name, value) for name, value in response.getheaders()
                   if name.lower() not in _HOP_BY_HOP and name.lower() != "content-length"]
        self._send(response.status, relayed, body)


for _method in ("GET", "POST", "PUT", "DELETE", "HEAD", "PATCH", "OPTIONS", "CONNECT"):
    setattr(_ScriptedHandler, "do_" + _method, _ScriptedHandler._handle)
    setattr(_ProxyHandler, "do_" + _method, _ProxyHandler._handle)


class _Recorder(object):
    handler_class = None

    def __init__(self):
        self.errors = []  # unexpected exceptions raised in handler threads
        self._requests = []
        self._lock = threading.Lock()
        self._httpd = _LoopbackHTTPServer(self.handler_class, self)
        self.port = self._httpd.server_address[1]
        self.url = "http://127.0.0.1:%d" % self.port
        self._thread = threading.Thread(target=self._httpd.serve_forever,
                                        kwargs={"poll_interval": 0.01}, daemon=True)
        self._thread.start()

    @property
    def requests(self):
        """Every request received so far, oldest first."""
        with self._lock:
            return list(self._requests)

    def _record(self, request):
        with self._lock:
            self._requests.append(request)

    def close(self):
        if self._thread is not None:
            self._httpd.stop()
            self._thread.join(5)
            self._thread = None

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()


class ScriptedServer(_Recorder):
    """HTTP/1.1 keep-alive server on 127.0.0.1 that plays a script of steps.

    Each request consumes the next step of the script; an empty script falls back to
    ``default`` (200 ``{}``). A step may also be a callable taking the RecordedRequest and
    returning a Step, which lets the answer depend on the request.
    """

    handler_class = _ScriptedHandler

    def __init__(self, script=(), default=None):
        self._script = list(script)
        self.default = default if default is not None else reply(json={})
        _Recorder.__init__(self)

    def push(self, *steps):
        """Append steps to the script."""
        with self._lock:
            self._script.extend(steps)

    @property
    def pending(self):
        """How many scripted steps have not been used yet."""
        with self._lock:
            return len(self._script)

    def _next_step(self, request):
        with self._lock:
            step = self._script.pop(0) if self._script else self.default
        return step(request) if callable(step) else step


class ForwardingProxy(_Recorder):
    """Forward proxy for absolute-form ``http://`` requests; ``requests`` lists what it got.

    Recorded paths are absolute URLs and headers include ``Proxy-Authorization``, which is
    not passed on to the target. CONNECT is answered with 501.
    """

    handler_class = _ProxyHandler


# ----------------------------------------------------------------------------- dxpy state

_DXPY_GLOBALS = ("APISERVER_PROTOCOL", "APISERVER_HOST", "APISERVER_PORT", "APISERVER",
                 "SECURITY_CONTEXT", "AUTH_HELPER", "JOB_ID", "WORKSPACE_ID",
                 "PROJECT_CONTEXT_ID", "_DEBUG")
_ENV_TO_CLEAR = ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "NO_PROXY",
                 "no_proxy", "ALL_PROXY", "all_proxy", "DX_CA_CERT")


class DXTestConfig(object):
    """What configure_dxpy set up: the API ``server``, its ``token`` and ``auth_header``."""

    def __init__(self, server, token):
        self.server = server
        self.token = token
        self.auth_header = "Bearer " + token


def configure_dxpy(server, monkeypatch):
    """Point dxpy at ``server`` with a fresh Bearer token and no job/workspace/project.

    Proxy variables and DX_CA_CERT are removed from the environment and ``dxpy._DEBUG`` is
    0. Everything is restored when ``monkeypatch`` is undone. Returns a DXTestConfig.
    """
    import dxpy

    for name in _ENV_TO_CLEAR:
        monkeypatch.delenv(name, raising=False)
    for name in _DXPY_GLOBALS:
        if hasattr(dxpy, name):
            monkeypatch.setattr(dxpy, name, getattr(dxpy, name))
    problems = getattr(dxpy, "_config_problems", None)
    if isinstance(problems, dict):  # configuration problems found at import: work on a copy
        monkeypatch.setattr(dxpy, "_config_problems", dict(problems))
    token = "tok-" + uuid.uuid4().hex
    dxpy.set_api_server_info(host="127.0.0.1", port=server.port, protocol="http")
    dxpy.set_security_context({"auth_token_type": "Bearer", "auth_token": token})
    dxpy.set_job_id(None)
    dxpy.set_workspace_id(None)
    dxpy.set_project_context(None)
    dxpy._DEBUG = 0
    return DXTestConfig(server, token)


def record_sleeps(monkeypatch, limit=500):
    """Replace ``dxpy.http._sleep`` by a recorder; returns the list of requested delays.

    More than ``limit`` waits in one test raise AssertionError, so that a request retrying
    forever fails instead of hanging the test run.
    """
    import dxpy.http

    delays = []

    def sleep(seconds):
        if len(delays) >= limit:
            raise AssertionError("more than %d waits: the request seems to retry forever" % limit)
        delays.append(seconds)
    monkeypatch.setattr(dxpy.http, "_sleep", sleep)
    return delays
