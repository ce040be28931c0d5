"""Files, model side: ``upload`` announces a part (it is "pending" until its bytes arrive),
the HTTP layer hands the bytes over through :func:`receive_part`, ``close`` checks the parts
against the region's upload parameters, and downloads read byte ranges straight from the
stored parts (no copy of the whole file per request)."""
import base64
import hashlib
from urllib.parse import quote

from ..errors import InvalidInput, InvalidState, ResourceNotFound
from .access import data_object, object_copies, require_open
from .ids import now_ms
from .objects import CLOSERS, create_object
from .signed_urls import sign, verify
from .validate import get

MAX_PART_INDEX = 10000
CLOSE_DELAY = 0.0  # seconds a closed file spends in the "closing" state
URL_LIFETIME_MS = 24 * 3600 * 1000
MIB = 1024 * 1024

# A region's fileUploadParameters (project describe), as the platform gives them.
AWS_UPLOAD_PARAMETERS = {
    "minimumPartSize": 5 * MIB, "maximumPartSize": 5 * 1024 * MIB,
    "emptyLastPartAllowed": True, "maximumNumParts": 10000,
    "maximumFileSize": 5 * 1024 ** 4,
}
AZURE_UPLOAD_PARAMETERS = {
    "minimumPartSize": 1, "maximumPartSize": 4 * MIB,
    "emptyLastPartAllowed": False, "maximumNumParts": 50000,
    "maximumFileSize": 209715200000,
}
_PARAMETER_KINDS = {"minimumPartSize": int, "maximumPartSize": int, "maximumNumParts": int,
                    "maximumFileSize": int, "emptyLastPartAllowed": bool}


def check_upload_params(params):
    """*params* (overrides of the upload parameters) checked; ValueError names a bad one."""
    if not isinstance(params, dict):
        raise ValueError("upload parameters must be a dict, not %r" % (params,))
    for name, value in params.items():
        kind = _PARAMETER_KINDS.get(name)
        if kind is None:
            raise ValueError("unknown upload parameter %r (known: %s)" % (name, ", ".join(sorted(_PARAMETER_KINDS))))
        if isinstance(value, bool) != (kind is bool) or not isinstance(value, kind) \
                or (kind is int and value < (0 if name == "minimumPartSize" else 1)):
            raise ValueError("upload parameter %s must be %s, not %r"
                             % (name, "a boolean" if kind is bool else "a positive integer", value))
    return params


def upload_parameters(platform, region=None):
    """The fileUploadParameters of *region*: the cloud's own, then the overrides a test set
    as ``platform.options.upload_params`` (a dict of the same fields)."""
    base = AZURE_UPLOAD_PARAMETERS if (region or "").startswith("azure:") else AWS_UPLOAD_PARAMETERS
    params = dict(base)
    params.update(check_upload_params(platform.options.upload_params or {}))
    return params


def _params_for(platform, state, obj):
    container = state["containers"].get(obj["project"]) or {}
    return upload_parameters(platform, container.get("region"))


def stored_file(state, file_id):
    """The file *file_id* (its first copy), for the transfer URLs; ResourceNotFound otherwise."""
    copies = object_copies(state, file_id)
    obj = copies[0] if copies else None
    if obj is None or obj["class"] != "file":
        raise ResourceNotFound("The file %s could not be found" % file_id)
    return obj


def file_new(req):
    media = get(req.payload, "media", str, "")
    obj = create_object(req, "file", {"media": media, "size": 0, "parts": {}})
    return {"id": obj["id"]}


def _index(value, field="index", limit=MAX_PART_INDEX):
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= limit:
        raise InvalidInput('Expected key "%s" of input to be an integer from 1 to %d' % (field, limit))
    return value


def file_upload(req):
    obj = data_object(req)
    params = _params_for(req.platform, req.state, obj)
    index = _index(get(req.payload, "index", int, 1), limit=params["maximumNumParts"])
    size = get(req.payload, "size", int, None)
    md5 = get(req.payload, "md5", str, None)
    if size is not None and not 0 <= size <= params["maximumPartSize"]:
        raise InvalidInput('Expected key "size" of input to be from 0 to %d (the maximum part size)'
                           % params["maximumPartSize"])
    if obj["state"] != "open":  # the platform's wording for this one
        raise InvalidState("%s is not in the open state" % obj["id"])
    # A part stays "pending" from its upload call until its bytes arrive; bytes already
    # received stay canonical until a later PUT replaces them.
    obj["parts"].setdefault(str(index), {"state": "pending"})
    headers = {}
    if size is not None:
        headers["content-length"] = str(size)
    if md5 is not None:
        headers["content-md5"] = md5
    path, expires = sign(req.platform.url_key, "/upload/%s/%d" % (obj["id"], index), "upload", obj["id"], index,
                         URL_LIFETIME_MS)
    return {"url": req.base_url + path, "expires": expires, "headers": headers}


