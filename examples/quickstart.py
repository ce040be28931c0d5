"""dxpy with no account and no network: a project, a record, a file and a search, served
by the bundled emulator.

    pip install . && python examples/quickstart.py
"""
import hashlib
import os

import dxpy
import dxpy.emulator

PART_SIZE = 5 * 1024 * 1024


def upload(project_id, name, data):
    """Upload *data* as a new file in parts, the way the platform expects, and close it."""
    file_id = dxpy.api.file_new({"project": project_id, "name": name, "folder": "/reads",
                                 "parents": True})["id"]
    for index, start in enumerate(range(0, len(data), PART_SIZE), start=1):
        part = data[start:start + PART_SIZE]
        target = dxpy.api.file_upload(file_id, {"index": index, "size": len(part),
                                                "md5": hashlib.md5(part).hexdigest()})
        dxpy.DXHTTPRequest(target["url"], part, method="PUT", headers=target["headers"],
                           jsonify_data=False, prepend_srv=False, always_retry=True)
    dxpy.api.file_close(file_id)
    return file_id


def download(file_id):
    target = dxpy.api.file_download(file_id, {})
    return dxpy.DXHTTPRequest(target["url"], b"", method="GET", headers=target["headers"],
                              jsonify_data=False, prepend_srv=False, decode_response_body=False)


def main():
    with dxpy.emulator.running() as emulator:
        print("emulator at", emulator.url)
        project = dxpy.api.project_describe(emulator.project_id)
        print("project  %s  %r" % (project["id"], project["name"]))

        record_id = dxpy.api.record_new({
            "project": project["id"], "name": "sample-1", "types": ["Sample"], "tags": ["demo"],
            "properties": {"tissue": "liver"}, "details": {"reads": 12000}, "close": True})["id"]
        record = dxpy.api.record_describe(record_id, {"details": True})
        print("record   %s  %s  details=%s" % (record["id"], record["state"], record["details"]))

        data = os.urandom(12 * 1024 * 1024)  # three parts
        file_id = upload(project["id"], "reads.bin", data)
        described = dxpy.api.file_describe(file_id)
        fetched = download(file_id)
        same = hashlib.md5(fetched).hexdigest() == hashlib.md5(data).hexdigest()
        print("file     %s  %s  %d bytes in %d parts, md5 %s after download" % (
            file_id, described["state"], described["size"], len(described["parts"]),
            "matches" if same else "DIFFERS"))

        found = dxpy.api.system_find_data_objects({
            "scope": {"project": project["id"], "folder": "/", "recurse": True},
            "name": {"glob": "*"}, "describe": {"fields": {"name": True, "class": True}}})
        print("search   %d objects:" % len(found["results"]),
              ", ".join("%s %s" % (r["describe"]["class"], r["describe"]["name"]) for r in found["results"]))
        if not same:
            raise SystemExit("the downloaded file differs from the uploaded one")


if __name__ == "__main__":
    main()
