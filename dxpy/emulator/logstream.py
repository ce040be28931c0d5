"""``GET /job-xxxx/getLog/websocket``: a job's log as the platform streams it, over a WebSocket
(RFC 6455) on the connection of the HTTP request.

The client's first text message is a JSON object: ``access_token`` and ``token_type``, then
``numRecentMessages`` (how many of the messages already logged to send first), ``recurseJobs``
(the job's subjobs too), ``tail`` (keep streaming until the jobs have finished; false: send what
there is and stop), ``levels`` (only these levels) and ``excludeMetrics``. Each log message goes
out as a text message holding a JSON object (``job``, ``timestamp`` in ms, ``source``, ``level``,
``line``, ``msg``); the end of the log is the message ``{"source": "SYSTEM", "msg": "END_LOG"}``,
after which the server closes with code 1000. An error (bad token, no access, unknown job)
closes the connection with code 1008 and a JSON ``{"type", "message"}`` as the reason.

Messages come from the job runner as they are logged: the stream waits on the runner's log
version, so a line printed by a job is sent as soon as the job's output reader has it.
"""
import base64
import hashlib
import json
import re
import struct
import threading
import time

from .errors import InvalidAuthentication, InvalidInput, PlatformError

LOG_SOCKET_PATH = re.compile(r"^/(job-[0-9A-Za-z]{24})/getLog/websocket$")
_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"  # RFC 6455's handshake constant
_TEXT, _CLOSE, _PING, _PONG = 0x1, 0x8, 0x9, 0xA
_MAX_FRAME = 1024 * 1024  # a client message is a small JSON object
_DEFAULT_RECENT = 1024 * 256
_POLL = 0.5  # seconds between looks at the jobs' states when nothing is logged (terminations)
_NORMAL, _POLICY = 1000, 1008
_CLOSE_WAIT = 2  # seconds to wait for the client's closing frame


def log_socket_job(path):
    """The job ID of a log socket path, or None."""
    match = LOG_SOCKET_PATH.match(path.split("?", 1)[0])
    return match.group(1) if match else None


class _Closed(Exception):
    """The peer closed the connection (or it broke)."""


class WebSocket(object):
    """The server end of a WebSocket on an accepted connection: text messages out, frames in."""

    def __init__(self, rfile, wfile):
        self.rfile, self.wfile = rfile, wfile
        self._send_guard = threading.Lock()
        self.closed = threading.Event()

    def _frame(self, opcode, payload):
        head = bytes([0x80 | opcode])
        size = len(payload)
        if size < 126:
            head += bytes([size])
        elif size < 65536:
            head += bytes([126]) + struct.pack("!H", size)
        else:
            head += bytes([127]) + struct.pack("!Q", size)
        with self._send_guard:
            self.wfile.write(head + payload)  # one write: one segment for a short message

    def send_text(self, text):
        if self.closed.is_set():
            raise _Closed()
        try:
            self._frame(_TEXT, text.encode("utf-8"))
        except OSError:
            self.closed.set()
            raise _Closed()

    def close(self, code=_NORMAL, reason=""):
        """Send a close frame (once); the reason is cut to the 123 bytes a close frame holds."""
        if self.closed.is_set():
            return
        self.closed.set()
        try:
            self._frame(_CLOSE, struct.pack("!H", code) + reason.encode("utf-8")[:123])
        except OSError:
            pass

    def _read(self, count):
        data = self.rfile.read(count)
        if len(data) != count:
            raise _Closed()
        return data

    def receive(self):
        """The next data message from the client (text or binary, as bytes); answers pings and
        closes. Raises _Closed when the client closed the connection."""
        pieces = []
        while True:
            first, second = self._read(2)
            opcode, final = first & 0x0F, first & 0x80
            size = second & 0x7F
            if size == 126:
                size = struct.unpack("!H", self._read(2))[0]
            elif size == 127:
                size = struct.unpack("!Q", self._read(8))[0]
            if size > _MAX_FRAME:
                self.close(1009, "Message too big")
                raise _Closed()
            mask = self._read(4) if second & 0x80 else None
            payload = self._read(size)
            if mask is not None:
                payload = bytes(byte ^ mask[index % 4] for index, byte in enumerate(payload))
            if opcode == _CLOSE:
                code = struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else _NORMAL
                self.close(code)
                raise _Closed()
            if opcode == _PING:
                with self._send_guard:
                    self.wfile.write(bytes([0x80 | _PONG, len(payload)]) + payload)
                continue
            if opcode == _PONG:
                continue
            pieces.append(payload)
            if final:
                return b"".join(pieces)


def accept_key(key):
    return base64.b64encode(hashlib.sha1((key + _GUID).encode("ascii")).digest()).decode("ascii")


