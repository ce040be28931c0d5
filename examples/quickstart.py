"""dxpy with no account and no network: a project, a record, a file and a search, served
by the bundled emulator.

    pip install . && python examples/quickstart.py
"""
import hashlib
import os
import tempfile

import dxpy
import dxpy.emulator

PART_SIZE = 5 * 1024 * 1024


def md5_of(path):
    with open(path, "rb") as f:
        return hashlib.md5(f.read()).hexdigest()


def main():
    with dxpy.emulator.running() as emulator, tempfile.TemporaryDirectory() as workdir:
        print("emulator at", emulator.url)
        project = dxpy.DXProject(emulator.project_id)
        print("project  %s  %r" % (project.get_id(), project.describe()["name"]))

        record = dxpy.new_dxrecord(name="sample-1", types=["Sample"], tags=["demo"],
                                   properties={"tissue": "liver"}, details={"reads": 12000}, close=True)
        print("record   %s  %s  details=%s" % (record.get_id(), record.describe()["state"], record.get_details()))

        source = os.path.join(workdir, "reads.bin")
        with open(source, "wb") as f:
            f.write(os.urandom(12 * 1024 * 1024))  # three parts
        dxfile = dxpy.upload_local_file(source, folder="/reads", parents=True, write_buffer_size=PART_SIZE,
                                        wait_on_close=True)
        described = dxfile.describe(fields={"state", "size", "parts"})
        copy = os.path.join(workdir, "copy.bin")
        dxpy.download_dxfile(dxfile.get_id(), copy)
        same = md5_of(copy) == md5_of(source)
        print("file     %s  %s  %d bytes in %d parts, md5 %s after download" % (
            dxfile.get_id(), described["state"], described["size"], len(described["parts"]),
            "matches" if same else "DIFFERS"))

        found = list(dxpy.find_data_objects(project=project.get_id(), name="*", name_mode="glob",
                                            describe={"fields": {"name": True, "class": True}}))
        print("search   %d objects:" % len(found),
              ", ".join("%s %s" % (r["describe"]["class"], r["describe"]["name"]) for r in found))
        if not same:
            raise SystemExit("the downloaded file differs from the uploaded one")


if __name__ == "__main__":
    main()
