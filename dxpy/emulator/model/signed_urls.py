"""Signed upload and download URLs: as on the platform, the URL itself is the credential.

``/file-xxxx/upload`` and ``/file-xxxx/download`` hand out URLs whose query string carries an
expiry time, a random nonce (so that every URL is new) and an HMAC-SHA256 signature over the
transfer (upload or download), the file ID, the part index, the expiry and the nonce, made
with a key that only the platform holds. Every PUT and GET checks the signature and the
expiry before touching the file: without a URL the platform issued, nobody reads a file or
writes one of its parts. The key lives in memory, so URLs die with the emulator process.
"""
import hashlib
import hmac
import secrets
from urllib.parse import parse_qs, urlencode

from ..errors import PlatformError
from .ids import now_ms


def new_key():
    return secrets.token_bytes(32)


def _signature(key, transfer, file_id, index, expires, nonce):
    message = "%s\n%s\n%s\n%d\n%s" % (transfer, file_id, "" if index is None else index, expires, nonce)
    return hmac.new(key, message.encode("utf-8"), hashlib.sha256).hexdigest()


def sign(key, path, transfer, file_id, index, lifetime_ms):
    """``(path?query, expires)``: *path* with the query that lets it transfer *file_id* (part
    *index* of an upload; None for a download) for *lifetime_ms* milliseconds."""
    expires = now_ms() + lifetime_ms
    nonce = secrets.token_hex(16)
    query = urlencode([("expires", expires), ("nonce", nonce),
                       ("signature", _signature(key, transfer, file_id, index, expires, nonce))])
    return "%s?%s" % (path, query), expires


def denied(message):
    # What the storage side answers for a URL it did not sign or that has expired.
    return PlatformError("PermissionDenied", message, 403)


def verify(key, query, transfer, file_id, index=None):
    """Refuse (403 PermissionDenied) a request whose query string *query* is not a live
    signature for this transfer of *file_id* (and part *index*)."""
    fields = parse_qs(query or "", keep_blank_values=True)
    expires, nonce, signature = (fields.get(name, [""])[0] for name in ("expires", "nonce", "signature"))
    if not (expires.isdigit() and nonce and signature):
        raise denied("This %s URL of %s carries no signature: ask /%s/%s for one"
                     % (transfer, file_id, file_id, transfer))
    expected = _signature(key, transfer, file_id, index, int(expires), nonce)
    if not hmac.compare_digest(expected, signature):
        raise denied("The signature of this %s URL of %s does not match" % (transfer, file_id))
    if int(expires) < now_ms():
        raise denied("This %s URL of %s has expired: ask /%s/%s for a new one"
                     % (transfer, file_id, file_id, transfer))
