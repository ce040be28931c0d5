"""The bundled dependencies of a job (``runSpec.bundledDepends``: the resources tarball of
``dx build``, asset archives), unpacked before its code runs.

A worker unpacks them at the root of its file system; a job of the emulator cannot write there,
so they go to ``job-xxxx/root/`` instead, except what is under ``home/dnanexus/`` (the worker's
home), which goes to the job's home. The ``bin`` folders of the root (``usr/local/bin``,
``usr/bin``, ``bin``) are put on the job's ``PATH``, so that tools shipped as resources run by
name. Members that would land outside those folders are refused.
"""
import io
import os
import tarfile

from ..model.files import stored_chunks

WORKER_HOME = "home/dnanexus/"
BIN_FOLDERS = ("usr/local/bin", "usr/bin", "bin")


class BundleError(Exception):
    """A bundled dependency that cannot be unpacked."""


def _file_id(entry):
    link = entry.get("id") if isinstance(entry, dict) else None
    if isinstance(link, dict):
        link = link.get("$dnanexus_link")
    if isinstance(link, dict):
        link = link.get("id")
    if not isinstance(link, str) or not link.startswith("file-"):
        raise BundleError("bundledDepends entry %r does not name a file" % (entry,))
    return link


def _inside(path, folder):
    folder = os.path.realpath(folder)
    return os.path.realpath(path) == folder or os.path.realpath(path).startswith(folder + os.sep)


def _unpack(data, name, root, home):
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:*") as archive:
        for member in archive.getmembers():
            relative = member.name.lstrip("/")
            if relative.startswith(WORKER_HOME) or relative + "/" == WORKER_HOME:
                base, relative = home, relative[len(WORKER_HOME):]
            else:
                base = root
            target = os.path.join(base, relative)
            if not relative or member.isdev():
                continue
            if not _inside(os.path.dirname(target), base) or ".." in relative.split("/"):
                raise BundleError("%s: member %s would be unpacked outside the job" % (name, member.name))
            member.name = relative
            archive.extract(member, base)


def unpack(platform, run_spec, job_dir, home):
    """Unpack each bundled dependency of *run_spec*; the ``bin`` folders to put on ``PATH``."""
    root = os.path.join(job_dir, "root")
    entries = run_spec.get("bundledDepends") or []
    for entry in entries:
        file_id = _file_id(entry)
        _, views = stored_chunks(platform, file_id)
        try:
            _unpack(b"".join(views), entry.get("name", file_id), root, home)
        except tarfile.TarError as error:
            raise BundleError("%s (%s) is not a tar archive: %s" % (entry.get("name", file_id), file_id, error))
    return [path for path in (os.path.join(root, folder) for folder in BIN_FOLDERS) if os.path.isdir(path)]
