"""The published dxpy client (0.417.1) against ``python -m dxpy.emulator``.

tests/reference_scenario.py runs in a virtualenv holding the reference package, cached in
``$DXPY_REF_VENV`` or ``~/.cache/dxpy-reference/<version>`` and built on first use; the
emulator runs as a separate process, exactly as a user would start it.
"""
import ast
import os
import subprocess
import sys

import pytest

import dxpy
from reference_env import _clean_environ

pytestmark = pytest.mark.reference

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
SCENARIO = os.path.join(HERE, "reference_scenario.py")
SCENARIO_TIMEOUT = 120


def scenario_steps():
    """``Scenario.STEPS`` of the scenario script, read without importing it (it imports dxpy)."""
    with open(SCENARIO) as f:
        tree = ast.parse(f.read(), SCENARIO)
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and [getattr(t, "id", None) for t in node.targets] == ["STEPS"]:
            return list(ast.literal_eval(node.value))
    raise AssertionError("no STEPS in %s" % SCENARIO)


def run_scenario(python, emulator, tmp_path, steps=(), client="reference"):
    """Run the scenario (all of it, or *steps*) with the reference interpreter in a clean
    environment made of the emulator's variables, a temporary HOME and a temporary cwd."""
    home, cwd = tmp_path / "home", tmp_path / "cwd"
    home.mkdir()
    cwd.mkdir()
    env = _clean_environ()
    env.update(emulator.environment)
    env["HOME"] = str(home)
    if client == "this":
        env["PYTHONPATH"] = REPO
    command = [python, SCENARIO, "--client", client] + (["--only"] + list(steps) if steps else [])
    result = subprocess.run(command, cwd=str(cwd), env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            universal_newlines=True, timeout=SCENARIO_TIMEOUT)
    report = "exit %d\n%s\nemulator stderr:\n%s" % (result.returncode, result.stdout, emulator.stderr())
    assert result.returncode == 0, report
    passed = [line[3:] for line in result.stdout.splitlines() if line.startswith("ok ")]
    assert passed == list(steps or scenario_steps()), report
    return result.stdout


def test_reference_client_scenario(reference_python, emulator, tmp_path):
    run_scenario(reference_python, emulator, tmp_path)
    assert emulator.stop() == 0, emulator.stderr()


def test_this_package_runs_the_scenario(emulator, tmp_path):
    run_scenario(sys.executable, emulator, tmp_path, client="this")
    assert emulator.stop() == 0, emulator.stderr()


FAULTS = [{"route_pattern": "/system/whoami", "status": 503, "retry_after": 1, "times": 2},
          {"route_pattern": "/upload/*", "action": "drop", "times": 1}]


def ride_out_faults(python, emulator, tmp_path, client):
    emulator.faults({"add": FAULTS})
    run_scenario(python, emulator, tmp_path, steps=["whoami", "upload_multipart", "download_md5"], client=client)
    hits = [rule["hits"] for rule in emulator.faults({})["rules"]]
    assert hits == [2, 1], hits  # every fault was met, and the client still succeeded
    assert emulator.stop() == 0, emulator.stderr()


def test_this_package_rides_out_faults(emulator, tmp_path):
    ride_out_faults(sys.executable, emulator, tmp_path, "this")


def test_reference_client_rides_out_faults(reference_python, emulator, tmp_path):
    ride_out_faults(reference_python, emulator, tmp_path, "reference")


def test_scenario_refuses_this_repositorys_dxpy(tmp_path):
    env = _clean_environ()
    env["PYTHONPATH"] = os.path.dirname(os.path.dirname(os.path.abspath(dxpy.__file__)))
    result = subprocess.run([sys.executable, SCENARIO], cwd=str(tmp_path), env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, universal_newlines=True, timeout=SCENARIO_TIMEOUT)
    assert result.returncode == 2, result.stdout
    assert "not the reference client" in result.stdout, result.stdout
