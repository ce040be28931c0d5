"""A bound on the time an answer may take to arrive once it has begun.

A socket timeout bounds each wait for a byte, so a server that trickles one byte a second
holds a request forever. ``watch(response, seconds)`` arms one shared watchdog thread that
shuts the response's socket down when *seconds* have passed; the blocked read then ends and
``fired`` says why. Arming and disarming cost a lock and a dict entry; the thread wakes only
when a deadline is due.
"""
import os
import socket
import threading
import time

_cond = threading.Condition()
_watches = {}          # id -> Watch, the armed ones
_thread_running = False  # in this process (a fork child starts with none: see _after_fork)
_next_wake = None      # when the thread means to wake; None before it runs
_IDLE_WAKE = 60        # seconds between the wakes of a thread with nothing to watch


class Watch(object):
    __slots__ = ("sock", "deadline", "fired")

    def __init__(self, sock, deadline):
        self.sock, self.deadline, self.fired = sock, deadline, False

    def cancel(self):
        with _cond:
            _watches.pop(id(self), None)

    def _fire(self):
        self.fired = True
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass  # closed already


class _Unwatched(object):
    fired = False

    def cancel(self):
        pass


_UNWATCHED = _Unwatched()


def _socket_of(response):
    """The socket a ``requests`` response is read from, or None."""
    connection = getattr(getattr(response, "raw", None), "_connection", None)
    return getattr(connection, "sock", None)


def watch(response, seconds):
    """Shut *response*'s socket down if it is still being read after *seconds*; returns an
    object with ``cancel()`` (call it when the read ends) and ``fired``."""
    sock = _socket_of(response) if seconds is not None else None
    if sock is None:
        return _UNWATCHED
    entry = Watch(sock, time.monotonic() + seconds)
    with _cond:
        _ensure_thread()
        _watches[id(entry)] = entry
        if _next_wake is None or entry.deadline < _next_wake:
            _cond.notify()
    return entry


def _ensure_thread():
    global _thread_running
    if not _thread_running:
        _thread_running = True
        threading.Thread(target=_run, name="dxpy-deadline", daemon=True).start()


def _after_fork():
    # The child has no watchdog thread, its copies of other threads' reads are not its own,
    # and the condition may have been held by a thread that did not follow the fork.
    global _cond, _thread_running, _next_wake
    _cond, _thread_running, _next_wake = threading.Condition(), False, None
    _watches.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork)


def _run():
    global _next_wake
    with _cond:
        while True:
            now = time.monotonic()
            for key, entry in list(_watches.items()):
                if entry.deadline <= now:
                    del _watches[key]
                    entry._fire()
            # Idle, it still wakes now and then: a watch due later than the planned wake (the
            # usual case) then needs no notify, which keeps arming cheap.
            _next_wake = min((w.deadline for w in _watches.values()), default=now + _IDLE_WAKE)
            _cond.wait(max(0, _next_wake - now))
