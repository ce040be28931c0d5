"""dx login, logout, exit, whoami, env, setenv, clearenv, select, cd and pwd, compared with the
reference dx: what they print, how they fail, and the configuration files they leave behind
(~/.dnanexus_config and the per-shell session directory sessions/<parent pid>: both clients
are children of this pytest process, each with a HOME of its own)."""
import hashlib
import inspect
import json
import os
import stat
import subprocess
import sys
import time
import uuid

import pytest

from dx_cli import REPO, normalize
from loopback import ForwardingProxy

SURFACE = os.path.join(os.path.dirname(REPO), "shared", "reference", "dxpy-0.417.1-surface.json")
NO_PROJECT = {"DX_PROJECT_CONTEXT_ID": None}
NOT_LOGGED_IN = {"DX_SECURITY_CONTEXT": None}
reference = pytest.mark.reference


# -- helpers ----------------------------------------------------------------------------------------

def conf_dir(client):
    return client.home / ".dnanexus_config"


def session_dir(client):
    """Where dx keeps this shell's session: keyed by the pid of dx's parent, this process."""
    return conf_dir(client) / "sessions" / str(os.getpid())


def saved_files(client):
    """{path under ~/.dnanexus_config: (mode, content)}; environment.json parsed, IDs and the
    emulator port made alike, the session directory named <session>."""
    found = {}
    root = conf_dir(client)
    for path in sorted(root.rglob("*")):
        name = str(path.relative_to(root)).replace(str(os.getpid()), "<session>")
        mode = stat.S_IMODE(path.stat().st_mode)
        if path.is_dir():
            found[name + "/"] = (oct(mode), None)
            continue
        text = mask_token(client, normalize(path.read_text(), [client.home]))
        if path.name == "environment.json":
            text = json.loads(text)
        elif path.name == "unsetenv":  # dxpy writes its lines in no particular order
            text = sorted(text.splitlines())
        found[name] = (oct(mode), text)
    return found


def mask_token(client, text):
    """*text* with the token of the client's own user (see ``users``) shown as <token>."""
    token = getattr(client, "token", None)
    return text.replace(token, "<token>") if token else text


def assert_same_for_users(users, *words, **kwargs):
    """``assert_same`` for clients logged in as different users; this one's result."""
    ref, this = ([mask_token(client, part) if isinstance(part, str) else part for part in result]
                 for client, result in zip(users.clients, users.outputs(*words, **kwargs)))
    assert this == ref, "dx %s differs\n--- reference\n%s\n--- this\n%s" % (" ".join(words), ref, this)
    return this


def saved(client, name):
    """The value of *name* in the user's environment.json (None when absent)."""
    path = conf_dir(client) / "environment.json"
    return json.loads(path.read_text()).get(name) if path.exists() else None


def assert_same_files(twins):
    ref, this = (saved_files(client) for client in twins.clients)
    assert this == ref


def words(text):
    """*text* with every run of white space made one space (for wrapped lines)."""
    return " ".join(text.split())


def unwrapped(text, client):
    """*text* without any white space, the client's home shown as <HOME>."""
    return "".join(text.split()).replace("".join(str(client.home).split()), "<HOME>")


def assert_same_stdout_unwrapped(twins, *words, **kwargs):
    """Same exit code and stdout but for white space: for messages naming the home directory
    (longer for this client), which fill() cuts anywhere. This client's result."""
    ref, this = (client.run(*words, **kwargs) for client in twins.clients)
    assert (this.returncode, unwrapped(this.stdout, twins.this)) == (ref.returncode, unwrapped(ref.stdout, twins.ref))
    return this


def last_line(text):
    return text.strip().splitlines()[-1] if text.strip() else ""


def security_context(token):
    return json.dumps({"auth_token": token, "auth_token_type": "Bearer"})


