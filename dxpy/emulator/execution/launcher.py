"""``python -m dxpy.emulator.execution.launcher <plan.json>``: start a job's code the way a worker does.

Runs inside the job's process, with the job's environment (``DX_JOB_ID``, its token, ``HOME``).
Python code is run as ``__main__`` and ``dxpy.run()`` is called afterwards if the code did not
call it. Bash code is sourced after the input variables are defined, then the entry point
function is called; a missing function fails the job through ``job_error.json``.
"""
import json
import os
import shlex
import sys


def _run_python(plan):
    import runpy
    code = plan["code"]
    sys.argv = [code]
    sys.path[0] = os.path.dirname(code)
    runpy.run_path(code, run_name="__main__")
    import dxpy
    from dxpy.utils import exec_utils
    if exec_utils.RUN_COUNT == 0:
        dxpy.run()


def _bash_environment(home):
    """The ``name=value`` lines defining the job's inputs as shell variables."""
    from dxpy.utils.file_load_utils import gen_bash_vars
    variables = gen_bash_vars(os.path.join(home, "job_input.json"), job_homedir=home)
    return "".join("%s=%s\n" % (name, value) for name, value in sorted(variables.items()))


def _run_bash(plan):
    home, function = plan["home"], plan["function"]
    environment = os.path.join(os.path.dirname(plan["code"]), "environment")
    with open(environment, "w") as handle:
        handle.write(_bash_environment(home))
    missing = json.dumps({"error": {"type": "AppInternalError",
                                    "message": "The entry point %s is not a function of the bash script" % function}})
    script = ("cd {home}\n. {env}\n. {code}\n"
              "if [[ $(type -t {fn}) == function ]]; then {fn}\n"
              "else printf '%s\\n' {missing} > job_error.json; exit 1\nfi\n").format(
        home=shlex.quote(home), env=shlex.quote(environment), code=shlex.quote(plan["code"]),
        fn=shlex.quote(function), missing=shlex.quote(missing))
    sys.stdout.flush()
    os.execvp("bash", ["bash", "-e", "-c", script])


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    with open(argv[0]) as handle:
        plan = json.load(handle)
    os.chdir(plan["home"])
    if plan["interpreter"] == "bash":
        _run_bash(plan)
    else:
        _run_python(plan)


if __name__ == "__main__":
    main()
