"""Folder paths: ``/`` is the root, repeated and trailing slashes are ignored."""
import re

from ..errors import InvalidInput

_CONTROL = re.compile(r"[\x00-\x1f]")


def normalize(path, field="folder"):
    if not path.startswith("/"):
        raise InvalidInput('Expected key "%s" of input to be an absolute folder path' % field)
    names = [name for name in path.split("/") if name]
    for name in names:
        check_name(name, field)
    return "/" + "/".join(names)


def check_name(name, field="name"):
    if not name or name in (".", "..") or "/" in name or _CONTROL.search(name):
        raise InvalidInput('Invalid folder name in key "%s" of input: %r' % (field, name))
    return name


def parent(path):
    if path == "/":
        return None
    return path.rsplit("/", 1)[0] or "/"


def basename(path):
    return path.rsplit("/", 1)[1]


def join(folder, name):
    return folder.rstrip("/") + "/" + name


def is_within(path, folder):
    """True when *path* is *folder* or lies below it."""
    return path == folder or folder == "/" or path.startswith(folder + "/")


def rebase(path, old, new):
    """*path* (within *old*) moved so that *old* becomes *new*."""
    return new + path[len(old):] if path != old else new


def ancestors(path):
    """*path* and every folder above it, root last."""
    found = []
    while path is not None:
        found.append(path)
        path = parent(path)
    return found
