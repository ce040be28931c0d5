"""Configuration loaded at ``import dxpy``: sources, priorities, ``dxpy.config`` and bad input.

Configuration is read when the package is imported, so each test imports dxpy in a fresh
interpreter with a controlled environment (see ``run_dxpy``): an empty temporary HOME, the
user and global configuration directories inside ``tmp_path`` and no inherited ``DX_*``
variables. The child reports what it saw as JSON.
"""
import json
import os
import stat
import subprocess
import sys
from itertools import combinations

import pytest
from loopback import reply, unused_port

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MARK = "@@dxpy-state@@"
CONTEXT = {"auth_token": "token-from-test", "auth_token_type": "Bearer"}

# Runs in the child before the test's own code; the test's code may add to `out`.
PRELUDE = """
import json, os, sys
import dxpy

GLOBALS = ['APISERVER_PROTOCOL', 'APISERVER_HOST', 'APISERVER_PORT', 'APISERVER',
           'SECURITY_CONTEXT', 'JOB_ID', 'WORKSPACE_ID', 'PROJECT_CONTEXT_ID', 'WATCH_PORT',
           'USER_AGENT', 'API_VERSION', 'DEFAULT_RETRIES', 'DEFAULT_TIMEOUT', 'TOOLKIT_VERSION']

def state():
    s = {name: getattr(dxpy, name) for name in GLOBALS}
    s['AUTH_HELPER'] = dxpy.AUTH_HELPER is not None
    s['environ'] = {k: v for k, v in os.environ.items() if k.startswith('DX_')}
    return s

out = {'import': state()}
"""
EPILOGUE = "\nprint(%r + json.dumps(out))\n" % MARK

# Starts the dxpy child from an intermediate process, so that the test process is its
# grandparent. With an argument, the intermediate first gets its own session directory.
RELAY = """
import json, os, subprocess, sys
host = sys.argv[1]
if host:
    own = os.path.join(os.environ['DX_USER_CONF_DIR'], 'sessions', str(os.getpid()))
    os.makedirs(own)
    with open(os.path.join(own, 'environment.json'), 'w') as fd:
        json.dump({'DX_APISERVER_HOST': host}, fd)
sys.exit(subprocess.call(sys.argv[2:]))
"""


class Child(object):
    def __init__(self, proc):
        self.returncode, self.stderr = proc.returncode, proc.stderr
        lines = [ln for ln in proc.stdout.splitlines() if ln.startswith(MARK)]
        assert proc.returncode == 0 and lines, "child failed:\n" + proc.stdout + proc.stderr
        self.out = json.loads(lines[-1][len(MARK):])
        self.state = self.out["import"]


def conf_dirs(tmp_path):
    user = tmp_path / "user"
    return {"user": user, "global": tmp_path / "global", "session": user / "sessions" / str(os.getpid())}


def write_files(directory, files):
    """Create *directory* with *files* ({name: text, or a dict saved as JSON})."""
    directory.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        text = content if isinstance(content, str) else json.dumps(content)
        (directory / name).write_text(text)


