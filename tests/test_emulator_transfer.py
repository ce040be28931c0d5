"""The emulator's transfer side over real HTTP: region upload parameters, pending parts and the
close rules, per-part and whole-file md5 in describe, ranged downloads, and fault rules on
the upload and download URLs."""
import hashlib

import pytest
import requests

import dxpy
import dxpy.api
from dxpy import exceptions
from dxpy.emulator.model import files

KIB = 1024
MIB = 1024 * KIB


def md5(data):
    return hashlib.md5(data).hexdigest()


def new_file(project, **fields):
    fields["project"] = project
    return dxpy.api.file_new(fields)["id"]


def put_part(file_id, index, data, **upload_input):
    target = dxpy.api.file_upload(file_id, dict(upload_input, index=index))
    return requests.put(target["url"], data=data, headers=target["headers"], timeout=10)


def closed_file(emu, parts):
    file_id = new_file(emu.project_id)
    for index, data in enumerate(parts, start=1):
        put_part(file_id, index, data, size=len(data), md5=md5(data)).raise_for_status()
    dxpy.api.file_close(file_id)
    return file_id


def download_url(file_id):
    return dxpy.api.file_download(file_id, {})["url"]


@pytest.fixture
def small_parts(dx_emulator):
    """An emulator whose region takes parts of 4 bytes or more."""
    dx_emulator.platform.options.upload_params = {"minimumPartSize": 4}
    return dx_emulator


# -- upload parameters -------------------------------------------------------------------------

def test_project_describe_gives_the_region_upload_parameters(dx_emulator):
    params = dxpy.api.project_describe(dx_emulator.project_id, {"fields": {"fileUploadParameters": True}})
    assert params == {"id": dx_emulator.project_id, "fileUploadParameters": files.AWS_UPLOAD_PARAMETERS}
    assert "fileUploadParameters" not in dxpy.api.project_describe(dx_emulator.project_id)
    azure = dxpy.api.project_new({"name": "on azure", "region": "azure:westus"})["id"]
    described = dxpy.api.project_describe(azure, {"fileUploadParameters": True})["fileUploadParameters"]
    assert described == files.AZURE_UPLOAD_PARAMETERS and described["emptyLastPartAllowed"] is False


def test_upload_parameters_set_by_a_test(dx_emulator):
    dx_emulator.platform.options.upload_params = {"minimumPartSize": 1024, "maximumNumParts": 3}
    params = dxpy.api.project_describe(dx_emulator.project_id, {"fields": {"fileUploadParameters": True}})
    assert params["fileUploadParameters"] == dict(files.AWS_UPLOAD_PARAMETERS, minimumPartSize=1024,
                                                  maximumNumParts=3)
    file_id = new_file(dx_emulator.project_id)
    with pytest.raises(exceptions.InvalidInput, match="index"):
        dxpy.api.file_upload(file_id, {"index": 4})


@pytest.mark.parametrize("bad, message", [
    ({"minimumPartSize": "5"}, "minimumPartSize"), ({"maximumNumParts": 0}, "maximumNumParts"),
    ({"emptyLastPartAllowed": 1}, "emptyLastPartAllowed"), ({"maximumPartSize": True}, "maximumPartSize"),
    ({"partSize": 5}, "unknown upload parameter 'partSize'"), (["minimumPartSize"], "must be a dict"),
])
def test_bad_upload_parameters_are_named(bad, message):
    with pytest.raises(ValueError, match=message):
        files.check_upload_params(bad)


# -- parts: pending, complete, the close rules ---------------------------------------------------

def test_a_part_is_pending_from_its_upload_call_until_its_bytes_arrive(dx_emulator):
    file_id = new_file(dx_emulator.project_id)
    target = dxpy.api.file_upload(file_id, {"index": 1, "size": 3, "md5": md5(b"abc")})
    assert dxpy.api.file_describe(file_id, {"fields": {"parts": True}})["parts"] == {"1": {"state": "pending"}}
    with pytest.raises(exceptions.InvalidState, match="pending"):
        dxpy.api.file_close(file_id)
    requests.put(target["url"], data=b"abc", headers=target["headers"], timeout=10).raise_for_status()
    assert dxpy.api.file_describe(file_id, {"fields": {"parts": True}})["parts"] == {
        "1": {"state": "complete", "size": 3, "md5": md5(b"abc")}}
    dxpy.api.file_upload(file_id, {"index": 1})  # asking again keeps the bytes already there
    assert dxpy.api.file_describe(file_id, {"fields": {"parts": True}})["parts"]["1"]["state"] == "complete"
    dxpy.api.file_close(file_id)
    assert dxpy.api.file_describe(file_id)["size"] == 3


