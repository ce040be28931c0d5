"""Mount every file input of the running job under ``$HOME/in`` with ``dxfuse`` instead of
downloading it: the files are streamed from the platform when read.

The layout is the one of :func:`dxpy.download_all_inputs` (``in/<input>/<file name>``,
``in/<input>/<index>/<file name>`` for arrays). ``dxfuse`` (a separate program, on the PATH of
DNAnexus workers) mounts what a manifest lists: ``$HOME/mount-manifest.json`` holds
``{"Files": [{"proj_id", "file_id", "parent"}, ...]}``, ``parent`` being the directory under
the mount point.
"""
import json
import os
import subprocess

from ..exceptions import DXError, err_exit  # noqa: F401  (err_exit: dxpy exposes it here)
from ..utils import file_load_utils
from .download_all_inputs import _check_exclude, _gen_helper_dict, _job_input_filenames

__all__ = ["mount_all_inputs"]

DXFUSE = "dxfuse"


def _build_mount_manifest(to_mount):
    """The dxfuse manifest mounting each file of *to_mount* (records of
    :func:`file_load_utils.get_job_input_filenames`) in the directory of its target name."""
    files = [{"proj_id": file_rec["handler"].get_proj_id(),
              "file_id": file_rec["src_file_id"],
              "parent": "/" + os.path.dirname(file_rec["trg_fname"])}
             for file_rec in to_mount]
    manifest = {"Files": files}
    print("File mount manifest:")
    print(manifest)
    return manifest


def _which(program):
    """The path of the executable *program* on ``$PATH``, or None."""
    for directory in os.environ.get("PATH", "").split(os.pathsep):
        candidate = os.path.join(directory, program)
        if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    return None


def _run(cmd):
    try:
        return subprocess.check_output(cmd, stderr=subprocess.STDOUT).decode("utf-8", "replace").strip()
    except (OSError, subprocess.CalledProcessError) as e:
        output = getattr(e, "output", None)
        detail = (": " + output.decode("utf-8", "replace").strip()) if output else ""
        raise DXError("%s failed: %s%s" % (" ".join(cmd), e, detail)) from e


def mount_all_inputs(exclude=None, verbose=False):
    """Mount every file input of the job (``$HOME/job_input.json``) under ``$HOME/in`` with dxfuse.

    :param exclude: names of inputs not to mount
    :param verbose: run dxfuse with ``-verbose 2``
    :returns: the same dict as :func:`dxpy.download_all_inputs` (``x_path``, ``x_name``,
        ``x_prefix`` for each mounted input ``x``)

    Raises DXError when dxfuse is not installed or fails, and the error of
    :func:`dxpy.download_all_inputs` without ``job_input.json``.
    """
    print("Mounting inputs...")
    excluded = _check_exclude(exclude)
    dxfuse_cmd = _which(DXFUSE)
    if dxfuse_cmd is None:
        raise DXError("Cannot mount the job's inputs: the %s program is not installed (not found on PATH: %s)"
                      % (DXFUSE, os.environ.get("PATH", "")))

    _dirs, inputs = _job_input_filenames()
    if excluded:
        inputs = file_load_utils.filter_dict(inputs, excluded)
    to_mount = [file_rec for file_recs in inputs.values() for file_rec in file_recs]

    home_dir = os.environ["HOME"]
    mount_dir = file_load_utils.get_input_dir()
    manifest_file = os.path.join(home_dir, "mount-manifest.json")
    file_load_utils.ensure_dir(mount_dir)
    with open(manifest_file, "w") as fh:
        json.dump(_build_mount_manifest(to_mount), fh)

    print("Using dxfuse version " + _run([dxfuse_cmd, "-version"]))
    cmd = [dxfuse_cmd, "-uid", str(os.getuid()), "-gid", str(os.getgid()), mount_dir, manifest_file]
    if verbose:
        cmd[1:1] = ["-verbose", "2"]
    output = _run(cmd)
    if output:
        print(output)
    print("Done mounting inputs.")
    for directory, _subdirs, files in os.walk(mount_dir):
        for name in files:
            print(os.path.join(directory, name))

    return _gen_helper_dict(inputs)
