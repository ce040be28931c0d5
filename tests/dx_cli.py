"""Running ``dx`` as a user does, for the tests of the dx command: this package's ``dx`` and the
reference dxpy's, each in its own process with its own HOME, against one emulator, and their
outputs compared once IDs, times and homes are made alike.

    def test_ls(twins):
        twins.populate(lambda project: dxpy.new_dxrecord(project=project, name="r", close=True))
        twins.assert_same("ls", "-l", "{project}:/")
"""
import contextlib
import os
import re
import subprocess
import sys
import time

import pytest

import dxpy

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
DX_TIMEOUT = 120

_ID = re.compile(r"\b(project|container|file|record|applet|app|workflow|globalworkflow|job|analysis|org|"
                 r"database|dbcluster|localjob|stage)-[0-9A-Za-z]{24}\b")
_TIMES = [
    (re.compile(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d+)?Z?"), "<time>"),
    (re.compile(r"\b(Mon|Tue|Wed|Thu|Fri|Sat|Sun) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) +\d+ "
                r"\d{2}:\d{2}:\d{2} \d{4}\b"), "<time>"),
    (re.compile(r"\b1\d{12}\b"), "<ms>"),
    (re.compile(r"\(\d+ (second|minute|hour|day)s? ago\)"), "(<ago>)"),
    # the end of an API error's message, however a wrapped message breaks it
    (re.compile(r"Request\s+Time=\d+(\.\d+)?,\s+Request\s+ID=[\w-]+"), "Request Time=<time>, Request ID=<request>"),
    # a signed URL's nonce and signature are new on every call
    (re.compile(r"([?&])(nonce|signature)=[0-9a-f]+"), r"\1\2=<\2>"),
    # Python's own warning names the interpreter's getpass.py, which differs between installations
    (re.compile(r"\S*getpass\.py:\d+: GetPassWarning"), "getpass.py: GetPassWarning"),
]


def normalize(text, homes=()):
    """*text* with each DNAnexus ID replaced by its class and order of first appearance
    (``project-<1>``), times by ``<time>``, and the given home directories by ``<HOME>``."""
    for home in homes:
        text = text.replace(str(home), "<HOME>")
    seen = {}

    def number(match):
        key = match.group(0)
        if key not in seen:
            seen[key] = "%s-<%d>" % (match.group(1), 1 + sum(1 for k in seen if k.startswith(match.group(1) + "-")))
        return seen[key]
    text = _ID.sub(number, text)
    text = text.replace("\noptional arguments:\n", "\noptions:\n")  # argparse before Python 3.10
    for pattern, replacement in _TIMES:
        text = pattern.sub(replacement, text)
    return text


def _clean_environ():
    return {name: value for name, value in os.environ.items()
            if name != "PYTHONPATH" and not name.startswith("DX_") and name != "_DX_DEBUG"}


class DxCommand(object):
    """``dx`` of one client: *python* runs ``-m dxpy.scripts.dx`` with the emulator's variables,
    its own HOME, and (for this package) this repository on PYTHONPATH."""

    def __init__(self, python, environment, home, this_package):
        self.python = python
        self.home = home
        self.this_package = this_package
        os.makedirs(str(home), exist_ok=True)
        self.env = _clean_environ()
        self.env.update(environment)
        self.env["HOME"] = str(home)
        if this_package:
            self.env["PYTHONPATH"] = REPO
        self.project = None

    def run(self, *words, stdin=None, env=None, cwd=None, timeout=DX_TIMEOUT):
        """A finished process (text stdout/stderr); ``{project}`` in a word is this client's project."""
        words = [word.replace("{project}", self.project or "") for word in words]
        environment = dict(self.env)
        environment.update(env or {})
        for name in [k for k, v in environment.items() if v is None]:
            del environment[name]
        # A session of its own: no controlling terminal, so a prompt (getpass opens /dev/tty)
        # reads the given stdin and never the terminal running the tests.
        return subprocess.run([self.python, "-m", "dxpy.scripts.dx"] + words, input=stdin,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True,
                              env=environment, cwd=str(cwd or self.home), timeout=timeout,
                              start_new_session=True)

    def __call__(self, *words, **kwargs):
        """Run, and check it exits 0; its stdout."""
        result = self.run(*words, **kwargs)
        assert result.returncode == 0, "dx %s -> %d\n%s%s" % (" ".join(words), result.returncode,
                                                               result.stdout, result.stderr)
        return result.stdout


class Twins(object):
    """The reference ``dx`` and this package's, each with a project of its own (same name,
    populated the same way), against one emulator."""

    def __init__(self, ref, this, name="dx-compare"):
        self.ref, self.this = ref, this
        for client in (ref, this):
            client.project = dxpy.api.project_new({"name": name})["id"]
            client.env["DX_PROJECT_CONTEXT_ID"] = client.project

    @property
    def clients(self):
        return (self.ref, self.this)

    def populate(self, make):
        """Call ``make(project_id)`` for each client's project (in this process, through dxpy)."""
        for client in self.clients:
            make(client.project)

    def outputs(self, *words, **kwargs):
        """(reference, this) results, each as (exit code, normalized stdout, normalized stderr)."""
        results = []
        for client in self.clients:
            result = client.run(*words, **kwargs)
            homes = [client.home]
            results.append((result.returncode, normalize(result.stdout, homes), normalize(result.stderr, homes)))
        return results

    def assert_same(self, *words, **kwargs):
        """Both clients give the same exit code, stdout and stderr (normalized); this one's result."""
        ref, this = self.outputs(*words, **kwargs)
        assert this == ref, "dx %s differs\n--- reference: exit %d\n%s\n%s\n--- this: exit %d\n%s\n%s" % (
            " ".join(words), ref[0], ref[1], ref[2], this[0], this[1], this[2])
        return this


@contextlib.contextmanager
def as_user(token):
    """Make this process's dxpy calls with another user's API *token* for a while."""
    saved = dxpy.SECURITY_CONTEXT
    dxpy.set_security_context({"auth_token_type": "Bearer", "auth_token": token})
    try:
        yield
    finally:
        dxpy.set_security_context(saved)


def others_project(emulator, username="bob", level="VIEW", name="not-yours"):
    """A new project of another user (created if new), shared with the emulator's own user
    at *level* (None: not shared): for tests of what dx may not change. Returns its ID."""
    own_user = dxpy.api.system_whoami()["id"]
    _user_id, token = emulator.add_user(username)
    with as_user(token):
        project = dxpy.api.project_new({"name": name})["id"]
        if level is not None:
            dxpy.api.project_invite(project, {"invitee": own_user, "level": level, "suppressEmailNotification": True})
    return project


# A job that prints "before", waits (a minute at most) for the file *marker* that the test makes,
# then prints "after" ("gave up" when the file never came) and ends.
WAITS_FOR_MARKER = """import os, time
import dxpy

@dxpy.entry_point('main')
def main(marker):
    print("before", flush=True)
    deadline = time.time() + 60
    while not os.path.exists(marker) and time.time() < deadline:
        time.sleep(0.02)
    print("after" if os.path.exists(marker) else "gave up", flush=True)
    return {}
"""


def wait_until_finished(execution_id, timeout=90):
    """Wait until a job or analysis is done, failed or terminated (fail after *timeout* seconds)."""
    deadline = time.time() + timeout
    while dxpy.describe(execution_id)["state"] not in ("done", "failed", "terminated"):
        assert time.time() < deadline, "%s did not finish" % execution_id
        time.sleep(0.05)


def files_under(root):
    """Relative path -> bytes of every file under the local folder *root*."""
    found = {}
    for folder, _subfolders, names in os.walk(str(root)):
        for name in names:
            path = os.path.join(folder, name)
            with open(path, "rb") as handle:
                found[os.path.relpath(path, str(root))] = handle.read()
    return found


def all_completions(completer, text):
    """Every match a readline completer gives for *text*, asked as readline asks: state 0, 1, ...
    until None."""
    matches = []
    while True:
        match = completer.complete(text, len(matches))
        if match is None:
            return matches
        matches.append(match)


@pytest.fixture(scope="module")
def cli_emulator():
    """One emulator for a test module, in this process (a thread); dx processes reach it by
    the DX_* variables of its ``environment()``."""
    import dxpy.emulator
    with dxpy.emulator.running() as emulator:
        yield emulator


def _environment(emulator):
    environment = dict(emulator.environment())
    environment.pop("DX_PROJECT_CONTEXT_ID", None)
    environment.pop("DX_WORKSPACE_ID", None)
    return environment


@pytest.fixture
def dx_this(cli_emulator, tmp_path):
    """This package's ``dx`` (no project selected)."""
    return DxCommand(sys.executable, _environment(cli_emulator), tmp_path / "home-this", this_package=True)


@pytest.fixture
def dx_ref(reference_python, cli_emulator, tmp_path):
    """The reference dxpy's ``dx`` (no project selected)."""
    return DxCommand(reference_python, _environment(cli_emulator), tmp_path / "home-ref", this_package=False)


@pytest.fixture
def twins(dx_ref, dx_this):
    """Both clients, each with its own fresh project as project context."""
    return Twins(dx_ref, dx_this)
