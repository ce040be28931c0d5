"""DXHTTPRequest: the one function that talks HTTP to the API server and to file URLs.

It runs on a pooled, thread-safe ``requests`` session that is created on first use (so
``import dxpy`` does not pay for importing ``requests``). Authentication, JSON, proxies,
certificate checks, retries and error decoding all happen here.
"""
import errno
import functools
import itertools
import json
import logging
import os
import re
import threading
import time
from collections import namedtuple
from urllib.parse import urljoin, urlsplit

import dxpy
from dxpy import DEFAULT_RETRIES, DEFAULT_TIMEOUT
from dxpy import retry as _retry

logger = logging.getLogger("dxpy")

# Upper bound on the seconds one request may spend waiting between attempts, throttled
# or not. Per call: DXHTTPRequest(..., max_retry_wait=seconds).
MAX_RETRY_WAIT = 3600
MAX_REDIRECTS = 5
POOL_SIZE = 32

# Tests replace this to observe the waits without spending them.
_sleep = time.sleep

_sequence = itertools.count()
_RequestForAuth = namedtuple("_RequestForAuth", "method url headers")
_OPTION_NAMES = ("verify", "cert_file", "key_file", "ssl_context", "max_retry_wait", "retry_policy",
                 "_test_retry_http_request", "body_sink")
_NO_OPTIONS = dict.fromkeys(_OPTION_NAMES)  # read, never changed


def configure_urllib3():
    """Silence urllib3's warnings about unverified HTTPS (DX_CA_CERT=NOVERIFY asks for it)."""
    import urllib3
    urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)
    logging.getLogger("urllib3.connectionpool").setLevel(logging.ERROR)


# -- sessions ------------------------------------------------------------------------------

_session_lock = threading.Lock()
_sessions = {}


def _get_session(ssl_context=None):
    """The shared session (one per distinct *ssl_context*). Sessions are never closed
    because of an error: a broken connection is dropped by the pool on its own, and
    other threads keep theirs."""
    key = id(ssl_context) if ssl_context is not None else None
    session = _sessions.get(key)
    if session is None:
        with _session_lock:
            session = _sessions.get(key)
            if session is None:
                session = _sessions[key] = _new_session(ssl_context)
    return session


