"""Running Python entry points in the DNAnexus execution environment (and locally for debugging).

A program registers functions with ``@dxpy.entry_point("name")`` and calls ``dxpy.run()``.
Inside a job (``DX_JOB_ID`` set) ``run`` asks the API which function the job runs and with
which input, calls it, and leaves ``job_output.json`` or ``job_error.json`` in the working
directory for the platform to pick up. Without a job it is a debug harness: the function comes
from the arguments or ``DX_TEST_FUNCTION`` (default ``main``), the input from the arguments or
``./job_input.json``; the subjobs it creates with ``dxpy.new_dxjob`` then run locally once it
returns, and the references to their outputs are resolved (``dxpy.utils.local_exec_utils``).
"""
import functools
import itertools
import json
import os
import string
import sys
from collections.abc import Mapping

import dxpy
from ..exceptions import AppInternalError, DXError

__all__ = ["run", "entry_point", "save_error", "convert_handlers_to_dxlinks", "parse_args_as_job_input",
           "DXJSONEncoder", "DXExecDependencyError", "DXExecDependencyInstaller"]

# Entry point name -> function, filled by @entry_point.
ENTRY_POINT_TABLE = {}

# How many times run() was called in this process (the local harness checks it).
RUN_COUNT = 0

# string.printable without any dependence on the locale.
ASCII_PRINTABLE = string.ascii_letters + string.digits + string.punctuation + string.whitespace

_RESERVED_SPACE_FILE = "job_error_reserved_space"
# Written before the entry point runs and deleted before job_error.json is written, so that an
# error can still be reported when the job has filled the disk.
_RESERVED_SPACE_TEXT = ("Space kept free so that a job error can be written when the disk is full.\n"
                        + " " * 1024 * 64)


def _format_exception_message(e):
    # An AppError's message is shown as is; anything else says what kind of error it was.
    if isinstance(e, dxpy.AppError):
        return str(e)
    return e.__class__.__name__ + ": " + str(e)


def _load_local_input():
    try:
        with open("job_input.json") as fh:
            text = fh.read()
    except OSError as e:
        raise DXError("Cannot read the job input %s: %s" % (os.path.abspath("job_input.json"), e))
    try:
        return json.loads(text)
    except ValueError as e:
        raise DXError("The job input %s is not valid JSON: %s" % (os.path.abspath("job_input.json"), e))


def _install_job_log_handler():
    import logging
    logging.basicConfig()
    from ..dxlog import DXLogHandler
    handler = DXLogHandler()
    # Without the log service the handler would only repeat what basicConfig prints on stderr.
    if handler.uses_stderr:
        handler.close()
    else:
        logging.getLogger().addHandler(handler)


def _lookup_entry_point(function_name):
    try:
        return ENTRY_POINT_TABLE[function_name]
    except (KeyError, TypeError):
        known = ", ".join(sorted(str(name) for name in ENTRY_POINT_TABLE)) or "none"
        raise AppInternalError("No entry point named %r is registered with @dxpy.entry_point (registered: %s)"
                               % (function_name, known))


def _local_subjobs(entry):
    """Outside a job and outside a local run, the harness that runs the subjobs *entry* creates
    (:class:`~dxpy.utils.local_exec_utils.LocalSubjobs`); None when dxpy's own local run
    (``DX_TEST_JOB_HOMEDIRS``) is in charge or the code is not in a file subjobs could run."""
    if "DX_TEST_JOB_HOMEDIRS" in os.environ:
        return None
    code_path = getattr(getattr(entry, "__code__", None), "co_filename", None)
    if not code_path or not os.path.isfile(code_path):
        return None
    from .local_exec_utils import LocalSubjobs  # only local debugging runs need it
    return LocalSubjobs(code_path)