def test_parts_below_the_minimum_are_refused_at_close_except_the_last(dx_emulator):
    ok = closed_file(dx_emulator, [b"a" * (5 * MIB), b"tail"])
    assert dxpy.api.file_describe(ok)["size"] == 5 * MIB + 4
    short = new_file(dx_emulator.project_id)
    put_part(short, 1, b"x" * 100).raise_for_status()
    put_part(short, 2, b"y" * (5 * MIB)).raise_for_status()
    with pytest.raises(exceptions.InvalidState, match="Part 1 .* 100 bytes"):
        dxpy.api.file_close(short)
    assert dxpy.api.file_describe(short)["state"] == "open"


def test_an_empty_file_needs_one_empty_part_where_empty_last_parts_are_allowed(dx_emulator):
    file_id = new_file(dx_emulator.project_id)
    with pytest.raises(exceptions.InvalidState, match="no parts"):
        dxpy.api.file_close(file_id)
    put_part(file_id, 1, b"").raise_for_status()
    dxpy.api.file_close(file_id)
    assert requests.get(download_url(file_id), timeout=10).content == b""


def test_regions_without_empty_last_parts(dx_emulator):
    dx_emulator.platform.options.upload_params = {"emptyLastPartAllowed": False}
    no_parts = new_file(dx_emulator.project_id)
    dxpy.api.file_close(no_parts)  # no parts at all is how such a region makes an empty file
    empty_last = new_file(dx_emulator.project_id)
    put_part(empty_last, 1, b"z" * (5 * MIB)).raise_for_status()
    put_part(empty_last, 2, b"").raise_for_status()
    with pytest.raises(exceptions.InvalidState, match="last part"):
        dxpy.api.file_close(empty_last)


def test_size_limits(small_parts):
    small_parts.platform.options.upload_params.update(maximumPartSize=8, maximumFileSize=12)
    file_id = new_file(small_parts.project_id)
    with pytest.raises(exceptions.InvalidInput, match="size"):
        dxpy.api.file_upload(file_id, {"index": 1, "size": 9})
    too_big = put_part(file_id, 1, b"123456789")
    assert too_big.status_code == 422 and "maximum part size" in too_big.json()["error"]["message"]
    put_part(file_id, 1, b"12345678").raise_for_status()
    put_part(file_id, 2, b"12345678").raise_for_status()
    with pytest.raises(exceptions.InvalidState, match="maximum file size"):
        dxpy.api.file_close(file_id)


def test_a_part_whose_md5_does_not_match_is_refused(dx_emulator):
    file_id = new_file(dx_emulator.project_id)
    response = put_part(file_id, 1, b"abc", md5=md5(b"abd"))
    assert response.status_code == 422 and response.json()["error"]["type"] == "InvalidInput"
    assert dxpy.api.file_describe(file_id, {"fields": {"parts": True}})["parts"] == {"1": {"state": "pending"}}


def test_whole_file_md5_when_the_platform_gives_one(small_parts):
    parts = [b"first part", b"second"]
    plain = closed_file(small_parts, parts)
    assert "md5" not in dxpy.api.file_describe(plain)
    small_parts.platform.options.whole_file_md5 = True
    with_md5 = closed_file(small_parts, parts)
    desc = dxpy.api.file_describe(with_md5, {"fields": {"md5": True, "parts": True}})
    assert desc["md5"] == md5(b"".join(parts))
    assert [desc["parts"][index]["md5"] for index in ("1", "2")] == [md5(part) for part in parts]


# -- downloads -----------------------------------------------------------------------------------

@pytest.fixture
def ten_bytes(small_parts):
    """A closed file "0123456789" in the parts "0123", "4567", "89"."""
    return closed_file(small_parts, [b"0123", b"4567", b"89"])


