"""What the emulator's HTTP server accepts from its clients.

Past a limit a request gets a clear answer instead of costing the emulator its memory or its
threads: a body larger than allowed is 413 (the platform's error shape, type InvalidInput; the
body is not read), JSON nested deeper than allowed is 400 MalformedJSON, a connection idle or
stalled mid-request for longer than the read timeout is closed, and a connection beyond the cap
is answered 503 ServiceUnavailable with ``Retry-After`` and closed.
"""

KIB = 1024
MIB = 1024 * KIB
GIB = 1024 * MIB


class Limits(object):
    """:param max_api_body: bytes in the body of an API call (a 50 MB ``setDetails`` fits).
    :param max_part_body: bytes in a part upload: the largest part any region accepts.
    :param read_timeout: seconds a connection may stay silent while the server waits for a
        request or for the rest of one.
    :param max_connections: connections served at once (one thread each).
    :param max_json_depth: nesting of arrays and objects in an API call's input.
    """

    def __init__(self, max_api_body=64 * MIB, max_part_body=5 * GIB, read_timeout=60.0, max_connections=128,
                 max_json_depth=128):
        self.max_api_body = _positive("max_api_body", max_api_body, int)
        self.max_part_body = _positive("max_part_body", max_part_body, int)
        self.read_timeout = _positive("read_timeout", read_timeout, (int, float))
        self.max_connections = _positive("max_connections", max_connections, int)
        self.max_json_depth = _positive("max_json_depth", max_json_depth, int)

    def max_body(self, method):
        """The largest body a request with HTTP *method* may carry."""
        return self.max_part_body if method == "PUT" else self.max_api_body


def _positive(name, value, kind):
    if isinstance(value, bool) or not isinstance(value, kind) or not value > 0:
        raise ValueError("%s must be a positive %s, not %r" % (name, "integer" if kind is int else "number", value))
    return value


def json_depth_exceeds(value, limit):
    """Whether *value* (parsed JSON) nests arrays and objects more than *limit* deep; iterative,
    so that no depth costs a recursion error."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            item = item.values()
        elif not isinstance(item, list):
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in item if isinstance(child, (dict, list)))
    return False