def run(function_name=None, function_input=None):
    """Run the entry point the job asks for (inside a job) or *function_name* (locally).

    Inside a job (``dxpy.JOB_ID`` set) the arguments are ignored: the job's ``function`` and
    ``input`` come from ``/job-xxxx/describe``. The function's return value is written to
    ``job_output.json`` (handlers become DNAnexus links). When the function raises, the error is
    recorded in ``job_error.json`` (type ``AppError`` for :exc:`dxpy.AppError`, else
    ``AppInternalError``) and the exception propagates, so the process exits non-zero.

    Locally, *function_name* defaults to ``$DX_TEST_FUNCTION`` or ``main`` and *function_input*
    to the contents of ``./job_input.json``; a non-None result is still written to
    ``job_output.json``. Unless ``DX_TEST_JOB_HOMEDIRS`` names a local run already (dxpy's
    harness), the subjobs the function queued with ``dxpy.new_dxjob`` are run locally after it
    returns (the app's code in subprocesses) and the references to their outputs are replaced
    by the values; a failed subjob raises :exc:`~dxpy.exceptions.DXJobFailureError`.
    """
    global RUN_COUNT
    RUN_COUNT += 1
    working_dir = os.getcwd()
    in_job = dxpy.JOB_ID is not None

    if in_job:
        _install_job_log_handler()
        with open(_RESERVED_SPACE_FILE, "w") as fh:
            fh.write(_RESERVED_SPACE_TEXT)
    else:
        if function_name is None:
            function_name = os.environ.get("DX_TEST_FUNCTION", "main")
        if not isinstance(function_name, str):
            raise DXError("run: function_name must be a string, not %r" % (function_name,))
        if function_input is None:
            function_input = _load_local_input()
        if not isinstance(function_input, Mapping):
            raise DXError("run: the input of %s must be a JSON object (dict), not %s"
                          % (function_name, type(function_input).__name__))

    try:
        if in_job:
            job = dxpy.api.job_describe(dxpy.JOB_ID)
            function_name, function_input = job.get("function", "main"), job.get("input") or {}
        entry = _lookup_entry_point(function_name)
        subjobs = None if in_job else _local_subjobs(entry)
        if subjobs is None:
            print("Invoking", function_name, "with", function_input)
            result = entry(**function_input)
        else:
            with subjobs:
                function_input = subjobs.resolve_input(dict(function_input))
                print("Invoking", function_name, "with", function_input)
                result = subjobs.complete(entry(**function_input))
        output_text = None
        if result is not None:
            # Serialised before the file is opened: an unserialisable result leaves no half-written output.
            output_text = json.dumps(result, indent=2, cls=DXJSONEncoder) + "\n"
    except dxpy.AppError as e:
        save_error(e, working_dir, error_type="AppError")
        raise
    except Exception as e:
        save_error(e, working_dir)
        raise

    if output_text is not None:
        # The entry point may have changed directory; the platform looks in the original one.
        os.chdir(working_dir)
        with open("job_output.json", "w") as fh:
            fh.write(output_text)
    return result


def save_error(e, working_dir, error_type="AppInternalError"):
    """Inside a job, write *e* to ``<working_dir>/job_error.json`` as the job's failure reason.

    Does nothing outside a job (the exception itself is what a local run reports).
    """
    if dxpy.JOB_ID is None:
        return
    os.chdir(working_dir)
    try:
        os.unlink(_RESERVED_SPACE_FILE)
    except OSError:
        pass
    report = {"error": {"type": error_type, "message": _format_exception_message(e)}}
    with open("job_error.json", "w") as fh:
        json.dump(report, fh)
        fh.write("\n")


def _handler_base_class():
    """dxpy.bindings.DXObject when the bindings are loaded; None otherwise (no handler can exist then)."""
    bindings = sys.modules.get("dxpy.bindings")
    return getattr(bindings, "DXObject", None)


def _handler_link(handler):
    return {"$dnanexus_link": handler.get_id()}


def convert_handlers_to_dxlinks(x):
    """Replace every handler in *x* (nested dicts and lists, changed in place) by its DNAnexus link.

    Returns the converted value (a link itself when *x* is a handler).
    """
    base = _handler_base_class()
    if base is None:
        return x
    seen = set()

    def convert(value):
        if isinstance(value, base):
            return _handler_link(value)
        if isinstance(value, (Mapping, list)):
            # Shared or self-referencing containers are converted once.
            if id(value) in seen:
                return value
            seen.add(id(value))
            keys = list(value.keys()) if isinstance(value, Mapping) else range(len(value))
            for key in keys:
                value[key] = convert(value[key])
        return value

    return convert(x)


_BOOLEAN_WORDS = {"true": True, "t": True, "yes": True, "y": True, "1": True,
                  "false": False, "f": False, "no": False, "n": False, "0": False}


def _parse_boolean(text):
    import argparse
    try:
        return _BOOLEAN_WORDS[text.strip().lower()]
    except KeyError:
        raise argparse.ArgumentTypeError("%r is not a boolean (true or false)" % (text,))


