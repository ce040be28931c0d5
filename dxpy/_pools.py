"""urllib3 connection pools whose connections write request bodies with fewer copies and calls.

urllib3 (like http.client) writes the head of a request, then its body, in two system calls:
for a small API call that is two TCP segments for the server to gather, and one more moment
for the calling thread to give up the interpreter lock. Here the head waits for the first
block of the body and leaves with it when that block is small; the bytes sent are the same.

A body that is a region of a local file (it has ``file_region()``, as the parts of an upload
do) goes from the file to the socket by ``socket.sendfile`` on a plain connection: no copy
through Python, no call per block. The socket's timeout still bounds each wait to send.
"""
import socket

from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

# A head and a first body block of at most this many bytes in all go in one write; a larger
# block (a part of a file) is not copied to join them.
JOIN_LIMIT = 64 * 1024
# Blocks in which a part of a local file is read and sent where the kernel cannot send it
# from the file (TLS).
REGION_BLOCK = 256 * 1024


def send_file_piece(sock, piece):
    """Send all of *piece* (a FileSlice at its start: ``fileno``, ``offset``, ``size``,
    ``read``) on *sock*: from the file on a plain socket, in blocks on a TLS one (its records
    are made from bytes in memory)."""
    if type(sock) is socket.socket:
        sent = sock.sendfile(_FileNumber(piece.fileno), piece.offset, piece.size)
        if sent != piece.size:
            from dxpy.exceptions import DXFileError
            raise DXFileError("the local file ended before byte %d" % (piece.offset + piece.size))
        return
    for block in iter(lambda: piece.read(REGION_BLOCK), b""):
        sock.sendall(block)


class _FileNumber(object):
    """What socket.sendfile needs of a file: its number (and no position to move)."""

    def __init__(self, fileno):
        self._fileno = fileno

    def fileno(self):
        return self._fileno


class _HeadWithBody(object):
    """Mixin for a urllib3 connection: holds the head of a request until its body's first write."""

    _holding = False  # in a request, until its head has been sent
    _head = None  # the held head; None when nothing is held

    def request(self, *args, **kwargs):
        region = getattr(kwargs.get("body"), "file_region", None)
        if region is not None and any(name.lower() == "content-length" for name in kwargs.get("headers") or ()):
            kwargs["body"] = [region()]  # one chunk, sent by send() below
        self._holding = True
        try:
            result = super(_HeadWithBody, self).request(*args, **kwargs)
            head = self._head
        finally:
            self._holding, self._head = False, None
        if head is not None:  # a request without a body
            super(_HeadWithBody, self).send(head)
        return result

    def send(self, data):
        if self._holding:
            head = self._head
            if head is None:  # the first write of a request is its whole head
                self._head = data
                return
            self._holding, self._head = False, None
            if isinstance(data, bytes) and len(head) + len(data) <= JOIN_LIMIT:
                data = head + data
            else:
                super(_HeadWithBody, self).send(head)
        if hasattr(data, "file_region") and self.sock is not None:
            send_file_piece(self.sock, data)
        else:
            super(_HeadWithBody, self).send(data)


class OneWriteHTTPConnection(_HeadWithBody, HTTPConnection):
    pass


class OneWriteHTTPSConnection(_HeadWithBody, HTTPSConnection):
    pass


class OneWriteHTTPConnectionPool(HTTPConnectionPool):
    ConnectionCls = OneWriteHTTPConnection


class OneWriteHTTPSConnectionPool(HTTPSConnectionPool):
    ConnectionCls = OneWriteHTTPSConnection


POOL_CLASSES_BY_SCHEME = {"http": OneWriteHTTPConnectionPool, "https": OneWriteHTTPSConnectionPool}
