"""The auth server's token routes: ``/system/newAuthToken`` (a username and password buy an
API token; ``dx login`` without ``--token``) and ``/system/destroyAuthToken`` (``dx logout``).

Passwords are kept as salted SHA-256 digests in ``state["passwords"]`` (user ID -> [salt,
digest]); only users given a password (``add_user(..., password=...)``) can log in this way.
"""
import hashlib
import hmac
import secrets

from ..errors import PlatformError, ResourceNotFound
from .validate import get

# The auth server answers a wrong username or password with this error type.
_BAD_CREDENTIALS = "UsernameOrPasswordError"


def _digest(salt, password):
    return hashlib.sha256((salt + password).encode("utf-8")).hexdigest()


def set_password(state, user_id, password):
    """Let *user_id* log in with *password*."""
    salt = secrets.token_hex(8)
    state.setdefault("passwords", {})[user_id] = [salt, _digest(salt, password)]


def _password_matches(state, user_id, password):
    stored = state.get("passwords", {}).get(user_id)
    return stored is not None and hmac.compare_digest(stored[1], _digest(stored[0], password))


def token_signature(token):
    """What clients send to name a token without revealing it: its SHA-256, in hex."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_auth_token(req):
    """A new Bearer token for ``username`` when ``password`` is right (``otp`` is not asked for:
    no emulated user has two-factor authentication)."""
    username = get(req.payload, "username", str)
    password = get(req.payload, "password", str)
    get(req.payload, "otp", (str, type(None)), None)
    expires = get(req.payload, "expires", int, None)
    user_id = "user-" + username
    if user_id not in req.state["users"] or not _password_matches(req.state, user_id, password):
        raise PlatformError(_BAD_CREDENTIALS, "Incorrect username and/or password", 401)
    token = secrets.token_hex(16)
    req.state["tokens"][token] = user_id
    answer = {"access_token": token, "token_type": "Bearer", "user_id": user_id,
              "token_signature": token_signature(token)}
    if expires is not None:
        answer["expires"] = expires
    return answer


def destroy_auth_token(req):
    """Revoke the caller's token whose signature is ``tokenSignature``."""
    signature = get(req.payload, "tokenSignature", str)
    tokens = req.state["tokens"]
    for token in [token for token, user in tokens.items() if user == req.user]:
        if hmac.compare_digest(token_signature(token), signature):
            del tokens[token]
            return {}
    raise ResourceNotFound("No token of %s has the signature %s" % (req.user, signature))