@pytest.fixture
def users(twins, cli_emulator):
    """Each client logged in as a new user of its own, with a project "dx-compare" (current)
    and others made by ``make(name)``: lists of projects show the same for both."""
    for client in twins.clients:
        client.user, client.token = cli_emulator.add_user("u" + uuid.uuid4().hex[:12])
        client.env["DX_SECURITY_CONTEXT"] = security_context(client.token)
        client.project = new_project(cli_emulator, client, "dx-compare")
        client.env["DX_PROJECT_CONTEXT_ID"] = client.project
    return twins


def new_project(emulator, client, name, **fields):
    fields["name"] = name
    return emulator.platform.call(client.user, "/project/new", fields)["id"]


def make_projects(emulator, twins, *names):
    """Projects *names* for each client's user, each a millisecond newer than the one before:
    project lists come newest first, and for both clients in the same order."""
    for name in names:
        time.sleep(0.002)
        for client in twins.clients:
            new_project(emulator, client, name)


def make_folders(emulator, twins, *folders):
    for client in twins.clients:
        for folder in folders:
            emulator.platform.call(client.user, "/%s/newFolder" % client.project, {"folder": folder, "parents": True})


# -- the interface ----------------------------------------------------------------------------------

_COMMANDS = ["login", "logout", "exit", "whoami", "env", "setenv", "clearenv", "select", "cd", "pwd"]
# Each option of each command as [flags, dest, default, nargs, choices, type, metavar, action class].
_DUMP_OPTIONS = """
import json, sys
try:
    from dxpy.cli import registry
    registry.build_parser()
    parser_map = registry.parser_map
except ImportError:  # dxpy 0.417.1 builds them at import
    import dxpy.scripts.dx
    parser_map = dxpy.scripts.dx.parser_map
print(json.dumps({name: sorted([[a.option_strings, a.dest, repr(a.default), repr(a.nargs), a.choices,
                                 getattr(a.type, "__name__", None), a.metavar, type(a).__name__]
                                for a in parser_map[name]._actions], key=repr) for name in sys.argv[1:]}))
"""


def command_options(python, pythonpath):
    environment = dict(os.environ, PYTHONPATH=pythonpath)
    result = subprocess.run([python, "-c", _DUMP_OPTIONS] + _COMMANDS, stdout=subprocess.PIPE,
                            universal_newlines=True, env=environment, check=True, timeout=120)
    return json.loads(result.stdout)


@reference
def test_options_are_dxpys(reference_python):
    """Option names, destinations, defaults, nargs, choices, types and metavars as in dxpy."""
    ours, ref = command_options(sys.executable, REPO), command_options(reference_python, "")
    for name in _COMMANDS:
        assert ours[name] == ref[name], name


def test_dx_exports_the_session_functions_with_dxpys_signatures():
    import dxpy.scripts.dx as dx
    with open(SURFACE) as fd:
        surface = json.load(fd)["modules"]["dxpy.scripts.dx"]
    for name in ["login", "logout", "whoami", "env", "setenv", "clearenv", "select", "cd", "pwd", "exit_shell",
                 "get_pwd", "set_api", "set_project", "set_wd", "pick_and_set_project", "prompt_for_env_var"]:
        assert str(inspect.signature(getattr(dx, name))) == surface[name]["signature"], name
    assert {"interactive", "currentproj", "colors", "delimiter"} <= set(dx.state)
    assert issubclass(dx.SetStagingEnv, __import__("argparse").Action)


# -- env, whoami, exit ------------------------------------------------------------------------------


@pytest.mark.parametrize("words", [["env"], ["env", "--bash"], ["env", "--dx-flags"], ["whoami"],
                                   ["whoami", "--id"], ["exit"]])
@reference
def test_reports_of_the_session(twins, words):
    twins.assert_same(*words)


@reference
@pytest.mark.parametrize("words", [["env"], ["env", "--bash"], ["env", "--dx-flags"], ["whoami"], ["logout"]])
def test_without_a_token(twins, words):
    code, out, err = twins.assert_same(*words, env=NOT_LOGGED_IN)
    if words[0] == "whoami":
        assert (code, err) == (3, 'You are not logged in; run "dx login" to obtain a token.\n')
    for client in twins.clients:
        assert not conf_dir(client).exists()


