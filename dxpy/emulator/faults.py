"""Fault injection: rules that make the emulator misbehave on chosen request paths.

A rule matches a request path with an fnmatch pattern (``/file-*/upload``, ``/upload/*``)
and, when it fires, tells the server what to do instead of (or before) answering normally:

* ``status``   answer *status* with a JSON error body (and ``Retry-After`` when given);
               the request never reaches the platform;
* ``drop``     close the connection without answering; the request never reaches the platform;
* ``truncate`` run the request, then send its answer cut short against its Content-Length;
* ``garbage``  run the request, then send a body that is not JSON under a JSON content type;
* ``delay``    wait *delay* seconds, then run the request and answer normally.

A rule may also require request headers to match patterns (``headers={"Range": "bytes=0-*"}``:
only the ranged GETs from the file's first byte). Rules are tried in the order they were
added; the first one that fires wins. ``after=n``
lets the first *n* matching requests through (an outage that starts mid-transfer), and
``probability`` with ``seed`` makes a reproducible share of requests fail (``0.05``: about
one part upload or ranged download in twenty).
"""
import fnmatch
import random
import threading

ACTIONS = ("status", "drop", "truncate", "garbage", "delay")

# The error type a client sees for a status the platform did not choose (an injected fault,
# an HTTP framing error), so that it maps to the right exception class.
_ERROR_TYPES = {
    400: "InvalidInput",
    401: "InvalidAuthentication",
    404: "ResourceNotFound",
    413: "InvalidInput",
    422: "InvalidInput",
    429: "TooManyRequests",
    503: "ServiceUnavailable",
}


def default_error_type(status):
    return _ERROR_TYPES.get(status, "InternalError")


class FaultRule(object):
    """One rule; see ``FaultRules.add``. ``hits`` counts the requests it has fired on."""

    def __init__(self, route_pattern, status=None, retry_after=None, times=None, probability=1.0,
                 seed=None, action="status", delay=0, error_type=None, after=0, headers=None):
        if not isinstance(route_pattern, str) or not route_pattern:
            raise ValueError("route_pattern must be a non-empty string")
        if action not in ACTIONS:
            raise ValueError("action must be one of %s, not %r" % (", ".join(ACTIONS), action))
        if status is None:
            status = 503 if action == "status" else None
        if status is not None and not (isinstance(status, int) and 100 <= status <= 599):
            raise ValueError("status must be an HTTP status code, not %r" % (status,))
        if times is not None and not (isinstance(times, int) and times >= 0):
            raise ValueError("times must be a non-negative integer or None, not %r" % (times,))
        if not isinstance(probability, (int, float)) or not 0 <= probability <= 1:
            raise ValueError("probability must be between 0 and 1, not %r" % (probability,))
        if not isinstance(delay, (int, float)) or delay < 0:
            raise ValueError("delay must be a non-negative number of seconds, not %r" % (delay,))
        if retry_after is not None and not (isinstance(retry_after, (int, float)) and retry_after >= 0):
            raise ValueError("retry_after must be a non-negative number of seconds, not %r" % (retry_after,))
        if isinstance(after, bool) or not isinstance(after, int) or after < 0:
            raise ValueError("after must be a non-negative integer, not %r" % (after,))
        if headers is not None and not (isinstance(headers, dict) and all(
                isinstance(k, str) and isinstance(v, str) for k, v in headers.items())):
            raise ValueError("headers must be a dict of header names to patterns, not %r" % (headers,))
        self.headers = dict(headers or {})
        self.route_pattern = route_pattern
        self.action = action
        self.status = status
        self.error_type = error_type or default_error_type(status)
        self.retry_after = retry_after
        self.times = times
        self.probability = probability
        self.seed = seed
        self.delay = delay
        self.after = after
        self.passed = 0  # matching requests let through by *after*
        self.hits = 0
        self._random = random.Random(seed)

    def _fires(self, path, headers):
        """Whether this rule applies to a request for *path* with *headers* now; counts the
        hit. Caller holds the lock."""
        if self.times is not None and self.hits >= self.times:
            return False
        if not fnmatch.fnmatchcase(path, self.route_pattern):
            return False
        for name, pattern in self.headers.items():
            if not fnmatch.fnmatchcase((headers or {}).get(name) or "", pattern):
                return False
        if self.passed < self.after:
            self.passed += 1
            return False
        # Draw only for matching requests, so a seed gives the same outcome sequence
        # whatever else the server is asked.
        if self.probability < 1 and self._random.random() >= self.probability:
            return False
        self.hits += 1
        return True

    def to_json(self):
        listed = {
            "route_pattern": self.route_pattern, "action": self.action, "status": self.status,
            "error_type": self.error_type, "retry_after": self.retry_after, "times": self.times,
            "probability": self.probability, "seed": self.seed, "delay": self.delay,
            "hits": self.hits,
        }
        if self.after:
            listed["after"] = self.after
        if self.headers:
            listed["headers"] = dict(self.headers)
        return listed


class FaultRules(object):
    """The emulator's fault rules; safe to change while the server runs."""

    def __init__(self):
        self._guard = threading.Lock()
        self._rules = []

    def add(self, route_pattern, status=None, retry_after=None, times=None, probability=1.0,
            seed=None, action="status", delay=0, error_type=None, after=0, headers=None):
        """Add a rule and return it. *times* is how many matching requests it fires on
        (None: forever); *probability* is the chance it fires on each matching request,
        drawn from ``random.Random(seed)``; *after* is how many matching requests pass
        before it starts; *headers* maps request header names to fnmatch patterns that
        must all match. *status* defaults to 503 for ``action="status"``; *error_type*
        defaults to the usual type for that status."""
        rule = FaultRule(route_pattern, status=status, retry_after=retry_after, times=times,
                         probability=probability, seed=seed, action=action, delay=delay,
                         error_type=error_type, after=after, headers=headers)
        with self._guard:
            self._rules.append(rule)
        return rule

    def clear(self):
        with self._guard:
            del self._rules[:]

    def list(self):
        """The rules as JSON-able dicts, in the order they are tried."""
        with self._guard:
            return [rule.to_json() for rule in self._rules]

    def match(self, path, headers=None):
        """The first rule that fires on a request for *path* with *headers* (a mapping with
        case-insensitive names, such as the request's ``http.client`` headers), or None."""
        with self._guard:
            for rule in self._rules:
                if rule._fires(path, headers):
                    return rule
        return None
