"""Console entry points: the ``dx`` command, and those used inside DNAnexus jobs
(``dx-jobutil-*``, ``dx-download-all-inputs``, ``dx-upload-all-outputs``, ``dx-print-bash-vars``).

One module per command, named after it (``dx-jobutil-add-output`` is
``dxpy.scripts.dx_jobutil_add_output:main``); each also runs with ``python -m``.
"""
import os
import shlex
import sys

# Command name -> module of dxpy.scripts with its main(); setup.py installs the same list.
COMMANDS = {name: "dx_" + name[len("dx-"):].replace("-", "_") for name in (
    "dx-jobutil-add-output", "dx-jobutil-dxlink", "dx-jobutil-new-job", "dx-jobutil-parse-link",
    "dx-jobutil-report-error", "dx-jobutil-get-identity-token", "dx-download-all-inputs",
    "dx-upload-all-outputs", "dx-print-bash-vars")}
COMMANDS["dx"] = "dx"


def write_command_shims(directory, python=None):
    """Write one executable shell script per command into *directory*, running it with *python*
    (default: this interpreter) and this copy of dxpy. For job processes that need the commands
    on their PATH when the package is not installed (e.g. tests run from a source tree)."""
    from ..utils.job_launcher import library_root
    python = python or sys.executable
    package_root = library_root()
    os.makedirs(directory, exist_ok=True)
    paths = []
    for name, module in sorted(COMMANDS.items()):
        path = os.path.join(directory, name)
        with open(path, "w") as fh:
            fh.write('#!/bin/sh\nPYTHONPATH={root}${{PYTHONPATH:+:$PYTHONPATH}} exec {python} -m dxpy.scripts.{module} '
                     '"$@"\n'.format(root=shlex.quote(package_root), python=shlex.quote(python), module=module))
        os.chmod(path, 0o755)
        paths.append(path)
    return paths
