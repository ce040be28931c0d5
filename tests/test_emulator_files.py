"""dxpy.emulator.model: files (the model side of uploads and downloads)."""
import base64
import hashlib

import pytest

from dxpy.emulator.model import Platform
from emulator_model_helpers import fails, make_platform

BASE = "http://localhost:1234"


def md5(data):
    return hashlib.md5(data).hexdigest()


@pytest.fixture
def env():
    platform, api, other = make_platform()
    platform.options.upload_params = {"minimumPartSize": 1}  # parts of a few bytes keep these tests readable
    return platform, api, other, api.project()


def new_file(api, pid, **fields):
    fields["project"] = pid
    return api("/file/new", fields)["id"]


def test_file_lifecycle(env):
    platform, api, _, pid = env
    fid = new_file(api, pid, name="reads.fq", media="text/plain")
    desc = api("/%s/describe" % fid)
    assert (desc["class"], desc["state"], desc["media"], desc["size"]) == ("file", "open", "text/plain", 0)
    assert "parts" not in desc  # only on request
    assert api("/%s/describe" % fid, {"fields": {"parts": True}}) == {"id": fid, "parts": {}}
    upload = api("/%s/upload" % fid, {"index": 2, "size": 3, "md5": md5(b"def")}, base_url=BASE)
    assert upload["url"].startswith("%s/upload/%s/2?expires=" % (BASE, fid))
    assert upload["headers"] == {"content-length": "3", "content-md5": md5(b"def")}
    assert isinstance(upload["expires"], int)
    platform.store_part(fid, 2, b"def", md5(b"def"))
    platform.store_part(fid, 1, b"abc", base64.b64encode(hashlib.md5(b"abc").digest()).decode())
    fails("InvalidState", 422, api, "/%s/download" % fid)
    fails("InvalidState", 422, platform.read_file, fid)
    parts = api("/%s/describe" % fid, {"fields": {"parts": True}})["parts"]
    assert parts["1"] == {"size": 3, "md5": md5(b"abc"), "state": "complete"}
    assert api("/%s/close" % fid) == {"id": fid}
    desc = api("/%s/describe" % fid)
    assert desc["state"] == "closed" and desc["size"] == 6
    assert platform.read_file(fid) == b"abcdef"
    download = api("/%s/download" % fid, {}, base_url=BASE)
    assert download["url"].startswith("%s/download/%s/reads.fq?" % (BASE, fid)) and download["headers"] == {}
    fails("InvalidState", 422, api, "/%s/upload" % fid, {"index": 3})
    fails("InvalidState", 422, platform.store_part, fid, 3, b"late")


def test_empty_file_and_replaced_part(env):
    platform, api, _, pid = env
    empty = new_file(api, pid)
    platform.store_part(empty, 1, b"")  # an empty file is one empty part, as clients upload it
    api("/%s/close" % empty)
    assert platform.read_file(empty) == b""
    fid = new_file(api, pid, name="a b")
    platform.store_part(fid, 1, b"first")
    platform.store_part(fid, 1, b"second")
    api("/%s/close" % fid)
    assert platform.read_file(fid) == b"second"
    assert "/a%20b?" in api("/%s/download" % fid, {}, base_url=BASE)["url"]


def test_upload_and_part_errors(env):
    platform, api, other, pid = env
    fid = new_file(api, pid)
    for payload in [{"index": 0}, {"index": 10001}, {"index": "1"}, {"index": True}, {"size": "3"}, {"md5": 5}]:
        fails("InvalidInput", 422, api, "/%s/upload" % fid, payload)
    fails("InvalidInput", 422, platform.store_part, fid, 1, b"abc", md5(b"xyz"))
    fails("InvalidInput", 422, platform.store_part, fid, 0, b"abc")
    fails("ResourceNotFound", 404, platform.store_part, "file-" + "0" * 24, 1, b"abc")
    fails("ResourceNotFound", 404, platform.read_file, "file-" + "0" * 24)
    fails("PermissionDenied", 401, other, "/%s/upload" % fid, {})
    fails("InvalidInput", 422, api, "/file/new", {"project": pid, "media": 3})
    assert api("/%s/describe" % fid, {"fields": {"parts": True}})["parts"] == {}  # the rejected part was not kept


def test_common_methods_work_on_files(env):
    platform, api, _, pid = env
    fid = new_file(api, pid, details={"x": 1})
    api("/%s/addTags" % fid, {"tags": ["t"]})
    platform.store_part(fid, 1, b"")
    api("/%s/close" % fid)
    fails("InvalidState", 422, api, "/%s/setDetails" % fid, {"details": {}})
    found = api("/system/findDataObjects", {"class": "file", "tags": "t"})["results"]
    assert found == [{"project": pid, "id": fid}]
    api("/%s/removeObjects" % pid, {"objects": [fid]})
    fails("ResourceNotFound", 404, platform.read_file, fid)


def test_file_bytes_survive_restart(tmp_path):
    platform, api, _ = make_platform(str(tmp_path))
    platform.options.upload_params = {"minimumPartSize": 1}
    pid = api.project()
    fid = new_file(api, pid)
    platform.store_part(fid, 1, b"persisted ")
    platform.store_part(fid, 2, b"bytes")
    api("/%s/close" % fid)
    restarted = Platform(str(tmp_path))
    assert restarted.read_file(fid) == b"persisted bytes"
    assert restarted.call(api.user, "/%s/describe" % fid, {})["size"] == 15
    restarted.call(api.user, "/%s/destroy" % pid, {})
    assert not (tmp_path / "parts" / fid).exists()
