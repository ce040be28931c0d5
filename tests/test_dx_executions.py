"""dx watch, dx find jobs/analyses/executions, dx terminate, dx ssh: this package's dx compared
with the reference dx on the same jobs of one emulator."""
import contextlib
import os
import re
import time

import pytest

import dxpy
from dx_cli import WAITS_FOR_MARKER, normalize, wait_until_finished
from test_dx_projects import last_line_and_code

reference = pytest.mark.reference

# A job that logs on stdout and stderr, then fails.
FAILING_LOGGER = """import sys, time
import dxpy

@dxpy.entry_point('main')
def main():
    for number in range(4):
        print("line %d" % number, flush=True)
        time.sleep(0.02)
    print("something went wrong", file=sys.stderr, flush=True)
    raise dxpy.AppError("no luck")
"""

# A job that starts two subjobs (one of which starts another) and waits for them.
TREE = """import time
import dxpy

@dxpy.entry_point('main')
def main():
    first = dxpy.new_dxjob({"depth": 1}, "sub", name="child-a")
    time.sleep(0.01)  # children of distinct creation times: listed in one order
    second = dxpy.new_dxjob({"depth": 0}, "sub", name="child-b")
    print("started the children", flush=True)
    return {"a": first.get_output_ref("depth"), "b": second.get_output_ref("depth")}

@dxpy.entry_point('sub')
def sub(depth):
    print("sub at depth %d" % depth, flush=True)
    if depth:
        dxpy.new_dxjob({"depth": 0}, "sub", name="grandchild")
    return {"depth": depth}
"""

SLEEPER = "import time\nimport dxpy\n\n@dxpy.entry_point('main')\ndef main():\n    time.sleep(120)\n"


def applet(project, code, name):
    """An applet without input and output specifications: any input and output is fine."""
    return dxpy.api.applet_new({"project": project, "name": name, "dxapi": "1.0.0",
                                "runSpec": {"interpreter": "python3", "code": code}})["id"]


def run(project, code, applet_name, job_input=None, **kwargs):
    return dxpy.DXApplet(applet(project, code, applet_name)).run(job_input or {}, project=project, **kwargs).get_id()


@pytest.fixture(scope="module")
def failed_job(cli_emulator):
    project = dxpy.api.project_new({"name": "watched"})["id"]
    job = run(project, FAILING_LOGGER, "logger")
    wait_until_finished(job)
    assert dxpy.describe(job)["state"] == "failed"
    return job


@pytest.fixture(scope="module")
def tree(cli_emulator):
    root = run(dxpy.api.project_new({"name": "tree"})["id"], TREE, "tree", name="root")
    wait_until_finished(root)
    return root


_RUNTIME = re.compile(r"(runtime|running for) \d+:\d\d:\d\d")


def _runs_alike(text, home):
    """*text* normalized, runtimes too: the two clients' jobs ran at different speeds."""
    return _RUNTIME.sub(r"\1 <runtime>", normalize(text, [home]))


def same_for_each(twins, words_of):
    """Run ``words_of(client)`` with each client; both give the same normalized result. Returns it."""
    results = []
    for client in twins.clients:
        words = words_of(client)
        result = client.run(*words)
        results.append((result.returncode, _runs_alike(result.stdout, client.home),
                        _runs_alike(result.stderr, client.home)))
    assert results[0] == results[1], "dx %s differs\n--- reference:\n%r\n--- this:\n%r" % (
        " ".join(words), results[0], results[1])
    return results[1]


# -- dx watch -------------------------------------------------------------------------------------

@reference
@pytest.mark.parametrize("options", [
    (), ("--no-job-info",), ("-n", "2"), ("--levels", "STDERR"), ("-l", "STDOUT", "-l", "INFO"), ("--get-stdout",),
    ("--get-stderr",), ("--get-streams",), ("--format", "{job} {level} {msg}"), ("--no-timestamps",),
    ("--job-ids",), ("-q",), ("--no-wait",), ("--metrics", "none"), ("--metrics", "csv"), ("--metrics", "top"),
    ("--try", "0"), ("--tree",),
])
def test_watch_a_failed_job(twins, failed_job, options):
    code, out, err = twins.assert_same("watch", failed_job, *options)
    assert code == 3


