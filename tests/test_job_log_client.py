"""dxpy.utils.job_log_client against the emulator's /job-xxxx/getLog/websocket (and a scripted
WebSocket server for a server restart)."""
import json
import socketserver
import sys
import threading

import pytest
import requests

import dxpy
from dx_cli import WAITS_FOR_MARKER, as_user, wait_until_finished
from dxpy.emulator import logstream
from dxpy.utils.job_log_client import DXJobLogStreamClient, DXJobLogStreamingException

LOGGER = """import sys
import dxpy

@dxpy.entry_point('main')
def main():
    for number in range(3):
        print("out %d" % number, flush=True)
    print("err", file=sys.stderr, flush=True)
    raise dxpy.AppError("broken")
"""


@pytest.fixture(scope="module")
def emulator():
    import dxpy.emulator
    with dxpy.emulator.running() as running:
        yield running


def run_job(project, code, job_input=None):
    applet = dxpy.api.applet_new({"project": project, "name": "logs", "dxapi": "1.0.0",
                                  "runSpec": {"interpreter": "python3", "code": code}})["id"]
    return dxpy.DXApplet(applet).run(job_input or {}, project=project).get_id()


@pytest.fixture(scope="module")
def failed_job(emulator):
    job = run_job(emulator.project_id, LOGGER)
    wait_until_finished(job)
    return job


def stream(job_id, exit_on_failed=False, **params):
    """The messages of the job's log stream, as the callback got them."""
    messages = []
    params.setdefault("tail", True)
    client = DXJobLogStreamClient(job_id, input_params=params, msg_callback=messages.append,
                                  print_job_info=False, exit_on_failed=exit_on_failed)
    client.connect()
    return messages


def test_messages_of_a_finished_job(failed_job):
    messages = stream(failed_job)
    stdout = [m["msg"] for m in messages if m["level"] == "STDOUT" and m["msg"].startswith("out")]
    assert stdout == ["out 0", "out 1", "out 2"]  # stdout and stderr are two pipes: no order between them
    assert ("APP", "STDERR", "err") in [(m["source"], m["level"], m["msg"]) for m in messages]
    assert all(m["job"] == failed_job and isinstance(m["timestamp"], int) for m in messages)
    assert [m["line"] for m in messages] == list(range(1, len(messages) + 1))
    assert messages[0]["source"] == "SYSTEM"


def test_levels_and_recent_messages(failed_job):
    assert "err" in [m["msg"] for m in stream(failed_job, levels=["STDERR"])]
    assert {m["level"] for m in stream(failed_job, levels=["STDERR"])} == {"STDERR"}
    everything = stream(failed_job)
    assert stream(failed_job, numRecentMessages=2) == everything[-2:]
    assert stream(failed_job, tail=False) == everything  # a finished job: all there is, then the end


def test_printed_lines_and_job_info(failed_job, capsys):
    client = DXJobLogStreamClient(failed_job, input_params={"levels": ["STDOUT"]},
                                  msg_output_format="{level}: {msg}", exit_on_failed=False)
    client.connect()
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("* logs (failed) " + failed_job)
    assert lines[3:6] == ["STDOUT: out 0", "STDOUT: out 1", "STDOUT: out 2"]
    assert lines[2] == "STDOUT: Invoking main with {}"
    assert lines[6].startswith("* logs (failed) " + failed_job)
    assert "AppError: broken" in lines[-1]
    assert client.closed_code == 1000 and client.seen_jobs[failed_job]["state"] == "failed"


def test_a_failed_job_exits_3(failed_job):
    with pytest.raises(SystemExit) as exit_info:
        stream(failed_job, exit_on_failed=True)
    assert exit_info.value.code == 3


def test_lines_arrive_while_the_job_runs(emulator, tmp_path):
    marker = str(tmp_path / "seen-before")
    # the test makes the marker once it has seen "before": the job can only finish if that line was
    # streamed while the job was still running
    job = run_job(emulator.project_id, WAITS_FOR_MARKER, {"marker": marker})
    seen = []

    def on_message(message):
        seen.append(message["msg"])
        if message["msg"] == "before":
            open(marker, "w").close()

    DXJobLogStreamClient(job, input_params={"tail": True}, msg_callback=on_message, print_job_info=False).connect()
    assert "before" in seen and "after" in seen and "gave up" not in seen
    assert dxpy.describe(job)["state"] == "done"


def test_a_bad_token_closes_the_stream_with_an_error(failed_job, monkeypatch):
    monkeypatch.setattr(dxpy, "SECURITY_CONTEXT", {"auth_token": "not-a-token", "auth_token_type": "Bearer"})
    with pytest.raises(DXJobLogStreamingException, match="InvalidAuthentication: The token could not be found"):
        stream(failed_job)