def _new_session(ssl_context):
    import datetime
    import requests
    import urllib3
    from requests.adapters import HTTPAdapter

    class _Adapter(HTTPAdapter):
        """requests' adapter, with the per-request URL parsing for proxies skipped when
        there is no proxy (what ``responses`` and ``requests-mock`` patch is left alone)."""

        def init_poolmanager(self, *args, **kwargs):
            if ssl_context is not None:
                kwargs["ssl_context"] = ssl_context
            if int(urllib3.__version__.split(".")[0]) >= 2:  # urllib3 1.x has no such pool setting
                kwargs.setdefault("blocksize", SEND_BLOCK)
            self._pool_keys = {}
            super(_Adapter, self).init_poolmanager(*args, **kwargs)
            from dxpy import _pools
            self.poolmanager.pool_classes_by_scheme = _pools.POOL_CLASSES_BY_SCHEME

        def build_response(self, req, resp):
            if "set-cookie" in resp.headers:  # cookies: requests' full treatment
                return super(_Adapter, self).build_response(req, resp)
            response = _Response()
            response.status_code = getattr(resp, "status", None)
            headers = getattr(resp, "headers", {})
            # urllib3's merged view: the same values as the mapping, without a lookup per name
            merged = headers.itermerged() if hasattr(headers, "itermerged") else headers.items()
            response.headers = _case_insensitive(merged)
            response.encoding = requests.utils.get_encoding_from_headers(response.headers)
            response.raw = resp
            response.reason = resp.reason
            response.url = req.url.decode("utf-8") if isinstance(req.url, bytes) else req.url
            response.request = req
            response.connection = self
            return response

        def request_url(self, request, proxies):
            if proxies:
                return super(_Adapter, self).request_url(request, proxies)
            path = request.path_url
            return "/" + path.lstrip("/") if path.startswith("//") else path

        def get_connection_with_tls_context(self, request, verify, proxies=None, cert=None):
            if proxies or not hasattr(self, "build_connection_pool_key_attributes"):
                return super(_Adapter, self).get_connection_with_tls_context(request, verify, proxies, cert)
            pool_key, context = self._pool_key(request, verify, cert)
            # A fresh copy: urllib3 keeps the context of a pool it makes.
            return self.poolmanager.connection_from_pool_key(pool_key, request_context=dict(context))

        def _pool_key(self, request, verify, cert):
            """urllib3's pool key and request context of what build_connection_pool_key_attributes()
            gives, kept per scheme://host:port and TLS settings (the URL is a prepared one:
            normalised, with a path): the pool manager need not normalise them on every call."""
            key = ("/".join(request.url.split("/", 3)[:3]), verify,
                   tuple(cert) if isinstance(cert, list) else cert)
            found = self._pool_keys.get(key)
            if found is None:
                try:
                    host_params, pool_kwargs = self.build_connection_pool_key_attributes(request, verify, cert)
                except ValueError as e:
                    raise requests.exceptions.InvalidURL(e, request=request)
                manager = self.poolmanager
                context = manager._merge_pool_kwargs(pool_kwargs)
                context.update(scheme=host_params["scheme"], host=host_params["host"],
                               port=host_params["port"] or urllib3.connectionpool.port_by_scheme.get(
                                   host_params["scheme"], 80))
                found = (manager.key_fn_by_scheme[context["scheme"]](dict(context)), context)
                if len(self._pool_keys) >= 256:
                    self._pool_keys.clear()
                self._pool_keys[key] = found
            return found

    class _Response(requests.models.Response):
        """requests' Response, with the cookie jar made only when asked for: most answers
        carry no cookie, and making an empty jar is a tenth of a small call's cost."""

        def __init__(self):  # what Response.__init__ sets, but the jar
            self._content, self._content_consumed, self._next = False, False, None
            self.status_code = self.raw = self.url = self.encoding = self.reason = self.request = None
            self.headers = requests.structures.CaseInsensitiveDict()
            self.history = []
            self.elapsed = datetime.timedelta(0)

        def __getattr__(self, name):
            if name != "cookies":
                raise AttributeError(name)
            self.cookies = requests.cookies.cookiejar_from_dict({})
            return self.cookies

    session = requests.Session()
    # Proxies and certificates are resolved here per request; letting requests re-read
    # the environment on every call would cost a third of its throughput.
    session.trust_env = False
    # Under every request's own headers: requests' compression offer. Its "Accept: */*" and
    # "Connection: keep-alive" say what HTTP/1.1 means anyway, and every header costs both ends.
    session.dx_default_headers = {"Accept-Encoding": session.headers["Accept-Encoding"]}
    adapter = _Adapter(pool_connections=POOL_SIZE, pool_maxsize=POOL_SIZE, max_retries=0)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


# -- proxies and certificates --------------------------------------------------------------

_proxy_cache = {}
_PROXY_VARIABLES = ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY")


def _proxies_for(url):
    """The proxies the environment asks for when fetching *url* ({} to go direct)."""
    env = os.environ
    for name in _PROXY_VARIABLES:
        if name in env:
            break
    else:
        return {}
    settings = tuple(env.get(name) for name in _PROXY_VARIABLES + ("no_proxy", "NO_PROXY"))
    proxies = {}
    for scheme, lower, upper in (("http", 0, 1), ("https", 2, 3)):
        chosen = settings[lower] or settings[upper]
        if chosen:
            proxies[scheme] = chosen
    no_proxy = settings[4] or settings[5]
    if no_proxy:
        from requests.utils import should_bypass_proxies
        key = (urlsplit(url).netloc, no_proxy)
        bypass = _proxy_cache.get(key)
        if bypass is None:
            bypass = _proxy_cache[key] = should_bypass_proxies(url, no_proxy)
        if bypass:
            return {}
    return proxies


def _verify_for(url, verify):
    """_verify_setting() for an https URL; a plain http one has no certificate to check."""
    if verify is None and url[:5].lower() == "http:":
        return True
    return _verify_setting(verify)


def _verify_setting(verify):
    """The ``verify`` argument for requests: explicit value, then DX_CA_CERT (a CA bundle
    path, or NOVERIFY), then DX_USE_OS_CA_BUNDLE (the system's store), then certifi."""
    if verify is not None:
        return verify
    ca_cert = os.environ.get("DX_CA_CERT")
    if ca_cert == "NOVERIFY":
        configure_urllib3()
        return False
    if ca_cert:
        return ca_cert
    if "DX_USE_OS_CA_BUNDLE" in os.environ:
        import ssl
        paths = ssl.get_default_verify_paths()
        return paths.cafile or paths.capath or True
    return True


# -- authentication ------------------------------------------------------------------------

