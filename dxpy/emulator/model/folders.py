"""The folders of a container: ``c["folders"]`` lists every folder path it has, root included."""
from ..errors import ResourceNotFound
from . import paths
from .validate import get


def folder_arg(payload, name="folder", default="/"):
    return paths.normalize(get(payload, name, str, default), name)


def require_folder(c, folder):
    if folder not in c["folders"]:
        raise ResourceNotFound("The folder %s could not be found in %s" % (folder, c["id"]))


def ensure_folder(c, folder, parents):
    """Make *folder* exist; without *parents* its parent must exist already."""
    if not parents:
        require_folder(c, paths.parent(folder) or "/")
    for path in reversed(paths.ancestors(folder)):
        if path not in c["folders"]:
            c["folders"].append(path)
