"""The emulator's limits on what clients send, through real sockets: body sizes (413, the body
left unread), absurd chunk sizes, JSON nesting (400 MalformedJSON, one log line, no
traceback), read timeouts, the connection cap (503 with Retry-After) and job-log line size."""
import io
import json
import socket
import subprocess
import sys
import time

import pytest

import dxpy
import dxpy.emulator
from dxpy.emulator.execution.runner import MAX_LOG_LINE, log_lines
from dxpy.emulator.limits import Limits, json_depth_exceeds
from test_emulator_server import ROOT, FakePlatform

DEADLINE = 10  # seconds any wait below may take at worst; none is measured


def serve(**limits):
    return dxpy.emulator.Emulator(platform=FakePlatform(), limits=Limits(**limits), run_jobs=False)


def connect(emu):
    sock = socket.create_connection((emu.client_host, emu.port), timeout=DEADLINE)
    return sock


def read_answer(sock):
    """(status, headers, JSON body) of one HTTP answer read from *sock*."""
    data = b""
    while b"\r\n\r\n" not in data:
        more = sock.recv(65536)
        assert more, "the connection closed without an answer: %r" % data
        data += more
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:])
    while len(body) < int(headers["Content-Length"]):
        body += sock.recv(65536)
    return int(lines[0].split()[1]), headers, json.loads(body.decode("utf-8"))