def _origin(url):
    """(scheme, host, port) as urllib3, which makes the connection, reads *url*."""
    from urllib3.util import parse_url
    parts = parse_url(url)
    scheme = (parts.scheme or "").lower()
    return scheme, (parts.host or "").lower(), parts.port or {"http": 80, "https": 443}.get(scheme)


def _check_authority(url):
    """Refuse a URL whose authority parsers read differently (a backslash) or that carries
    credentials (userinfo): where it connects, and with what, would be unclear."""
    if "@" not in url and "\\" not in url:
        return
    from urllib3.util import parse_url
    netloc = urlsplit(url).netloc
    if "\\" in netloc or "@" in netloc or parse_url(url).auth:
        raise dxpy.exceptions.DXError(
            "refusing URL %r: its authority (host part) has userinfo or a backslash" % _redact(url))


_server_origins = {}


def _server_origin(server):
    """_origin() of a configured server URL, kept: there are few of them."""
    origin = _server_origins.get(server)
    if origin is None:
        if len(_server_origins) > 64:
            _server_origins.clear()
        origin = _server_origins[server] = _origin(server)
    return origin


_plain_servers = {}


def _is_plain_server(server):
    """*server* is ``scheme://host[:port]`` and nothing more: then every URL that is *server*
    followed by ``/`` has its origin."""
    plain = _plain_servers.get(server)
    if plain is None:
        authority = server.partition("://")[2]
        plain = bool(authority) and not any(c in authority for c in "/?#\\@[")
        if len(_plain_servers) > 64:
            _plain_servers.clear()
        _plain_servers[server] = plain
    return plain


def _token_may_go_to(url):
    """The default token is sent only to the API server and its auth server."""
    api = dxpy.APISERVER
    if url.startswith(api + "/") and _is_plain_server(api):
        return True
    origin = _origin(url)
    if origin == _server_origin(api):
        return True
    try:
        return origin == _server_origin(dxpy.get_auth_server_name())
    except Exception:  # no auth server is known for this API server
        return False


def _apply_auth(auth, method, url, headers):
    if auth is True:
        if dxpy.AUTH_HELPER is None or not _token_may_go_to(url):
            return
        auth = dxpy.AUTH_HELPER
    if not auth:
        return
    if isinstance(auth, tuple) and len(auth) == 2:
        import base64
        credentials = base64.b64encode(("%s:%s" % auth).encode("utf-8")).decode("ascii")
        headers["Authorization"] = "Basic " + credentials
    elif callable(auth):
        auth(_RequestForAuth(method, url, headers))
    else:
        raise TypeError("auth must be True, None, a callable or a (user, password) tuple, not %r" % (auth,))


def _auth_after_redirect(auth, url, location):
    """The auth for a redirect from *url* to *location*: an explicit one is dropped when the
    origin changes (the configured token keeps its own check on every attempt)."""
    if auth is True or not auth or _origin(url) == _origin(location):
        return auth
    return None


# -- debug output (_DX_DEBUG) --------------------------------------------------------------

def _redact(text):
    """*text* without the configured token (as written, or escaped as repr() shows it)."""
    context = dxpy.SECURITY_CONTEXT
    token = context.get("auth_token") if isinstance(context, dict) else None
    if not token or not isinstance(token, str):
        return text
    for shown in (token, repr(token)[1:-1]):
        text = text.replace(shown, "<token>")
    return text


def _debug_request(seq, method, url, headers, data, jsonify_data):
    level = dxpy._DEBUG
    if level >= 2 and jsonify_data:
        shown = json.dumps(data, indent=2 if level >= 3 else None, default=repr)
    elif jsonify_data:
        shown = repr(data)[:200]
    else:
        shown = "<%s body>" % type(data).__name__
    if level >= 3:
        visible = {k: ("<redacted>" if k.lower() == "authorization" else v) for k, v in headers.items()}
        shown = json.dumps(visible) + " " + shown
    _debug_print(">%d %s %s => %s" % (seq, method, url, shown))


def _debug_response(seq, method, url, status, req_id, started, content):
    level = dxpy._DEBUG
    if isinstance(content, (dict, list)):
        shown = json.dumps(content, indent=2 if level >= 3 else None) if level >= 2 else repr(content)[:200]
    else:
        shown = "(%d bytes)" % len(content)
    _debug_print("  <%d %s %s %s <= %s (%d ms) %s" % (seq, method, req_id, url, status,
                                                     (time.time() - started) * 1000, shown))


def _debug_print(line):
    import sys
    sys.stderr.write(_redact(line) + "\n")


# -- one request ---------------------------------------------------------------------------

