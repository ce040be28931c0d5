"""A job's log, streamed as it is written, from the platform's ``/job-xxxx/getLog/websocket``
(what ``dx watch`` shows).

The WebSocket protocol comes from the ``websocket-client`` package (the ``watch`` extra:
``pip install 'dxpy[watch]'``), imported only when a stream is opened. The client sends one
JSON message with the token and the options (``numRecentMessages``, ``recurseJobs``, ``tail``,
``levels``, ...); each message it receives is one log message as a JSON object, until
``{"source": "SYSTEM", "msg": "END_LOG"}``.
"""
import json
import logging
import os
import signal
import ssl
import sys
import textwrap
import threading
import time

import dxpy
from ..exceptions import DXCLIError, err_exit
from .describe import get_find_executions_string

logger = logging.getLogger("dxpy.job_log_client")

# A restarting server closes streams with this code and reason; the client then reconnects,
# at most this many times in a row.
_RESTART = (1001, "Server restart, please reconnect later")
MAX_RECONNECTS = 10
_CONNECT_TIMEOUT = 60


class DXJobLogStreamingException(Exception):
    """The log stream closed with an error."""


def _websocket_library():
    try:
        import websocket
    except ImportError:
        raise DXCLIError("Streaming job logs needs the websocket-client package: pip install 'dxpy[watch]'")
    return websocket


def log_socket_url(job_id):
    """``ws(s)://<API server>:<watch port>/<job ID>/getLog/websocket``."""
    return "{protocol}://{host}:{port}/{job_id}/getLog/websocket".format(
        protocol="wss" if dxpy.APISERVER_PROTOCOL == "https" else "ws", host=dxpy.APISERVER_HOST,
        port=dxpy.WATCH_PORT if dxpy.WATCH_PORT is not None else dxpy.APISERVER_PORT, job_id=job_id)


def _ssl_options():
    """Certificate checks as for API calls (DX_CA_CERT: a CA bundle, or NOVERIFY)."""
    from ..http import _verify_setting
    verify = _verify_setting(None)
    if verify is False:
        return {"cert_reqs": ssl.CERT_NONE}
    if isinstance(verify, str):
        return {"cert_reqs": ssl.CERT_REQUIRED, "ca_certs": verify}
    return {"cert_reqs": ssl.CERT_REQUIRED}


def _close_frame(frame):
    """(code, reason) of a close frame's payload."""
    data = frame.data if frame is not None else b""
    if len(data) < 2:
        return 1005, ""
    return int.from_bytes(data[:2], "big"), data[2:].decode("utf-8", "replace")