def request_head(emu, method, path, **headers):
    headers.setdefault("Authorization", "Bearer " + emu.token)
    lines = ["%s %s HTTP/1.1" % (method, path), "Host: x"] + ["%s: %s" % item for item in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def closed_by_server(sock):
    """Whether the server closes *sock* (reads until EOF; False if it is still open at the deadline)."""
    sock.settimeout(DEADLINE)
    try:
        while sock.recv(65536):
            pass
    except socket.timeout:
        return False
    except ConnectionResetError:
        pass
    return True


def calls(emu):
    return [route for _, route, _ in emu.platform.calls[1:]]  # after the start-up /project/new


def test_an_api_body_over_the_limit_is_413_and_left_unread(capfd):
    with serve(max_api_body=1000) as emu, connect(emu) as sock:
        # only the head is sent: the answer cannot wait for a body the server refuses to read
        sock.sendall(request_head(emu, "POST", "/system/echo", **{"Content-Length": "200000000"}))
        status, headers, body = read_answer(sock)
        assert status == 413 and body["error"]["type"] == "InvalidInput"
        assert "200000000 bytes" in body["error"]["message"] and "1000" in body["error"]["message"]
        assert headers["Connection"] == "close" and closed_by_server(sock)
        assert calls(emu) == []
    logged = capfd.readouterr().err.splitlines()
    assert len(logged) == 1 and "POST /system/echo refused" in logged[0]


def test_bodies_within_the_limit_are_served():
    with serve(max_api_body=1000) as emu, connect(emu) as sock:
        body = json.dumps({"pad": "x" * 900}).encode()
        sock.sendall(request_head(emu, "POST", "/system/echo", **{"Content-Length": str(len(body))}) + body)
        status, _, answer = read_answer(sock)
        assert status == 200 and answer["input"] == {"pad": "x" * 900}


@pytest.mark.parametrize("chunks", [[b"ffffffffffff\r\n"],                               # one absurd chunk
                                    [b"200\r\n" + b"x" * 512 + b"\r\n"] * 3],            # too many bytes in all
                         ids=["absurd size", "total over the limit"])
def test_chunked_bodies_over_the_limit_are_413(chunks):
    with serve(max_api_body=1000) as emu, connect(emu) as sock:
        sock.sendall(request_head(emu, "POST", "/system/echo", **{"Transfer-Encoding": "chunked"}) + b"".join(chunks))
        status, _, body = read_answer(sock)
        assert status == 413 and body["error"]["type"] == "InvalidInput" and "chunked" in body["error"]["message"]
        assert calls(emu) == []


def test_a_part_over_the_part_limit_is_413():
    with serve(max_api_body=10, max_part_body=1000) as emu, connect(emu) as sock:
        sock.sendall(request_head(emu, "PUT", "/upload/file-x/1", **{"Content-Length": "1001"}))
        status, _, body = read_answer(sock)
        assert status == 413 and "PUT" in body["error"]["message"]
    with serve(max_api_body=10, max_part_body=1000) as emu, connect(emu) as sock:
        sock.sendall(request_head(emu, "PUT", "/upload/file-x/1", **{"Content-Length": "100"}) + b"p" * 100)
        assert read_answer(sock)[0] == 200  # parts have their own, larger limit
        assert emu.platform.read_file("file-x") == b"p" * 100


@pytest.mark.parametrize("depth", [11, 100000])
def test_json_nested_too_deep_is_malformed(capfd, depth):
    with serve(max_json_depth=10) as emu, connect(emu) as sock:
        body = b"[" * depth + b"]" * depth
        sock.sendall(request_head(emu, "POST", "/system/echo", **{"Content-Length": str(len(body))}) + body)
        status, _, answer = read_answer(sock)
        assert status == 400 and answer["error"]["type"] == "MalformedJSON"
        assert "nested more than 10" in answer["error"]["message"]
        assert calls(emu) == []
    logged = capfd.readouterr().err
    assert len(logged.splitlines()) == 1 and "Traceback" not in logged


def test_json_at_the_depth_limit_is_served():
    with serve(max_json_depth=10) as emu, connect(emu) as sock:
        nested = {"a": [[[[[[[[[1]]]]]]]]]}  # ten levels
        body = json.dumps(nested).encode()
        sock.sendall(request_head(emu, "POST", "/system/echo", **{"Content-Length": str(len(body))}) + body)
        assert read_answer(sock)[2]["input"] == nested


def test_depth_walk():
    assert not json_depth_exceeds({"a": [1, {"b": []}]}, 4) and json_depth_exceeds({"a": [1, {"b": []}]}, 3)
    deep = []
    for _ in range(100000):
        deep = [deep]
    assert json_depth_exceeds(deep, 64) and not json_depth_exceeds("[[[[", 1)


def test_idle_and_stalled_connections_are_closed():
    with serve(read_timeout=0.3) as emu:
        with connect(emu) as idle:
            assert closed_by_server(idle)
        with connect(emu) as stalled:  # half a body, then nothing
            stalled.sendall(request_head(emu, "POST", "/system/echo", **{"Content-Length": "10"}) + b'{"a"')
            assert closed_by_server(stalled)
        assert calls(emu) == []
        with connect(emu) as sock:  # the server still serves
            sock.sendall(request_head(emu, "POST", "/system/whoami", **{"Content-Length": "2"}) + b"{}")
            assert read_answer(sock)[0] == 200


def test_connections_beyond_the_cap_are_turned_away(capfd):
    with serve(max_connections=2) as emu:
        held = [connect(emu), connect(emu)]
        try:
            with connect(emu) as extra:
                extra.sendall(request_head(emu, "POST", "/system/whoami", **{"Content-Length": "2"}) + b"{}")
                status, headers, body = read_answer(extra)
                assert status == 503 and headers["Retry-After"] == "1"
                assert body["error"]["type"] == "ServiceUnavailable" and "maximum of 2" in body["error"]["message"]
                assert closed_by_server(extra)
            held.pop().close()  # a slot comes free once the server sees the close
            deadline = time.time() + DEADLINE
            while True:
                with connect(emu) as sock:
                    sock.sendall(request_head(emu, "POST", "/system/whoami", **{"Content-Length": "2"}) + b"{}")
                    if read_answer(sock)[0] == 200 or time.time() > deadline:
                        break
            assert calls(emu) == ["/system/whoami"]
        finally:
            for sock in held:
                sock.close()
    assert "maximum of 2 connections" in capfd.readouterr().err


@pytest.mark.parametrize("field", ["max_api_body", "max_part_body", "read_timeout", "max_connections",
                                   "max_json_depth"])
@pytest.mark.parametrize("value", [0, -1, True, "10"])
def test_bad_limits_are_named(field, value):
    with pytest.raises(ValueError, match=field):
        Limits(**{field: value})


@pytest.mark.parametrize("option", ["--max-connections", "--read-timeout", "--max-request-bytes"])
def test_bad_limit_options_are_refused(option):
    result = subprocess.run([sys.executable, "-m", "dxpy.emulator", option, "0"], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, universal_newlines=True, timeout=60)
    assert result.returncode == 2 and option in result.stderr and "positive" in result.stderr


def test_log_lines_are_cut():
    stream = io.BytesIO(b"short\n" + b"x" * 10 + b"\n" + b"y" * 25 + b"\nno newline")
    assert list(log_lines(stream, 10)) == ["short", "x" * 10, "y" * 10 + " [line of 25 bytes cut to 10]",
                                           "no newline"]


def test_a_job_printing_a_huge_line_keeps_a_bounded_log(dx_emulator):
    code = ("import sys\nimport dxpy\n\n@dxpy.entry_point('main')\ndef main():\n"
            "    sys.stdout.write('z' * %d + '\\n')\n    print('after')\n" % (MAX_LOG_LINE * 4))
    applet = dxpy.DXApplet()
    applet.new(name="loud", dxapi="1.0.0", runSpec={"interpreter": "python3", "code": code,
                                                     "distribution": "Ubuntu", "release": "20.04"})
    job = applet.run({})
    job.wait_on_done(interval=0.05, timeout=60)
    lines = dx_emulator.job_log(job.get_id()).splitlines()[-2:]  # after dxpy's "Invoking main" line
    assert lines == ["z" * MAX_LOG_LINE + " [line of %d bytes cut to %d]" % (MAX_LOG_LINE * 4, MAX_LOG_LINE), "after"]


def test_dxpy_gets_the_413_as_a_clear_error(capfd):
    with dxpy.emulator.running(limits=Limits(max_api_body=1000), run_jobs=False) as emu:
        calls = emu.faults.add("/record/new", action="delay", delay=0)  # counts the calls that reach a handler
        with pytest.raises(dxpy.exceptions.InvalidInput, match="more than the 1000") as info:
            dxpy.api.record_new({"project": emu.project_id, "details": {"x": "y" * (2 * 1024 * 1024)}})
        assert info.value.code == 413 and calls.hits == 0
        assert dxpy.api.record_new({"project": emu.project_id})["id"].startswith("record-")  # small ones pass
    assert "POST /record/new refused" in capfd.readouterr().err


@pytest.mark.parametrize("options, word", [({"limits": {"max_connections": 2}}, "limits"),
                                           ({"admin_token": ""}, "admin_token"), ({"admin_token": 5}, "admin_token")])
def test_bad_emulator_options_are_named(options, word):
    with pytest.raises(ValueError, match=word):
        dxpy.emulator.Emulator(platform=FakePlatform(), **options)
