"""A model of the network between the emulator and its clients, to try transfer settings
offline: every answer waits one round trip, and each connection moves at most a given rate
in each direction (the share of a WAN link one TCP connection gets: its window over the
round trip). Loopback otherwise answers in microseconds at memory speed, which hides what
decides a transfer's speed in real use: how many connections are kept busy.

    python -m dxpy.emulator --link rtt=40ms,per-connection=25MiB/s
    dxpy.emulator.running(link="rtt=40ms,per-connection=25MiB/s")

The server hooks it in at one point: ``Link.wrap`` replaces a connection's reader and writer.
"""
import re
import time

__all__ = ["Link", "parse_link"]

_UNITS = {"b": 1, "kb": 1000, "mb": 1000 ** 2, "gb": 1000 ** 3,
          "kib": 1024, "mib": 1024 ** 2, "gib": 1024 ** 3}
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(us|ms|s)?\s*$", re.IGNORECASE)
_RATE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmg]i?b|b)\s*/\s*s\s*$", re.IGNORECASE)
# Bytes moved between two pacing sleeps: small enough to stay smooth, large enough that the
# sleeps cost little CPU.
_SLICE = 256 * 1024
# The clock and the sleep, replaceable by tests (which then see every wait without spending it).
_clock = time.monotonic
_sleep = time.sleep


class Link(object):
    """*rtt* seconds added to every answer; *per_connection* bytes per second in each
    direction of each connection (None: unlimited)."""

    def __init__(self, rtt=0.0, per_connection=None):
        if isinstance(rtt, bool) or not isinstance(rtt, (int, float)) or not 0 <= rtt <= 60:
            raise ValueError("rtt must be a number of seconds from 0 to 60, not %r" % (rtt,))
        if per_connection is not None and (isinstance(per_connection, bool) or
                                           not isinstance(per_connection, (int, float)) or per_connection <= 0):
            raise ValueError("per_connection must be a positive number of bytes per second, not %r"
                             % (per_connection,))
        self.rtt, self.per_connection = float(rtt), per_connection

    def __repr__(self):
        rate = "unlimited" if self.per_connection is None else "%.4gMiB/s" % (self.per_connection / 1024.0 ** 2)
        return "Link(rtt=%gms, per-connection=%s)" % (self.rtt * 1000, rate)

    def wrap(self, rfile, wfile):
        """The reader and writer of one connection, delayed and paced."""
        connection = _Connection(self)
        return _PacedReader(rfile, connection), _PacedWriter(wfile, connection)


def parse_link(text):
    """A Link from ``rtt=40ms,per-connection=25MiB/s`` (either part may be left out; a
    rate takes B, kB, MB, GB or KiB, MiB, GiB per second). ValueError names what is wrong."""
    if isinstance(text, Link):
        return text
    if not isinstance(text, str) or not text.strip():
        raise ValueError("a link is described as rtt=40ms,per-connection=25MiB/s, not %r" % (text,))
    settings = {}
    for item in text.split(","):
        name, sep, value = item.partition("=")
        name = name.strip().lower()
        if not sep or name not in ("rtt", "per-connection") or name in settings:
            raise ValueError("unknown or repeated link setting %r (known: rtt=<duration>, "
                             "per-connection=<rate>)" % item.strip())
        settings[name] = value
    rtt, rate = 0.0, None
    if "rtt" in settings:
        match = _DURATION.match(settings["rtt"])
        if match is None:
            raise ValueError("rtt must be a duration such as 40ms, 0.2s or 500us, not %r" % settings["rtt"])
        scale = {"us": 1e-6, "ms": 1e-3, "s": 1.0}[(match.group(2) or "s").lower()]
        rtt = float(match.group(1)) * scale
    if "per-connection" in settings:
        match = _RATE.match(settings["per-connection"])
        if match is None or float(match.group(1)) <= 0:
            raise ValueError("per-connection must be a positive rate such as 25MiB/s or 100MB/s, not %r"
                             % settings["per-connection"])
        rate = float(match.group(1)) * _UNITS[match.group(2).lower()]
    return Link(rtt, rate)


class _Pacer(object):
    """One direction of one connection: ``spend(n)`` sleeps until *n* more bytes fit the
    rate. Time left idle is not saved up: a burst gets no more than one slice of credit."""

    def __init__(self, rate):
        self.rate = rate
        self._due = 0.0

    def spend(self, num_bytes):
        if self.rate is None or num_bytes <= 0:
            return
        now = _clock()
        self._due = max(self._due, now) + num_bytes / self.rate
        if self._due - now > 0.001:
            _sleep(self._due - now)


class _Connection(object):
    def __init__(self, link):
        self.link = link
        self.inbound, self.outbound = _Pacer(link.per_connection), _Pacer(link.per_connection)
        self.request_seen = False  # bytes of a request arrived since the last answer began


class _PacedReader(object):
    """The request side: bytes are taken from the socket at the link's rate (the client's
    sends back up behind the socket buffers, as on a slow link)."""

    def __init__(self, raw, connection):
        self._raw, self._connection = raw, connection

    def __getattr__(self, name):
        return getattr(self._raw, name)

    def readline(self, limit=-1):
        line = self._raw.readline(limit)
        self._took(len(line))
        return line

    def read(self, size=-1):
        if size is None or size < 0:
            data = self._raw.read()
            self._took(len(data))
            return data
        buffer, filled = bytearray(size), 0
        view = memoryview(buffer)
        while filled < size:
            got = self._raw.readinto(view[filled:filled + min(_SLICE, size - filled)])
            if not got:
                break
            filled += got
            self._took(got)
        view.release()
        if filled < size:
            del buffer[filled:]
        return bytes(buffer)

    def _took(self, num_bytes):
        if num_bytes:
            self._connection.request_seen = True
            self._connection.inbound.spend(num_bytes)


class _PacedWriter(object):
    """The answer side: the first write of an answer waits the round trip, then bytes leave
    at the link's rate."""

    def __init__(self, raw, connection):
        self._raw, self._connection = raw, connection

    def __getattr__(self, name):
        return getattr(self._raw, name)

    def write(self, data):
        connection = self._connection
        if connection.request_seen:
            connection.request_seen = False
            if connection.link.rtt:
                _sleep(connection.link.rtt)
        view = memoryview(data).cast("B")
        for offset in range(0, len(view), _SLICE):
            piece = view[offset:offset + _SLICE]
            connection.outbound.spend(len(piece))
            self._raw.write(piece)
        return len(view)
