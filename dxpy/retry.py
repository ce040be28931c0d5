"""When a failed API request is tried again, and after how long.

``RetryPolicy`` holds the state of one request's retries and knows nothing of HTTP: the
caller sorts each failure into one of the kinds below and asks for the next delay.
"""
import random

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
    """The retry budget of one request.

    *max_retries* bounds the retries that count (everything but THROTTLED waits);
    *max_wait* bounds the total seconds spent waiting, throttled or not, so that no
    request retries forever; *safe_to_retry* says whether the request may be repeated
    after the server may already have acted on it.
    """

    def __init__(self, max_retries, safe_to_retry, max_wait, rng=random):
        if max_retries < 0:
            raise ValueError("max_retries must be 0 or more, not %r" % (max_retries,))
        if max_wait < 0:
            raise ValueError("max_retry_wait must be 0 or more seconds, not %r" % (max_wait,))
        self.max_retries = max_retries
        self.safe_to_retry = safe_to_retry
        self.max_wait = max_wait
        self.retries = 0          # retries that used up the budget
        self.failures = 0         # all failed attempts, which drive the back-off
        self.waited = 0           # seconds of waiting granted so far
        self._rng = rng

    def is_retryable(self, kind):
        if kind not in KINDS:
            raise ValueError("unknown failure kind %r" % (kind,))
        if kind == ANSWER_LOST:
            return self.safe_to_retry
        return kind in (TRANSIENT_STATUS, THROTTLED, NOT_DELIVERED)

    def next_delay(self, kind, retry_after=None):
        """Seconds to wait before the next attempt after a failure of *kind*, or None to
        give up. A granted delay is counted as spent."""
        self.failures += 1
        if not self.is_retryable(kind):
            return None
        throttled = kind == THROTTLED and retry_after is not None
        if not throttled and self.retries >= self.max_retries:
            return None
        delay = max(MIN_THROTTLED_WAIT, retry_after) if throttled else backoff_delay(self.failures, self._rng)
        if self.waited + delay > self.max_wait:
            return None
        self.waited += delay
        if not throttled:
            self.retries += 1
        return delay