def download_url(req, file_id, filename, lifetime_ms=URL_LIFETIME_MS):
    """``{url, expires, headers}`` of a new signed download URL of *file_id* named *filename*."""
    path, expires = sign(req.platform.url_key, "/download/%s/%s" % (file_id, quote(filename, safe="")),
                         "download", file_id, None, lifetime_ms)
    return {"url": req.base_url + path, "expires": expires, "headers": {}}


def file_download(req):
    obj = data_object(req, project=get(req.payload, "project", str, None))
    duration = get(req.payload, "duration", int, None)
    if duration is not None and duration <= 0:
        raise InvalidInput('Expected key "duration" of input to be a positive number of seconds')
    get(req.payload, "preauthenticated", bool, False)
    filename = get(req.payload, "filename", str, obj["name"])
    if obj["state"] != "closed":
        raise InvalidState("%s is in the %s state and cannot be downloaded" % (obj["id"], obj["state"]))
    if obj.get("archivalState", "live") != "live":
        raise InvalidState("%s is %s (archivalState): only live files can be downloaded; unarchive it first"
                           % (obj["id"], obj["archivalState"]))
    return download_url(req, obj["id"], filename, URL_LIFETIME_MS if duration is None else duration * 1000)


def _digest(data, content_md5, index, file_id):
    """The hex MD5 of *data*, checked against the ``Content-MD5`` the client sent (hex, as
    dxpy sends the digest it announced to /upload, or base64, as HTTP defines it)."""
    md5 = hashlib.md5(data)
    digest = md5.hexdigest()
    if content_md5 is not None:
        sent = content_md5.strip()
        if sent.lower() != digest and sent != base64.b64encode(md5.digest()).decode("ascii"):
            raise InvalidInput("The MD5 of part %d of %s does not match the data received" % (index, file_id))
    return digest


def receive_part(platform, file_id, index, data, content_md5=None, query=None):
    """The bytes of a PUT to an upload URL whose query string is *query* (checked first)."""
    verify(platform.url_key, query, "upload", file_id, index)
    keep_part(platform, file_id, index, data, content_md5)


def keep_part(platform, file_id, index, data, content_md5=None):
    """Keep part *index* of the open file *file_id*. The bytes are hashed and written before
    the state lock is taken (parts arriving together are handled in parallel); the state then
    names them."""
    with platform.transaction() as state:
        obj = stored_file(state, file_id)
        require_open(obj)
        params = _params_for(platform, state, obj)
    _index(index, limit=params["maximumNumParts"])
    if len(data) > params["maximumPartSize"]:
        raise InvalidInput("Part %d of %s has %d bytes, more than the maximum part size of %d bytes"
                           % (index, file_id, len(data), params["maximumPartSize"]))
    digest = _digest(data, content_md5, index, file_id)
    platform.parts.write(file_id, index, digest, data)
    with platform.transaction() as state:
        try:
            obj = stored_file(state, file_id)
            require_open(obj)
        except (InvalidState, ResourceNotFound):
            platform.parts.discard(file_id, index, digest)
            raise
        earlier = obj["parts"].get(str(index), {}).get("md5")
        if earlier not in (None, digest):
            platform.parts.discard(file_id, index, earlier)
        obj["parts"][str(index)] = {"size": len(data), "md5": digest, "state": "complete"}


def make_symlinked(platform, file_id, checksum_type):
    """Emulator only (the platform makes these from files kept in the user's own cloud
    storage): turn the open file *file_id*, its parts stored, into a closed symlinked file
    whose parts carry a ``checksum`` of *checksum_type* (base64 of the big-endian digest)
    instead of an md5, as drive files do. The close rules of the region do not apply."""
    from ...bindings._checksums import CHECKSUM_TYPES, checksum
    if checksum_type not in CHECKSUM_TYPES:
        raise InvalidInput("checksumType must be one of %s, not %r" % (", ".join(CHECKSUM_TYPES), checksum_type))
    with platform.transaction() as state:
        obj = stored_file(state, file_id)
        require_open(obj)
        order = _part_order(obj)
        if not order or any(obj["parts"][str(index)]["state"] != "complete" for index in order):
            raise InvalidState("%s needs all its parts stored before it can become a symlinked file" % file_id)
        parts = {}
        for index in order:
            md5 = obj["parts"][str(index)]["md5"]
            data = platform.parts.read(file_id, index, md5)
            platform.parts.write(file_id, index, None, data)  # kept by index alone: the part has no md5
            platform.parts.discard(file_id, index, md5)
            parts[str(index)] = {"size": len(data), "checksum": checksum(data, checksum_type), "state": "complete"}
        obj.update({"parts": parts, "size": sum(part["size"] for part in parts.values()), "state": "closed",
                    "drive": "drive-" + obj["id"].split("-", 1)[1], "checksumType": checksum_type})
    return obj["id"]