@reference
def test_whoami_with_an_unknown_token(twins):
    code, _, err = twins.assert_same("whoami", "--auth-token", "no-such-token")
    assert code == 3 and err.startswith("dxpy.exceptions.InvalidAuthentication: The token could not be found")


# -- cd, pwd, select --------------------------------------------------------------------------------

@reference
def test_cd_pwd_select_across_invocations(users, cli_emulator):
    """Each command a process of its own: the project and folder carry over in the saved session."""
    make_folders(cli_emulator, users, "/data/sub", "/other")
    make_projects(cli_emulator, users, "second")
    steps = [["pwd"], ["select", "dx-compare"], ["pwd"], ["cd", "data"], ["pwd"], ["cd", "sub"], ["pwd"],
             ["cd", ".."], ["pwd"], ["cd", "../other"], ["pwd"], ["cd"], ["pwd"], ["cd", "second:"], ["pwd"],
             ["env"], ["select", "{project}"], ["pwd"], ["cd", "dx-compare:/data/sub"], ["pwd"], ["env"]]
    codes = [assert_same_for_users(users, *words, env=NO_PROJECT)[0] for words in steps]
    assert codes == [3] + [0] * (len(steps) - 1)
    assert_same_files(users)
    for client in users.clients:
        assert saved(client, "DX_PROJECT_CONTEXT_ID") == client.project
        assert (session_dir(client) / "DX_CLI_WD").read_text() == "/data/sub"
        assert (session_dir(client) / "DX_PROJECT_CONTEXT_NAME").read_text() == "dx-compare"


@reference
def test_session_files_are_private(twins):
    twins.assert_same("cd", "/", env={"DX_WATCH_PORT": "8090"})  # read, never saved
    assert_same_files(twins)
    for client in twins.clients:
        for directory in (conf_dir(client), session_dir(client)):
            assert stat.S_IMODE(directory.stat().st_mode) == 0o700
            for name in ("environment.json", "DX_CLI_WD", "DX_USERNAME", "DX_PROJECT_CONTEXT_NAME"):
                assert stat.S_IMODE((directory / name).stat().st_mode) == 0o600


@pytest.mark.parametrize("words", [["cd", "/nosuch"], ["cd", "nosuch"], ["cd", "nosuchproject:"],
                                   ["cd", "nosuchproject:/x"], ["select", "nosuchproject"],
                                   ["cd", "project-000000000000000000000000:"],
                                   ["select", "--auth-token", "no-such-token"]])
@reference
def test_cd_and_select_errors(twins, words):
    """Nothing is saved, except (as dxpy does) the project of a folder that is not there."""
    code, _, err = twins.assert_same(*words)
    assert code == 3 and err
    assert_same_files(twins)
    for client in twins.clients:
        assert conf_dir(client).exists() == (words[1] in ("/nosuch", "nosuch"))
        assert not (conf_dir(client) / "DX_CLI_WD").exists() or (conf_dir(client) / "DX_CLI_WD").read_text() == "/"


@reference
@pytest.mark.parametrize("words", [["pwd"], ["cd", "/"], ["cd", "x"]])
def test_without_a_current_project(twins, words):
    code, _, _ = twins.assert_same(*words, env=NO_PROJECT)
    assert code == 3


@reference
def test_pwd_of_a_project_one_cannot_see(twins, cli_emulator):
    _, token = cli_emulator.add_user("u" + uuid.uuid4().hex[:12])
    code, _, err = twins.assert_same("pwd", "--auth-token", token)
    assert (code, err) == (3, "Current project is not set\n")


