"""The platform's service routes that clients use to check themselves: ``/system/greet`` (what
``dx login`` asks; no token needed), ``/system/headers`` (the request's headers, echoed) and
``/system/comeBackLater`` (503 with ``Retry-After`` until a given time: how clients test their
retry logic)."""
import math

from ..errors import ServiceUnavailable
from .ids import now_ms
from .validate import get


def system_greet(req):
    get(req.payload, "client", str, None)
    get(req.payload, "version", str, None)
    return {"messages": []}  # no announcements from a local emulator


def system_headers(req):
    return dict((name.lower(), value) for name, value in req.headers.items())


def system_come_back_later(req):
    """``{"currentTime"}`` once ``waitUntil`` (ms since the epoch) has passed; until then 503,
    with ``Retry-After`` (whole seconds left) unless ``setRetryAfter`` is false."""
    wait_until = get(req.payload, "waitUntil", int, None)
    set_retry_after = get(req.payload, "setRetryAfter", bool, True)
    now = now_ms()
    if wait_until is not None and now < wait_until:
        error = ServiceUnavailable("Come back later: the service is unavailable until %d" % wait_until)
        if set_retry_after:
            error.headers.append(("Retry-After", "%d" % max(1, math.ceil((wait_until - now) / 1000.0))))
        raise error
    return {"currentTime": now}
