"""When DXHTTPRequest tries again, how long it waits (through dxpy.http._sleep) and when
it gives up. ``sleeps`` lists the waits; nothing really waits."""
import logging

import pytest

from dxpy import exceptions
from dxpy.http import DXHTTPRequest, MAX_RETRY_WAIT
from loopback import drop, error, garbage, reply, truncated, unused_port

OK = reply(json={"ok": True})


def throttled(status, seconds):
    type_ = "ServiceUnavailable" if status == 503 else "RateLimitConditional"
    return error(status, type_, "slow down", headers={"Retry-After": str(seconds)})


def assert_exponential_backoff(delays):
    """1 s after the first failure, then within [2**(n-2), 2**(n-1)] after the n-th."""
    for n, delay in enumerate(delays, start=1):
        low, high = (1, 1) if n == 1 else (2 ** (n - 2), 2 ** (n - 1))
        assert low <= delay <= high, (n, delays)


# -- 5xx -----------------------------------------------------------------------------------

@pytest.mark.parametrize("max_retries", [0, 1, 6])
@pytest.mark.parametrize("step, error_class", [
    (error(500, "InternalError"), exceptions.InternalError),
    (reply(502, body="bad gateway", headers={"Content-Type": "text/plain"}),
     exceptions.HTTPErrorWithContent),
    (error(503, "ServiceUnavailable"), exceptions.ServiceUnavailable),
    (error(429, "RateLimitConditional"), exceptions.RateLimitConditional),
], ids=["500-json", "502-text", "503-no-retry-after", "429-no-retry-after"])
def test_server_errors_use_up_max_retries(dx, server, sleeps, step, error_class, max_retries):
    server.default = step

    with pytest.raises(error_class):
        DXHTTPRequest("/record/new", {}, max_retries=max_retries)

    assert len(server.requests) == max_retries + 1
    assert len(sleeps) == max_retries
    assert_exponential_backoff(sleeps)


def test_the_last_error_is_the_one_raised(dx, server, sleeps):
    server.push(*[error(500, "InternalError", "attempt %d" % i, request_id="req-%d" % i) for i in range(3)])

    with pytest.raises(exceptions.InternalError) as caught:
        DXHTTPRequest("/record/new", {}, max_retries=2)

    assert (caught.value.msg, caught.value.req_id) == ("attempt 2", "req-2")


@pytest.mark.parametrize("method", ["POST", "PUT", "GET", "DELETE"])
def test_server_errors_are_retried_for_any_method(dx, server, sleeps, method):
    server.push(error(500, "InternalError"), reply(504, body="timeout"), OK)

    assert DXHTTPRequest("/record/new", {}, method=method) == {"ok": True}
    assert [r.method for r in server.requests] == [method] * 3
    assert len(sleeps) == 2


# -- Retry-After ---------------------------------------------------------------------------

@pytest.mark.parametrize("status", [503, 429])
def test_retry_after_is_waited_exactly_and_uses_no_retry(dx, server, sleeps, status):
    server.push(*[throttled(status, 1)] * 10 + [OK])

    assert DXHTTPRequest("/record/new", {}, max_retries=2) == {"ok": True}
    assert sleeps == [1] * 10
    assert len(server.requests) == 11


def test_retries_are_still_available_after_throttling(dx, server, sleeps):
    server.push(*[throttled(503, 1)] * 10 + [error(500, "InternalError")] * 2 + [OK])

    assert DXHTTPRequest("/record/new", {}, max_retries=2) == {"ok": True}
    assert sleeps[:10] == [1] * 10
    assert len(sleeps) == 12


def test_retry_after_beyond_the_budget_raises_at_once(dx, server, sleeps):
    server.push(throttled(503, 100000))

    with pytest.raises(exceptions.ServiceUnavailable):
        DXHTTPRequest("/record/new", {})

    assert sleeps == []
    assert len(server.requests) == 1


def test_max_retry_wait_bounds_the_total_wait(dx, server, sleeps):
    server.push(*[throttled(503, 10)] * 5 + [OK])

    with pytest.raises(exceptions.ServiceUnavailable):
        DXHTTPRequest("/record/new", {}, max_retry_wait=35)

    assert sleeps == [10, 10, 10]
    assert len(server.requests) == 4


def test_default_wait_budget_is_one_hour(dx, server, sleeps):
    server.push(throttled(503, 3599), throttled(503, 3599), OK)

    with pytest.raises(exceptions.ServiceUnavailable):
        DXHTTPRequest("/record/new", {})

    assert MAX_RETRY_WAIT == 3600
    assert sleeps == [3599]


# -- 4xx -----------------------------------------------------------------------------------

@pytest.mark.parametrize("method", ["POST", "GET"])
@pytest.mark.parametrize("status, type_", [
    (400, "InvalidInput"), (401, "InvalidAuthentication"), (404, "ResourceNotFound"),
    (409, "InvalidState"), (422, "InvalidState"),
])
def test_client_errors_are_never_retried(dx, server, sleeps, status, type_, method):
    server.default = error(status, type_)

    with pytest.raises(exceptions.DXAPIError) as caught:
        DXHTTPRequest("/record/new", {}, method=method, always_retry=True)

    assert caught.value.code == status
    assert len(server.requests) == 1
    assert sleeps == []


# -- no answer -----------------------------------------------------------------------------

@pytest.mark.parametrize("step, method, always_retry", [
    (drop(), "GET", False),
    (drop(), "POST", True),
    (drop(), "POST", False),
    (drop(), "PUT", False),
    (garbage(), "GET", False),
    (garbage(), "POST", True),
], ids=["drop-GET", "drop-POST-always", "drop-POST", "drop-PUT", "garbage-GET", "garbage-POST-always"])
def test_connection_closed_without_answer_is_retried(dx, server, sleeps, step, method, always_retry):
    server.push(step, OK)

    assert DXHTTPRequest("/record/new", {}, method=method, always_retry=always_retry) == {"ok": True}
    assert len(server.requests) == 2
    assert len(sleeps) == 1