@pytest.mark.parametrize("header, status, body, content_range", [
    (None, 200, b"0123456789", None),
    ("bytes=0-", 206, b"0123456789", "bytes 0-9/10"),
    ("bytes=3-", 206, b"3456789", "bytes 3-9/10"),
    ("bytes=2-5", 206, b"2345", "bytes 2-5/10"),       # across a part boundary
    ("bytes=4-7", 206, b"4567", "bytes 4-7/10"),       # exactly one part
    ("bytes=9-9", 206, b"9", "bytes 9-9/10"),
    ("bytes=1-8", 206, b"12345678", "bytes 1-8/10"),   # three parts
    ("bytes=5-100", 206, b"56789", "bytes 5-9/10"),    # the end is clamped
    ("bytes=-3", 206, b"789", "bytes 7-9/10"),         # suffix
    ("bytes=-50", 206, b"0123456789", "bytes 0-9/10"),  # suffix longer than the file
    ("bytes=10-", 416, None, "bytes */10"),
    ("bytes=-0", 416, None, "bytes */10"),
    ("bytes=5-2", 200, b"0123456789", None),           # invalid: ignored
    ("bytes=0-1,4-5", 200, b"0123456789", None),       # several ranges: the whole file
    ("items=0-1", 200, b"0123456789", None),
])
def test_ranged_download(ten_bytes, header, status, body, content_range):
    response = requests.get(download_url(ten_bytes), headers={"Range": header} if header else {}, timeout=10)
    assert response.status_code == status
    assert response.headers.get("Content-Range") == content_range
    if body is not None:
        assert response.content == body and response.headers["Content-Length"] == str(len(body))
    else:
        assert response.json()["error"]["type"] == "InvalidInput"


def test_download_of_an_open_or_removed_file(small_parts):
    with pytest.raises(exceptions.InvalidState):
        download_url(new_file(small_parts.project_id))
    file_id = closed_file(small_parts, [b"gone"])
    url = download_url(file_id)
    dxpy.api.project_remove_objects(small_parts.project_id, {"objects": [file_id]})
    response = requests.get(url, timeout=10)
    assert response.status_code == 404 and response.json()["error"]["type"] == "ResourceNotFound"


def test_large_file_ranges_are_views_of_the_stored_parts(dx_emulator):
    parts = [bytes([n]) * (5 * MIB) for n in range(3)] + [b"end"]
    file_id = closed_file(dx_emulator, parts)
    query = download_url(file_id).partition("?")[2]
    size, views = files.file_chunks(dx_emulator.platform, file_id, 5 * MIB - 2, 10 * MIB + 1, query)
    assert size == 15 * MIB + 3 and [len(view) for view in views] == [2, 5 * MIB, 2]
    with dx_emulator.platform.transaction() as state:
        digest = state["objects"][file_id]["parts"]["2"]["md5"]
    stored = dx_emulator.platform.parts.read(file_id, 2, digest)
    assert views[1].obj is stored  # no copy of the part
    with requests.get(download_url(file_id), headers={"Range": "bytes=%d-" % (10 * MIB - 1)}, stream=True,
                      timeout=30) as response:
        assert response.raw.read() == b"\x01" + b"\x02" * (5 * MIB) + b"end"
    assert md5(requests.get(download_url(file_id), timeout=30).content) == md5(b"".join(parts))


# -- faults on the transfer URLs -----------------------------------------------------------------

def _get(url, **headers):
    return requests.get(url, headers=headers, timeout=10)


def test_status_faults_on_uploads_and_downloads(small_parts):
    emu = small_parts
    file_id = closed_file(emu, [b"0123", b"4567"])
    emu.faults.add("/download/*", status=500, times=1)
    emu.faults.add("/download/*", status=503, retry_after=7, times=1)
    first, second, third = (_get(download_url(file_id), Range="bytes=0-3") for _ in range(3))
    assert first.status_code == 500 and first.json()["error"]["type"] == "InternalError"
    assert second.status_code == 503 and second.headers["Retry-After"] == "7"
    assert second.json()["error"]["type"] == "ServiceUnavailable"
    assert third.status_code == 206 and third.content == b"0123"

    upload = new_file(emu.project_id)
    emu.faults.add("/upload/*", status=503, retry_after=2, times=1)
    refused = put_part(upload, 1, b"data")
    assert refused.status_code == 503 and refused.headers["Retry-After"] == "2"
    parts = dxpy.api.file_describe(upload, {"fields": {"parts": True}})["parts"]
    assert parts == {"1": {"state": "pending"}}  # the bytes never reached the platform


