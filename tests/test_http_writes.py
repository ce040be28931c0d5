"""How requests leave: the head of a request and a small body go out in one write (one TCP
segment for the server to gather), a large body follows the head unchanged, a part of a local
file goes from the file to the socket, and every body arrives byte for byte whatever its form."""
import http.client
import io
import socket

import pytest

import dxpy
from dxpy import _pools
from dxpy.bindings import _transfer
from dxpy.exceptions import DXFileError
from dxpy.http import DXHTTPRequest
from loopback import drop, reply


@pytest.fixture
def writes(monkeypatch):
    """The sizes of the writes that reach the socket layer (http.client's send), in order."""
    sizes = []
    real_send = http.client.HTTPConnection.send

    def send(self, data):
        sizes.append(len(data) if isinstance(data, (bytes, bytearray, memoryview)) else None)
        return real_send(self, data)
    monkeypatch.setattr(http.client.HTTPConnection, "send", send)
    return sizes


def test_a_small_api_call_is_one_write(dx, server, writes):
    assert dxpy.api.system_whoami() == {}
    assert len(writes) == 1
    (seen,) = server.requests
    assert seen.json() == {}
    assert int(seen.headers["Content-Length"]) == 2


def test_a_request_without_a_body_is_one_write(dx, server, writes):
    DXHTTPRequest(server.url + "/data", None, method="GET", jsonify_data=False, prepend_srv=False, auth=None)
    assert len(writes) == 1
    assert server.requests[0].method == "GET" and server.requests[0].body == b""


def test_a_large_body_follows_its_head_unchanged(dx, server, writes):
    body = bytes(range(256)) * (2 * _pools.JOIN_LIMIT // 256)  # twice the joining limit
    DXHTTPRequest(server.url + "/part", body, method="PUT", jsonify_data=False, prepend_srv=False, auth=None)
    assert writes[0] < 8192 and sum(writes[1:]) == len(body)  # the head, then the body as given
    assert server.requests[0].body == body


@pytest.mark.parametrize("make_body", [
    lambda data: data,
    lambda data: io.BytesIO(data),
    lambda data: bytearray(data),
], ids=["bytes", "file", "bytearray"])
@pytest.mark.parametrize("size", [1, _pools.JOIN_LIMIT - 1024, 3 * _pools.JOIN_LIMIT + 7])
def test_every_body_arrives_whole(dx, server, make_body, size):
    data = (b"0123456789abcdef" * (size // 16 + 1))[:size]
    DXHTTPRequest(server.url + "/part", make_body(data), method="PUT", jsonify_data=False, prepend_srv=False,
                  auth=None)
    assert server.requests[0].body == data


def test_consecutive_calls_on_one_connection_each_arrive_whole(dx, server):
    for index in range(5):
        DXHTTPRequest("/record-%d/describe" % index, {"index": index})
    assert [seen.json()["index"] for seen in server.requests] == list(range(5))
    assert [seen.path for seen in server.requests] == ["/record-%d/describe" % i for i in range(5)]


def test_a_body_failing_while_the_head_is_held_sends_nothing(monkeypatch):
    # The head waits for the body's first block; if making that block fails, the head is
    # dropped with the request, not sent later on its own.
    connection = _pools.OneWriteHTTPConnection("127.0.0.1", 9)
    sent = []
    monkeypatch.setattr(http.client.HTTPConnection, "send", lambda self, data: sent.append(data))

    def body():
        raise ValueError("the body could not be read")
        yield b"never"
    with pytest.raises(ValueError):
        connection.request("PUT", "/x", body=body(), headers={"Content-Length": "5"})
    assert sent == [] and connection._head is None
    connection = _pools.OneWriteHTTPConnection("127.0.0.1", 9)  # urllib3 drops a failed one
    connection.request("GET", "/y")
    assert len(sent) == 1 and sent[0].startswith(b"GET /y HTTP/1.1\r\n")


# -- parts of local files: sent from the file --------------------------------------------------

@pytest.fixture
def local_file(tmp_path):
    data = bytes(range(256)) * 4096 + b"tail"  # 1 MiB and a little
    path = tmp_path / "local.bin"
    path.write_bytes(data)
    with open(str(path), "rb") as f:
        yield f.fileno(), data


@pytest.fixture
def sendfiles(monkeypatch):
    """The byte counts handed to socket.sendfile."""
    counts = []
    real = socket.socket.sendfile

    def sendfile(self, file, offset=0, count=None):
        counts.append(count)
        return real(self, file, offset, count)
    monkeypatch.setattr(socket.socket, "sendfile", sendfile)
    return counts


def put(server, body, **kwargs):
    return DXHTTPRequest(server.url + "/part", body, method="PUT", jsonify_data=False, prepend_srv=False,
                         auth=None, **kwargs)


def test_a_slice_of_a_local_file_is_sent_from_the_file(dx, server, local_file, sendfiles):
    fileno, data = local_file
    put(server, _transfer.FileSlice(fileno, 1000, 600000))
    assert server.requests[0].body == data[1000:601000]
    assert int(server.requests[0].headers["Content-Length"]) == 600000
    assert sendfiles == [600000]


def test_a_slice_is_sent_whole_again_after_a_lost_answer(dx, server, local_file, sendfiles, sleeps):
    fileno, data = local_file
    server.push(drop(), reply())
    put(server, _transfer.FileSlice(fileno, 0, len(data)), always_retry=True)
    assert server.requests[-1].body == data and len(sleeps) == 1
    assert sendfiles == [len(data), len(data)]


def test_a_local_file_shorter_than_its_slice_is_an_error(dx, server, local_file):
    fileno, data = local_file
    with pytest.raises(DXFileError, match="the local file ended"):
        put(server, _transfer.FileSlice(fileno, len(data) - 10, 100))


def test_a_file_piece_on_a_tls_socket_goes_in_blocks_of_bytes(local_file):
    # TLS records are made from bytes in memory: a socket that is not a plain one gets blocks.
    fileno, data = local_file

    class RecordingSocket(object):
        def __init__(self):
            self.blocks = []

        def sendall(self, block):
            self.blocks.append(bytes(block))
    sock = RecordingSocket()
    _pools.send_file_piece(sock, _transfer.FileSlice(fileno, 10, len(data) - 10))
    assert b"".join(sock.blocks) == data[10:]
    assert max(len(block) for block in sock.blocks) == _pools.REGION_BLOCK
    with pytest.raises(DXFileError, match="the local file ended"):
        _pools.send_file_piece(RecordingSocket(), _transfer.FileSlice(fileno, len(data) - 5, 50))


def test_the_rest_of_a_slice_is_a_slice_from_its_send_position(local_file):
    fileno, data = local_file
    piece = _transfer.FileSlice(fileno, 3, 70000)
    piece.read(1000)
    rest = piece.file_region()
    assert (rest.offset, len(rest)) == (1003, 69000)
    assert b"".join(iter(lambda: rest.read(8192), b"")) == data[1003:70003]
