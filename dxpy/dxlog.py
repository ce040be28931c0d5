"""DXLogHandler: sends ``logging`` records to the job log service of the execution environment.

Inside a DNAnexus job two Unix datagram sockets accept log lines: a *priority* one (critical
messages and resource reports) and a *bulk* one (everything else). Each datagram is one JSON
object ``{"source", "timestamp", "level", "msg"}``.

Outside a job the sockets do not exist. Then the handler writes formatted records to stderr
instead, so that code which installs it runs the same on a laptop or under the emulator; pass
``fallback_to_stderr=False`` to get an error instead.
"""
import json
import logging
import os
import socket
import sys
import time
from logging.handlers import SysLogHandler

from dxpy.exceptions import DXError

__all__ = ["DXLogHandler"]

# A datagram on the log sockets holds at most 8 KB, and the service adds its own envelope.
_MAX_MESSAGE_JSON = 8015
_TRUNCATED_JSON = 8000
_TRUNCATION_MARK = "... [truncated]"


def _json_length(data):
    return len(json.dumps(data.decode("utf-8", "ignore")))


class DXLogHandler(SysLogHandler):
    """A logging handler for the DNAnexus job log; see the module documentation.

    :param priority_log_address: path of the socket for critical and resource messages
    :param bulk_log_address: path of the socket for every other message
    :param source: the ``source`` field of each log entry
    :param fallback_to_stderr: when a socket path does not exist, write to stderr (True) or
        raise :exc:`~dxpy.exceptions.DXError` (False)
    """

    def __init__(self, priority_log_address="/opt/dnanexus/log/priority",
                 bulk_log_address="/opt/dnanexus/log/bulk",
                 source="DX_APP", fallback_to_stderr=True):
        # SysLogHandler.__init__ would open a syslog connection: only Handler's set-up is wanted.
        logging.Handler.__init__(self)
        self.priority_log_address = priority_log_address
        self.bulk_log_address = bulk_log_address
        self.source = source
        self.priority_log_socket = None
        self.bulk_log_socket = None
        missing = [address for address in (priority_log_address, bulk_log_address)
                   if not isinstance(address, str) or not os.path.exists(address)]
        # True when records go to stderr because there is no job log service here.
        self.uses_stderr = bool(missing)
        if missing:
            if not fallback_to_stderr:
                raise DXError("The path %s does not exist, but is required for application logging"
                              % (missing[0],))
            return
        self.priority_log_socket = self._connect(priority_log_address)
        try:
            self.bulk_log_socket = self._connect(bulk_log_address)
        except DXError:
            self.priority_log_socket.close()
            raise

    @staticmethod
    def _connect(address):
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        try:
            sock.connect(address)
        except OSError as e:
            sock.close()
            raise DXError("Cannot connect to the log socket %s: %s" % (address, e))
        return sock

    def close(self):
        for sock in (self.priority_log_socket, self.bulk_log_socket):
            if sock is not None:
                sock.close()
        logging.Handler.close(self)

    def encodePriority(self, record):
        """The syslog priority number of *record*; unknown level names count as warnings."""
        return self.priority_names[self.priority_map.get(record.levelname, "warning")]

    def truncate_message(self, message):
        """*message* cut so that its JSON form fits one datagram, marked when it was cut."""
        if len(json.dumps(message)) <= _MAX_MESSAGE_JSON:
            return message
        data = message.encode("utf-8")[:_TRUNCATED_JSON]
        # The longest prefix whose JSON form fits (the length only grows with the prefix).
        low, high = 0, len(data)
        while low < high:
            middle = (low + high + 1) // 2
            if _json_length(data[:middle]) <= _TRUNCATED_JSON:
                low = middle
            else:
                high = middle - 1
        return data[:low].decode("utf-8", "ignore") + _TRUNCATION_MARK

    def is_resource_log(self, message):
        """Whether *message* is a resource usage report (these go to the priority socket)."""
        return message.startswith("CPU: ")

    def emit(self, record):
        if self.uses_stderr:
            self._emit_to_stderr(record)
            return
        try:
            message = self.truncate_message(record.getMessage())
            entry = {"source": self.source, "timestamp": int(round(time.time() * 1000)),
                     "level": self.encodePriority(record), "msg": message}
            data = json.dumps(entry).encode("utf-8", "ignore")
            levelno = int(record.levelno)
            if levelno >= logging.CRITICAL or (levelno == logging.INFO and self.is_resource_log(message)):
                sock, address = self.priority_log_socket, self.priority_log_address
            else:
                sock, address = self.bulk_log_socket, self.bulk_log_address
            try:
                sock.send(data)
            except OSError:
                # The log service may have restarted: reconnect once and resend.
                sock.connect(address)
                sock.send(data)
        except (KeyboardInterrupt, SystemExit):
            raise
        except Exception:
            self.handleError(record)

    def _emit_to_stderr(self, record):
        try:
            if self.formatter is None:
                text = logging.Formatter(logging.BASIC_FORMAT).format(record)
            else:
                text = self.format(record)
            stream = sys.stderr
            stream.write(text + "\n")
            stream.flush()
        except (KeyboardInterrupt, SystemExit):
            raise
        except Exception:
            self.handleError(record)
