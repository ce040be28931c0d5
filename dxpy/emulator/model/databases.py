"""Databases: data objects that Spark SQL makes on the platform.

No API route creates a database, so tests make one with :func:`new_database`. Its files are
kept as hidden closed file objects whose ``project`` is the database (never a container, so
no listing or search shows them); the server's download URLs then serve their bytes.
"""
import hashlib

from ..errors import InvalidInput, ResourceNotFound
from . import paths
from .access import container, data_object
from .files import download_url
from .ids import new_id, now_ms
from .validate import get


def new_database(platform, user_id, project, name, files=None, folder="/", state="closed"):
    """Store a database named *name* in *project* (owned by *user_id*) holding *files*
    ({relative path: bytes}); return its ID."""
    with platform.transaction() as st:
        c = st["containers"].get(project)
        if c is None or c["owner"] != user_id:
            raise ResourceNotFound("The entity %s could not be found" % project)
        now = now_ms()
        dbid = new_id("database")
        inner = {}
        for path, data in sorted((files or {}).items()):
            fid, md5 = new_id("file"), hashlib.md5(data).hexdigest()
            st["objects"][fid] = {
                "id": fid, "class": "file", "project": dbid, "folder": "/", "name": path.rsplit("/", 1)[-1],
                "state": "closed", "hidden": True, "types": [], "tags": [], "properties": {}, "details": {},
                "created": now, "modified": now, "createdBy": {"user": user_id}, "size": len(data),
                "parts": {"1": {"size": len(data), "md5": md5, "state": "complete"}}}
            platform.parts.write(fid, 1, md5, data)
            inner[path.strip("/")] = fid
        st["objects"][dbid] = {
            "id": dbid, "class": "database", "project": project, "folder": folder, "name": name, "state": state,
            "hidden": False, "types": [], "tags": [], "properties": {}, "details": {}, "created": now,
            "modified": now, "createdBy": {"user": user_id}, "databaseName": name.lower(), "_files": inner}
        if folder not in c["folders"]:
            c["folders"].append(folder)
        return dbid


def _database(req):
    project = get(req.payload, "projectContext", str, None)
    if project is not None:
        container(req, project)
    return data_object(req)


def database_download_file(req):
    db = _database(req)
    filename = get(req.payload, "filename", str).strip("/")
    fid = db["_files"].get(filename)
    if fid is None:
        raise ResourceNotFound("The file %s could not be found in %s" % (filename, db["id"]))
    return download_url(req, fid, filename.rsplit("/", 1)[-1])


def database_list_folder(req):
    db = data_object(req)
    folder = paths.normalize(get(req.payload, "folder", str, "/"))
    recurse = get(req.payload, "recurse", bool, False)
    prefix = folder.strip("/")
    entries = {}
    for path, fid in db["_files"].items():
        if prefix and not (path == prefix or path.startswith(prefix + "/")):
            continue
        rest = path[len(prefix):].strip("/").split("/")
        if not recurse and len(rest) > 1:  # a subfolder of the listed folder
            sub = "/".join(filter(None, [prefix, rest[0]]))
            entries[sub] = {"path": "/%s/%s" % (db["id"], sub), "isDirectory": True, "size": 0, "modified": 0}
            continue
        obj = req.state["objects"][fid]
        entries[path] = {"path": "/%s/%s" % (db["id"], path), "isDirectory": False, "size": obj["size"],
                         "modified": obj["modified"]}
    if prefix and not entries:
        raise InvalidInput("The folder %s could not be found in %s" % (folder, db["id"]))
    return {"results": [entries[key] for key in sorted(entries)]}
