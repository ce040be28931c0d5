"""The files through which a job reports to the platform: ``$HOME/job_output.json`` and
``$HOME/job_error.json``. Shared by the job helper commands."""
import json
import os
import sys

from ..exceptions import DXError


def home_file(name):
    """``~/<name>``: the job's home directory holds the files the platform reads."""
    return os.path.expanduser(os.path.join("~", name))


def _lock(fh):
    # Several helpers may add outputs at once (e.g. from background shell jobs): serialise them.
    try:
        import fcntl
    except ImportError:  # not on POSIX: no locking
        return
    fcntl.flock(fh.fileno(), fcntl.LOCK_EX)


def update_json_file(path, change):
    """Apply *change* (a function editing a dict in place) to the JSON object in *path*, under an
    exclusive lock; a missing or empty file counts as ``{}``. Written with an indent of 4.

    :raises DXError: when the file holds something other than a JSON object
    """
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
    with os.fdopen(fd, "r+") as fh:
        _lock(fh)  # released when the file is closed
        text = fh.read()
        try:
            content = json.loads(text) if text.strip() else {}
        except ValueError as e:
            raise DXError("The existing %s is not valid JSON: %s" % (path, e))
        if not isinstance(content, dict):
            raise DXError("The existing %s must hold a JSON object, not %s" % (path, type(content).__name__))
        change(content)
        fh.seek(0)
        fh.write(json.dumps(content, indent=4) + "\n")
        fh.truncate()
    return content


def write_job_error(error_type, message):
    """Write ``~/job_error.json``: the failure the platform reports for the job."""
    report = {"error": {"type": error_type, "message": message}}
    with open(home_file("job_error.json"), "w") as fh:
        fh.write(json.dumps(report, indent=4) + "\n")


def report_job_error_and_exit(error_type, message):
    """Record the job's failure in ``~/job_error.json``, say it on stderr and exit with status 1."""
    sys.stderr.write("{}: {}\n".format(error_type, message))
    write_job_error(error_type, message)
    sys.exit(1)