def test_refused_connection_is_retried_even_for_post(dx, server, sleeps):
    urls = ["http://127.0.0.1:%d/record/new" % unused_port(), server.url + "/record/new"]

    result = DXHTTPRequest(lambda: (urls.pop(0), {}), {}, prepend_srv=False)

    assert result == {}
    assert len(server.requests) == 1
    assert sleeps == [1]


def test_refused_connection_gives_up_after_max_retries(dx, sleeps):
    with pytest.raises(Exception) as caught:
        DXHTTPRequest("http://127.0.0.1:%d/x" % unused_port(), {}, prepend_srv=False, max_retries=2)

    assert not isinstance(caught.value, exceptions.DXAPIError)
    assert len(sleeps) == 2


@pytest.mark.parametrize("method, always_retry, retried", [
    ("POST", False, False),
    ("POST", True, True),
    ("GET", False, True),
])
def test_timeout_after_sending_is_retried_only_when_safe(dx, server, sleeps, method, always_retry, retried):
    server.push(reply(json={"late": True}, delay=10), OK)

    def call():
        return DXHTTPRequest("/record/new", {}, method=method, always_retry=always_retry, timeout=0.3)

    if retried:
        assert call() == {"ok": True}
    else:
        with pytest.raises(Exception):
            call()
    assert len(server.requests) == (2 if retried else 1)
    assert len(sleeps) == (1 if retried else 0)


# -- broken answers ------------------------------------------------------------------------

BROKEN = pytest.mark.parametrize("broken, error_class", [
    (truncated(b'{"partial": ', declared_length=500), exceptions.ContentLengthError),
    (reply(body=b'{"not json', headers={"Content-Type": "application/json"}), exceptions.BadJSONInReply),
], ids=["truncated", "bad-json"])


@BROKEN
@pytest.mark.parametrize("method, always_retry, data", [
    ("GET", False, {}),
    ("POST", True, {}),
    ("POST", False, {"nonce": "nonce-123"}),
], ids=["GET", "POST-always", "POST-nonce"])
def test_broken_answer_is_retried_when_safe(dx, server, sleeps, broken, error_class, method, always_retry,
                                            data):
    server.push(broken, OK)

    assert DXHTTPRequest("/record/new", data, method=method, always_retry=always_retry) == {"ok": True}
    assert len(server.requests) == 2


@BROKEN
def test_broken_answer_to_unsafe_post_raises_at_once(dx, server, sleeps, broken, error_class):
    server.push(broken, OK)

    with pytest.raises(error_class):
        DXHTTPRequest("/record/new", {"name": "x"})

    assert len(server.requests) == 1
    assert sleeps == []


@BROKEN
def test_broken_answers_exhaust_retries(dx, server, sleeps, broken, error_class):
    server.default = broken

    with pytest.raises(error_class):
        DXHTTPRequest("/record/new", {}, method="GET", max_retries=2)

    assert len(server.requests) == 3


# -- logging -------------------------------------------------------------------------------

def dxpy_records(caplog, level):
    return [r.getMessage() for r in caplog.records if r.name == "dxpy" and r.levelno == level]


def test_retries_and_recovery_are_logged(dx, server, sleeps, caplog):
    caplog.set_level(logging.INFO, logger="dxpy")
    server.push(error(500, "InternalError", request_id="req-retry-77"), OK)

    DXHTTPRequest("/record/new", {})

    assert any("req-retry-77" in message for message in dxpy_records(caplog, logging.WARNING))
    assert any("recover" in message.lower() for message in dxpy_records(caplog, logging.INFO))


def test_giving_up_is_logged(dx, server, sleeps, caplog):
    caplog.set_level(logging.INFO, logger="dxpy")
    server.default = reply(500, body="still broken", headers={"X-Request-ID": "req-final"})

    with pytest.raises(exceptions.HTTPErrorWithContent):
        DXHTTPRequest("/record/new", {}, max_retries=1)

    assert dxpy_records(caplog, logging.ERROR)


@pytest.mark.parametrize("status", [503, 429])
def test_retry_after_zero_waits_a_second_and_ends_within_the_budget(dx, server, sleeps, status):
    server.default = throttled(status, 0)

    with pytest.raises((exceptions.ServiceUnavailable, exceptions.RateLimitConditional)):
        DXHTTPRequest("/record/new", {}, max_retry_wait=20)

    assert sleeps == [1] * 20
    assert len(server.requests) == 21


def test_no_attempt_starts_once_the_wait_budget_has_passed(dx, server, sleeps):
    # Each answer takes 1.5 s: with a 2 s budget the 1 s back-off would end past it.
    server.default = error(500, "InternalError", delay=1.5)

    with pytest.raises(exceptions.InternalError):
        DXHTTPRequest("/record/new", {}, max_retry_wait=2)

    assert len(server.requests) == 1 and sleeps == []


def test_an_injected_retry_policy_is_used(dx, server, sleeps):
    from dxpy.retry import RetryPolicy
    server.default = error(500, "InternalError")
    policy = RetryPolicy(max_retries=2, max_wait=100)

    with pytest.raises(exceptions.InternalError):
        DXHTTPRequest("/record/new", {}, retry_policy=policy)
    with pytest.raises(exceptions.InternalError):
        DXHTTPRequest("/record/new", {}, retry_policy=policy.new(max_retries=0))

    assert len(server.requests) == 3 + 1 and len(sleeps) == 2