def _split_options(kwargs):
    if not kwargs:
        return _NO_OPTIONS
    unknown = sorted(set(kwargs) - set(_OPTION_NAMES))
    if unknown:
        raise TypeError("DXHTTPRequest() got unexpected keyword argument(s): %s" % ", ".join(unknown))
    return {name: kwargs.get(name) for name in _OPTION_NAMES}


def _serialize(data, jsonify_data):
    if jsonify_data:
        try:
            return json.dumps(data).encode("utf-8")
        except (TypeError, ValueError) as e:
            raise TypeError("DXHTTPRequest data is not JSON-serialisable: %s" % e)
    return data


def _carries_nonce(data, jsonify_data):
    # The platform answers a repeated request with the same nonce once: safe to repeat.
    return jsonify_data and isinstance(data, dict) and bool(data.get("nonce"))


def _resolve(resource, prepend_srv, headers):
    """The URL and headers of the next attempt; a callable resource is asked anew."""
    if callable(resource):
        url, extra = resource()
        merged = dict(extra or {})
        merged.update(headers)
        return url, merged
    if not isinstance(resource, str):
        raise TypeError("DXHTTPRequest resource must be a string or a callable, not %r" % (resource,))
    return (dxpy.APISERVER + resource if prepend_srv else resource), dict(headers)


def _prepared(session, method, url, headers, body):
    """The request as requests sends it: the session's default headers (Accept-Encoding, ...)
    under *headers*, the URL checked and quoted, the body's length set. Session.request would
    also merge cookies, hooks, auth and environment settings on every call: none are used."""
    import requests
    request = requests.PreparedRequest()
    request.method = method
    request.url = _prepared_url(url)
    merged = dict(session.dx_default_headers)
    merged.update(headers)
    if _checked_before(merged) or _plain_headers(merged):
        request.headers = _case_insensitive(merged.items())
    else:  # let requests check them and raise InvalidHeader where it would
        request.prepare_headers(merged)
    if type(body) is bytes and body:  # what prepare_body does with them, in short
        request.body = body
        request.headers["Content-Length"] = str(len(body))
    else:
        request.prepare_body(body, None)
    return request


def _case_insensitive(pairs):
    """requests' CaseInsensitiveDict of the (name, value) *pairs*, filled in one pass."""
    from requests.structures import CaseInsensitiveDict
    headers = CaseInsensitiveDict()
    store = getattr(headers, "_store", None)
    if not isinstance(store, dict):  # another requests than the ones known: its own way
        headers.update(pairs)
        return headers
    for name, value in pairs:
        store[name.lower()] = (name, value)
    return headers


_SUSPECT_HEADER = re.compile(r"[\r\n\0:]|^\s")


_checked_headers = set()


def _checked_before(headers):
    try:
        return _checked_headers.issuperset(headers.items())
    except TypeError:  # an unhashable value: requests will say what is wrong with it
        return False


def _plain_headers(headers):
    """True when every header is a str name and value that requests' check would accept
    (no CR, LF, NUL, no leading space; no colon in a name). Accepted pairs are kept: the same
    few come with every request."""
    for name, value in headers.items():
        if type(name) is not str or type(value) is not str or not name or _SUSPECT_HEADER.search(name) \
                or _SUSPECT_HEADER.search(value.replace(":", "")):
            return False
    if len(_checked_headers) > 1024:
        _checked_headers.clear()
    _checked_headers.update(headers.items())
    return True


_prepared_urls = {}


def _prepared_url(url):
    """*url* checked and quoted as requests does it (MissingSchema, InvalidURL, ...); kept,
    since the same routes come again and again."""
    prepared = _prepared_urls.get(url)
    if prepared is None:
        import requests
        request = requests.PreparedRequest()
        request.prepare_url(url, None)
        if len(_prepared_urls) >= 4096:
            _prepared_urls.clear()
        prepared = _prepared_urls[url] = request.url
    return prepared


def _send(session, request, **settings):
    """One attempt, streaming and without following redirects, through the session's
    transport adapter (which ``responses`` patches), or through ``Session.send`` when
    something (``requests-mock``) has replaced it."""
    send = session.send
    if _is_requests_own(getattr(send, "__func__", None)):
        return session.get_adapter(url=request.url).send(request, stream=True, **settings)
    return send(request, stream=True, allow_redirects=False, **settings)


def _is_requests_own(function):
    return getattr(function, "__qualname__", None) == "Session.send" \
        and getattr(function, "__module__", None) == "requests.sessions"


