"""Entity IDs (``class-`` + 24 characters of the platform's base-32 alphabet) and times."""
import random
import re
import time

ALPHABET = "0123456789BFGJKPQVXYZbfgjkpqvxyz"
_ID_RE = re.compile(r"^([a-z]+)-([%s]{24})$" % ALPHABET)
_rng = random.SystemRandom()


def new_id(klass):
    return klass + "-" + "".join(_rng.choice(ALPHABET) for _ in range(24))


def id_class(value):
    """The class of a well-formed ID (``"record"`` for ``record-xxxx``), else None."""
    if not isinstance(value, str):
        return None
    match = _ID_RE.match(value)
    return match.group(1) if match else None


def now_ms():
    return int(time.time() * 1000)