@reference
def test_select_from_the_list(users, cli_emulator):
    make_projects(cli_emulator, users, "alpha", "beta")
    code, out, _ = users.assert_same("select", stdin="1\n", env=NO_PROJECT)
    assert code == 0 and "Available projects (CONTRIBUTE or higher):" in out and "Setting current project to: " in out
    users.assert_same("pwd", env=NO_PROJECT)
    assert_same_files(users)
    # the current project is the default answer
    users.assert_same("select", stdin="\n", env=NO_PROJECT)
    assert_same_for_users(users, "env", env=NO_PROJECT)


@pytest.mark.parametrize("words", [["--name", "b*"], ["--level", "VIEW"], ["--level", "ADMINISTER", "--name", "nope"],
                                   ["--public"]])
@reference
def test_select_options(users, cli_emulator, words):
    make_projects(cli_emulator, users, "alpha", "beta", "bravo")
    users.assert_same("select", *words, stdin="0\n")


@reference
def test_select_pages_through_many_projects(users, cli_emulator):
    make_projects(cli_emulator, users, *["p%02d" % n for n in range(11)])
    code, out, _ = users.assert_same("select", stdin="m\n1\n")
    assert code == 0 and "m) More options not shown..." in out
    users.assert_same("select", stdin="m\nm\n0\n")


@reference
def test_select_more_after_the_last_page(users, cli_emulator):
    make_projects(cli_emulator, users, *["p%02d" % n for n in range(9)])  # ten with dx-compare
    code, _, err = users.assert_same("select", stdin="m\n")
    assert (code, err) == (3, "No projects left to choose from.\n")


@reference
def test_select_public(users, cli_emulator):
    """A project some other user made public: the same for both clients."""
    owner, _ = cli_emulator.add_user("u" + uuid.uuid4().hex[:12])
    public = cli_emulator.platform.call(owner, "/project/new", {"name": "open data"})["id"]
    cli_emulator.platform.call(owner, "/%s/invite" % public, {"invitee": "PUBLIC", "level": "VIEW"})
    code, out, _ = users.assert_same("select", "--public", stdin="")
    assert (code, out) == (0, "\nAvailable public projects:\nSetting current project to: open data\n")
    users.assert_same("pwd")
    users.assert_same("select", "--level", "VIEW", stdin="0\n")


@reference
def test_select_a_project_of_someone_else(twins, cli_emulator):
    owner, _ = cli_emulator.add_user("u" + uuid.uuid4().hex[:12])
    hidden = cli_emulator.platform.call(owner, "/project/new", {"name": "private"})["id"]
    code, _, err = twins.assert_same("select", hidden)
    assert code == 3 and err
    for client in twins.clients:
        assert not conf_dir(client).exists()


@reference
def test_select_at_the_end_of_input(users, cli_emulator):
    """dxpy prints a traceback; this dx only the error's line, with the same exit code."""
    make_projects(cli_emulator, users, "alpha")
    (ref_code, ref_out, ref_err), (code, out, err) = users.outputs("select", stdin="")
    assert (code, out) == (ref_code, ref_out) == (1, out)
    assert err == "EOFError: EOF when reading a line\n" == last_line(ref_err) + "\n"
    for client in users.clients:
        assert not conf_dir(client).exists()


# -- setenv, clearenv -------------------------------------------------------------------------------

@reference
def test_setenv_takes_the_answers_or_the_current_values(twins):
    twins.assert_same("setenv", "--noprojects", stdin="\n\n\n")
    assert_same_files(twins)
    twins.assert_same("setenv", "--noprojects", stdin="https\nexample.org\n8443\n", env={"DX_APISERVER_HOST": None})
    assert_same_files(twins)
    for client in twins.clients:
        assert (saved(client, "DX_APISERVER_PROTOCOL"), saved(client, "DX_APISERVER_PORT")) == ("https", "8443")


@reference
def test_setenv_then_a_project(users, cli_emulator):
    make_projects(cli_emulator, users, "alpha")
    users.assert_same("setenv", stdin="\n\n\n0\n", env=NO_PROJECT)
    assert_same_files(users)