def _resolve_data_object(value):
    from .resolver import resolve_existing_path
    project, _path, results = resolve_existing_path(value, ask_to_resolve=False, describe={"id": True},
                                                    allow_mult=False)
    if isinstance(results, dict):
        results = [results]
    if not results or len(results) != 1:
        raise ValueError("Value {v} could not be resolved".format(v=value))
    found = results[0]
    object_id = found.get("id") or found.get("describe", {}).get("id")
    if project:
        return {"$dnanexus_link": {"project": project, "id": object_id}}
    return {"$dnanexus_link": object_id}


def parse_args_as_job_input(args, app_spec):
    """Parse command-line style *args* (``--name value``) into a job input for *app_spec*.

    Each entry of ``app_spec["inputSpec"]`` becomes an option. ``int``, ``float`` and
    ``boolean`` inputs are converted; ``string`` inputs are kept as given; any other class is
    read as JSON, or else as a path to an existing data object, which becomes a link.
    """
    if not isinstance(app_spec, Mapping):
        raise DXError("parse_args_as_job_input: app_spec must be a dict, not %s" % type(app_spec).__name__)
    input_spec = app_spec.get("inputSpec", [])
    if not isinstance(input_spec, list):
        raise DXError("parse_args_as_job_input: inputSpec must be a list, not %s" % type(input_spec).__name__)
    if isinstance(args, str) or not all(isinstance(arg, str) for arg in args):
        raise DXError("parse_args_as_job_input: args must be a list of strings, not %r" % (args,))

    import argparse  # only command-line tools need it: not loaded with every app
    parser = argparse.ArgumentParser()
    converters = {"int": int, "float": float, "boolean": _parse_boolean}
    json_inputs = set()
    for ispec in input_spec:
        if not isinstance(ispec, Mapping) or not isinstance(ispec.get("name"), str):
            raise DXError("parse_args_as_job_input: every inputSpec entry needs a string 'name': %r" % (ispec,))
        kwargs = {}
        input_class = ispec.get("class", ispec.get("type"))
        if input_class in converters:
            kwargs["type"] = converters[input_class]
        elif input_class != "string":
            json_inputs.add(ispec["name"])
        if ispec.get("optional") is not None:
            kwargs["required"] = not ispec["optional"]
        parser.add_argument("--" + ispec["name"], dest=ispec["name"], **kwargs)

    inputs = {}
    for name, value in vars(parser.parse_args(args)).items():
        if value is None:
            continue
        if name in json_inputs:
            try:
                inputs[name] = json.loads(value)
            except ValueError:
                inputs[name] = _resolve_data_object(value)
        else:
            inputs[name] = value
    return inputs


def entry_point(entry_point_name):
    """Decorator registering a function as the entry point *entry_point_name* for :func:`run`::

        @dxpy.entry_point("main")
        def main(reads, threshold=5):
            ...
    """
    if not isinstance(entry_point_name, str) or not entry_point_name:
        raise DXError("entry_point: the entry point name must be a non-empty string, not %r"
                      % (entry_point_name,))

    def register(f):
        ENTRY_POINT_TABLE[entry_point_name] = f

        @functools.wraps(f)
        def wrapped(*args, **kwargs):
            return f(*args, **kwargs)
        return wrapped
    return register


class DXJSONEncoder(json.JSONEncoder):
    """A JSON encoder that writes handlers (``DXFile``, ``DXRecord``, ...) as DNAnexus links."""

    def default(self, obj):
        base = _handler_base_class()
        if base is not None and isinstance(obj, base):
            return _handler_link(obj)
        return json.JSONEncoder.default(self, obj)


class DXExecDependencyError(AppInternalError):
    """A job's dependencies are malformed or could not be installed."""


