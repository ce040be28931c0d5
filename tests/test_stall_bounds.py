"""A stalled or trickling peer cannot hold a call: an answer that keeps coming slowly is cut
at the read timeout, a part upload times out only when the peer stops reading (not while
bytes move), and no attempt starts once the call's wait budget has passed."""
import os
import socket
import threading
import time

import pytest
import requests
import urllib3


import dxpy
from dxpy.bindings import _transfer, dxfile
from dxpy.http import DXHTTPRequest
from loopback import reply


class RawServer(object):
    """A loopback HTTP/1.1 peer written with plain sockets, for what ScriptedServer does not
    do: read a request body at a chosen pace, or send an answer a byte at a time.

    ``body_pace`` is ``(bytes, seconds)`` read per step (None: as fast as it comes); with
    ``stop_reading`` no body is read at all. ``trickle`` is ``(length, seconds)`` or
    ``(length, seconds, piece)``: the answer declares *length* bytes and sends one (or
    *piece*) every *seconds*. Otherwise it answers 200 when the body is in. ``received``
    lists the body sizes read, one per request."""

    def __init__(self, body_pace=None, trickle=None, stop_reading=False):
        self.body_pace, self.trickle, self.stop_reading = body_pace, trickle, stop_reading
        self.received, self.requests = [], 0
        self._closing = threading.Event()
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 256 * 1024)  # a small window
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(16)
        self._sock.settimeout(0.2)
        self.url = "http://127.0.0.1:%d/part" % self._sock.getsockname()[1]
        self._threads = [threading.Thread(target=self._accept, daemon=True)]
        self._threads[0].start()

    def _accept(self):
        while not self._closing.is_set():
            try:
                conn, _ = self._sock.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            thread = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            self._threads.append(thread)
            thread.start()

    def _serve(self, conn):
        conn.settimeout(30)
        with conn:
            try:
                while not self._closing.is_set() and self._one_request(conn):
                    pass
            except OSError:
                pass

    def _one_request(self, conn):
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = conn.recv(65536)
            if not chunk:
                return False
            head += chunk
        head, rest = head.split(b"\r\n\r\n", 1)
        self.requests += 1
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value.strip())
        if self.stop_reading and length:
            self._closing.wait(60)  # stop reading: the client's send stalls
            return False
        got = len(rest)
        while got < length:
            if self.body_pace is not None:
                time.sleep(self.body_pace[1])
                step = self.body_pace[0]
            else:
                step = 65536
            chunk = conn.recv(min(step, length - got))
            if not chunk:
                return False
            got += len(chunk)
        self.received.append(got)
        if self.trickle is not None:
            return self._send_trickle(conn)
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
        return True

    def _send_trickle(self, conn):
        length, interval, piece = (tuple(self.trickle) + (1,))[:3]
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n\r\n" % length)
        for sent in range(0, length, piece):
            if self._closing.wait(interval):
                return False
            conn.sendall(b"x" * min(piece, length - sent))
        return True

    def close(self):
        self._closing.set()
        self._sock.close()
        for thread in self._threads:
            thread.join(5)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def finishes(call, *args, **kwargs):
    """Run *call* in a thread; (finished, outcome): a call still running after a minute
    (a hang, on the code before the bound) is reported as not finished."""
    outcome = {}

    def run():
        try:
            outcome["value"] = call(*args, **kwargs)
        except BaseException as e:  # noqa: B902 - reported to the test
            outcome["error"] = e
    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(60)
    return not thread.is_alive(), outcome


# -- an answer trickling in -------------------------------------------------------------------

def test_an_answer_trickling_in_is_cut_at_the_read_timeout():
    with RawServer(trickle=(1000, 0.05)) as peer:
        done, outcome = finishes(DXHTTPRequest, peer.url, {}, prepend_srv=False, auth=None, timeout=1)

    assert done
    assert isinstance(outcome.get("error"), (requests.exceptions.ReadTimeout, urllib3.exceptions.ReadTimeoutError))
    assert isinstance(outcome.get("error"), urllib3.exceptions.ReadTimeoutError), outcome
    assert peer.requests == 1  # a POST that may have acted is not repeated


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
@pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning")  # the point
def test_a_forked_child_cuts_a_trickle_too():
    # The parent's watchdog thread does not follow a fork: the child must start its own.
    with RawServer(trickle=(5, 0.05)) as peer:
        DXHTTPRequest(peer.url, {}, prepend_srv=False, auth=None, timeout=30)  # the parent's thread runs
    with RawServer(trickle=(1000, 0.05)) as peer:
        pid = os.fork()
        if pid == 0:  # the child: exit status 0 only if the trickle was cut in time
            code = 1
            try:
                started = time.monotonic()
                DXHTTPRequest(peer.url, {}, prepend_srv=False, auth=None, timeout=1)
            except urllib3.exceptions.ReadTimeoutError:
                code = 0 if time.monotonic() - started < 20 else 2
            except BaseException:
                code = 3
            os._exit(code)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                break
            time.sleep(0.1)
        else:
            os.kill(pid, 9)
            os.waitpid(pid, 0)
            pytest.fail("the forked child's call was not cut")
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0, status