@reference
def test_watch_a_job_tree(twins, tree):
    code, out, _ = twins.assert_same("watch", "--tree", tree)
    assert code == 0 and out.count("sub at depth") == 3
    twins.assert_same("watch", "--tree", "--job-ids", "--no-timestamps", tree)
    twins.assert_same("watch", tree)  # the root job alone


@reference
@pytest.mark.parametrize("words", [
    ("job-" + "B" * 24,),                      # no such job
    ("job-123",),                              # not a job ID
    ("analysis-" + "B" * 24,),
    ("{job}", "--metrics", "none", "--levels", "METRICS"),
    ("{job}", "--metrics", "top", "--tree"),
    ("{job}", "--metrics", "top", "--levels", "STDOUT"),
    ("{job}", "--metrics", "csv", "--no-timestamps"),
])
def test_watch_errors(twins, failed_job, words):
    code, _, _ = twins.assert_same("watch", *[word.replace("{job}", failed_job) for word in words])
    assert code != 0


@reference
@pytest.mark.parametrize("words", [
    ("{job}", "--levels", "LOUD"), ("{job}", "-n", "many"), ("{job}", "--tree", "--try", "0"),
    ("{job}", "--metrics", "sideways"), (),
])
def test_watch_usage_errors(twins, failed_job, words):
    assert last_line_and_code(twins, "watch", *[word.replace("{job}", failed_job) for word in words])[0] == 2


def test_watch_follows_a_running_job(cli_emulator, dx_this):
    """Lines arrive while the job runs, in order; the job's final state comes last."""
    project = dxpy.api.project_new({"name": "live"})["id"]
    code = FAILING_LOGGER.replace("time.sleep(0.02)", "time.sleep(0.3)")
    job = run(project, code, "slow logger")
    result = dx_this.run("watch", "--no-timestamps", job)
    assert result.returncode == 3
    lines = result.stdout.splitlines()
    shown = [line for line in lines if line.endswith(("STDOUT line 0", "STDOUT line 1", "STDOUT line 2",
                                                       "STDOUT line 3", "something went wrong"))]
    assert shown == ["slow logger STDOUT line %d" % n for n in range(4)] + ["slow logger STDERR something went wrong"]
    assert lines[-3].startswith("* slow logger (failed) " + job)
    assert "AppError: no luck" in lines[-1]


def test_watch_needs_the_watch_extra(cli_emulator, dx_this, failed_job, tmp_path):
    """Without websocket-client, dx watch names the extra to install."""
    blocker = tmp_path / "blocker"
    blocker.mkdir()
    (blocker / "websocket.py").write_text("raise ImportError('websocket-client is not installed')\n")
    result = dx_this.run("watch", failed_job, env={"PYTHONPATH": "%s:%s" % (blocker, dx_this.env["PYTHONPATH"])})
    assert result.returncode == 3
    assert "pip install 'dxpy[watch]'" in result.stderr


def test_metrics_help(dx_this):
    result = dx_this.run("watch", "--metrics-help")
    assert result.returncode == 0 and "--metrics csv" in result.stdout


# -- dx find jobs / analyses / executions ---------------------------------------------------------

def finished_executions(project):
    """In *project*, one after the other (so that both clients' projects list them in one order):
    a failing job, a job tree and an analysis."""
    failing = run(project, FAILING_LOGGER, "logger", name="lonely")
    wait_until_finished(failing)
    root = run(project, TREE, "tree", name="root")
    wait_until_finished(root)
    workflow = dxpy.api.workflow_new({"project": project, "name": "wf", "stages": [
        {"id": "stage-one", "executable": applet(project, TREE, "staged"), "name": "only"}]})["id"]
    analysis = dxpy.DXWorkflow(workflow).run({}, project=project).get_id()
    wait_until_finished(analysis)
    return {"project": project, "root": root, "failed": failing, "analysis": analysis}


@pytest.fixture(scope="module")
def made_trees(cli_emulator):
    return [finished_executions(dxpy.api.project_new({"name": "trees"})["id"]) for _ in range(2)]


@pytest.fixture
def trees(twins, made_trees):
    """Each client in a project of its own with the same executions, finished."""
    found = {}
    for client, executions in zip(twins.clients, made_trees):
        client.project = executions["project"]
        client.env["DX_PROJECT_CONTEXT_ID"] = executions["project"]
        found[client] = executions
    return found


