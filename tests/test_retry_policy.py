"""The retry policy on its own: no network, just the decisions."""
import random

import pytest

from dxpy import retry
from dxpy.retry import (ANSWER_LOST, FINAL, NOT_DELIVERED, THROTTLED, TRANSIENT_STATUS, RetryPolicy,
                        backoff_delay, parse_retry_after)


class Clock(object):
    """A monotonic clock the test moves."""

    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def policy(max_retries=6, max_wait=3600, seed=1, clock=None):
    return RetryPolicy(max_retries, max_wait, rng=random.Random(seed), clock=clock or Clock())


def delays(state, kind, count, retry_after=None):
    """The delays of *count* failures of *kind* in a row, and the last state."""
    out = []
    for _ in range(count):
        state = state.increment(kind, retry_after)
        out.append(state.delay)
    return out, state


@pytest.mark.parametrize("value, seconds", [
    ("5", 5), (" 30 ", 30), (0, 0), (None, None), ("soon", None), ("-3", None),
    ("Wed, 21 Oct 2015 07:28:00 GMT", None),
])
def test_parse_retry_after(value, seconds):
    assert parse_retry_after(value) == seconds
    assert RetryPolicy.parse_retry_after(value) == seconds


def test_backoff_grows_exponentially_with_jitter_and_is_capped():
    rng = random.Random(7)
    assert backoff_delay(1, rng) == 1
    for n in range(2, 12):
        low, high = 2 ** (min(n, 8) - 2), 2 ** (min(n, 8) - 1)
        drawn = {backoff_delay(n, rng) for _ in range(200)}
        assert min(drawn) >= low and max(drawn) <= high
        if high - low >= 2:
            assert len(drawn) > 1, "back-off should be jittered"
    assert policy().get_backoff_time(1) == 1


def test_transient_failures_use_up_retries():
    got, state = delays(policy(max_retries=3).start(False), TRANSIENT_STATUS, 4)
    assert got[0] == 1 and all(d is not None for d in got[:3])
    assert got[3] is None and state.exhausted
    assert state.retries == 3 and state.failures == 4


def test_zero_retries_gives_up_at_once():
    assert policy(max_retries=0).start(False).increment(TRANSIENT_STATUS).delay is None


def test_throttled_waits_do_not_use_retries_but_count_against_the_wait_budget():
    got, state = delays(policy(max_retries=1, max_wait=100).start(False), THROTTLED, 3, 30)
    assert got == [30, 30, 30] and state.retries == 0
    state = state.increment(THROTTLED, 30)
    assert state.delay is None  # 120 s would exceed the 100 s budget
    assert state.waited == 90


def test_retry_after_longer_than_the_budget_gives_up_without_waiting():
    state = policy(max_wait=3600).start(False).increment(THROTTLED, 100000)
    assert state.delay is None and state.waited == 0


def test_throttled_without_retry_after_is_an_ordinary_retry():
    got, state = delays(policy(max_retries=1).start(False), THROTTLED, 2)
    assert got == [1, None] and state.retries == 1


def test_backoff_is_also_bounded_by_the_wait_budget():
    state, total = policy(max_retries=100, max_wait=10).start(False), 0
    while True:
        state = state.increment(TRANSIENT_STATUS)
        if state.delay is None:
            break
        total += state.delay
    assert total <= 10 and state.retries < 100


@pytest.mark.parametrize("retry_after", [0, 1])
def test_a_short_retry_after_still_waits_a_second_and_spends_the_budget(retry_after):
    got, state = delays(policy(max_wait=5).start(False), THROTTLED, 6, retry_after)
    assert got == [1, 1, 1, 1, 1, None]
    assert state.waited == 5


def test_time_spent_in_attempts_counts_toward_the_budget():
    clock = Clock()
    state = policy(max_retries=6, max_wait=100, clock=clock).start(False)
    clock.now += 99.5  # a long attempt: the next one would start past the budget
    assert state.increment(TRANSIENT_STATUS).delay is None
    assert policy(max_wait=100, clock=clock).start(False).increment(TRANSIENT_STATUS).delay == 1


@pytest.mark.parametrize("kind, safe, retried", [
    (NOT_DELIVERED, False, True),
    (ANSWER_LOST, False, False),
    (ANSWER_LOST, True, True),
    (FINAL, True, False),
    (TRANSIENT_STATUS, False, True),
])
def test_which_failures_are_retried(kind, safe, retried):
    assert (policy().start(safe).increment(kind).delay is not None) is retried


@pytest.mark.parametrize("args, message", [
    ((-1, 10), "max_retries"),
    ((3, -5), "max_retry_wait"),
])
def test_bad_arguments_are_rejected(args, message):
    with pytest.raises(ValueError, match=message):
        RetryPolicy(*args)


def test_unknown_failure_kind_is_rejected():
    with pytest.raises(ValueError, match="unknown failure kind"):
        policy().start(True).increment("sometimes")
    assert retry.KINDS == (TRANSIENT_STATUS, THROTTLED, NOT_DELIVERED, ANSWER_LOST, FINAL)


def test_policy_and_state_are_immutable_and_states_are_apart():
    base = policy(max_retries=2)
    with pytest.raises(AttributeError):
        base.max_retries = 5
    first, second = base.start(False), base.start(True)
    after = first.increment(TRANSIENT_STATUS)
    with pytest.raises(AttributeError):
        after.retries = 0
    assert (first.retries, first.failures, after.retries, after.failures) == (0, 0, 1, 1)
    assert second.failures == 0 and base.max_retries == 2


def test_new_copies_with_changes():
    base = policy(max_retries=2, max_wait=50)
    changed = base.new(max_retries=0)
    assert (changed.max_retries, changed.max_wait, changed.rng) == (0, 50, base.rng)
    assert base.max_retries == 2
