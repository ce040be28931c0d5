"""Starting one entry point of an app's code in a job's process, as a worker does.

Local runs (:mod:`dxpy.utils.local_exec_utils`) and the emulator's job runner both start a job as
``command(...)``: ``python -m dxpy.utils.job_launcher INTERPRETER CODE FUNCTION HOME``, run in
the job's environment. In the job's home directory it then

- for Python code, runs the code as ``__main__`` and calls ``dxpy.run()`` if the code did not;
- for bash code, writes the input variables to ``HOME/environment`` (``dxpy.utils.file_load_utils
  .gen_bash_vars``, in the job's own environment so that name collisions are judged there), sources
  them and the code with ``bash -e``, and calls the entry point function. A script without that
  function has done its work at global scope: it says so on stderr and succeeds, as on the platform.
"""
import os
import re
import shlex
import sys

INTERPRETERS = ("bash", "python3", "python2.7")
_BASH_FUNCTION_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")

_BASH_SCRIPT = """\
cd {home}
. {environment}
. {code}
if [[ $(type -t {function}) == "function" ]]; then
  {function}
else
  echo "$0: Global scope execution complete. Not invoking entry point function {function} because it was not found" 1>&2
fi
"""


def library_root():
    """The directory holding this dxpy package: a job's ``PYTHONPATH`` starts with it, so that the
    job imports this copy of dxpy (from a source checkout too)."""
    import dxpy
    return os.path.dirname(os.path.dirname(os.path.abspath(dxpy.__file__)))


def with_this_dxpy(pythonpath):
    """*pythonpath* (a ``PYTHONPATH`` value or None) with :func:`library_root` first."""
    entries = [entry for entry in (pythonpath or "").split(os.pathsep) if entry]
    root = library_root()
    return os.pathsep.join([root] + [entry for entry in entries if entry != root])


def check(interpreter, function):
    """ValueError unless *interpreter* is one a job may use and *function* can name its entry point."""
    if interpreter not in INTERPRETERS:
        raise ValueError("Cannot run an entry point with the interpreter %r (expected %s)"
                         % (interpreter, ", ".join(INTERPRETERS)))
    if interpreter == "bash" and not (isinstance(function, str) and _BASH_FUNCTION_NAME.match(function)):
        raise ValueError("%r is not a valid bash function name for an entry point" % (function,))


def command(interpreter, code_path, function, home, trace=False, python=None):
    """The argv of a job's process running entry point *function* of *code_path* in *home*;
    *trace* has bash print each command (``bash -x``)."""
    check(interpreter, function)
    argv = [python or sys.executable, "-m", "dxpy.utils.job_launcher"]
    return argv + (["--trace"] if trace else []) + [interpreter, os.path.abspath(code_path), function,
                                                     os.path.abspath(home)]


def _run_python(code_path):
    import runpy
    sys.argv = [code_path]
    sys.path[0] = os.path.dirname(code_path)  # as when the file is run as a script
    runpy.run_path(code_path, run_name="__main__")
    import dxpy
    from dxpy.utils import exec_utils
    if exec_utils.RUN_COUNT == 0:
        dxpy.run()


def _exec_bash(code_path, function, home, trace):
    from dxpy.utils.file_load_utils import gen_bash_vars
    environment = os.path.join(home, "environment")
    variables = gen_bash_vars(os.path.join(home, "job_input.json"), job_homedir=home)
    with open(environment, "w") as handle:
        handle.write("".join("%s=%s\n" % (name, value) for name, value in sorted(variables.items())))
    script = _BASH_SCRIPT.format(home=shlex.quote(home), environment=shlex.quote(environment),
                                 code=shlex.quote(code_path), function=function)
    sys.stdout.flush()
    sys.stderr.flush()
    os.execvp("bash", ["bash", "-e"] + (["-x"] if trace else []) + ["-c", script])


def main(argv=None):
    args = list(sys.argv[1:] if argv is None else argv)
    trace = bool(args) and args[0] == "--trace"
    if trace:
        args.pop(0)
    if len(args) != 4:
        sys.exit("usage: python -m dxpy.utils.job_launcher [--trace] INTERPRETER CODE FUNCTION HOME")
    interpreter, code_path, function, home = args
    try:
        check(interpreter, function)
    except ValueError as error:
        sys.exit(str(error))
    os.chdir(home)
    if interpreter == "bash":
        _exec_bash(code_path, function, home, trace)
    else:
        _run_python(code_path)


if __name__ == "__main__":
    main()