# Blocks in which a streamed body is handed over (see body_sink).
STREAM_BLOCK = 1024 * 1024
# Blocks in which a request body given as a file (a part of a local file) is read and sent:
# urllib3's default of 16 KiB costs a read and a send call per 16 KiB of an upload; larger
# blocks cost memory per connection.
SEND_BLOCK = 256 * 1024


def _read_body(response, sink=None):
    """The whole body, read in large blocks; a body cut short raises ContentLengthError.
    With *sink*, the body goes to ``sink(block)`` as it arrives and b"" is returned."""
    from dxpy import exceptions
    import urllib3
    try:
        if sink is None:
            content = response.raw.read(decode_content=True)
            received = len(content)
        else:
            content, received = b"", 0
            for block in response.raw.stream(STREAM_BLOCK, decode_content=True):
                received += len(block)
                sink(block)
    except urllib3.exceptions.ProtocolError as e:
        response.close()
        raise exceptions.ContentLengthError("the response body was cut short: %s" % e)
    except BaseException:
        response.close()  # the sink gave up: the rest of the body is not read
        raise
    expected = response.headers.get("content-length")
    encoding = response.headers.get("content-encoding", "identity")
    if expected and expected.isdigit() and encoding == "identity" and int(expected) != received:
        response.close()
        raise exceptions.ContentLengthError(
            "Received response with content-length header set to %s but content length is %d"
            % (expected, received))
    # Keep requests' own accessors (.content, .text, .json()) working on the read body.
    response._content = content
    response._content_consumed = True
    response.close()
    return content


def _read_timeout(timeout):
    """The read part of a requests-style *timeout* (seconds, a (connect, read) pair, or None)."""
    return timeout[1] if isinstance(timeout, tuple) else timeout


# The slowest average rate at which a long answer may arrive: an answer of N bytes is given
# the read timeout plus N / MIN_ANSWER_RATE seconds (a 96 MiB range on a slow link is read;
# a server trickling bytes is cut off).
MIN_ANSWER_RATE = 16 * 1024


def _answer_allowance(response, timeout):
    """Seconds the body of *response* may take in all (None: no bound but the timeout's)."""
    seconds = _read_timeout(timeout)
    length = response.headers.get("content-length")
    if seconds is not None and length and length.isdigit():
        seconds += int(length) / float(MIN_ANSWER_RATE)
    return seconds


def _read_body_within(response, timeout, sink=None):
    """_read_body, given up on (ReadTimeout) once the body has taken its allowance in all
    (_answer_allowance): a server trickling bytes cannot hold a request."""
    from dxpy import _deadline
    seconds = _answer_allowance(response, timeout)
    watch = _deadline.watch(response, seconds)
    try:
        return _read_body(response, sink)
    except dxpy.exceptions.ContentLengthError:
        if watch.fired:
            import requests
            import urllib3
            reason = urllib3.exceptions.ReadTimeoutError(
                None, response.url, "the answer took more than %.0f seconds to arrive" % seconds)
            raise requests.exceptions.ReadTimeout(reason, response=response) from None
        raise
    finally:
        watch.cancel()


def _is_json(response):
    return response.headers.get("content-type", "").startswith("application/json")


def _decoded(response, content, decode_response_body):
    if not decode_response_body:
        return content
    text = content.decode("utf-8")
    if not _is_json(response):
        return text
    try:
        return json.loads(text)
    except ValueError:
        raise dxpy.exceptions.BadJSONInReply("Invalid JSON received from server", response.status_code)


def _error_for(response, content, started, req_id):
    """The exception that a non-2xx answer stands for."""
    from dxpy import exceptions
    status = response.status_code
    text = content.decode("utf-8", "replace")
    if not _is_json(response):
        return exceptions.HTTPErrorWithContent(
            "%s %s [Time=%s RequestID=%s]" % (status, response.reason, started, req_id), text.strip())
    try:
        body = json.loads(text)
    except ValueError:
        return exceptions.BadJSONInReply("Invalid JSON received from server", status)
    try:
        error_type = body["error"]["type"]
    except (KeyError, TypeError):
        return exceptions.HTTPErrorWithContent(
            "Appropriate error class not found. [HTTPCode=%s]" % status, body)
    error_class = getattr(exceptions, str(error_type), None)
    if not (isinstance(error_class, type) and issubclass(error_class, exceptions.DXAPIError)) \
            or error_class is exceptions.InvalidTLSProtocol:  # the one class built without a body
        error_class = exceptions.DXAPIError
    return error_class(body, status, started, req_id)


