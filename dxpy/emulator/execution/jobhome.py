"""What a job's process starts with: its scratch home, the code file, the environment, the command.

Layout under the runner's scratch directory::

    bin/                 dx, dx-jobutil-add-output, dx-download-all-inputs, ... (wrappers, on PATH)
    job-xxxx/home/       $HOME and the working directory: job_input.json, in/, out/ (and bash's
                         input variables in environment)
    job-xxxx/code/       the applet's code

The process itself is started by :mod:`dxpy.utils.job_launcher`, as local runs start theirs.
"""
import json
import os

from ...utils import job_launcher
from . import reaper


def job_environment(job, token, home, api_environment, bin_dir, mark):
    """The process environment of a job: the caller's, less its ``DX_*`` settings, plus the job's;
    *mark* tells the job's processes apart from all others (``reaper.MARK_VARIABLE``)."""
    env = dict((name, value) for name, value in os.environ.items() if not name.startswith("DX_"))
    env.update(api_environment)
    env.update({
        "HOME": home,
        "DX_JOB_ID": job["id"],
        "DX_WORKSPACE_ID": job["workspace"],
        "DX_PROJECT_CONTEXT_ID": job["project"],
        "DX_SECURITY_CONTEXT": json.dumps({"auth_token_type": "Bearer", "auth_token": token}),
        "DX_USER_CONF_DIR": os.path.join(home, ".dnanexus_config"),  # nobody's saved settings
        "PYTHONPATH": job_launcher.with_this_dxpy(os.environ.get("PYTHONPATH")),
        "PATH": bin_dir + os.pathsep + os.environ.get("PATH", os.defpath),
        "PYTHONUNBUFFERED": "1",  # log lines arrive as they are printed
        reaper.MARK_VARIABLE: mark,
    })
    return env


def prepare(job_dir, job, run_spec):
    """Create the job's home and code files; return (command argv, home)."""
    home = os.path.join(job_dir, "home")
    code_dir = os.path.join(job_dir, "code")
    for path in (os.path.join(home, "in"), os.path.join(home, "out"), code_dir):
        os.makedirs(path, exist_ok=True)
    with open(os.path.join(home, "job_input.json"), "w") as handle:
        json.dump(job.get("input") or {}, handle, indent=2)
        handle.write("\n")
    interpreter = run_spec.get("interpreter", "python3")
    code_path = os.path.join(code_dir, "code.sh" if interpreter == "bash" else "code.py")
    with open(code_path, "w") as handle:
        handle.write(run_spec.get("code", ""))
    return job_launcher.command(interpreter, code_path, job["function"], home), home