class DXJobLogStreamClient(object):
    """Streams the log of *job_id* (*job_try*: one try of it; None: the latest) and prints each
    message with *msg_output_format* (or hands its dict to *msg_callback*).

    :param input_params: the stream's options: ``numRecentMessages`` (int, at most 1024 * 256),
        ``recurseJobs`` (the job's subjobs too), ``tail`` (keep following the job; also needed
        for the whole log of a finished job), ``levels`` (list of levels to show), ...
    :param print_job_info: print a line about each job when its first message comes, and each
        job's final state (with its output) when the log ends
    :param exit_on_failed: exit with code 3 when the job failed or was terminated

    A message's dict holds ``timestamp`` (ms), ``source``, ``level``, ``job``, ``line`` (its
    sequence number) and ``msg``.
    """

    def __init__(self, job_id, job_try=None, input_params=None, msg_output_format="{job} {level} {msg}",
                 msg_callback=None, print_job_info=True, exit_on_failed=True):
        self.job_id = job_id
        self.job_try = job_try
        self.job_has_try = job_try is not None
        self.input_params = input_params
        self.msg_output_format = msg_output_format
        self.msg_callback = msg_callback
        self.print_job_info = print_job_info
        self.exit_on_failed = exit_on_failed
        self.seen_jobs = {}
        self.error = False
        self.exception = None
        self.closed_code = None
        self.closed_reason = None
        self.url = log_socket_url(job_id)
        self.keep_running = False
        self._app = None  # the open WebSocket while streaming

    def connect(self):
        """Stream the log until its end; after a server restart, reconnect (at most
        ``MAX_RECONNECTS`` times in a row)."""
        for attempt in range(MAX_RECONNECTS + 1):
            self.error, self.exception = False, None
            self.closed_code = self.closed_reason = None
            try:
                self._stream()
            except Exception:
                if not self.server_restarted():
                    raise
            finally:
                self._app = None
            if not self.server_restarted():
                return
            if attempt == MAX_RECONNECTS:
                raise DXJobLogStreamingException("Error while streaming job logs: the server restarted %d times\n"
                                                 % (attempt + 1))
            logger.warning("Server restart, reconnecting...")
            time.sleep(1)
            self._describe_job(self.job_id)  # an API call retries until the server is back

    def _stream(self):
        websocket = _websocket_library()
        try:
            self._app = websocket.create_connection(self.url, timeout=_CONNECT_TIMEOUT, sslopt=_ssl_options())
            self._app.settimeout(None)  # a quiet job may log nothing for hours
        except Exception as error:
            self.errored(error)
            self.closed()
            return
        self.keep_running = True
        code = reason = None
        try:
            self.opened()
            while self.keep_running:
                opcode, frame = self._app.recv_data_frame()
                if opcode == websocket.ABNF.OPCODE_CLOSE:
                    code, reason = _close_frame(frame)
                    break
                self.received_message(frame.data.decode("utf-8"))
        except (KeyboardInterrupt, SystemExit) as interruption:
            self.errored(interruption)
            raise
        except (websocket.WebSocketException, OSError) as error:
            self.errored(error)
        finally:
            self.keep_running = False
            if code is None:
                self._app.close(timeout=1)
            else:
                self._app.shutdown()
        self.closed(code, reason)

    def server_restarted(self):
        return (self.closed_code, self.closed_reason) == _RESTART

    def opened(self):
        """Send the token and the stream's options."""
        args = {"access_token": dxpy.SECURITY_CONTEXT["auth_token"],
                "token_type": dxpy.SECURITY_CONTEXT["auth_token_type"]}
        if self.input_params:
            args.update(self.input_params)
        self._app.send(json.dumps(args))

    def errored(self, exception=None):
        self.error = True
        self.exception = exception

    def closed(self, code=None, reason=None):
        """The stream has ended: raise DXJobLogStreamingException for anything but a normal
        close; otherwise print the jobs' final states (with *print_job_info*) and exit 3 if
        the job failed (with *exit_on_failed*)."""
        if code and code != 1005:
            self.closed_code, self.closed_reason = code, reason
        elif not self.error:
            self.closed_code, self.closed_reason = 1000, "Normal"
        elif isinstance(self.exception, (KeyboardInterrupt, SystemExit)):
            self.closed_code, self.closed_reason = 1000, "Connection terminated by client"
        else:
            self.closed_code = 1006
            self.closed_reason = str(self.exception) if self.exception else "Abnormal"

        if self.closed_code != 1000:
            if self.server_restarted():
                return
            try:
                error = json.loads(self.closed_reason)
                text = "{type}: {message}".format(**error)
            except (KeyError, TypeError, ValueError):
                text = "{}: {}".format(self.closed_code, self.closed_reason)
            raise DXJobLogStreamingException("Error while streaming job logs: %s\n" % text)

        if self.print_job_info:
            self.seen_jobs.setdefault(self.job_id, {})
            for job_id in list(self.seen_jobs):
                self.seen_jobs[job_id] = self._describe_job(job_id)
                self._print(get_find_executions_string(self.seen_jobs[job_id], has_children=False,
                                                       show_outputs=True, show_try=self.job_has_try))
        else:
            self.seen_jobs[self.job_id] = self._describe_job(self.job_id)

        if self.exit_on_failed and self.seen_jobs[self.job_id].get("state") in ("failed", "terminated"):
            err_exit(code=3)

    def received_message(self, message):
        """One message from the server (JSON text): a log message, or the end of the log."""
        message_dict = json.loads(message)
        job = message_dict.get("job")
        if self.print_job_info and job is not None and job not in self.seen_jobs:
            self.seen_jobs[job] = self._describe_job(job)
            self._print(get_find_executions_string(self.seen_jobs[job], has_children=False, show_outputs=False,
                                                   show_try=self.job_has_try))
        if message_dict.get("source") == "SYSTEM" and message_dict.get("msg") == "END_LOG":
            self.keep_running = False
        elif self.msg_callback:
            self.msg_callback(message_dict)
        else:
            self._print(self.msg_output_format.format(**message_dict))

    @staticmethod
    def _print(text):
        # flushed: a line reaches a pipe (or a file) as soon as it reaches this client
        print(text, flush=True)

    def _describe_job(self, job_id):
        return dxpy.api.job_describe(job_id, {"try": self.job_try} if self.job_has_try else {})


class CursesDXJobLogStreamClient(DXJobLogStreamClient):
    """The client of the full-screen view (``metrics_top``): it streams in a thread and, when
    the stream ends, interrupts the main thread that runs the screen."""

    def closed(self, *args, **kwargs):
        try:
            super(CursesDXJobLogStreamClient, self).closed(*args, **kwargs)
        finally:
            os.kill(os.getpid(), signal.SIGINT)


_TOP_HELP = """Metrics top mode help
_
This mode shows the latest METRICS message at the top of the screen and updates it for running jobs instead of \
showing every METRICS message interspersed with the currently-displayed job log messages. For completed jobs, this \
mode does not show any metrics.
_
Controls:
  Up/Down               scroll up/down by one line
  PgUp/PgDn             scroll up/down by 10 lines
  Left/Right            scroll left/right by one character
  Shift + Left/Right    scroll left/right by 20 characters
  Home/End              scroll to the beginning/end of the line
  ?                     display this help
  q                     quit
_
Press any key to return."""