_NOT_DELIVERED_ERRNOS = frozenset((errno.ENETDOWN, errno.ENETUNREACH, errno.ECONNREFUSED))


def _is_retryable_exception(error):
    """True when *error* shows that the server cannot have acted on the request (no
    connection was made: refused, unreachable, DNS, TLS; or the connection broke), so that
    even a request that is not idempotent may be sent again."""
    import socket
    import ssl
    import requests
    import urllib3
    if isinstance(error, requests.exceptions.ConnectionError):
        error = _urllib3_reason(error) or error
        if not isinstance(error, urllib3.exceptions.HTTPError):
            return True  # requests' own wording of a failed connection
    if isinstance(error, (urllib3.exceptions.ProtocolError, urllib3.exceptions.NewConnectionError,
                          urllib3.exceptions.SSLError, ssl.SSLError, ConnectionResetError,
                          socket.gaierror, socket.herror)):
        return True
    return isinstance(error, OSError) and error.errno in _NOT_DELIVERED_ERRNOS


def _failure_kind(error, response, method):
    """Sort a failed attempt for the retry policy; the Retry-After seconds go with it."""
    if response is None:
        if _is_retryable_exception(error):
            return _retry.NOT_DELIVERED, None   # refused, reset, DNS, TLS, dropped
        return _retry.ANSWER_LOST, None
    status = response.status_code
    if status // 100 == 2:
        return _retry.ANSWER_LOST, None          # cut short or unparsable
    if status in (503, 429):
        retry_after = _retry.parse_retry_after(response.headers.get("retry-after"))
        if retry_after is not None:
            return _retry.THROTTLED, retry_after
    if status == 429 or 500 <= status < 600:
        return _retry.TRANSIENT_STATUS, None
    if status == 400 and method == "PUT" and "<Code>RequestTimeout</Code>" in str(getattr(error, "content", "")):
        return _retry.TRANSIENT_STATUS, None       # storage gave up on a slow upload
    return _retry.FINAL, None


@functools.lru_cache(maxsize=None)
def _network_errors():
    import requests
    from dxpy import exceptions
    return (requests.exceptions.RequestException, exceptions.ContentLengthError, exceptions.BadJSONInReply)


@functools.lru_cache(maxsize=None)
def _local_errors():
    """Failures of this request's own making (its headers, URL or scheme): no retry mends them."""
    import requests
    errors = requests.exceptions
    return (errors.InvalidHeader, errors.MissingSchema, errors.InvalidURL, errors.InvalidSchema)


def _tls_files_unusable(error):
    """The client's own certificate, key or CA file could not be loaded (not PEM, key and
    certificate apart): a TLS configuration error that no retry mends."""
    import ssl
    reason = _urllib3_reason(error) if hasattr(error, "args") else None
    cause = reason.args[0] if reason is not None and reason.args else None
    if not isinstance(cause, ssl.SSLError):
        return False
    return getattr(cause, "library", None) in ("PEM", "X509") or "PEM lib" in str(cause) \
        or getattr(cause, "reason", None) == "KEY_VALUES_MISMATCH"


def _without_token(error):
    """*error* again, with the token taken out of its message."""
    message = _redact(str(error))
    if message == str(error):
        return error
    try:
        return type(error)(message)
    except Exception:  # an exception class with another signature
        return dxpy.exceptions.DXError("%s: %s" % (type(error).__name__, message))


_dual_types = {}


def _urllib3_reason(error):
    """The urllib3 exception behind a requests exception (dxpy raises that one), or None."""
    import urllib3
    for candidate in error.args[:1]:
        if isinstance(candidate, urllib3.exceptions.MaxRetryError):
            candidate = candidate.reason
        if isinstance(candidate, urllib3.exceptions.HTTPError):
            return candidate
    return None


def _dual_type(requests_class, urllib3_class):
    """A class deriving from both, so that code written for dxpy (urllib3's exceptions) and
    code written for requests both catch it."""
    key = (requests_class, urllib3_class)
    if key not in _dual_types:
        def __init__(self, message, reason, request=None, response=None):
            Exception.__init__(self, message)
            self.__dict__.update(reason.__dict__)   # conn, pool, url, ... as urllib3 set them
            self.reason, self.request, self.response = reason, request, response

        def __str__(self):
            return str(self.args[0])
        try:
            _dual_types[key] = type(urllib3_class.__name__, (requests_class, urllib3_class),
                                    {"__init__": __init__, "__str__": __str__, "__module__": __name__})
        except TypeError:  # the two cannot be combined: keep requests' own
            _dual_types[key] = None
    return _dual_types[key]