class DXExecDependencyInstaller(object):
    """Installs what an executable's ``runSpec`` says a job needs before it starts.

    Dependencies come from ``bundledDepends`` (or ``bundledDependsByRegion`` for the job's
    region), ``execDepends`` and ``dependencies``, in that order. Neighbouring packages of the
    same package manager (apt, gem, cpan, cran, pip, pip3) are installed with one command;
    entries restricted with ``stages`` are skipped in other functions.

    :param executable_desc: the executable's description; needs ``runSpec``
    :param job_desc: the job's description (``function``; ``region`` with bundledDependsByRegion)
    :param logger: a logger for progress messages (printed when None)
    """
    group_pms = ("apt", "gem", "cpan", "cran", "pip", "pip3")

    # Already on every worker; installing them from execDepends would break the toolkit.
    _PREINSTALLED_APT = ("dx-toolkit", "jq", "python-argcomplete")

    def __init__(self, executable_desc, job_desc, logger=None):
        if not isinstance(executable_desc, Mapping) or "runSpec" not in executable_desc:
            raise DXExecDependencyError('Expected field "runSpec" to be present in executable description')
        if not isinstance(job_desc, Mapping):
            raise DXExecDependencyError("Expected the job description to be a dict, not %s"
                                        % type(job_desc).__name__)
        run_spec = executable_desc["runSpec"]
        if not isinstance(run_spec, Mapping):
            raise DXExecDependencyError('Expected field "runSpec" of the executable description to be a dict')
        if "bundledDependsByRegion" in run_spec and "region" not in job_desc:
            raise DXExecDependencyError("Expected key 'region' in job description")

        self.exec_desc = executable_desc
        self.run_spec = run_spec
        self.job_desc = job_desc
        self.stage = job_desc.get("function", "main")
        self.logger = logger
        self.dep_groups = []

        all_deps = itertools.chain(self._get_local_bundled_dependencies(), run_spec.get("execDepends", []),
                                   run_spec.get("dependencies", []))
        for dep in all_deps:
            self._validate_dependency(dep)
            dep_type = self._get_dependency_type(dep)
            if dep_type == "apt" and dep["name"] in self._PREINSTALLED_APT:
                continue
            if "stages" in dep and self.stage not in dep["stages"]:
                self.log("Skipping dependency {} because it is inactive in stage (function) {}"
                         .format(dep["name"], self.stage))
                continue
            joins_last = (self.dep_groups and self.dep_groups[-1]["type"] == dep_type
                          and dep_type in self.group_pms)
            if not joins_last:
                self.dep_groups.append({"type": dep_type, "deps": [], "index": len(self.dep_groups)})
            self.dep_groups[-1]["deps"].append(dep)

    def _get_local_bundled_dependencies(self):
        by_region = self.run_spec.get("bundledDependsByRegion")
        if by_region is None:
            return self.run_spec.get("bundledDepends", [])
        region = self.job_desc["region"]
        if region not in by_region:
            raise DXExecDependencyError("bundledDependsByRegion has no entry for the job's region %s" % region)
        return by_region[region]

    def log(self, message):
        if self.logger:
            self.logger.info(message)
        else:
            print(message)

    def generate_shellcode(self, dep_group):
        """The shell command installing the packages of *dep_group* (``{"type", "deps"}``)."""
        dep_type, packages = dep_group["type"], dep_group["deps"]
        builder = getattr(self, "_shellcode_" + str(dep_type), None)
        if builder is None:
            raise DXExecDependencyError("Package manager type {pm} not supported".format(pm=dep_type))
        return builder(packages)

    @staticmethod
    def _atoms(packages, version_separator="="):
        return " ".join(str(p["name"]) + (version_separator + str(p["version"]) if "version" in p else "")
                        for p in packages)

    def _shellcode_apt(self, packages):
        install = ('export DEBIAN_FRONTEND=noninteractive && apt-get install --yes --no-install-recommends '
                   '-o Dpkg::Options::="--force-confdef" -o Dpkg::Options::="--force-confold" '
                   + self._atoms(packages))
        # First try the platform's package mirror only; fall back to a full update.
        mirror_update = ("apt-get update -o Dir::Etc::sourcelist=sources.list.d/nucleus.list "
                         "-o Dir::Etc::sourceparts=- -o APT::Get::List-Cleanup=0")
        return ("({upd} && {inst}) || (echo APT failed, retrying with full update against official package "
                "repository; apt-get update && {inst})").format(upd=mirror_update, inst=install)

    def _shellcode_pip(self, packages):
        return "pip install --upgrade " + self._atoms(packages, "==")

    def _shellcode_pip3(self, packages):
        return "pip3 install --upgrade " + self._atoms(packages, "==")

    def _shellcode_gem(self, packages):
        commands = []
        for p in packages:
            command = "gem install " + p["name"]
            if "version" in p:
                command += " --version " + p["version"]
            commands.append(command)
        return " && ".join(commands)

    def _shellcode_cpan(self, packages):
        return "cpanm --notest " + self._atoms(packages, "~")

    def _shellcode_cran(self, packages):
        preamble = ('die <- function() { q(status=1) }; options(error=die); options(warn=2);'
                    'r <- getOption("repos"); r["CRAN"] = "http://cloud.r-project.org"; options(repos=r)')
        commands = []
        for p in packages:
            if "version" in p:
                r_code = 'require(devtools); install_version("{name}", version="{version}")'.format(**p)
            else:
                r_code = 'install.packages("{}")'.format(p["name"])
            commands.append(r_code)
        if any("require(devtools)" in r_code for r_code in commands):
            commands.insert(0, 'install.packages("devtools")')
        return " && ".join("R -e '{}; {}'".format(preamble, r_code) for r_code in commands)

    def _shellcode_git(self, packages):
        import re
        commands = ["apt-get install --yes git make", "export GIT_SSH=dx-git-ssh-helper"]
        for dep in packages:
            build_dir = str(dep.get("destdir", "$(mktemp -d)"))
            url = str(dep["url"])
            checkout_dir = re.search(r"([^/]+)$", url).group(1)
            if checkout_dir.endswith(".git"):
                checkout_dir = checkout_dir[:-len(".git")]
            steps = ["mkdir -p %s" % build_dir, "cd %s" % build_dir, "git clone " + url, "cd '%s'" % checkout_dir]
            if "tag" in dep:
                steps.append("git checkout " + str(dep["tag"]))
            if "build_commands" in dep:
                steps.append(str(dep["build_commands"]))
            commands.append("(" + " && ".join(steps) + ")")
        return " && ".join(commands)

    def run(self, cmd, log_fh=None):
        """Run the shell command *cmd*, its output going to *log_fh* (inherited when None)."""
        import subprocess
        subprocess.check_call(cmd, shell=True, stdout=log_fh, stderr=log_fh)

    def _install_dep_group(self, dep_group):
        import subprocess
        import tempfile
        self.log("Installing {} packages {}".format(dep_group["type"],
                                                    ", ".join(dep["name"] for dep in dep_group["deps"])))
        cmd = self.generate_shellcode(dep_group)
        log_path = os.path.join(tempfile.gettempdir(), "dx_{type}_install_{index}.log".format(**dep_group))
        try:
            with open(log_path, "w") as fh:
                self.run(cmd, log_fh=fh)
        except subprocess.CalledProcessError:
            with open(log_path) as fh:
                sys.stdout.write(fh.read())
            raise DXExecDependencyError("Error while installing {type} packages {names}".format(
                type=dep_group["type"], names=", ".join(dep["name"] for dep in dep_group["deps"])))

    def _install_dep_bundle(self, bundle):
        link = bundle["id"]
        target = link.get("$dnanexus_link", "") if isinstance(link, Mapping) else ""
        if isinstance(target, Mapping):
            target = target.get("id", "")
        if not isinstance(target, str) or not target.startswith("file-"):
            self.log('Skipping bundled dependency "{name}" because it does not refer to a file'.format(**bundle))
            return
        self.log("Downloading bundled file {name}".format(**bundle))
        from ..exceptions import ResourceNotFound
        try:
            dxpy.download_dxfile(link, bundle["name"], project=dxpy.WORKSPACE_ID)
        except ResourceNotFound:
            # Not cloned into the workspace: read it from wherever the link points.
            dxpy.download_dxfile(link, bundle["name"])
        import shlex
        self.run("dx-unpack {}".format(shlex.quote(bundle["name"])))

    def install(self):
        """Install every dependency group, in order; DXExecDependencyError on the first failure."""
        for dep_group in self.dep_groups:
            if dep_group["type"] == "bundle":
                self._install_dep_bundle(dep_group["deps"][0])
            else:
                self._install_dep_group(dep_group)

    def _validate_dependency(self, dep):
        if not isinstance(dep, Mapping) or "name" not in dep:
            raise DXExecDependencyError('Expected field "name" to be present in execution dependency "{}"'
                                        .format(dep))
        if dep.get("package_manager") == "git" and "url" not in dep:
            raise DXExecDependencyError('Execution dependency "{}" does not have a "url" field'.format(dep))

    def _get_dependency_type(self, dep):
        if "id" in dep:
            return "bundle"
        return dep.get("package_manager", "apt")
