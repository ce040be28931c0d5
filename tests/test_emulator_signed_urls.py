"""Upload and download URLs are credentials: signed, expiring, fresh on every call, built from
the server's own address; PUT and GET without a live signature are refused (over real HTTP)."""
import hashlib
import http.client
import json
from urllib.parse import urlsplit

import pytest
import requests

import dxpy
import dxpy.api
from dxpy import exceptions
from dxpy.emulator.model import signed_urls
from dx_cli import as_user


def md5(data):
    return hashlib.md5(data).hexdigest()


def upload_target(file_id, index=1, data=b"data"):
    return dxpy.api.file_upload(file_id, {"index": index, "size": len(data), "md5": md5(data)})


def put(url, data=b"data", **headers):
    return requests.put(url, data=data, headers=headers, timeout=10)


def refused(response):
    return response.status_code == 403 and response.json()["error"]["type"] == "PermissionDenied"


def without_query(url):
    return url.partition("?")[0]


def with_field(url, name, value):
    """*url* with its query field *name* set to *value*."""
    base, _, query = url.partition("?")
    fields = [field.split("=", 1) for field in query.split("&")]
    return base + "?" + "&".join("%s=%s" % (key, value if key == name else old) for key, old in fields)


@pytest.fixture
def small_parts(dx_emulator):
    dx_emulator.platform.options.upload_params = {"minimumPartSize": 1}
    return dx_emulator


@pytest.fixture
def closed_file(small_parts):
    file_id = dxpy.api.file_new({"project": small_parts.project_id, "name": "secret.txt"})["id"]
    target = upload_target(file_id, data=b"top secret")
    put(target["url"], b"top secret", **target["headers"]).raise_for_status()
    dxpy.api.file_close(file_id)
    return file_id


def pending_parts(file_id):
    return dxpy.api.file_describe(file_id, {"fields": {"parts": True}})["parts"]


def test_a_put_without_the_signature_the_platform_gave_is_refused(small_parts):
    file_id = dxpy.api.file_new({"project": small_parts.project_id})["id"]
    other_file = dxpy.api.file_new({"project": small_parts.project_id})["id"]
    url = upload_target(file_id)["url"]
    forged = [without_query(url),                                         # anonymous: no signature at all
              with_field(url, "signature", "0" * 64),                      # a made-up signature
              with_field(url, "expires", "99999999999999"),                # a longer life than was signed
              with_field(url, "nonce", "another"),
              url.replace("/upload/%s/1?" % file_id, "/upload/%s/2?" % file_id),  # another part
              url.replace(file_id, other_file)]                            # another file
    for bad in forged:
        assert refused(put(bad)), bad
    assert pending_parts(file_id) == {"1": {"state": "pending"}} and pending_parts(other_file) == {}
    assert put(url).status_code == 200
    assert pending_parts(file_id)["1"]["state"] == "complete"


def test_a_get_without_the_signature_the_platform_gave_is_refused(closed_file):
    url = dxpy.api.file_download(closed_file, {})["url"]
    assert requests.get(url, timeout=10).content == b"top secret"
    for bad in (without_query(url), with_field(url, "signature", "f" * 64), with_field(url, "expires", "1"),
                url.replace(closed_file, "file-" + "0" * 24)):
        response = requests.get(bad, headers={"Range": "bytes=0-3"}, timeout=10)
        assert refused(response) and b"secret" not in response.content, bad
    assert "ask /%s/download" % closed_file in requests.get(without_query(url), timeout=10).json()["error"]["message"]


def test_another_user_gets_no_url_and_cannot_forge_one(closed_file, small_parts):
    open_file = dxpy.api.file_new({"project": small_parts.project_id})["id"]
    mine = upload_target(open_file)["url"]
    with as_user(small_parts.add_user("mallory")[1]):
        with pytest.raises(exceptions.PermissionDenied):
            dxpy.api.file_download(closed_file, {})
        with pytest.raises(exceptions.PermissionDenied):
            upload_target(open_file)
        own = dxpy.api.project_new({"name": "mallory's"})["id"]
        decoy = dxpy.api.file_new({"project": own})["id"]
        theirs = upload_target(decoy)["url"]
    # A signature of their own file's URL does not open someone else's file.
    assert refused(put(theirs.replace(decoy, open_file)))
    assert refused(requests.get(theirs.replace("/upload/%s/1" % decoy, "/download/%s/x" % closed_file), timeout=10))
    assert pending_parts(open_file) == {"1": {"state": "pending"}} and put(mine).status_code == 200


def test_expired_urls_are_refused(closed_file, small_parts, monkeypatch):
    download = dxpy.api.file_download(closed_file, {"duration": 60})
    open_file = dxpy.api.file_new({"project": small_parts.project_id})["id"]
    upload = upload_target(open_file)
    assert download["expires"] - signed_urls.now_ms() <= 60 * 1000 < upload["expires"] - signed_urls.now_ms()
    later = signed_urls.now_ms() + 61 * 1000
    monkeypatch.setattr(signed_urls, "now_ms", lambda: later)
    response = requests.get(download["url"], timeout=10)
    assert refused(response) and "expired" in response.json()["error"]["message"]
    assert put(upload["url"]).status_code == 200  # a day's life by default
    monkeypatch.setattr(signed_urls, "now_ms", lambda: upload["expires"] + 1)
    assert refused(put(upload["url"]))


@pytest.mark.parametrize("duration", [0, -5, "60", 1.5, True])
def test_a_bad_duration_is_refused(closed_file, duration):
    with pytest.raises(exceptions.InvalidInput, match="duration"):
        dxpy.api.file_download(closed_file, {"duration": duration})


def test_every_url_is_new(closed_file, small_parts):
    downloads = [dxpy.api.file_download(closed_file, {"preauthenticated": True})["url"] for _ in range(2)]
    open_file = dxpy.api.file_new({"project": small_parts.project_id})["id"]
    uploads = [upload_target(open_file)["url"] for _ in range(2)]
    assert downloads[0] != downloads[1] and uploads[0] != uploads[1]
    assert [requests.get(url, timeout=10).content for url in downloads] == [b"top secret"] * 2


def test_urls_name_the_server_not_the_host_header(closed_file, dx_emulator):
    conn = http.client.HTTPConnection(dx_emulator.client_host, dx_emulator.port, timeout=10)
    try:
        conn.request("POST", "/%s/download" % closed_file, body="{}",
                     headers={"Host": "attacker.example:666", "Authorization": "Bearer " + dx_emulator.token,
                              "Content-Type": "application/json"})
        url = json.loads(conn.getresponse().read())["url"]
    finally:
        conn.close()
    assert url.startswith(dx_emulator.url + "/download/%s/secret.txt?" % closed_file)
    assert urlsplit(url).netloc == "%s:%d" % (dx_emulator.client_host, dx_emulator.port)


def test_download_honours_the_project(closed_file, small_parts):
    elsewhere = dxpy.api.project_new({"name": "elsewhere"})["id"]
    for project in (elsewhere, "project-" + "0" * 24):
        with pytest.raises(exceptions.ResourceNotFound):
            dxpy.api.file_download(closed_file, {"project": project})
    url = dxpy.api.file_download(closed_file, {"project": small_parts.project_id})["url"]
    assert requests.get(url, timeout=10).content == b"top secret"
    with pytest.raises(exceptions.ResourceNotFound):
        dxpy.DXFile(closed_file, project=elsewhere).get_download_url(project=elsewhere)