def _as_dxpy_raises(error):
    """A requests exception for a request that got no answer, as an exception that is also
    an instance of the urllib3 exception dxpy raises in that case."""
    import requests
    if not isinstance(error, requests.exceptions.RequestException):
        return error
    reason = _urllib3_reason(error)
    dual = _dual_type(type(error), type(reason)) if reason is not None else None
    if dual is None:
        return error
    return dual(_redact(str(reason)), reason, getattr(error, "request", None), getattr(error, "response", None))


_policies = {}


def _retry_policy(options, max_retries):
    """The call's RetryPolicy: the one given as retry_policy, else one for *max_retries* and
    max_retry_wait (kept: few distinct ones are ever asked for)."""
    if options["retry_policy"] is not None:
        return options["retry_policy"]
    key = (max_retries, MAX_RETRY_WAIT if options["max_retry_wait"] is None else options["max_retry_wait"])
    policy = _policies.get(key)
    if policy is None:
        if len(_policies) > 64:
            _policies.clear()
        policy = _policies[key] = _retry.RetryPolicy(*key)
    return policy


def DXHTTPRequest(resource, data, method="POST", headers=None, auth=True, timeout=DEFAULT_TIMEOUT,
                  use_compression=None, jsonify_data=True, want_full_response=False,
                  decode_response_body=True, prepend_srv=True, session_handler=None,
                  max_retries=DEFAULT_RETRIES, always_retry=False, **kwargs):
    """Send one API request (with retries) and return its decoded answer.

    :param resource: an API route such as ``"/system/whoami"`` (appended to
        ``dxpy.APISERVER`` when *prepend_srv*), a full URL (with ``prepend_srv=False``), or
        a callable returning ``(url, headers)``, called again before every attempt.
    :param data: the body: JSON-encoded when *jsonify_data*, else bytes, str or a file-like
        object (rewound before each retry).
    :param auth: True for the configured token (sent only to the API server and its auth
        server), None/False for none, or a callable that gets an object with ``method``,
        ``url`` and ``headers`` and adds its own headers.
    :param want_full_response: return the response object (``.status_code``/``.status``,
        ``.headers``, ``.content``/``.data``) instead of the decoded body.
    :param decode_response_body: decode the body as text and, when it is JSON, parse it;
        otherwise return bytes.
    :param max_retries: retries allowed for failures that use them up (5xx, lost answers).
    :param always_retry: the request is safe to repeat even if the server may have acted.
    :param kwargs: ``verify``, ``cert_file``, ``key_file``, ``ssl_context`` for TLS,
        ``max_retry_wait`` (seconds, default ``MAX_RETRY_WAIT``) to bound the waiting, and
        ``retry_policy`` (a ``dxpy.retry.RetryPolicy``, used instead of *max_retries* and
        *max_retry_wait*), and ``body_sink``: a function called with each successful (2xx)
        response, returning a function that is handed the body in blocks as it arrives
        (the body is then not kept; a retry calls *resource* again, which can ask for the
        rest only).
    :raises: a ``dxpy.exceptions.DXAPIError`` subclass for an API error,
        ``HTTPErrorWithContent`` for other HTTP errors, ``ContentLengthError`` or
        ``BadJSONInReply`` for broken answers; when no answer came, the ``urllib3``
        exception dxpy raises (``NewConnectionError``, ``NameResolutionError``,
        ``ProtocolError``, ``ReadTimeoutError``, ...), which is also an instance of the
        matching ``requests`` exception; ``requests``' ``InvalidHeader``, ``MissingSchema``,
        ``InvalidURL``, ``InvalidSchema`` at once for a request that cannot be sent;
        ``DXError`` when the configuration is unusable or a URL has userinfo or a backslash
        in its authority; ``TypeError`` for bad arguments.
    """
    options = _split_options(kwargs)
    method = method.upper()
    if prepend_srv or auth is True:
        dxpy._raise_if_misconfigured()
    body = _serialize(data, jsonify_data)
    base_headers = dict(headers or {})
    if jsonify_data and method == "POST":
        base_headers.setdefault("Content-Type", "application/json")
    base_headers["User-Agent"] = dxpy.USER_AGENT
    base_headers["DNAnexus-API"] = dxpy.API_VERSION
    rewind_to = data.tell() if not jsonify_data and hasattr(data, "seek") and hasattr(data, "tell") else None
    retry = _retry_policy(options, max_retries).start(
        always_retry or method == "GET" or _carries_nonce(data, jsonify_data))
    session = _get_session(options["ssl_context"])
    cert = ((options["cert_file"], options["key_file"]) if options["key_file"] else options["cert_file"])
    redirects, seq, first_answer = 0, next(_sequence), _NO_ANSWER
    network_errors, local_errors = _network_errors(), _local_errors()

    while True:
        url, attempt_headers = _resolve(resource, prepend_srv, base_headers)
        _check_authority(url)
        _apply_auth(auth, method, url, attempt_headers)
        started, response, req_id = time.time(), None, None
        if dxpy._DEBUG:
            _debug_request(seq, method, url, attempt_headers, data, jsonify_data)
        try:
            response = _send(session, _prepared(session, method, url, attempt_headers, body), timeout=timeout,
                             proxies=_proxies_for(url), verify=_verify_for(url, options["verify"]), cert=cert)
            req_id = response.headers.get("x-request-id", "unavailable")
            sink = None
            if options["body_sink"] is not None and response.status_code // 100 == 2:
                sink = options["body_sink"](response)
            content = _read_body_within(response, timeout, sink)
            if response.status_code // 100 == 3 and response.headers.get("location"):
                redirects += 1
                if redirects > MAX_REDIRECTS:
                    raise dxpy.exceptions.HTTPErrorWithContent(
                        "more than %d redirects from %s" % (MAX_REDIRECTS, url), content)
                location = urljoin(url, response.headers["location"])
                auth = _auth_after_redirect(auth, url, location)
                resource, prepend_srv = location, False
                continue
            if response.status_code // 100 != 2:
                raise _error_for(response, content, started, req_id)
            result = response if want_full_response else _decoded(response, content, decode_response_body)
            if options["_test_retry_http_request"] and first_answer is _NO_ANSWER:
                first_answer = result   # as if the answer had been lost: the request is sent again
                if rewind_to is not None:
                    data.seek(rewind_to)
                continue
        except local_errors as e:
            raise _without_token(e) from None
        except network_errors + (dxpy.exceptions.DXAPIError, dxpy.exceptions.HTTPErrorWithContent) as e:
            if _tls_files_unusable(e):
                raise _without_token(e) from None
            kind, retry_after = _failure_kind(e, response, method)
            retry = retry.increment(kind, retry_after)
            delay = retry.delay
            if delay is None:
                _log_give_up(e, method, url, req_id, retry)
                final = _as_dxpy_raises(e)
                if final is e:
                    raise
                raise final from e
            _log_retry(e, method, url, req_id, delay, kind, retry)
            if rewind_to is not None:
                data.seek(rewind_to)
            _sleep(delay)
            continue
        if dxpy._DEBUG:
            _debug_response(seq, method, url, response.status_code, req_id, started,
                            result if not want_full_response else content)
        if retry.failures:
            logger.info("%s %s: recovered after %d failed attempts [request %s]",
                        method, url, retry.failures, req_id)
        response.status = response.status_code  # the names dxpy's callers know from urllib3
        response.data = content
        if first_answer is not _NO_ANSWER:
            _set_retry_response(first_answer)
        return result