@reference
@pytest.mark.parametrize("words", [
    ("executions",), ("executions", "--tree"), ("jobs",), ("analyses",), ("executions", "--origin-jobs"),
    ("executions", "--all-jobs"), ("jobs", "--all-jobs", "--state", "done"), ("executions", "--state", "failed"),
    ("jobs", "--name", "child*"), ("jobs", "--name", "child*", "--all-jobs"), ("executions", "--created-after=-1d"),
    ("executions", "--created-before=-1d"), ("executions", "--brief"), ("executions", "--json"),
    ("jobs", "--all-jobs", "--json", "--verbose"), ("executions", "-n", "1"), ("jobs", "--all-jobs", "-n", "2"),
    ("executions", "--show-outputs"), ("jobs", "--no-subjobs"), ("jobs", "--origin-jobs", "--brief"),
    ("executions", "--user", "emulator"), ("executions", "--project", "{project}"), ("executions", "--delim"),
    ("executions", "--include-restarted"), ("jobs", "--tag", "none"), ("jobs", "--property", "k=v"),
])
def test_find_executions(twins, trees, words):
    same_for_each(twins, lambda client: ("find",) + words)


@reference
def test_find_executions_of_one_tree(twins, trees):
    same_for_each(twins, lambda client: ("find", "jobs", "--id", trees[client]["root"]))
    same_for_each(twins, lambda client: ("find", "jobs", "--origin", trees[client]["root"], "--all-jobs"))
    same_for_each(twins, lambda client: ("find", "jobs", "--parent", trees[client]["root"]))
    same_for_each(twins, lambda client: ("find", "jobs", "--origin-jobs", "--parent", trees[client]["root"]))
    same_for_each(twins, lambda client: ("find", "executions", "--root-execution", trees[client]["analysis"]))
    same_for_each(twins, lambda client: ("find", "analyses", "--root", trees[client]["analysis"], "--json"))


@reference
def test_find_executions_bad_time(twins):
    """dxpy fails with a traceback (exit 1); this dx says what it expected (exit 3)."""
    ref, this = twins.outputs("find", "executions", "--created-after", "yesterday")
    assert ref[0] == 1 and this[0] == 3
    assert this[2].startswith("ValueError: Error: Expected an int timestamp, a date format")


@reference
@pytest.mark.parametrize("words", [
    ("executions", "--project", "no-such-project"),
    ("jobs", "--id", "job-" + "B" * 24),
    ("jobs", "--property", "a=b=c"),
])
def test_find_executions_errors(twins, words):
    code, _, _ = twins.assert_same("find", *words)
    assert code != 0


@reference
@pytest.mark.parametrize("words", [("jobs", "-n", "x"), ("jobs", "--origin-jobs", "--all-jobs")])
def test_find_executions_usage_errors(twins, words):
    assert last_line_and_code(twins, "find", *words)[0] == 2


# -- dx terminate, dx ssh ---------------------------------------------------------------------------

@reference
def test_terminate(twins):
    sleepers = {client: run(client.project, SLEEPER, "sleeper") for client in twins.clients}
    assert same_for_each(twins, lambda client: ("terminate", sleepers[client])) == (0, "", "")
    for job in sleepers.values():
        wait_until_finished(job)
        assert dxpy.describe(job)["state"] == "terminated"
    code, out, _ = same_for_each(twins, lambda client: ("wait", sleepers[client]))
    assert code == 3
    same_for_each(twins, lambda client: ("terminate", sleepers[client]))  # already terminated


@reference
@pytest.mark.parametrize("words", [("job-" + "B" * 24,), ("not-an-id",)])
def test_terminate_errors(twins, words):
    code, _, _ = twins.assert_same("terminate", *words)
    assert code != 0


@reference
def test_terminate_usage_error(twins):
    assert last_line_and_code(twins, "terminate")[0] == 2


@pytest.mark.parametrize("words", [("ssh", "job-" + "B" * 24), ("ssh_config",), ("ssh_config", "--revoke")])
def test_ssh_needs_the_platform(dx_this, words):
    result = dx_this.run(*words)
    assert result.returncode == 3 and result.stdout == ""
    assert "on the DNAnexus platform" in result.stderr


