"""The retry policy on its own: no network, just the decisions."""
import random

import pytest

from dxpy import retry
from dxpy.retry import (ANSWER_LOST, FINAL, NOT_DELIVERED, THROTTLED, TRANSIENT_STATUS, RetryPolicy,
                        backoff_delay, parse_retry_after)


def policy(max_retries=6, safe=False, max_wait=3600, seed=1):
    return RetryPolicy(max_retries, safe, max_wait, rng=random.Random(seed))


@pytest.mark.parametrize("value, seconds", [
    ("5", 5), (" 30 ", 30), (0, 0), (None, None), ("soon", None), ("-3", None),
    ("Wed, 21 Oct 2015 07:28:00 GMT", None),
])
def test_parse_retry_after(value, seconds):
    assert parse_retry_after(value) == seconds


def test_backoff_grows_exponentially_with_jitter_and_is_capped():
    rng = random.Random(7)
    assert backoff_delay(1, rng) == 1
    for n in range(2, 12):
        low, high = 2 ** (min(n, 8) - 2), 2 ** (min(n, 8) - 1)
        delays = {backoff_delay(n, rng) for _ in range(200)}
        assert min(delays) >= low and max(delays) <= high
        if high - low >= 2:
            assert len(delays) > 1, "back-off should be jittered"


def test_transient_failures_use_up_retries():
    p = policy(max_retries=3)
    delays = [p.next_delay(TRANSIENT_STATUS) for _ in range(4)]
    assert delays[0] == 1 and all(d is not None for d in delays[:3])
    assert delays[3] is None
    assert p.retries == 3 and p.failures == 4


def test_zero_retries_gives_up_at_once():
    assert policy(max_retries=0).next_delay(TRANSIENT_STATUS) is None


def test_throttled_waits_do_not_use_retries_but_count_against_the_wait_budget():
    p = policy(max_retries=1, max_wait=100)
    assert [p.next_delay(THROTTLED, 30) for _ in range(3)] == [30, 30, 30]
    assert p.retries == 0
    assert p.next_delay(THROTTLED, 30) is None  # 120 s would exceed the 100 s budget
    assert p.waited == 90


def test_retry_after_longer_than_the_budget_gives_up_without_waiting():
    p = policy(max_wait=3600)
    assert p.next_delay(THROTTLED, 100000) is None
    assert p.waited == 0


def test_throttled_without_retry_after_is_an_ordinary_retry():
    p = policy(max_retries=1)
    assert p.next_delay(THROTTLED, None) == 1
    assert p.retries == 1
    assert p.next_delay(THROTTLED, None) is None


def test_backoff_is_also_bounded_by_the_wait_budget():
    p = policy(max_retries=100, max_wait=10)
    total = 0
    while True:
        d = p.next_delay(TRANSIENT_STATUS)
        if d is None:
            break
        total += d
    assert total <= 10 and p.retries < 100


@pytest.mark.parametrize("kind, safe, retried", [
    (NOT_DELIVERED, False, True),
    (ANSWER_LOST, False, False),
    (ANSWER_LOST, True, True),
    (FINAL, True, False),
    (TRANSIENT_STATUS, False, True),
])
def test_which_failures_are_retried(kind, safe, retried):
    assert (policy(safe=safe).next_delay(kind) is not None) is retried


@pytest.mark.parametrize("args, message", [
    ((-1, False, 10), "max_retries"),
    ((3, False, -5), "max_retry_wait"),
])
def test_bad_arguments_are_rejected(args, message):
    with pytest.raises(ValueError, match=message):
        RetryPolicy(*args)


def test_unknown_failure_kind_is_rejected():
    with pytest.raises(ValueError, match="unknown failure kind"):
        policy().next_delay("sometimes")
    assert retry.KINDS == (TRANSIENT_STATUS, THROTTLED, NOT_DELIVERED, ANSWER_LOST, FINAL)


@pytest.mark.parametrize("retry_after", [0, 1])
def test_a_short_retry_after_still_waits_a_second_and_spends_the_budget(retry_after):
    p = policy(max_wait=5)
    delays = [p.next_delay(THROTTLED, retry_after) for _ in range(6)]
    assert delays == [1, 1, 1, 1, 1, None]
    assert p.waited == 5