def test_a_trickle_on_a_safe_request_is_retried_within_max_retries(sleeps):
    with RawServer(trickle=(1000, 0.05)) as peer:
        done, outcome = finishes(DXHTTPRequest, peer.url, None, method="GET", prepend_srv=False, auth=None,
                                 timeout=(5, 1), max_retries=1)

    assert done
    assert isinstance(outcome.get("error"), (requests.exceptions.ReadTimeout, urllib3.exceptions.ReadTimeoutError))
    assert isinstance(outcome.get("error"), urllib3.exceptions.ReadTimeoutError), outcome
    assert peer.requests == 2 and len(sleeps) == 1


def test_a_long_answer_slower_than_the_timeout_but_steady_is_read():
    # 64 KiB in 8 pieces, 0.25 s apart: 2 s in all, more than the 1 s timeout, well within the
    # allowance of the timeout plus 64 KiB at MIN_ANSWER_RATE (16 KiB/s).
    with RawServer(trickle=(64 * 1024, 0.25, 8 * 1024)) as peer:
        content = DXHTTPRequest(peer.url, None, method="GET", prepend_srv=False, auth=None, timeout=1,
                                decode_response_body=False)
    assert content == b"x" * 64 * 1024


def test_a_slow_whole_answer_within_the_timeout_is_read():
    with RawServer(trickle=(5, 0.05)) as peer:
        assert DXHTTPRequest(peer.url, {}, prepend_srv=False, auth=None, timeout=30) == "xxxxx"


# -- a part upload to a slow or stalled peer ----------------------------------------------------

PART = 48 * 1024 * 1024  # many times what the loopback socket buffers hold


@pytest.fixture
def upload_to(dx, server, monkeypatch):
    """Point part uploads at a RawServer, with a part upload timeout of *timeout* seconds."""
    def point(peer, timeout):
        monkeypatch.setattr(dxfile, "PART_UPLOAD_REQUEST_TIMEOUT_SECONDS", timeout)
        server.default = reply(json={"url": peer.url, "headers": {}})
        return dxpy.DXFile("file-" + "x" * 24, mode="a")
    return point


@pytest.fixture(params=["bytes", "file slice"])
def part(request, tmp_path):
    """A PART-byte part: bytes in memory, or a slice of a local file (sent from the file)."""
    if request.param == "bytes":
        yield b"p" * PART
        return
    path = tmp_path / "part.bin"
    with open(str(path), "wb") as f:
        f.truncate(PART + 7)
    with open(str(path), "rb") as f:
        yield _transfer.FileSlice(f.fileno(), 7, PART)


def test_a_large_part_on_a_slow_but_steady_link_does_not_time_out(upload_to, sleeps, part):
    # A receive window of 256 KiB emptied every 50 ms: the part takes seconds to send, more
    # than the timeout, while each block goes well within it.
    with RawServer(body_pace=(1024 * 1024, 0.05)) as peer:
        handler = upload_to(peer, timeout=2)
        done, outcome = finishes(handler.upload_part, part, 1)

    assert done and "error" not in outcome, outcome
    assert peer.received == [PART]
    assert sleeps == []


def test_a_part_upload_to_a_peer_that_stops_reading_fails(upload_to, sleeps, part):
    with RawServer(stop_reading=True) as peer:
        handler = upload_to(peer, timeout=1)
        done, outcome = finishes(handler.upload_part, part, 1, max_retries=1)

    assert done
    assert isinstance(outcome.get("error"), Exception) and peer.received == []
    assert peer.requests == 2 and len(sleeps) == 1  # each attempt idled out
