"""Job tokens: the credential a running job gets in ``DX_SECURITY_CONTEXT``.

A job token acts for the user who launched the job and names the job, so that routes
such as ``/job/new`` know which job is calling. It is valid only while the job has not
reached a terminal state. Tokens live in ``state["jobTokens"]`` (token -> user and job).
"""
import secrets

from .states import TERMINAL_STATES


class Caller(str):
    """The user ID a request acts for, remembering the job whose token was used.

    It compares, hashes and serialises as the plain user ID; copies are plain strings, so
    it never ends up stored in the platform state as anything but a string.
    """

    def __new__(cls, user_id, job_id):
        caller = str.__new__(cls, user_id)
        caller.job_id = job_id
        return caller

    def __reduce__(self):
        return str, (str(self),)

    def __copy__(self):
        return str(self)

    def __deepcopy__(self, memo):
        return str(self)


def issue(state, job):
    """A new token for *job* (a job record), acting for the user who launched it."""
    token = "job-token-" + secrets.token_hex(20)
    state.setdefault("jobTokens", {})[token] = {"user": job["launchedBy"], "job": job["id"]}
    return token


def revoke(state, job_id):
    """Forget every token of the job *job_id*."""
    tokens = state.get("jobTokens", {})
    for token in [token for token, entry in tokens.items() if entry["job"] == job_id]:
        del tokens[token]


def caller_of(state, token):
    """The :class:`Caller` a job token stands for, or None (unknown token, or the job has ended)."""
    entry = state.get("jobTokens", {}).get(token)
    if entry is None:
        return None
    job = state.get("jobs", {}).get(entry["job"])
    if job is None or job["state"] in TERMINAL_STATES:
        return None
    return Caller(entry["user"], entry["job"])


def calling_job(user):
    """The ID of the job whose token made the request acting as *user*, or None."""
    return getattr(user, "job_id", None)
