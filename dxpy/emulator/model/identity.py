"""``/job-xxxx/getIdentityToken``: a job identity token, a JSON Web Token naming the job.

The platform signs these with its OIDC key; the emulator signs them with HS256 and a key of its
own (kept in the platform state), so that tests can check the claims, not trust the signature.
``sub`` is made of the requested subject claims (default: ``launched_by`` and
``job_worker_ipv4``), written ``claim=value`` and joined with ``;``. Only the job itself (with its
job token) may ask.
"""
import base64
import hashlib
import hmac
import json
import re
import secrets

from ..errors import InvalidInput, InvalidState, PermissionDenied
from .containers import DEFAULT_REGION
from .ids import now_ms
from .jobs import route_execution
from .states import TERMINAL_STATES
from .tokens import calling_job
from .validate import get, strings

ISSUER = "https://job-oidc.dnanexus.com"
LIFETIME_SECONDS = 3600
DEFAULT_SUBJECT_CLAIMS = ["launched_by", "job_worker_ipv4"]
_AUDIENCE = re.compile(r"^[A-Za-z0-9._-]+$")


def _b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _job_claims(req, job):
    claims = {"job_id": job["id"], "root_execution_id": job.get("rootExecution", job["id"]),
              "executable_id": job.get("executable"), "project_id": job.get("project"),
              "bill_to": job.get("billTo") or job.get("launchedBy"), "launched_by": job.get("launchedBy"),
              "region": job.get("region", DEFAULT_REGION), "job_worker_ipv4": "127.0.0.1"}
    if job.get("app"):
        claims["app_name"] = job.get("executableName")
    return claims


def job_get_identity_token(req):
    job = route_execution(req, "job")
    if calling_job(req.user) != job["id"]:
        raise PermissionDenied("%s/getIdentityToken can only be called with the token of the job itself" % job["id"])
    if job["state"] in TERMINAL_STATES:
        raise InvalidState("%s is %s: only a job that has not finished can get an identity token"
                           % (job["id"], job["state"]))
    audience = get(req.payload, "audience", str)
    if not _AUDIENCE.match(audience):
        raise InvalidInput('Expected key "audience" of input to consist of letters, digits, ".", "_" or "-"')
    claims = _job_claims(req, job)
    subject_claims = strings(req.payload, "subject_claims", DEFAULT_SUBJECT_CLAIMS)
    unknown = [claim for claim in subject_claims if claim not in claims]
    if unknown or not subject_claims:
        raise InvalidInput('Expected key "subject_claims" of input to name claims among %s, not %s'
                           % (", ".join(sorted(claims)), ", ".join(unknown) or "none"))
    issued = now_ms() // 1000
    claims.update(iss=ISSUER, aud=audience, iat=issued, nbf=issued, exp=issued + LIFETIME_SECONDS,
                  sub=";".join("%s=%s" % (claim, claims[claim]) for claim in subject_claims))
    key = req.state.setdefault("identityTokenKey", secrets.token_hex(32))
    signed = _b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode()) + "." + \
        _b64(json.dumps(claims, sort_keys=True).encode())
    signature = hmac.new(key.encode(), signed.encode(), hashlib.sha256).digest()
    return {"Token": signed + "." + _b64(signature)}


