"""urllib3 connection pools whose connections write request bodies with fewer copies and calls.

urllib3 (like http.client) writes the head of a request, then its body, in two system calls:
for a small API call that is two TCP segments for the server to gather, and one more moment
for the calling thread to give up the interpreter lock. Here the head waits for the first
block of the body and leaves with it when that block is small; the bytes sent are the same.

A body that is a region of a local file (it has ``file_region()``, as the parts of an upload
do) goes from the file to the socket by ``socket.sendfile`` on a plain connection: no copy
through Python, no call per block. The socket's timeout still bounds each wait to send.
"""
import os
import socket

from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

# A head and a first body block of at most this many bytes in all go in one write; a larger
# block (a part of a file) is not copied to join them.
JOIN_LIMIT = 64 * 1024
# Blocks in which a file region is read and sent where the kernel cannot send it from the
# file (TLS), or by a sender other than these connections.
REGION_BLOCK = 256 * 1024


class FileRegion(object):
    """*count* bytes of the open file *fileno* from *offset*: one chunk of a request body."""

    def __init__(self, fileno, offset, count):
        self.fileno, self.offset, self.count = fileno, offset, count
        self._pos = 0

    def __len__(self):
        return self.count

    def read(self, size=-1):
        """The next bytes, as any other sender reads a file-like chunk (http.client)."""
        left = self.count - self._pos
        size = left if size is None or size < 0 else min(size, left)
        if size <= 0:
            return b""
        block = os.pread(self.fileno, size, self.offset + self._pos)
        if not block:
            self._ended()
        self._pos += len(block)
        return block

    def send_on(self, sock):
        if type(sock) is socket.socket:
            sent = sock.sendfile(_FileNumber(self.fileno), self.offset, self.count)
            if sent != self.count:
                self._ended()
            return
        while True:  # TLS: its records are made from bytes in memory
            block = self.read(REGION_BLOCK)
            if not block:
                return
            sock.sendall(block)

    def _ended(self):
        from dxpy.exceptions import DXFileError
        raise DXFileError("the local file ended before byte %d" % (self.offset + self.count))


class _FileNumber(object):
    """What socket.sendfile needs of a file: its number (and no position to move)."""

    def __init__(self, fileno):
        self._fileno = fileno

    def fileno(self):
        return self._fileno


class _HeadWithBody(object):
    """Mixin for a urllib3 connection: holds the head of a request until its body's first write."""

    _head = None  # the held head; None when nothing is held

    def request(self, *args, **kwargs):
        region = getattr(kwargs.get("body"), "file_region", None)
        if region is not None and any(name.lower() == "content-length" for name in kwargs.get("headers") or ()):
            kwargs["body"] = [region()]  # sent by send() below, in one piece
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
        if getattr(self, "_holding", False):
            head = self._head
            if head is None:  # the first write of a request is its whole head
                self._head = data
                return
            self._holding, self._head = False, None
            if isinstance(data, bytes) and len(head) + len(data) <= JOIN_LIMIT:
                data = head + data
            else:
                super(_HeadWithBody, self).send(head)
        if isinstance(data, FileRegion) and self.sock is not None:
            data.send_on(self.sock)
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