# The test hook of dxpy's own suite: DXHTTPRequest(..., _test_retry_http_request=True) sends the
# request twice and returns the second answer; the first is kept for _get_retry_response().
_NO_ANSWER = object()
_retry_response = None


def _set_retry_response(response):
    global _retry_response
    _retry_response = response


def _get_retry_response():
    """The first answer of the last request sent with ``_test_retry_http_request``."""
    return _retry_response


def _log_retry(error, method, url, req_id, delay, kind, policy):
    if kind == _retry.THROTTLED:
        plan = "waiting %s seconds as the server asked" % delay
    else:
        plan = "waiting %s seconds before retry %d of %d" % (delay, policy.retries, policy.max_retries)
    logger.warning("%s %s failed [request %s]: %s; %s", method, url, req_id, _describe(error), plan)


def _log_give_up(error, method, url, req_id, policy):
    # A single API error speaks for itself through the exception; anything else is logged.
    if policy.failures > 1 or not isinstance(error, dxpy.exceptions.DXAPIError):
        logger.error("%s %s failed after %d attempts [request %s]: %s",
                     method, url, policy.failures, req_id, _describe(error))


def _describe(error):
    if isinstance(error, dxpy.exceptions.DXAPIError):
        return error.error_message()
    return _redact("%s: %s" % (type(error).__name__, error))