def _readable(obj):
    settle(obj)
    if obj["state"] != "closed":
        raise InvalidState("%s is in the %s state and cannot be downloaded" % (obj["id"], obj["state"]))
    return obj


def file_chunks(platform, file_id, first=0, last=None, query=None):
    """Bytes *first*..*last* of the closed file for a GET of a download URL whose query string
    is *query* (checked first); see :func:`stored_chunks`."""
    verify(platform.url_key, query, "download", file_id)
    return stored_chunks(platform, file_id, first, last)


def stored_chunks(platform, file_id, first=0, last=None):
    """``(size, views)``: the closed file's size and memoryviews of its stored parts that
    cover bytes *first*..*last* (inclusive; None: to the end), in order, without copies.
    The bytes are read after the state lock is let go: a closed file's parts do not change."""
    with platform.transaction() as state:
        obj = _readable(stored_file(state, file_id))
        parts = [(index, obj["parts"][str(index)]["size"], obj["parts"][str(index)].get("md5"))
                 for index in _part_order(obj)]
    total = sum(size for _, size, _ in parts)
    last = total - 1 if last is None else min(last, total - 1)
    views, offset = [], 0
    for index, size, md5 in parts:
        start, end = max(first, offset), min(last + 1, offset + size)
        if start < end:
            try:
                part = memoryview(platform.parts.read(file_id, index, md5))
            except (KeyError, FileNotFoundError):  # removed since
                raise ResourceNotFound("The file %s could not be found" % file_id)
            views.append(part[start - offset:end - offset])
        offset += size
    return total, views


def _part_order(obj):
    return sorted(int(index) for index in obj["parts"])


def _check_parts(obj, params):
    """InvalidState unless the parts make a file the region accepts (the close rules)."""
    order = _part_order(obj)
    parts = obj["parts"]
    if not order and params["emptyLastPartAllowed"]:
        raise InvalidState("%s has no parts: upload at least one (it may be empty) before closing" % obj["id"])
    pending = [index for index in order if parts[str(index)]["state"] != "complete"]
    if pending:
        raise InvalidState("Part %d of %s is still pending: its upload URL was requested but no data arrived"
                           % (pending[0], obj["id"]))
    for index in order[:-1]:
        if parts[str(index)]["size"] < params["minimumPartSize"]:
            raise InvalidState("Part %d of %s has %d bytes; every part but the last needs at least %d"
                               % (index, obj["id"], parts[str(index)]["size"], params["minimumPartSize"]))
    if order and not params["emptyLastPartAllowed"] and parts[str(order[-1])]["size"] == 0:
        raise InvalidState("The last part (%d) of %s is empty, which this region does not allow"
                           % (order[-1], obj["id"]))
    size = sum(parts[str(index)]["size"] for index in order)
    if size > params["maximumFileSize"]:
        raise InvalidState("%s has %d bytes, more than the maximum file size of %d bytes"
                           % (obj["id"], size, params["maximumFileSize"]))
    return size


def _close_file(req, obj):
    """Files pass through "closing": they become closed once *close_delay* seconds have gone."""
    obj["size"] = _check_parts(obj, _params_for(req.platform, req.state, obj))
    if req.platform.options.whole_file_md5:
        # Only some platform files (symlinked ones) carry a whole-file md5; tests opt in.
        md5 = hashlib.md5()
        for index in _part_order(obj):
            md5.update(req.parts.read(obj["id"], index, obj["parts"][str(index)]["md5"]))
        obj["md5"] = md5.hexdigest()
    obj["_closedAt"] = now_ms() + int(req.platform.options.close_delay * 1000)
    req.state.setdefault("closing", {})[obj["id"]] = obj["_closedAt"]
    return "closing"


def settle(obj, now=None):
    """Finish closing *obj* if its time has come."""
    if obj.get("state") == "closing" and (now_ms() if now is None else now) >= obj.get("_closedAt", 0):
        obj["state"] = "closed"
        obj.pop("_closedAt", None)
    return obj


def settle_all(state):
    """Finish closing the files whose time has come (the "closing" table lists them all)."""
    closing = state.get("closing")
    if not closing:
        return
    now = now_ms()
    for file_id in [file_id for file_id, at in closing.items() if at <= now]:
        del closing[file_id]
        for obj in object_copies(state, file_id):
            settle(obj, now)


def index_closing(state):
    """List the closing files of a state saved before the "closing" table existed."""
    if "closing" not in state:
        state["closing"] = dict((obj["id"], obj.get("_closedAt", 0)) for obj in state["objects"].values()
                                if obj.get("state") == "closing")


CLOSERS["file"] = _close_file

