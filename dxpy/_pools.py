"""urllib3 connection pools whose connections write a request's head and a small body at once.

urllib3 (like http.client) writes the head of a request, then its body, in two system calls:
for a small API call that is two TCP segments for the server to gather, and one more moment
for the calling thread to give up the interpreter lock. Here the head waits for the first
block of the body and leaves with it when that block is small; the bytes sent are the same.
"""
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

# A head and a first body block of at most this many bytes in all go in one write; a larger
# block (a part of a file) is not copied to join them.
JOIN_LIMIT = 64 * 1024


class _HeadWithBody(object):
    """Mixin for a urllib3 connection: holds the head of a request until its body's first write."""

    _head = None  # the held head; None when nothing is held

    def request(self, *args, **kwargs):
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