def test_dropped_connections_on_uploads_and_downloads(small_parts):
    emu = small_parts
    file_id = closed_file(emu, [b"0123", b"4567"])
    emu.faults.add("/download/*", action="drop", times=1)
    with pytest.raises(requests.ConnectionError):
        _get(download_url(file_id), Range="bytes=4-7")
    assert _get(download_url(file_id), Range="bytes=4-7").content == b"4567"
    upload = new_file(emu.project_id)
    emu.faults.add("/upload/*", action="drop", times=1)
    with pytest.raises(requests.ConnectionError):
        put_part(upload, 1, b"data")
    assert dxpy.api.file_describe(upload, {"fields": {"parts": True}})["parts"]["1"]["state"] == "pending"


def test_short_bodies_on_uploads_and_downloads(small_parts):
    emu = small_parts
    data = bytes(range(256)) * 4096
    file_id = closed_file(emu, [data[:600000], data[600000:]])
    emu.faults.add("/download/*", action="truncate", times=2)
    with pytest.raises(requests.exceptions.ChunkedEncodingError):
        _get(download_url(file_id))
    with requests.get(download_url(file_id), headers={"Range": "bytes=500000-700000"}, stream=True,
                      timeout=10) as response:
        assert response.status_code == 206 and response.headers["Content-Length"] == "200001"
        received = b""
        with pytest.raises(requests.exceptions.ChunkedEncodingError):
            for block in response.iter_content(65536):
                received += block
        # At most half of the range arrived (what the client kept of it is a prefix).
        assert len(received) <= 100000 and data[500000:].startswith(received)
    assert _get(download_url(file_id)).content == data

    upload = new_file(emu.project_id)
    emu.faults.add("/upload/*", action="truncate", times=1)
    with pytest.raises(requests.exceptions.ChunkedEncodingError):
        put_part(upload, 1, b"data").content
    # The part was stored: only the answer was cut short.
    assert dxpy.api.file_describe(upload, {"fields": {"parts": True}})["parts"]["1"] == {
        "state": "complete", "size": 4, "md5": md5(b"data")}


def test_a_seeded_probability_fails_about_one_request_in_twenty(small_parts):
    emu = small_parts
    file_id = closed_file(emu, [b"0123", b"4567"])
    rule = emu.faults.add("/download/*", status=500, probability=0.05, seed=11)
    url = download_url(file_id)
    statuses = [_get(url, Range="bytes=0-3").status_code for _ in range(400)]
    failures = statuses.count(500)
    assert failures == rule.hits and 5 <= failures <= 40
    assert set(statuses) == {206, 500}


def test_an_outage_that_starts_after_some_requests(small_parts):
    emu = small_parts
    file_id = closed_file(emu, [b"0123", b"4567"])
    rule = emu.faults.add("/download/*", status=500, after=3)
    url = download_url(file_id)
    assert [_get(url).status_code for _ in range(5)] == [200, 200, 200, 500, 500]
    assert rule.hits == 2 and emu.faults.list()[0]["after"] == 3


@pytest.mark.parametrize("after", [-1, 1.5, "2", True])
def test_bad_after_is_named(dx_emulator, after):
    with pytest.raises(ValueError, match="after must be a non-negative integer"):
        dx_emulator.faults.add("/download/*", after=after)


def test_rules_can_require_request_headers(small_parts):
    emu = small_parts
    file_id = closed_file(emu, [b"0123", b"4567"])
    rule = emu.faults.add("/download/*", status=500, headers={"range": "bytes=0-*"})  # names: any case
    url = download_url(file_id)
    assert _get(url, Range="bytes=0-3").status_code == 500
    assert _get(url, Range="bytes=4-7").status_code == 206
    assert _get(url).status_code == 200  # no Range header: no match
    assert rule.hits == 1 and emu.faults.list()[0]["headers"] == {"range": "bytes=0-*"}


@pytest.mark.parametrize("headers", [5, ["Range"], {"Range": 0}])
def test_bad_header_patterns_are_named(dx_emulator, headers):
    with pytest.raises(ValueError, match="headers must be a dict"):
        dx_emulator.faults.add("/download/*", headers=headers)
