"""Where dxpy's configuration variables come from, and how they are saved.

``DXConfig`` merges the configuration directories (global, user, per-shell session) under
the process environment, exports the result into ``os.environ`` so that child processes
inherit it, and keeps the ``dxpy`` module globals in step with it.
"""
import json
import os
import shutil
from collections.abc import MutableMapping

import dxpy
from dxpy import DEFAULT_APISERVER_HOST, DEFAULT_APISERVER_PORT, DEFAULT_APISERVER_PROTOCOL


def _remove_if_present(path):
    try:
        os.remove(path)
    except FileNotFoundError:
        pass


def _write_private_file(path, text):
    """Write *text* to *path*, readable by the owner only (it may hold a token)."""
    _remove_if_present(path)
    with os.fdopen(os.open(path, os.O_CREAT | os.O_WRONLY | os.O_EXCL, 0o600), "w") as fd:
        fd.write(text)


def _parent_pid(pid):
    """The parent of process *pid*, or None when it cannot be known."""
    try:
        with open("/proc/%d/stat" % pid) as fd:
            stat = fd.read()
    except OSError:
        return None
    # The command name (field 2) may contain spaces; fields after it are fixed.
    return int(stat.rsplit(")", 1)[1].split()[1])


def _pid_exists(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    return True


def _parse_legacy_environment(text):
    """Values from the old shell-style ``environment`` file: ``export DX_NAME=value`` lines."""
    import shlex
    values = {}
    for line in text.splitlines():
        line = line.strip()
        if not line.startswith("export "):
            continue
        name, sep, raw = line[len("export "):].partition("=")
        if sep:
            words = shlex.split(raw) if raw else [""]
            values[name.strip()] = words[0] if words else ""
    return values


class DXConfig(MutableMapping):
    """The configuration variables as a mutable mapping, available as ``dxpy.config``.

    Reading a name returns its value in the process environment. Assigning sets the
    environment variable and, for the core variables, updates the ``dxpy`` globals
    (``dxpy.config["DX_APISERVER_HOST"] = "h"`` changes ``dxpy.APISERVER``).
    ``write`` and ``save`` persist values in the user and session directories;
    ``clear`` removes them.
    """

    # DX_WATCH_PORT is read from the environment but, as in dxpy, never saved.
    CORE_VAR_NAMES = {"DX_APISERVER_HOST", "DX_APISERVER_PORT", "DX_APISERVER_PROTOCOL",
                      "DX_PROJECT_CONTEXT_ID", "DX_WORKSPACE_ID", "DX_SECURITY_CONTEXT",
                      "DX_JOB_ID"}
    STANDALONE_VAR_NAMES = {"DX_CLI_WD", "DX_USERNAME", "DX_PROJECT_CONTEXT_NAME"}
    VAR_NAMES = CORE_VAR_NAMES | STANDALONE_VAR_NAMES
    defaults = {
        "DX_SECURITY_CONTEXT": json.dumps({"auth_token": "PUBLIC", "auth_token_type": "Bearer"}),
        "DX_APISERVER_PROTOCOL": DEFAULT_APISERVER_PROTOCOL,
        "DX_APISERVER_HOST": DEFAULT_APISERVER_HOST,
        "DX_APISERVER_PORT": DEFAULT_APISERVER_PORT,
        "DX_CLI_WD": "/",
    }
    _global_conf_dir = "/etc/dnanexus"

    def __init__(self, suppress_warning=False):
        self._warn = not suppress_warning
        self._user_conf_dir = os.path.expanduser(os.environ.get("DX_USER_CONF_DIR", "~/.dnanexus_config"))
        self._remove_dead_sessions()
        # What the process was started with, before saved values join them.
        self._environment_names = frozenset(name for name in self.VAR_NAMES if name in os.environ)
        values = {}
        for directory in (self.get_global_conf_dir(), self.get_user_conf_dir(), self.get_session_conf_dir()):
            values.update(self._read_conf_dir(directory))
        for name, value in values.items():
            if name not in os.environ:
                os.environ[name] = value
        self._sync_dxpy_state()

    def given_in_environment(self, name):
        """Whether *name* was set in the environment this process started with (rather than
        read from a configuration file)."""
        return name in self._environment_names

    # -- where the files are ---------------------------------------------------------------

    def get_global_conf_dir(self):
        return os.environ.get("DX_GLOBAL_CONF_DIR", self._global_conf_dir)

    def get_user_conf_dir(self):
        return self._user_conf_dir

    def get_session_conf_dir(self, cleanup=False):
        """The session directory of the nearest ancestor process that has one, else the
        one the parent process would have."""
        if cleanup:
            self._remove_dead_sessions()
        sessions = os.path.join(self._user_conf_dir, "sessions")
        pid, seen = os.getppid(), 0
        while pid and pid > 1 and seen < 64:
            candidate = os.path.join(sessions, str(pid))
            if os.path.isdir(candidate):
                return candidate
            pid, seen = _parent_pid(pid), seen + 1
        return os.path.join(sessions, str(os.getppid()))

    def _remove_dead_sessions(self):
        # A session directory outlives its shell; a later process with the recycled pid
        # must not inherit it.
        sessions = os.path.join(self._user_conf_dir, "sessions")
        try:
            names = os.listdir(sessions)
        except OSError:
            return
        for name in names:
            if name.isdigit() and not _pid_exists(int(name)):
                shutil.rmtree(os.path.join(sessions, name), ignore_errors=True)

    # -- reading ---------------------------------------------------------------------------

    def _read_conf_dir(self, directory):
        values = {}
        json_path = os.path.join(directory, "environment.json")
        legacy_path = os.path.join(directory, "environment")
        if os.path.exists(json_path):
            values.update(self._read_environment_json(json_path))
        elif os.path.exists(legacy_path):
            try:
                with open(legacy_path) as fd:
                    values.update(_parse_legacy_environment(fd.read()))
            except (OSError, ValueError) as e:
                self._problem(legacy_path, "cannot read %s: %s" % (legacy_path, e))
        for name in self.STANDALONE_VAR_NAMES:
            try:
                with open(os.path.join(directory, name)) as fd:
                    values[name] = fd.read()
            except OSError:
                pass
        return {name: value for name, value in values.items() if name in self.VAR_NAMES}

    def _read_environment_json(self, path):
        try:
            with open(path) as fd:
                data = json.load(fd)
        except (OSError, ValueError) as e:
            self._problem(path, "cannot read configuration file %s: %s" % (path, e))
            return {}
        if not isinstance(data, dict):
            self._problem(path, "configuration file %s must hold a JSON object" % path)
            return {}
        return {name: value if isinstance(value, str) else json.dumps(value)
                for name, value in data.items() if value is not None}

    def _problem(self, source, message):
        dxpy._report_config_problem(source, message, warn=self._warn)

    # -- keeping dxpy's globals in step ----------------------------------------------------

    def _sync_dxpy_state(self):
        env = os.environ
        self._sync_api_server(env)
        dxpy._config_problems.pop("DX_SECURITY_CONTEXT", None)
        if "DX_SECURITY_CONTEXT" in env:
            self._sync_security_context(env["DX_SECURITY_CONTEXT"])
        if "DX_JOB_ID" in env:
            dxpy.set_job_id(env["DX_JOB_ID"])
            dxpy.set_workspace_id(env.get("DX_WORKSPACE_ID"))
        else:
            dxpy.set_job_id(None)
            dxpy.set_workspace_id(env.get("DX_PROJECT_CONTEXT_ID"))
        dxpy.set_project_context(env.get("DX_PROJECT_CONTEXT_ID"))
        dxpy.set_watch_port(env.get("DX_WATCH_PORT"))

    def _sync_api_server(self, env):
        # One call with every usable part: like dxpy, an unset port leaves it out of the URL.
        parts = {}
        for name, key in (("DX_APISERVER_HOST", "host"), ("DX_APISERVER_PORT", "port"),
                          ("DX_APISERVER_PROTOCOL", "protocol")):
            dxpy._config_problems.pop(name, None)
            if name not in env:
                continue
            problem = dxpy._api_server_problem(**{key: env[name]})
            if problem:
                self._problem(name, "%s is not usable: %s" % (name, problem))
            else:
                parts[key] = env[name]
        dxpy.set_api_server_info(**parts)

    def _sync_security_context(self, text):
        try:
            context = json.loads(text)
        except ValueError:
            problem = "it is not valid JSON"
        else:
            problem = dxpy._security_context_problem(context)
        if problem:
            self._problem("DX_SECURITY_CONTEXT", "DX_SECURITY_CONTEXT is not usable: %s" % problem)
        else:
            dxpy.set_security_context(context)

    # -- the mapping -----------------------------------------------------------------------

    def _check_name(self, name):
        if name not in self.VAR_NAMES:
            raise KeyError("%r is not a dxpy configuration variable; known names: %s"
                           % (name, ", ".join(sorted(self.VAR_NAMES))))

    def __getitem__(self, name):
        self._check_name(name)
        return os.environ[name]

    def __setitem__(self, name, value):
        self._check_name(name)
        if value is None:
            value = self.defaults.get(name, "")
        if not isinstance(value, str):
            raise TypeError("dxpy.config[%r] must be a string, not %s" % (name, type(value).__name__))
        os.environ[name] = value
        if name in self.CORE_VAR_NAMES:
            self._sync_dxpy_state()

    def __delitem__(self, name):
        self._check_name(name)
        del os.environ[name]
        if name in self.CORE_VAR_NAMES:
            self._sync_dxpy_state()

    def __iter__(self):
        return iter(sorted(name for name in self.VAR_NAMES if name in os.environ))

    def __len__(self):
        return sum(1 for name in self.VAR_NAMES if name in os.environ)

    def __repr__(self):
        return "<%s.%s: %r>" % (self.__module__, type(self).__name__, dict(self))

    # -- persistence -----------------------------------------------------------------------

    def write(self, item, value):
        self[item] = value
        self.save()

    def save(self):
        self._write_conf_dir(self._user_conf_dir)
        self._write_conf_dir(self.get_session_conf_dir())
        unsetenv = os.path.join(self._user_conf_dir, "unsetenv")
        if not os.path.exists(unsetenv):
            with open(unsetenv, "w") as fd:
                fd.writelines("unset %s\n" % name for name in sorted(self.CORE_VAR_NAMES))

    def _write_conf_dir(self, directory):
        os.makedirs(directory, mode=0o700, exist_ok=True)
        os.chmod(directory, 0o700)
        saved = {name: self.get(name, self.defaults.get(name)) for name in self}
        _write_private_file(os.path.join(directory, "environment.json"), json.dumps(saved, indent=4) + "\n")
        for name in self.STANDALONE_VAR_NAMES:
            _write_private_file(os.path.join(directory, name), self.get(name, self.defaults.get(name, "")))

    def clear(self, reset=False):
        shutil.rmtree(self.get_session_conf_dir(), ignore_errors=True)
        for name in ["environment", "environment.json"] + sorted(self.STANDALONE_VAR_NAMES):
            _remove_if_present(os.path.join(self._user_conf_dir, name))
        if reset:
            for name in self.VAR_NAMES:
                self[name] = self.defaults.get(name, "")
            self.save()


# Helpers dxpy's config module happens to expose; loaded on first use to keep `import dxpy` cheap.
_BORROWED = {"fill": "dxpy.utils.printing", "format_exception": "dxpy.exceptions", "warn": "dxpy.utils"}


def __getattr__(name):
    if name in _BORROWED:
        import importlib
        return getattr(importlib.import_module(_BORROWED[name]), name)
    raise AttributeError("module %r has no attribute %r" % (__name__, name))