class _TopScreen(object):
    """``dx watch --metrics top``: the latest METRICS message on top, the log below it,
    scrollable; redrawn on each message and each key."""

    def __init__(self, curses, args, input_params, enrich_msg):
        self.curses = curses
        self.args = args
        self.enrich_msg = enrich_msg
        self.client = CursesDXJobLogStreamClient(args.jobid, input_params=input_params,
                                                 msg_callback=self.on_message, msg_output_format=None,
                                                 print_job_info=False, exit_on_failed=False)
        self.lock = threading.RLock()  # the stream's thread and the keyboard's both draw
        self.window = None
        self.log = []
        self.metrics = "Waiting for job logs..."
        self.screen = "logs"
        self.top = 0   # lines scrolled up from the end of the log
        self.left = 0  # characters scrolled right
        self.widest = 0

    def run(self, window):
        self.window = window
        curses = self.curses
        curses.use_default_colors()
        for pair, color in ((1, curses.COLOR_BLUE), (2, curses.COLOR_RED), (3, curses.COLOR_YELLOW),
                            (4, curses.COLOR_GREEN)):
            curses.init_pair(pair, color, -1)
        streamer = threading.Thread(target=self.client.connect, daemon=True)
        streamer.start()
        self.draw()
        moves = {curses.KEY_RIGHT: (0, 1), curses.KEY_LEFT: (0, -1), curses.KEY_SRIGHT: (0, 20),
                 curses.KEY_SLEFT: (0, -20), curses.KEY_UP: (1, 0), curses.KEY_DOWN: (-1, 0),
                 curses.KEY_PPAGE: (10, 0), curses.KEY_NPAGE: (-10, 0)}
        try:
            while True:
                key = window.getch()
                if self.screen == "help":
                    if key >= 0:
                        self.screen = "logs"
                        self.draw()
                elif key in (ord("q"), ord("Q")):
                    sys.exit(0)
                elif key == ord("?"):
                    self.screen = "help"
                    self.draw()
                elif key == curses.KEY_HOME:
                    self.scroll(0, -self.left)
                elif key == curses.KEY_END:
                    self.scroll(0, self.widest)
                elif key in moves:
                    self.scroll(*moves[key])
                elif key == curses.KEY_RESIZE:
                    self.draw()
        except KeyboardInterrupt:  # the stream has ended (or Ctrl+C)
            sys.exit(0)

    def on_message(self, message):
        with self.lock:
            self.enrich_msg(self.client, message)
            if message.get("level") == "METRICS":
                self.metrics = "[%s] %s" % (message["timestamp"], message["msg"])
            else:
                self.log.append(message)
                if self.top > 0:
                    self.top += 1  # keep the lines in view where they are
            self.draw()

    def scroll(self, lines, columns):
        with self.lock:
            self.top = min(max(self.top + lines, 0), self._most_lines_up())
            self.left = min(max(self.left + columns, 0), max(self.widest - 1, 0))
            self.draw()

    def _most_lines_up(self):
        height, _ = self.window.getmaxyx()
        return max(len(self.log) - height + 3, 0)

    def _fields(self, message):
        """(text, color pair) pieces of one log line."""
        if self.args.format:
            return [(self.args.format.format(**message), 0)]
        fields = [(message["timestamp"], 0)] if self.args.timestamps else []
        fields.append((message["job_name"], 1))
        if self.args.job_ids:
            fields.append(("(%s)" % message["job"], 1))
        fields += [(message.get("level", ""), message["level_color_curses"]), (message["msg"], 0)]
        return fields

    def draw(self):
        with self.lock:
            window = self.window
            if window is None:
                return
            window.erase()
            height, width = window.getmaxyx()
            if self.screen == "help":
                lines = []
                for line in _TOP_HELP.splitlines():
                    lines.extend([""] if line == "_" else textwrap.wrap(line, width - 1) or [""])
                for row, line in enumerate(lines[:height]):
                    window.addnstr(row, 0, line, width)
            else:
                window.addnstr(0, 0, self.metrics, width)
                shown = min(height - 3, len(self.log))
                end = len(self.log) - self.top
                for row, message in enumerate(self.log[max(end - shown, 0):end], 2):
                    self._draw_line(row, width, self._fields(message))
            window.refresh()

    def _draw_line(self, row, width, fields):
        """The fields separated by spaces, shifted left by the horizontal scroll."""
        column, skipped = 0, 0
        for text, color in fields:
            text = str(text)
            visible = text[max(self.left - skipped, 0):] if skipped < self.left else text
            skipped += len(text) + 1
            if skipped <= self.left or column >= width:
                continue
            self.window.addnstr(row, column, visible, width - column, self.curses.color_pair(color))
            column += len(visible) + 1
        self.widest = max(self.widest, skipped - 1)


def metrics_top(args, input_params, enrich_msg):
    """``dx watch --metrics top``: a full-screen view of the job's log with its latest metrics
    on top. *args* are dx watch's (``jobid``, ``format``, ``timestamps``, ``job_ids``);
    *enrich_msg(client, message)* adds the display fields to a message."""
    try:
        import curses
    except ImportError:
        err_exit("--metrics top is not supported on your platform due to missing curses library")
    screen = _TopScreen(curses, args, input_params, enrich_msg)
    curses.wrapper(screen.run)
