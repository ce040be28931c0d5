"""The worked example under examples/app_offline: its own tests and its local debug run pass,
each in a fresh process, as a user would run them."""
import os
import subprocess
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXAMPLE = os.path.join(REPO, "examples", "app_offline")


def run(*argv):
    env = dict((name, value) for name, value in os.environ.items() if not name.startswith("DX_"))
    env["PYTHONPATH"] = REPO  # the dxpy of this checkout, and its pytest plugin's entry point
    return subprocess.run([sys.executable] + list(argv), cwd=REPO, env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, universal_newlines=True, timeout=600)


def test_the_example_app_tests_pass():
    done = run("-m", "pytest", "-q", "-p", "no:cacheprovider", EXAMPLE)
    assert done.returncode == 0, done.stdout
    assert "3 passed" in done.stdout, done.stdout


def test_the_example_runs_in_the_local_debug_harness():
    done = run(os.path.join(EXAMPLE, "run_locally.py"))
    assert done.returncode == 0, done.stdout
    assert "count 1 (localjob-1:count)" in done.stdout
    assert "stats record details: {'lines': 3, 'words': 6, 'per_chunk': [2, 1]}" in done.stdout
