"""When a failed request is tried again, and after how long: the one back-off of the package.

``RetryPolicy`` is an immutable configuration (urllib3's ``Retry`` is the model): how many
retries, how long a call may wait, how the back-off grows. It holds no per-request state:
``policy.start(safe_to_retry)`` gives a ``RetryState`` for one request, and each failure
gives the next state through ``state.increment(kind, retry_after)``, whose ``delay`` is the
wait before the next attempt, or None to give up. The caller sorts each failure into one of
the kinds below and waits through ``dxpy.http._sleep``; nothing here knows HTTP or sleeps.

Every retry loop of the package uses it: DXHTTPRequest, the upload of a part (the upload URL
calls share the part's retries), a short ranged read, a part whose md5 does not match, and
the polling for a file to close.
"""
import random
import time

# A 5xx or 429 answer, or another answer the server marks as transient: always retried.
TRANSIENT_STATUS = "transient status"
# A 503 or 429 that says when to come back (Retry-After): waited out without using a retry,
# but at least MIN_THROTTLED_WAIT seconds, and counted toward the wait budget.
THROTTLED = "throttled"
# The request never reached the server (refused, reset, DNS or TLS failure, dropped before
# an answer): safe to send again whatever it does.
NOT_DELIVERED = "not delivered"
# The server may have acted on the request but its answer was lost, cut short or garbled:
# retried only when the request is safe to repeat.
ANSWER_LOST = "answer lost"
# Anything else (4xx, 422): the same request would fail the same way.
FINAL = "final"

KINDS = (TRANSIENT_STATUS, THROTTLED, NOT_DELIVERED, ANSWER_LOST, FINAL)

# The shortest wait after a throttled answer: "Retry-After: 0" must not make a request
# hammer the server with no pause, nor retry without spending its wait budget.
MIN_THROTTLED_WAIT = 1

# Back-off grows as powers of two up to this many attempts (a 64-128 s window).
_BACKOFF_CAP_ATTEMPTS = 8

DEFAULT_MAX_RETRIES = 6
DEFAULT_MAX_WAIT = 3600


def parse_retry_after(value):
    """Seconds from a Retry-After header value, or None when absent or not a number of
    seconds (the HTTP-date form is not used by the platform)."""
    if value is None:
        return None
    try:
        seconds = int(str(value).strip())
    except ValueError:
        return None
    return seconds if seconds >= 0 else None


def backoff_delay(failed_attempts, rng=random):
    """Exponential back-off with jitter: 1 s after the first failure, then a random
    whole number of seconds in [2**(n-2), 2**(n-1)] after the n-th."""
    if failed_attempts <= 1:
        return 1
    n = min(failed_attempts, _BACKOFF_CAP_ATTEMPTS)
    return rng.randint(2 ** (n - 2), 2 ** (n - 1))


class RetryPolicy(object):
    """How a request is retried; immutable, so one policy may serve any number of requests
    and threads.

    *max_retries* bounds the retries that count (everything but THROTTLED waits).
    *max_wait* bounds the seconds one request spends waiting: the waits granted, and the
    time since it started (attempts included), so that no attempt starts once the budget
    has passed. *rng* draws the jitter; *clock* (monotonic seconds) measures the time.
    """

    __slots__ = ("max_retries", "max_wait", "rng", "clock")

    def __init__(self, max_retries=DEFAULT_MAX_RETRIES, max_wait=DEFAULT_MAX_WAIT, rng=random,
                 clock=time.monotonic):
        if max_retries < 0:
            raise ValueError("max_retries must be 0 or more, not %r" % (max_retries,))
        if max_wait < 0:
            raise ValueError("max_retry_wait must be 0 or more seconds, not %r" % (max_wait,))
        for name, value in (("max_retries", max_retries), ("max_wait", max_wait), ("rng", rng), ("clock", clock)):
            object.__setattr__(self, name, value)

    def __setattr__(self, name, value):
        raise AttributeError("RetryPolicy is immutable: use new(%s=...)" % name)

    def __repr__(self):
        return "RetryPolicy(max_retries=%r, max_wait=%r)" % (self.max_retries, self.max_wait)

    def new(self, **changes):
        """A copy with *changes* (any of the constructor's arguments)."""
        settings = {name: getattr(self, name) for name in self.__slots__}
        settings.update(changes)
        return RetryPolicy(**settings)

    parse_retry_after = staticmethod(parse_retry_after)

    def get_backoff_time(self, failures):
        """Seconds to wait after the *failures*-th failed attempt (jittered, doubling)."""
        return backoff_delay(failures, self.rng)

    @staticmethod
    def is_retryable(kind, safe_to_retry):
        if kind not in KINDS:
            raise ValueError("unknown failure kind %r" % (kind,))
        if kind == ANSWER_LOST:
            return safe_to_retry
        return kind in (TRANSIENT_STATUS, THROTTLED, NOT_DELIVERED)

    def start(self, safe_to_retry):
        """The state of one request before its first attempt. *safe_to_retry*: the request
        may be repeated even after the server may already have acted on it."""
        return RetryState(self, safe_to_retry, 0, 0, 0, self.clock(), None)


class RetryState(object):
    """Where one request stands: retries used, failed attempts, seconds of waiting granted,
    and ``delay``, the wait granted by the last ``increment`` (None: give up). Immutable:
    ``increment`` returns the next state."""

    __slots__ = ("policy", "safe_to_retry", "retries", "failures", "waited", "started", "delay")

    def __init__(self, policy, safe_to_retry, retries, failures, waited, started, delay):
        for name, value in zip(self.__slots__, (policy, safe_to_retry, retries, failures, waited, started, delay)):
            object.__setattr__(self, name, value)

    def __setattr__(self, name, value):
        raise AttributeError("RetryState is immutable: increment() returns the next one")

    @property
    def max_retries(self):
        return self.policy.max_retries

    def increment(self, kind, retry_after=None):
        """The state after a failed attempt of *kind* (with the server's Retry-After
        seconds, if any): its ``delay`` is the wait before the next attempt, or None when
        the failure is not retryable or the retries or the wait budget are spent."""
        failures = self.failures + 1
        delay = self._delay(kind, retry_after, failures)
        throttled = kind == THROTTLED and retry_after is not None
        if delay is None:
            return self._next(self.retries, failures, self.waited, None)
        return self._next(self.retries + (0 if throttled else 1), failures, self.waited + delay, delay)

    def _delay(self, kind, retry_after, failures):
        policy = self.policy
        if not policy.is_retryable(kind, self.safe_to_retry):
            return None
        throttled = kind == THROTTLED and retry_after is not None
        if not throttled and self.retries >= policy.max_retries:
            return None
        delay = max(MIN_THROTTLED_WAIT, retry_after) if throttled else policy.get_backoff_time(failures)
        spent = max(self.waited, policy.clock() - self.started)
        return None if spent + delay > policy.max_wait else delay

    def _next(self, retries, failures, waited, delay):
        return RetryState(self.policy, self.safe_to_retry, retries, failures, waited, self.started, delay)

    @property
    def exhausted(self):
        """The last increment gave up."""
        return self.failures > 0 and self.delay is None