def test_another_users_job_is_not_streamed(emulator, failed_job):
    _, token = emulator.add_user("stranger")
    with as_user(token), pytest.raises(DXJobLogStreamingException, match="Error while streaming job logs: "):
        stream(failed_job)


def test_bad_options_close_the_stream_with_an_error(failed_job):
    with pytest.raises(DXJobLogStreamingException, match='InvalidInput: Expected "numRecentMessages"'):
        stream(failed_job, numRecentMessages="all")
    with pytest.raises(DXJobLogStreamingException, match='InvalidInput: Expected "levels"'):
        stream(failed_job, levels="STDOUT")


def test_unknown_job(emulator):
    with pytest.raises(DXJobLogStreamingException, match="ResourceNotFound"):
        stream("job-" + "B" * 24)


def test_a_plain_get_is_refused(emulator, failed_job):
    answer = requests.get("%s/%s/getLog/websocket" % (emulator.url, failed_job))
    assert answer.status_code == 422
    assert answer.json()["error"]["type"] == "InvalidInput"


def test_nothing_to_connect_to(failed_job, monkeypatch):
    from loopback import unused_port
    monkeypatch.setattr(dxpy, "WATCH_PORT", unused_port())
    with pytest.raises(DXJobLogStreamingException, match="Error while streaming job logs: 1006: "):
        stream(failed_job)


def test_without_the_websocket_library(failed_job, monkeypatch):
    monkeypatch.setitem(sys.modules, "websocket", None)
    with pytest.raises(dxpy.exceptions.DXCLIError, match=r"pip install 'dxpy\[watch\]'"):
        stream(failed_job)


class _RestartingLogServer(socketserver.ThreadingTCPServer):
    """A log socket that closes the first connections as a restarting server does, then streams
    one message and the end of the log."""
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, job_id, restarts):
        self.job_id, self.restarts, self.connections = job_id, restarts, 0
        socketserver.ThreadingTCPServer.__init__(self, ("127.0.0.1", 0), _RestartingHandler)


class _RestartingHandler(socketserver.StreamRequestHandler):
    def handle(self):
        import http.client
        self.rfile.readline()
        headers = http.client.parse_headers(self.rfile)
        self.wfile.write(logstream.handshake(headers))
        socket = logstream.WebSocket(self.rfile, self.wfile)
        params = json.loads(socket.receive().decode("utf-8"))
        assert params["access_token"] == dxpy.SECURITY_CONTEXT["auth_token"]
        self.server.connections += 1
        if self.server.connections <= self.server.restarts:
            socket.close(1001, "Server restart, please reconnect later")
            return
        socket.send_text(json.dumps({"job": self.server.job_id, "timestamp": 1, "source": "APP", "level": "STDOUT",
                                     "line": 1, "msg": "hello"}))
        socket.send_text(json.dumps({"source": "SYSTEM", "msg": "END_LOG"}))
        socket.close()


def test_reconnects_after_a_server_restart(failed_job, monkeypatch):
    server = _RestartingLogServer(failed_job, restarts=1)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        monkeypatch.setattr(dxpy, "WATCH_PORT", server.server_address[1])
        assert [m["msg"] for m in stream(failed_job)] == ["hello"]
        assert server.connections == 2
    finally:
        server.shutdown()
        server.server_close()


def test_gives_up_after_restarting_too_often(failed_job, monkeypatch):
    from dxpy.utils import job_log_client
    monkeypatch.setattr(job_log_client, "MAX_RECONNECTS", 1)
    monkeypatch.setattr(job_log_client.time, "sleep", lambda seconds: None)
    server = _RestartingLogServer(failed_job, restarts=5)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        monkeypatch.setattr(dxpy, "WATCH_PORT", server.server_address[1])
        with pytest.raises(DXJobLogStreamingException, match="the server restarted 2 times"):
            stream(failed_job)
        assert server.connections == 2
    finally:
        server.shutdown()
        server.server_close()


def test_log_socket_path():
    assert logstream.log_socket_job("/job-%s/getLog/websocket" % ("A" * 24)) == "job-" + "A" * 24
    assert logstream.log_socket_job("/job-%s/getLog/websocket?x=1" % ("A" * 24)) == "job-" + "A" * 24
    assert logstream.log_socket_job("/job-%s/getLog" % ("A" * 24)) is None
    assert logstream.log_socket_job("/download/file-x/y") is None
