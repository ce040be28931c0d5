"""The reference dxpy (0.417.1) in a cached virtualenv, and ``python -m dxpy.emulator`` as a
separate process: what the tests that run the published client against the emulator share.

The virtualenv is ``$DXPY_REF_VENV`` or ``~/.cache/dxpy-reference/<version>``, built on first use.
"""
import json
import os
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import urllib.request

import pytest

import dxpy

REFERENCE_VERSION = "0.417.1"
EMULATOR_START_TIMEOUT = 30
PIP_TIMEOUT = 900
# What pip prints when it could not reach a package index at all.
_UNREACHABLE = ("(from versions: none)", "NewConnectionError", "Max retries exceeded",
                "Temporary failure in name resolution", "Network is unreachable")


# -- the reference virtualenv ----------------------------------------------------------------

def _venv_dir():
    return os.environ.get("DXPY_REF_VENV") or os.path.join(
        os.path.expanduser("~"), ".cache", "dxpy-reference", REFERENCE_VERSION)


def _venv_python(venv):
    return os.path.join(venv, "Scripts", "python.exe") if os.name == "nt" else os.path.join(venv, "bin", "python")


def _has_reference(python):
    if not os.path.exists(python):
        return False
    check = "import dxpy, sys; sys.exit(dxpy.TOOLKIT_VERSION != %r)" % REFERENCE_VERSION
    return subprocess.run([python, "-c", check], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                          cwd=tempfile.gettempdir(), env=_clean_environ()).returncode == 0


class _FileLock(object):
    """An exclusive lock on *path* for the ``with`` block (a no-op where fcntl is missing)."""

    def __init__(self, path):
        self.path = path
        self._file = None

    def __enter__(self):
        self._file = open(self.path, "a")
        try:
            import fcntl
        except ImportError:
            return self
        fcntl.flock(self._file.fileno(), fcntl.LOCK_EX)
        return self

    def __exit__(self, *exc_info):
        self._file.close()  # closing releases the lock


def _build_venv(venv):
    """Create *venv* with the reference dxpy in a scratch directory, then rename it into place,
    so that a half-built one is never seen. Skips when no package index can be reached."""
    scratch = tempfile.mkdtemp(prefix=os.path.basename(venv) + ".building-", dir=os.path.dirname(venv))
    try:
        subprocess.run([sys.executable, "-m", "venv", scratch], check=True, env=_clean_environ())
        pip = subprocess.run([_venv_python(scratch), "-m", "pip", "install", "--disable-pip-version-check",
                              "dxpy==" + REFERENCE_VERSION], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             universal_newlines=True, timeout=PIP_TIMEOUT, env=_clean_environ())
        if pip.returncode != 0:
            if any(sign in pip.stdout for sign in _UNREACHABLE) and not os.environ.get("CI"):
                pytest.skip("the package index is unreachable:\n" + pip.stdout[-3000:])
            pytest.fail("pip install dxpy==%s failed:\n%s" % (REFERENCE_VERSION, pip.stdout[-3000:]))
        shutil.rmtree(venv, ignore_errors=True)  # a broken earlier one
        # A virtualenv's interpreter finds its packages through pyvenv.cfg beside it, so the
        # renamed one works; only the scripts in bin/ keep the scratch path, and none is used.
        os.rename(scratch, venv)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def reference_python_path():
    """The interpreter of a virtualenv with dxpy==REFERENCE_VERSION, built once and cached."""
    venv = os.path.abspath(_venv_dir())
    python = _venv_python(venv)
    if _has_reference(python):
        return python
    if os.environ.get("DXPY_REF_VENV") and os.path.exists(venv):
        pytest.fail("DXPY_REF_VENV=%s is not a virtualenv with dxpy %s" % (venv, REFERENCE_VERSION))
    parent = os.path.dirname(venv)
    os.makedirs(parent, exist_ok=True)
    with _FileLock(venv + ".lock"):
        if not _has_reference(python):  # another run may have built it while we waited
            _build_venv(venv)
    assert _has_reference(python), "%s has no dxpy %s" % (python, REFERENCE_VERSION)
    return python


# -- the emulator process ----------------------------------------------------------------

def _clean_environ():
    """os.environ without PYTHONPATH and without any DX_* variable."""
    return {name: value for name, value in os.environ.items()
            if name != "PYTHONPATH" and not name.startswith("DX_")}


def parse_export_line(line):
    """``export A=1 B='x y'`` -> {"A": "1", "B": "x y"}."""
    words = shlex.split(line)
    assert words and words[0] == "export", line
    return dict(word.split("=", 1) for word in words[1:])


class EmulatorProcess(object):
    """``python -m dxpy.emulator --port 0`` of this repository's dxpy, in *workdir*."""

    def __init__(self, workdir):
        env = _clean_environ()
        env["PYTHONPATH"] = os.path.dirname(os.path.dirname(os.path.abspath(dxpy.__file__)))
        self._stderr = open(os.path.join(workdir, "emulator.stderr"), "w+")
        self.process = subprocess.Popen([sys.executable, "-m", "dxpy.emulator", "--port", "0"],
                                        stdout=subprocess.PIPE, stderr=self._stderr, cwd=workdir,
                                        env=env, universal_newlines=True)
        self.environment = parse_export_line(self._first_line())
        self.url = "%s://%s:%s" % (self.environment["DX_APISERVER_PROTOCOL"],
                                   self.environment["DX_APISERVER_HOST"], self.environment["DX_APISERVER_PORT"])
        self.token = json.loads(self.environment["DX_SECURITY_CONTEXT"])["auth_token"]

    def _first_line(self):
        lines = []
        reader = threading.Thread(target=lambda: lines.append(self.process.stdout.readline()), daemon=True)
        reader.start()
        reader.join(EMULATOR_START_TIMEOUT)
        if not lines or not lines[0]:
            self.kill()
            raise AssertionError("the emulator printed no export line:\n" + self.stderr())
        return lines[0]

    def stderr(self):
        self._stderr.seek(0)
        return self._stderr.read()

    def faults(self, change):
        """POST *change* to the emulator's fault route; its answer (the rules) as a dict."""
        request = urllib.request.Request(self.url + "/emulator/faults", data=json.dumps(change).encode("utf-8"),
                                         headers={"Authorization": "Bearer " + self.token,
                                                  "Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=10) as answer:
            return json.loads(answer.read().decode("utf-8"))

    def stop(self, timeout=15):
        """SIGTERM, then the exit status."""
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout)
        finally:
            self.kill()

    def kill(self):
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.process.stdout.close()
        self._stderr.close()