@reference
def test_setenv_current_saves_what_is_in_use(twins):
    twins.assert_same("setenv", "--current", "--noprojects")
    assert_same_files(twins)


@reference
def test_setenv_at_the_end_of_input(twins):
    code, _, err = twins.assert_same("setenv", "--noprojects", stdin="")
    assert (code, err) == (3, "dxpy.exceptions.DXCLIError: Error setting up API variables\n")
    for client in twins.clients:
        assert not conf_dir(client).exists()


@reference
def test_clearenv_removes_the_saved_settings(twins):
    twins.assert_same("cd", "/")
    twins.assert_same("clearenv")
    assert_same_files(twins)
    for client in twins.clients:
        assert not (conf_dir(client) / "environment.json").exists() and not session_dir(client).exists()
    twins.assert_same("clearenv")


@reference
def test_clearenv_reset_saves_empty_values(twins):
    twins.assert_same("clearenv", "--reset")
    assert_same_files(twins)
    twins.assert_same("env")
    twins.assert_same("pwd")


# -- login ------------------------------------------------------------------------------------------

def emulator_host_options(emulator):
    return ["--host", emulator.client_host, "--port", str(emulator.port), "--protocol", "http"]


@reference
@pytest.mark.parametrize("option", ["--token", "--auth-token"])
def test_login_with_a_token_and_an_auth_server_without_a_port(twins, option):
    """The user name cannot be had, which does not stop the login; then the API server is asked for."""
    token = json.loads(twins.this.env["DX_SECURITY_CONTEXT"])["auth_token"]
    code, _, err = twins.assert_same("login", option, token, "--host", "127.0.0.1", "--noprojects",
                                     stdin="\n\n\n")
    assert code == 0 and "Both host and port must be specified if either is specified" in err
    assert_same_files(twins)
    for client in twins.clients:
        assert saved(client, "DX_SECURITY_CONTEXT") == '{"auth_token":"%s","auth_token_type":"Bearer"}' % token


@reference
@pytest.mark.parametrize("option", ["--host", "--port"])
def test_login_with_only_one_of_host_and_port(twins, option):
    code, out, err = twins.assert_same("login", option, "5", stdin="")
    assert (code, out) == (2, "")
    assert err == "Error: Only one of --host and --port were provided; provide either both or neither of the values\n"


def test_login_with_a_token_checks_it_with_the_given_auth_server(dx_this, cli_emulator):
    """dxpy ignores --protocol here (it asks https://host:port and fails): this dx uses it."""
    result = dx_this.run("login", "--token", cli_emulator.token, *emulator_host_options(cli_emulator), "--noprojects",
                         stdin="\n\n\n")
    assert result.returncode == 0, result.stderr
    assert result.stdout == 'API server protocol (choose "http" or "https") [http]: API server host [127.0.0.1]: ' \
                            'API server port [%d]: ' % cli_emulator.port
    for directory in (conf_dir(dx_this), session_dir(dx_this)):
        assert (directory / "DX_USERNAME").read_text() == "emulator"
    assert dx_this("whoami", env=NOT_LOGGED_IN) == "emulator\n"


def run_with_loopback_only(client, *words, **kwargs):
    """Run dx with every connection beyond loopback going through a recording proxy; the result
    and the requests the proxy saw."""
    environment = dict(kwargs.pop("env", {}))
    with ForwardingProxy() as proxy:
        environment.update(HTTP_PROXY=proxy.url, HTTPS_PROXY=proxy.url, NO_PROXY="127.0.0.1,localhost")
        result = client.run(*words, env=environment, **kwargs)
        return result, proxy.requests


def without_api_server(client):
    """Environment changes that leave the client's API server and token to the defaults."""
    return {name: None for name in client.env if name.startswith(("DX_APISERVER", "DX_SECURITY"))}


