"""dxpy.dxlog.DXLogHandler: datagrams to the job log sockets, and stderr outside a job."""
import json
import logging
import os
import socket
import tempfile
import time

import pytest

from dxpy.dxlog import DXLogHandler
from dxpy.exceptions import DXError


@pytest.fixture
def log_sockets():
    """Two bound Unix datagram sockets standing in for the job log service: (priority, bulk)."""
    # Unix socket paths must be short: pytest's tmp_path can be too long.
    directory = tempfile.mkdtemp(prefix="dxlog")
    paths = [os.path.join(directory, name) for name in ("priority", "bulk")]
    sockets = []
    for path in paths:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        sock.bind(path)
        sock.settimeout(5)
        sockets.append(sock)
    yield sockets
    for sock, path in zip(sockets, paths):
        sock.close()
        if os.path.exists(path):
            os.unlink(path)
    os.rmdir(directory)


def make_logger(handler, name):
    logger = logging.getLogger("test_dxlog." + name)
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    logger.handlers = [handler]
    return logger


def receive(sock):
    return json.loads(sock.recv(65536).decode("utf-8"))


def test_records_go_to_the_right_socket(log_sockets):
    priority, bulk = log_sockets
    handler = DXLogHandler(priority.getsockname(), bulk.getsockname(), source="MY_APP")
    assert not handler.uses_stderr
    logger = make_logger(handler, "sockets")
    before = round(time.time() * 1000)
    logger.info("hello %s", "world")
    entry = receive(bulk)
    assert entry["source"] == "MY_APP" and entry["msg"] == "hello world" and entry["level"] == 6
    assert before <= entry["timestamp"] <= round(time.time() * 1000)

    logger.critical("disk full")
    assert receive(priority)["level"] == 2
    logger.info("CPU: 95%")  # resource reports are priority messages
    assert receive(priority)["msg"] == "CPU: 95%"
    logger.error("bad")
    logger.debug("details")
    assert [receive(bulk)["level"] for _ in range(2)] == [3, 7]
    handler.close()


def test_encode_priority_of_custom_levels():
    handler = DXLogHandler("/nonexistent/priority", "/nonexistent/bulk")
    record = logging.LogRecord("x", 25, __file__, 1, "m", (), None)
    record.levelname = "NOTICE-ISH"
    assert handler.encodePriority(record) == handler.LOG_WARNING
    record.levelname = "ERROR"
    assert handler.encodePriority(record) == handler.LOG_ERR


def test_reconnects_after_the_log_service_restarts(log_sockets):
    priority, bulk = log_sockets
    path = bulk.getsockname()
    handler = DXLogHandler(priority.getsockname(), path)
    logger = make_logger(handler, "restart")
    bulk.close()
    os.unlink(path)
    restarted = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    restarted.bind(path)
    restarted.settimeout(5)
    try:
        logger.warning("after restart")
        assert receive(restarted)["msg"] == "after restart"
    finally:
        restarted.close()
        handler.close()


def test_send_failure_is_handled_not_raised(log_sockets, monkeypatch):
    priority, bulk = log_sockets
    handler = DXLogHandler(priority.getsockname(), bulk.getsockname())
    problems = []
    monkeypatch.setattr(handler, "handleError", problems.append)
    logger = make_logger(handler, "gone")
    path = bulk.getsockname()
    bulk.close()
    os.unlink(path)
    logger.warning("nobody listens")
    assert len(problems) == 1 and problems[0].getMessage() == "nobody listens"
    handler.close()


def test_falls_back_to_stderr_outside_a_job(capsys):
    handler = DXLogHandler("/nonexistent/priority", "/nonexistent/bulk")
    assert handler.uses_stderr
    logger = make_logger(handler, "fallback")
    logger.warning("no log service here")
    assert capsys.readouterr().err == "WARNING:test_dxlog.fallback:no log service here\n"
    handler.setFormatter(logging.Formatter("[%(levelname)s] %(message)s"))
    logger.info("formatted")
    assert capsys.readouterr().err == "[INFO] formatted\n"
    handler.close()


def test_strict_mode_raises_like_dxpy(log_sockets):
    priority, _bulk = log_sockets
    with pytest.raises(DXError, match="/nonexistent/priority does not exist"):
        DXLogHandler("/nonexistent/priority", "/nonexistent/bulk", fallback_to_stderr=False)
    with pytest.raises(DXError, match="/nonexistent/bulk does not exist"):
        DXLogHandler(priority.getsockname(), "/nonexistent/bulk", fallback_to_stderr=False)


@pytest.mark.parametrize("address", [None, 42])
def test_wrong_address_types_fall_back_or_raise(address):
    assert DXLogHandler(address, address).uses_stderr
    with pytest.raises(DXError, match="does not exist"):
        DXLogHandler(address, address, fallback_to_stderr=False)


def test_path_that_is_not_a_socket(tmp_path):
    plain = tmp_path / "plain"
    plain.write_text("")
    with pytest.raises(DXError, match="Cannot connect to the log socket"):
        DXLogHandler(str(plain), str(plain))


@pytest.mark.parametrize("message", ["a" * 20000, "\u00e9" * 9000, '"' * 9000, "\u20ac" * 5000])
def test_truncate_message_fits_a_datagram(message):
    handler = DXLogHandler("/nonexistent/priority", "/nonexistent/bulk")
    cut = handler.truncate_message(message)
    assert cut.endswith("... [truncated]")
    body = cut[:-len("... [truncated]")]
    assert message.startswith(body)
    assert len(json.dumps(body)) <= 8000
    assert len(json.dumps(message[:len(body) + 1])) > 8000  # nothing more would have fit


def test_short_messages_are_untouched():
    handler = DXLogHandler("/nonexistent/priority", "/nonexistent/bulk")
    assert handler.truncate_message("x" * 8013) == "x" * 8013
    assert handler.is_resource_log("CPU: 1%") and not handler.is_resource_log("cpu: 1%")


def test_long_record_is_sent_truncated(log_sockets):
    priority, bulk = log_sockets
    handler = DXLogHandler(priority.getsockname(), bulk.getsockname())
    make_logger(handler, "long").info("y" * 50000)
    assert receive(bulk)["msg"] == "y" * 7998 + "... [truncated]"  # 8000 characters of JSON with the quotes
    handler.close()