def handshake(headers):
    """The 101 response to a WebSocket upgrade request, or None when it is not one."""
    if "websocket" not in headers.get("Upgrade", "").lower() or not headers.get("Sec-WebSocket-Key"):
        return None
    return ("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            "Sec-WebSocket-Accept: %s\r\n\r\n" % accept_key(headers["Sec-WebSocket-Key"].strip())).encode("latin-1")


def _params(socket):
    """The client's first message: its JSON object."""
    try:
        params = json.loads(socket.receive().decode("utf-8"))
    except ValueError as error:
        raise InvalidInput("The first message must be a JSON object: %s" % error)
    if not isinstance(params, dict):
        raise InvalidInput("The first message must be a JSON object")
    return params


class _Subscription(object):
    """What one client asked for, and how far each job's log has been sent."""

    def __init__(self, platform, user, job_id, params):
        self.platform, self.user, self.job_id = platform, user, job_id
        self.recurse = params.get("recurseJobs") is True
        self.tail = params.get("tail") is not False
        levels = params.get("levels")
        if levels is not None and not (isinstance(levels, list) and all(isinstance(x, str) for x in levels)):
            raise InvalidInput('Expected "levels" to be an array of strings')
        self.levels = set(levels) if levels else None
        self.exclude_metrics = params.get("excludeMetrics") is True
        recent = params.get("numRecentMessages", _DEFAULT_RECENT)
        if isinstance(recent, bool) or not isinstance(recent, int) or recent < 0:
            raise InvalidInput('Expected "numRecentMessages" to be a non-negative integer')
        self.recent = recent
        self.job_try = params.get("try")
        self.sent = {}  # job ID -> how many of its messages were looked at
        self.origin = self._describe(job_id)["originJob"]  # also checks access

    def _describe(self, job_id):
        return self.platform.call(self.user, "/%s/describe" % job_id,
                                  {"fields": {"state": True, "originJob": True, "parentJob": True}})

    def job_states(self):
        """{job ID: state} of the watched job and, with recurseJobs, the jobs under it."""
        if not self.recurse:
            return {self.job_id: self._describe(self.job_id)["state"]}
        parents, states, query = {}, {}, {"originJob": self.origin, "describe": {"fields": {
            "state": True, "parentJob": True}}}
        while True:
            page = self.platform.call(self.user, "/system/findJobs", query)
            for result in page["results"]:
                parents[result["id"]] = result["describe"].get("parentJob")
                states[result["id"]] = result["describe"]["state"]
            if not page.get("next"):
                break
            query["starting"] = page["next"]
        return {job: state for job, state in states.items() if self._under_watched(job, parents)}

    def _under_watched(self, job, parents):
        seen = set()
        while job is not None and job not in seen:
            if job == self.job_id:
                return True
            seen.add(job)
            job = parents.get(job)
        return False

    def _wanted(self, message):
        level = message.get("level")
        if self.exclude_metrics and level == "METRICS":
            return False
        return self.levels is None or level in self.levels

    def new_messages(self, runner, jobs):
        """The messages of *jobs* logged since the last call, oldest first, as sent."""
        found = []
        for job in jobs:
            start = self.sent.get(job, 0)
            messages = runner.log_messages(job, start=start) if runner is not None else []
            self.sent[job] = start + len(messages)
            for line, message in enumerate(messages, start + 1):
                if self._wanted(message):
                    message["line"] = line
                    if self.job_try is not None:
                        message["jobTry"] = self.job_try
                    found.append(message)
        found.sort(key=lambda message: message["timestamp"])
        return found


def _end_message():
    return json.dumps({"timestamp": int(time.time() * 1000), "source": "SYSTEM", "level": "INFO",
                       "msg": "END_LOG"})


def stream(socket, platform, job_id):
    """Serve one log socket until the log ends, the client leaves or an error closes it."""
    try:
        params = _params(socket)
        token = params.get("access_token")
        user = platform.authenticate(token) if isinstance(token, str) and token else None
        if user is None:
            raise InvalidAuthentication("The token could not be found")
        subscription = _Subscription(platform, user, job_id, params)
    except PlatformError as error:
        socket.close(_POLICY, json.dumps({"type": error.error_type, "message": error.message[:80]}))
        return
    except _Closed:
        return
    reader = threading.Thread(target=_drain, args=(socket,), daemon=True, name="dxpy-emulator-log-reader")
    reader.start()
    try:
        _follow(socket, platform, subscription)
        socket.send_text(_end_message())
        socket.close(_NORMAL)
    except PlatformError as error:
        socket.close(_POLICY, json.dumps({"type": error.error_type, "message": error.message[:80]}))
    except _Closed:
        pass
    reader.join(_CLOSE_WAIT)  # the client's closing frame, before the connection goes


def _follow(socket, platform, subscription):
    """Send the recent messages, then (with tail) each new one until every watched job has
    finished or the client has gone."""
    from .model.states import TERMINAL_STATES  # the model loads with the first emulator, not with this module
    runner = platform.job_runner
    version = runner.log_version() if runner is not None else 0
    states = subscription.job_states()
    backlog = subscription.new_messages(runner, states)
    for message in backlog[max(0, len(backlog) - subscription.recent):]:
        socket.send_text(json.dumps(message))
    if not subscription.tail:
        return
    while not socket.closed.is_set():
        finished = all(state in TERMINAL_STATES for state in states.values())
        for message in subscription.new_messages(runner, states):
            socket.send_text(json.dumps(message))
        if finished:
            return
        if runner is not None:
            version = runner.wait_for_log_change(version, _POLL)
        else:
            socket.closed.wait(_POLL)
        states = subscription.job_states()


def _drain(socket):
    """Read (and answer) the client's frames until it closes the connection."""
    try:
        while True:
            socket.receive()
    except (_Closed, OSError, ValueError):
        socket.closed.set()