def test_login_with_an_explicit_host_never_contacts_the_default_one(dx_this, cli_emulator):
    """The API server is the default one (api.dnanexus.com); the token is checked with the auth
    server given, and the API server is then asked for. dxpy asks auth.dnanexus.com instead."""
    answers = "http\n127.0.0.1\n%d\n0\n" % cli_emulator.port
    result, elsewhere = run_with_loopback_only(dx_this, "login", "--token", cli_emulator.token,
                                               *emulator_host_options(cli_emulator), stdin=answers,
                                               env=without_api_server(dx_this))
    assert (result.returncode, elsewhere) == (0, []), result.stderr
    assert "Setting current project to: " in result.stdout
    assert saved(dx_this, "DX_APISERVER_HOST") == "127.0.0.1"
    assert (conf_dir(dx_this) / "DX_USERNAME").read_text() == "emulator"


@pytest.mark.parametrize("given_by", ["environment", "options"])
def test_login_with_a_token_for_the_api_server_given(dx_this, cli_emulator, given_by):
    """An API server given to this command (DX_APISERVER_HOST, --apiserver-host) is kept, and the
    token checked with its auth server (DX_AUTHSERVER_*); dxpy replaces it by the default one."""
    name = "u" + uuid.uuid4().hex[:12]
    user, token = cli_emulator.add_user(name)
    project = cli_emulator.platform.call(user, "/project/new", {"name": "mine"})["id"]
    environment, options = dict(NOT_LOGGED_IN, **NO_PROJECT), []
    if given_by == "options":
        environment = dict(without_api_server(dx_this), **NO_PROJECT)
        options = ["--apiserver-host", "127.0.0.1", "--apiserver-port", str(cli_emulator.port),
                   "--apiserver-protocol", "http"]
    result, elsewhere = run_with_loopback_only(dx_this, "login", "--token", token, *options, stdin="",
                                               env=environment)
    assert (result.returncode, elsewhere) == (0, []), result.stderr
    assert result.stdout.endswith("Setting current project to: mine\n")
    assert (saved(dx_this, "DX_APISERVER_HOST"), saved(dx_this, "DX_APISERVER_PORT")) == ("127.0.0.1",
                                                                                            str(cli_emulator.port))
    assert (saved(dx_this, "DX_USERNAME"), saved(dx_this, "DX_PROJECT_CONTEXT_ID")) == (name, project)


@reference
def test_login_with_a_password(twins, cli_emulator):
    """The auth server is DX_AUTHSERVER_HOST:DX_AUTHSERVER_PORT (the API server is on loopback)."""
    name = "u" + uuid.uuid4().hex[:12]
    cli_emulator.add_user(name, password="pw")
    this = assert_same_stdout_unwrapped(twins, "login", "--noprojects", stdin=name + "\npw\n", env=NOT_LOGGED_IN)
    assert this.stdout.startswith("Acquiring credentials from http://127.0.0.1:%d\nUsername: You are now logged in."
                                  % cli_emulator.port)
    assert "willexpirein18:00:00." in unwrapped(this.stdout, twins.this)
    for client in twins.clients:
        client.token = json.loads(saved(client, "DX_SECURITY_CONTEXT"))["auth_token"]  # each got a new one
        assert cli_emulator.platform.authenticate(client.token) == "user-" + name
        assert saved(client, "DX_USERNAME") == name
    assert_same_files(twins)


@reference
def test_login_with_a_password_then_a_project(twins, cli_emulator):
    """The new user's only project is taken without asking; without any, login ends on a note."""
    name = "u" + uuid.uuid4().hex[:12]
    user, _ = cli_emulator.add_user(name, password="pw")
    code, out, err = twins.assert_same("login", stdin=name + "\npw\n", env=NOT_LOGGED_IN)
    assert (code, out) == (0, "Acquiring credentials from http://127.0.0.1:%d\nUsername: " % cli_emulator.port)
    assert last_line(err) == "dx select --level VIEW or dx select --public."
    cli_emulator.platform.call(user, "/project/new", {"name": "mine"})
    this = assert_same_stdout_unwrapped(twins, "login", stdin=name + "\npw\n", env=NOT_LOGGED_IN)
    assert "Setting current project to: mine\n" in this.stdout


