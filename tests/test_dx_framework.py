"""The dx command's frame: the command tree, help, argument errors, exit codes, and commands
that this version does not provide yet."""
import importlib
import subprocess
import sys

import pytest

from dxpy.cli import registry
from dx_cli import REPO


def dx(*words, stdin=None):
    return subprocess.run([sys.executable, "-m", "dxpy.scripts.dx"] + list(words), input=stdin,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True,
                          cwd=REPO, timeout=60)


def test_every_command_in_the_table_is_defined_by_its_module():
    for name, module_name in registry.COMMAND_MODULES:
        module = importlib.import_module("dxpy.cli." + module_name)
        assert name in module.COMMANDS, "dxpy.cli.%s does not define dx %s" % (module_name, name)


def test_version():
    result = dx("--version")
    assert (result.returncode, result.stdout) == (0, "dx v" + __import__("dxpy").TOOLKIT_VERSION + "\n")


def test_no_arguments_prints_usage_and_exits_1():
    result = dx()
    assert result.returncode == 1
    assert result.stdout.startswith("usage: dx [-h] [--version] command ...")


def test_unknown_command_lists_choices_and_suggests(tmp_path):
    result = dx("lss")
    assert result.returncode == 2
    assert "dx: error: argument command: invalid choice: lss" in result.stderr
    assert "Did you mean: dx ls" in result.stderr
    assert "(choose from login, logout, exit," in result.stderr


def test_bad_option_exits_2():
    result = dx("ls", "--no-such-option")
    assert result.returncode == 2
    assert "unrecognized arguments: --no-such-option" in result.stderr


@pytest.mark.parametrize("words", [["generate_batch_inputs", "-i", "x=y"]])
def test_a_command_not_available_yet_says_so_and_exits_3(words):
    result = dx(*words)
    assert result.returncode == 3, result.stderr
    assert '"dx %s" is not available in this version of dx' % words[0] in result.stderr


def test_help_categories_and_commands():
    listing = dx("help", "all")
    assert listing.returncode == 0
    entries = [line[2:] for line in listing.stdout.splitlines()[4:] if line[2:3].strip()]
    assert entries == sorted(entries)
    for command in ("ls ", "upload ", "describe ", "find data ", "new project ", "help "):
        assert any(entry.startswith(command) for entry in entries), command
    fs = dx("help", "fs").stdout
    assert fs.startswith("dx fs: Navigate and organize your projects and files\n\nCommands:\n\n  ls ")
    assert dx("help", "ls").stdout.startswith("usage: dx ls")
    assert dx("help", "new", "project").stdout.startswith("usage: dx new project")
    unknown = dx("help", "nosuch")
    assert (unknown.returncode, unknown.stderr.strip()) == (
        3, "dxpy.exceptions.DXCLIError: Unrecognized command: nosuch")
    bad_sub = dx("help", "new", "nosuch")
    assert bad_sub.returncode == 3
    assert "Unrecognized command and subcommand combination: new nosuch" in bad_sub.stderr


def test_env_help_lists_the_overrides():
    result = dx("ls", "--env-help")
    assert result.returncode == 0
    for flag in ("--apiserver-host", "--apiserver-port", "--project-context-id", "--auth-token"):
        assert flag in result.stdout


def test_module_entry_point_and_closed_pipe():
    # dx help all | head -1: the closed pipe ends dx quietly.
    process = subprocess.Popen([sys.executable, "-m", "dxpy.scripts.dx", "help", "all"], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, cwd=REPO)
    process.stdout.readline()
    process.stdout.close()
    stderr = process.stderr.read().decode()
    process.wait(60)
    assert "Traceback" not in stderr and "BrokenPipe" not in stderr, stderr


@pytest.mark.parametrize("words", [["ls", "--help"], ["watch", "--metrics-help"]])
def test_help_into_a_closed_pipe_ends_quietly(words):
    # Nobody reads the pipe at all: the first write of the help fails.
    import os
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        result = subprocess.run([sys.executable, "-m", "dxpy.scripts.dx"] + words, stdout=write_end,
                                stderr=subprocess.PIPE, cwd=REPO, timeout=60)
    finally:
        os.close(write_end)
    stderr = result.stderr.decode()
    assert "Traceback" not in stderr and "BrokenPipe" not in stderr, stderr


def _interruptible():
    # A shell starts background jobs with SIGINT ignored, and Python keeps an inherited "ignore":
    # give dx the default disposition, as a terminal's foreground process has.
    import signal
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_ctrl_c_exits_3_with_a_caret_line_and_no_traceback(dx_this, cli_emulator):
    # dx upload - waits on its standard input; Ctrl-C while it waits.
    import signal
    import time
    process = subprocess.Popen([dx_this.python, "-m", "dxpy.scripts.dx", "upload", "-", "--brief"],
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               env=dict(dx_this.env, DX_PROJECT_CONTEXT_ID=cli_emulator.project_id),
                               cwd=str(dx_this.home), preexec_fn=_interruptible)
    process.stdin.write(b"partial")
    process.stdin.flush()
    time.sleep(2)
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=60)
    assert (process.returncode, stdout, stderr) == (3, b"", b"^C\n")