def run_dxpy(tmp_path, code="", env=None, relay=None, args=(), **files):
    """Import dxpy in a fresh interpreter, run *code* after it, and return a ``Child``.

    *env* adds variables to (or, with None, removes them from) the clean environment;
    keyword arguments ``user``, ``session`` and ``global_`` give the files of the
    configuration directories. The session directory belongs to this process, the parent
    of the child; with *relay* (see RELAY) it is the grandparent. *args* become the
    child's ``sys.argv[1:]``.
    """
    dirs = conf_dirs(tmp_path)
    (tmp_path / "home").mkdir(exist_ok=True)
    full_env = {k: v for k, v in os.environ.items() if not k.startswith(("DX_", "_DX_"))}
    full_env.update(HOME=str(tmp_path / "home"), PYTHONPATH=REPO,
                    DX_USER_CONF_DIR=str(dirs["user"]), DX_GLOBAL_CONF_DIR=str(dirs["global"]))
    for name, value in (env or {}).items():
        if value is None:
            full_env.pop(name, None)
        else:
            full_env[name] = value
    for level, level_files in files.items():
        write_files(dirs[level.rstrip("_")], level_files)
    argv = [sys.executable, "-c", PRELUDE + code + EPILOGUE] + list(args)
    if relay is not None:
        argv = [sys.executable, "-c", RELAY, relay] + argv
    proc = subprocess.run(argv, env=full_env, cwd=REPO, timeout=60, universal_newlines=True,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    return Child(proc)


# -- defaults ---------------------------------------------------------------------------------

def test_defaults_with_nothing_configured(tmp_path):
    code = "import dxpy.toolkit_version\nout['version'] = dxpy.toolkit_version.version"
    out = run_dxpy(tmp_path, code).out
    s = out["import"]
    assert (s["APISERVER_PROTOCOL"], s["APISERVER_HOST"], s["APISERVER_PORT"]) == \
        ("https", "api.dnanexus.com", "443")
    # As in dxpy 0.417.1: no port configured, none in the URL.
    assert s["APISERVER"] == "https://api.dnanexus.com"
    assert s["SECURITY_CONTEXT"] is None and s["AUTH_HELPER"] is False
    assert s["JOB_ID"] is s["WORKSPACE_ID"] is s["PROJECT_CONTEXT_ID"] is s["WATCH_PORT"] is None
    assert s["API_VERSION"] == "1.0.0"
    assert (s["DEFAULT_RETRIES"], s["DEFAULT_TIMEOUT"]) == (6, 905)
    assert s["TOOLKIT_VERSION"] == out["version"]
    assert s["USER_AGENT"].startswith("dxpy/" + out["version"])


# -- sources and their priority ---------------------------------------------------------------

LEVELS = ["env", "session", "user", "global_"]  # highest priority first


def configure(level, values):
    """run_dxpy keyword arguments that put *values* at *level*."""
    if level == "env":
        return {"env": values}
    return {level: {"environment.json": values}}


@pytest.mark.parametrize("level", LEVELS)
def test_each_level_beats_the_defaults_and_is_exported(tmp_path, level):
    values = {"DX_APISERVER_PROTOCOL": "http", "DX_APISERVER_HOST": "level.example",
              "DX_APISERVER_PORT": "8080", "DX_SECURITY_CONTEXT": json.dumps(CONTEXT),
              "DX_PROJECT_CONTEXT_ID": "project-0000000000000000000000pc"}
    s = run_dxpy(tmp_path, **configure(level, values)).state
    assert s["APISERVER"] == "http://level.example:8080"
    assert s["APISERVER_PORT"] == "8080"
    assert s["SECURITY_CONTEXT"] == CONTEXT and s["AUTH_HELPER"] is True
    assert s["PROJECT_CONTEXT_ID"] == "project-0000000000000000000000pc"
    for name, value in values.items():
        assert s["environ"][name] == value


@pytest.mark.parametrize("higher, lower", list(combinations(LEVELS, 2)))
def test_higher_level_wins(tmp_path, higher, lower):
    kwargs = configure(lower, {"DX_APISERVER_HOST": "lower.example", "DX_USERNAME": "from-lower"})
    kwargs.update(configure(higher, {"DX_APISERVER_HOST": "higher.example"}))
    s = run_dxpy(tmp_path, **kwargs).state
    assert s["APISERVER_HOST"] == "higher.example"
    assert s["environ"]["DX_APISERVER_HOST"] == "higher.example"
    # Levels merge variable by variable: what the higher level leaves unset comes from below.
    assert s["environ"]["DX_USERNAME"] == "from-lower"


def test_default_user_dir_is_under_home(tmp_path):
    home_conf = tmp_path / "home" / ".dnanexus_config"
    write_files(home_conf, {"environment.json": {"DX_APISERVER_HOST": "home.example"}})
    s = run_dxpy(tmp_path, env={"DX_USER_CONF_DIR": None}).state
    assert s["APISERVER_HOST"] == "home.example"


@pytest.mark.parametrize("own_session, expected", [("", "grandparent.example"),
                                                   ("parent.example", "parent.example")])
def test_session_of_nearest_ancestor_is_used(tmp_path, own_session, expected):
    s = run_dxpy(tmp_path, relay=own_session,
                 session={"environment.json": {"DX_APISERVER_HOST": "grandparent.example"}},
                 user={"environment.json": {"DX_APISERVER_HOST": "user.example"}}).state
    assert s["APISERVER_HOST"] == expected


@pytest.mark.parametrize("level", ["session", "user", "global_"])
def test_standalone_files(tmp_path, level):
    files = {"DX_CLI_WD": "/some dir/", "DX_USERNAME": "alice", "DX_PROJECT_CONTEXT_NAME": "My project"}
    environ = run_dxpy(tmp_path, **{level: files}).state["environ"]
    for name, value in files.items():
        assert environ[name] == value


LEGACY = """\
# written by an old dx
export DX_APISERVER_HOST=legacy.example
export DX_APISERVER_PORT=8443
export DX_SECURITY_CONTEXT='{"auth_token":"x","auth_token_type":"Bearer"}'
export DX_PROJECT_CONTEXT_NAME="name with spaces"
"""


@pytest.mark.parametrize("level", ["user", "global_"])
def test_legacy_environment_file_without_environment_json(tmp_path, level):
    s = run_dxpy(tmp_path, **{level: {"environment": LEGACY}}).state
    assert (s["APISERVER_HOST"], s["APISERVER_PORT"]) == ("legacy.example", "8443")
    assert s["SECURITY_CONTEXT"] == {"auth_token": "x", "auth_token_type": "Bearer"}
    assert s["environ"]["DX_PROJECT_CONTEXT_NAME"] == "name with spaces"


def test_legacy_environment_file_ignored_next_to_environment_json(tmp_path):
    files = {"environment": LEGACY, "environment.json": {"DX_APISERVER_PORT": "9000"}}
    s = run_dxpy(tmp_path, user=files).state
    assert (s["APISERVER_HOST"], s["APISERVER_PORT"]) == ("api.dnanexus.com", "9000")
    assert s["SECURITY_CONTEXT"] is None


# -- job and workspace ------------------------------------------------------------------------

@pytest.mark.parametrize("job_id, workspace", [
    ("job-0000000000000000000000jb", "container-0000000000000000000000ws"),
    (None, "project-0000000000000000000000pc"),
])
def test_workspace_is_the_container_inside_a_job_else_the_project(tmp_path, job_id, workspace):
    env = {"DX_JOB_ID": job_id, "DX_WORKSPACE_ID": "container-0000000000000000000000ws",
           "DX_PROJECT_CONTEXT_ID": "project-0000000000000000000000pc", "DX_WATCH_PORT": "8090"}
    s = run_dxpy(tmp_path, env=env).state
    assert s["JOB_ID"] == job_id
    assert s["WORKSPACE_ID"] == workspace
    assert s["PROJECT_CONTEXT_ID"] == "project-0000000000000000000000pc"
    assert s["WATCH_PORT"] == "8090"


# -- dxpy.config ------------------------------------------------------------------------------

def test_config_is_a_mapping_over_the_variables(tmp_path):
    code = """
from collections.abc import MutableMapping
import dxpy.utils.config
out['is_dxconfig'] = (isinstance(dxpy.config, MutableMapping)
                     and type(dxpy.config) is dxpy.utils.config.DXConfig)
out['host'] = dxpy.config['DX_APISERVER_HOST']
try:
    dxpy.config['DX_NO_SUCH_VARIABLE']
except KeyError:
    out['unknown'] = 'KeyError'
out['names'] = list(dxpy.config)
out['len'] = len(dxpy.config)
out['items'] = dict(dxpy.config)
"""
    out = run_dxpy(tmp_path, code, env={"DX_APISERVER_HOST": "env.example", "DX_USERNAME": "alice"}).out
    assert out["is_dxconfig"] is True
    assert out["host"] == "env.example"
    assert out["unknown"] == "KeyError"
    assert {"DX_APISERVER_HOST", "DX_USERNAME"} <= set(out["names"])
    assert not {"DX_USER_CONF_DIR", "DX_GLOBAL_CONF_DIR"} & set(out["names"])
    assert out["len"] == len(out["names"])
    assert out["items"] == {name: out["import"]["environ"][name] for name in out["names"]}


def test_assigning_and_deleting_resyncs_the_globals(tmp_path):
    code = """
dxpy.config['DX_APISERVER_HOST'] = 'assigned.example'
dxpy.config['DX_SECURITY_CONTEXT'] = json.dumps({'auth_token': 'assigned', 'auth_token_type': 'Bearer'})
out['assigned'] = state()
del dxpy.config['DX_PROJECT_CONTEXT_ID']
out['deleted'] = state()
out['names'] = list(dxpy.config)
"""
    env = {"DX_APISERVER_PORT": "8443", "DX_PROJECT_CONTEXT_ID": "project-0000000000000000000000pc"}
    out = run_dxpy(tmp_path, code, env=env).out
    assigned = out["assigned"]
    assert assigned["APISERVER_HOST"] == assigned["environ"]["DX_APISERVER_HOST"] == "assigned.example"
    assert assigned["APISERVER"] == "https://assigned.example:8443"
    assert assigned["SECURITY_CONTEXT"] == {"auth_token": "assigned", "auth_token_type": "Bearer"}
    assert assigned["AUTH_HELPER"] is True
    assert assigned["WORKSPACE_ID"] == "project-0000000000000000000000pc"
    deleted = out["deleted"]
    assert "DX_PROJECT_CONTEXT_ID" not in deleted["environ"]
    assert "DX_PROJECT_CONTEXT_ID" not in out["names"]
    assert deleted["PROJECT_CONTEXT_ID"] is None and deleted["WORKSPACE_ID"] is None


def mode(path):
    return stat.S_IMODE(os.stat(str(path)).st_mode)


def test_save_writes_private_files_in_user_and_session_dirs(tmp_path):
    run_dxpy(tmp_path, "dxpy.config.save()", env={"DX_APISERVER_HOST": "saved.example"})
    for directory in (conf_dirs(tmp_path)["user"], conf_dirs(tmp_path)["session"]):
        saved = directory / "environment.json"
        assert json.loads(saved.read_text())["DX_APISERVER_HOST"] == "saved.example"
        assert mode(saved) == 0o600
        assert mode(directory) == 0o700


def test_write_assigns_saves_and_is_read_back(tmp_path):
    first = run_dxpy(tmp_path, "dxpy.config.write('DX_APISERVER_HOST', 'written.example')").out
    assert first["import"]["APISERVER_HOST"] == "api.dnanexus.com"
    saved = json.loads((conf_dirs(tmp_path)["user"] / "environment.json").read_text())
    assert saved["DX_APISERVER_HOST"] == "written.example"
    assert run_dxpy(tmp_path).state["APISERVER_HOST"] == "written.example"


def test_config_tells_the_environment_from_saved_values(tmp_path):
    code = ("out['given'] = {name: dxpy.config.given_in_environment(name)"
            " for name in ('DX_APISERVER_HOST', 'DX_APISERVER_PORT', 'DX_CLI_WD')}")
    out = run_dxpy(tmp_path, code, env={"DX_APISERVER_HOST": "env.example"},
                   user={"environment.json": {"DX_APISERVER_PORT": "9000"}}).out
    assert out["given"] == {"DX_APISERVER_HOST": True, "DX_APISERVER_PORT": False, "DX_CLI_WD": False}


def test_clear_removes_saved_files(tmp_path):
    dirs = conf_dirs(tmp_path)
    user = {"environment.json": {"DX_APISERVER_HOST": "user.example"}, "environment": LEGACY,
            "DX_USERNAME": "alice"}
    session = {"environment.json": {"DX_APISERVER_HOST": "session.example"}}
    run_dxpy(tmp_path, "dxpy.config.clear()", user=user, session=session)
    for name in ("environment.json", "environment", "DX_USERNAME"):
        assert not (dirs["user"] / name).exists()
    assert not dirs["session"].exists()
    s = run_dxpy(tmp_path).state
    assert s["APISERVER_HOST"] == "api.dnanexus.com" and "DX_USERNAME" not in s["environ"]


def test_clear_with_reset_restores_defaults(tmp_path):
    code = """
dxpy.config.clear(reset=True)
out['reset'] = state()
out['host'] = dxpy.config['DX_APISERVER_HOST']
"""
    files = {"environment.json": {"DX_APISERVER_PROTOCOL": "http", "DX_APISERVER_HOST": "user.example",
                                  "DX_APISERVER_PORT": "8080"}}
    out = run_dxpy(tmp_path, code, user=files).out
    for when, expected in (("import", ("http", "user.example", "8080")),
                           ("reset", ("https", "api.dnanexus.com", "443"))):
        s = out[when]
        assert (s["APISERVER_PROTOCOL"], s["APISERVER_HOST"], s["APISERVER_PORT"]) == expected
    assert out["host"] == "api.dnanexus.com"
    assert run_dxpy(tmp_path).state["APISERVER_HOST"] == "api.dnanexus.com"


# -- bad input --------------------------------------------------------------------------------

REQUEST = """
try:
    # max_retries=0: a request that wrongly got as far as the network fails fast.
    dxpy.DXHTTPRequest('/system/whoami', {}, max_retries=0)
    out['error'] = None
except dxpy.exceptions.DXError as e:
    out['error'] = str(e)
"""
BAD_INPUTS = [
    # environment, user directory files, what the warning and the error must name
    pytest.param({"DX_SECURITY_CONTEXT": "{not json"}, {}, "DX_SECURITY_CONTEXT",
                 id="context-not-json"),
    pytest.param({"DX_SECURITY_CONTEXT": '["auth_token"]'}, {}, "DX_SECURITY_CONTEXT",
                 id="context-not-object"),
    pytest.param({}, {"environment.json": '{"DX_APISERVER_HOST": '}, "environment.json",
                 id="environment-json"),
    pytest.param({"DX_APISERVER_PORT": "eighty"}, {}, "DX_APISERVER_PORT",
                 id="port-not-numeric"),
]


def bad_env(env):
    """*env* on top of an API server address where nothing listens."""
    server = {"DX_APISERVER_PROTOCOL": "http", "DX_APISERVER_HOST": "127.0.0.1",
              "DX_APISERVER_PORT": str(unused_port())}
    server.update(env)
    return server


@pytest.mark.parametrize("env, user_files, culprit", BAD_INPUTS)
def test_bad_configuration_fails_the_first_request_not_the_import(tmp_path, env, user_files, culprit):
    child = run_dxpy(tmp_path, REQUEST, env=bad_env(env), user=user_files)
    assert child.returncode == 0
    assert culprit in child.stderr
    assert child.out["error"] is not None and culprit in child.out["error"]


@pytest.mark.parametrize("env, user_files, culprit", BAD_INPUTS)
def test_setters_replace_bad_configuration(tmp_path, make_server, env, user_files, culprit):
    code = """
dxpy.set_security_context({'auth_token': 'fixed', 'auth_token_type': 'Bearer'})
dxpy.set_api_server_info(host='127.0.0.1', port=int(sys.argv[1]), protocol='http')
out['reply'] = dxpy.DXHTTPRequest('/system/whoami', {})
"""
    server = make_server(default=reply(json={"id": "user-fixed"}))
    child = run_dxpy(tmp_path, code, args=[str(server.port)], env=bad_env(env), user=user_files)
    assert child.out["reply"] == {"id": "user-fixed"}
    [request] = server.requests
    assert (request.path, request.headers["Authorization"]) == ("/system/whoami", "Bearer fixed")