@reference
def test_login_with_a_wrong_password_three_times(twins, cli_emulator):
    name = "u" + uuid.uuid4().hex[:12]
    cli_emulator.add_user(name, password="pw")
    answers = "".join("%s\nwrong\n" % name for _ in range(3))
    (ref_code, ref_out, ref_err), (code, out, err) = twins.outputs("login", "--noprojects", stdin=answers,
                                                                   env=NOT_LOGGED_IN)
    assert (code, out) == (ref_code, ref_out) == (3, out)
    assert err.splitlines().count("Incorrect username and/or password") == 2
    assert last_line(err) == last_line(ref_err).replace("dx.py: ", "dx: ") == "dx: Incorrect username and/or password"


def test_login_with_a_bad_timeout(dx_this, cli_emulator):
    """dxpy ends with a traceback and exit code 1; this dx says what is wrong and exits 3."""
    result = dx_this.run("login", "--timeout", "5x", "--noprojects", stdin="someone\npw\n",
                         env=NOT_LOGGED_IN)
    assert result.returncode == 3
    assert last_line(result.stderr).startswith("dx: Login error: Error: Expected an int timestamp")
    assert "Traceback" not in result.stderr


def test_login_for_an_api_server_without_a_known_auth_server(dx_this):
    """dxpy ends with a traceback and exit code 1; this dx prints the error's line and exits 3."""
    result = dx_this.run("login", "--apiserver-host", "example.org", stdin="")
    assert (result.returncode, result.stdout) == (3, "")
    assert result.stderr == "dxpy.exceptions.DXError: Could not determine which auth server is associated with " \
                            "example.org.\n"


# -- logout -----------------------------------------------------------------------------------------

@reference
@pytest.mark.parametrize("auth_server", ["paired", "given"])
def test_logout_revokes_the_token(twins, cli_emulator, auth_server):
    """Both clients log out the same token in turn (so that they print the same signature), from
    the auth server of the API server or (the API server being elsewhere) the one given."""
    user, token = cli_emulator.add_user("u" + uuid.uuid4().hex[:12])
    signature = hashlib.sha256(token.encode()).hexdigest()
    environment = {"DX_SECURITY_CONTEXT": security_context(token)}
    options = []
    if auth_server == "given":
        environment["DX_APISERVER_HOST"] = "api.example.org"
        options = emulator_host_options(cli_emulator)
    results = []
    for client in twins.clients:
        cli_emulator.add_user(user, token=token)
        result = client.run("logout", *options, env=environment)
        results.append((result.returncode, result.stdout, result.stderr))
        assert cli_emulator.platform.authenticate(token) is None
        assert json.loads(saved(client, "DX_SECURITY_CONTEXT"))["auth_token"] == "PUBLIC"
    assert results[0] == results[1] == (0, "Deleting credentials from http://127.0.0.1:%d...\n"
                                           "Deleted token with signature %s\n" % (cli_emulator.port, signature), "")
    assert_same_files(twins)


@reference
def test_logout_of_a_revoked_token(twins):
    (ref_code, ref_out, ref_err), (code, out, err) = twins.outputs(
        "logout", env={"DX_SECURITY_CONTEXT": security_context("revoked-token")})
    assert (code, err) == (ref_code, ref_err) == (0, "")
    assert words(out) == words(ref_out)
    assert "InvalidAuthentication: The token could not be found, code 401." in words(out)


def test_logout_with_only_a_host(dx_this):
    """dxpy ends with a traceback and exit code 1; this dx prints the error's line and exits 3."""
    result = dx_this.run("logout", "--host", "example.org")
    assert (result.returncode, result.stdout) == (3, "")
    assert result.stderr == "dxpy.exceptions.DXError: Both host and port must be specified if either is specified\n"