# -- dx watch --metrics top: the full-screen view, on a terminal --------------------------------

def _terminal_keys(*names):
    """What an xterm sends for these keys (terminfo names), as curses expects them."""
    import curses
    curses.setupterm("xterm", 1)
    return [curses.tigetstr(name) for name in names]


def _screen_until(master, text=None, timeout=30):
    """What the terminal shows from *master* until *text* appears (or fail); without *text*, until
    the process behind it has gone (read all along: a full terminal would block it)."""
    import select
    seen = b""
    deadline = time.time() + timeout
    while text is None or text.encode() not in seen:
        assert time.time() < deadline, "%r never appeared on the screen: %r" % (text or "the end", seen[-500:])
        ready, _, _ = select.select([master], [], [], 0.2)
        if ready:
            try:
                shown = os.read(master, 65536)
            except OSError:  # the terminal closed: the process has gone
                break
            if not shown:
                break
            seen += shown
    return seen


@contextlib.contextmanager
def _watch_top_on_a_terminal(dx_this, marker, project_name):
    """A job waiting for *marker*, and ``dx watch --metrics top`` of it on a 24x100 xterm:
    (job ID, the terminal's master end, the dx process); the process is killed if it still runs
    at the end, and the terminal closed."""
    import fcntl
    import struct
    import subprocess
    import sys
    import termios
    project = dxpy.api.project_new({"name": project_name})["id"]
    job = run(project, WAITS_FOR_MARKER, "waiter", {"marker": marker})
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    process = subprocess.Popen([sys.executable, "-m", "dxpy.scripts.dx", "watch", "--metrics", "top", job],
                               stdin=slave, stdout=slave, stderr=slave, env=dict(dx_this.env, TERM="xterm"),
                               cwd=str(dx_this.home), start_new_session=True)
    os.close(slave)
    try:
        yield job, master, process
    finally:
        if process.poll() is None:
            process.kill()
        os.close(master)


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
def test_metrics_top_on_a_terminal(cli_emulator, dx_this, tmp_path):
    marker = str(tmp_path / "go-on")
    with _watch_top_on_a_terminal(dx_this, marker, "top") as (job, master, process):
        _screen_until(master, "before")
        os.write(master, b"?")
        _screen_until(master, "Metrics top mode help")
        os.write(master, b"x")  # any key goes back to the log
        _screen_until(master, "before")
        # up, down, page up, page down, right, end (far right: the line scrolls out), home
        keys = _terminal_keys("kcuu1", "kcud1", "kpp", "knp", "kcuf1", "kend")
        os.write(master, b"".join(keys))
        time.sleep(0.5)
        os.write(master, _terminal_keys("khome")[0])
        _screen_until(master, "before")
        open(marker, "w").close()  # the job prints "after" and ends: so does the view
        _screen_until(master, "after")
        _screen_until(master, timeout=60)
        assert process.wait(timeout=10) == 0
    assert dxpy.describe(job)["state"] == "done"


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
def test_metrics_top_quits_on_q(cli_emulator, dx_this, tmp_path):
    marker = str(tmp_path / "never")
    try:
        with _watch_top_on_a_terminal(dx_this, marker, "top-q") as (job, master, process):
            _screen_until(master, "before")
            os.write(master, b"q")
            assert process.wait(timeout=30) == 0
    finally:
        open(marker, "w").close()  # the job ends too
    wait_until_finished(job)


@reference
@pytest.mark.parametrize("which, options", [
    ("root", ()), ("root", ("--json",)), ("failed", ()), ("failed", ("--verbose",)), ("analysis", ()),
    ("analysis", ("--json",)),
])
def test_describe_executions_of_a_tree(twins, trees, which, options):
    same_for_each(twins, lambda client: ("describe", trees[client][which]) + options)


@reference
def test_wait_for_executions(twins, trees):
    assert same_for_each(twins, lambda client: ("wait", trees[client]["analysis"]))[0] == 0
    assert same_for_each(twins, lambda client: ("wait", trees[client]["root"], trees[client]["analysis"]))[0] == 0
    assert same_for_each(twins, lambda client: ("wait", trees[client]["failed"]))[0] == 3
    assert same_for_each(twins, lambda client: ("wait", "analysis-" + "B" * 24))[0] == 3
