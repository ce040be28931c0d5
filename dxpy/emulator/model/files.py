"""Files, model side: parts are announced by ``upload``, stored by the HTTP layer through
:meth:`Platform.store_part`, and concatenated by index once the file is closed."""
import base64
import hashlib
from urllib.parse import quote

from ..errors import InvalidInput, InvalidState
from .access import data_object, require_open
from .ids import now_ms
from .objects import CLOSERS, create_object
from .validate import get

MAX_PART_INDEX = 10000
CLOSE_DELAY = 0.0  # seconds a closed file spends in the "closing" state
URL_LIFETIME_MS = 24 * 3600 * 1000


def file_new(req):
    media = get(req.payload, "media", str, "")
    obj = create_object(req, "file", {"media": media, "size": 0, "parts": {}})
    return {"id": obj["id"]}


def _index(value, field="index"):
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_PART_INDEX:
        raise InvalidInput('Expected key "%s" of input to be an integer from 1 to %d' % (field, MAX_PART_INDEX))
    return value


def file_upload(req):
    obj = data_object(req)
    index = _index(get(req.payload, "index", int, 1))
    size = get(req.payload, "size", int, None)
    md5 = get(req.payload, "md5", str, None)
    require_open(obj)
    headers = {}
    if size is not None:
        headers["content-length"] = str(size)
    if md5 is not None:
        headers["content-md5"] = md5
    return {"url": "%s/upload/%s/%d" % (req.base_url, obj["id"], index),
            "expires": now_ms() + URL_LIFETIME_MS, "headers": headers}


def file_download(req):
    obj = data_object(req)
    get(req.payload, "duration", int, None)
    get(req.payload, "preauthenticated", bool, False)
    filename = get(req.payload, "filename", str, obj["name"])
    if obj["state"] != "closed":
        raise InvalidState("%s is in the %s state and cannot be downloaded" % (obj["id"], obj["state"]))
    return {"url": "%s/download/%s/%s" % (req.base_url, obj["id"], quote(filename, safe="")),
            "expires": now_ms() + URL_LIFETIME_MS, "headers": {}}


def store_part(store, obj, index, data, content_md5=None):
    """Keep the bytes of part *index* of the open file *obj* (replacing an earlier upload)."""
    _index(index)
    require_open(obj)
    md5 = hashlib.md5(data)
    digest = md5.hexdigest()
    # Clients send the hex digest they announced to /upload; HTTP's Content-MD5 is base64.
    if content_md5 is not None and content_md5.strip().lower() != digest \
            and content_md5.strip() != base64.b64encode(md5.digest()).decode("ascii"):
        raise InvalidInput("The MD5 of part %d of %s does not match the data received" % (index, obj["id"]))
    store.write_part(obj["id"], index, data)
    obj["parts"][str(index)] = {"size": len(data), "md5": digest, "state": "complete"}


def read_file(store, obj):
    settle(obj)
    if obj["state"] != "closed":
        raise InvalidState("%s is in the %s state and cannot be downloaded" % (obj["id"], obj["state"]))
    return b"".join(store.read_part(obj["id"], index) for index in _part_order(obj))


def _part_order(obj):
    return sorted(int(index) for index in obj["parts"])


def _close_file(req, obj):
    """Files pass through "closing": they become closed once *close_delay* seconds have gone."""
    obj["size"] = sum(part["size"] for part in obj["parts"].values())
    obj["_closedAt"] = now_ms() + int(req.platform.close_delay * 1000)
    return "closing"


def settle(obj, now=None):
    """Finish closing *obj* if its time has come."""
    if obj.get("state") == "closing" and (now_ms() if now is None else now) >= obj.get("_closedAt", 0):
        obj["state"] = "closed"
        obj.pop("_closedAt", None)
    return obj


def settle_all(state):
    now = now_ms()
    for obj in state["objects"].values():
        settle(obj, now)


CLOSERS["file"] = _close_file

FILE_ROUTES = {
    ("file", "new"): file_new,
    ("file", "upload"): file_upload,
    ("file", "download"): file_download,
}
