#!/usr/bin/env python3
"""Compare start-up cost of this package with the reference dxpy 0.417.1.

Each scenario runs as a whole process, several times, interleaved between the
two implementations; the first run of each is a warm-up and is discarded.

    python benchmarks/bench_import.py [--runs 15] [--ref-python PATH]

Without --ref-python, a virtual environment with dxpy==0.417.1 is created at
/tmp/dxpy-ref-venv (or reused if it already exists). This package runs from the
repository (PYTHONPATH) in a second venv of the same interpreter, /tmp/dxpy-this-venv,
that holds only its dependency, so both start from the same bare interpreter.
"""
import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REF_VENV = "/tmp/dxpy-ref-venv"
THIS_VENV = "/tmp/dxpy-this-venv"
REF_VERSION = "0.417.1"

IMPORT = "import dxpy"
API_CALL = """
import dxpy
dxpy.set_api_server_info(host='127.0.0.1', port={port}, protocol='http')
dxpy.set_security_context({{'auth_token': 'bench', 'auth_token_type': 'Bearer'}})
assert dxpy.api.system_whoami()['id'] == 'user-bench'
"""
WHERE = "import dxpy, sys; sys.stdout.write(dxpy.__file__)"


class WhoamiHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # sets TCP_NODELAY on accepted sockets

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        body = json.dumps({"id": "user-bench"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def start_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), WhoamiHandler)
    server.daemon_threads = True
    server.socket.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def venv_python(venv, requirement):
    """The interpreter of *venv*, created with *requirement* installed if missing."""
    python = os.path.join(venv, "bin", "python")
    if not os.path.exists(python):
        print("creating %s with %s ..." % (venv, requirement), file=sys.stderr)
        subprocess.check_call([sys.executable, "-m", "venv", venv])
        subprocess.check_call([python, "-m", "pip", "install", "-q", requirement])
    return python


def compile_this_package(python, env, pycache):
    """Byte-compile this package into *pycache* (its runs read it from there), as pip does for
    an installed package: the reference's .pyc files sit beside its sources already. The
    interpreter may write the other modules' .pyc files there too (on the discarded first run)."""
    env["PYTHONPYCACHEPREFIX"] = pycache
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    subprocess.run([python, "-m", "compileall", "-q", os.path.join(REPO, "dxpy")], env=env, cwd=REPO, check=True,
                   stdout=subprocess.DEVNULL)


def clean_env(home, pythonpath=None):
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("DX_") and k not in ("PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP")}
    env["HOME"] = home
    if pythonpath:
        env["PYTHONPATH"] = pythonpath
    return env


def run(python, code, env, cwd):
    """Run `python -c code` and return its wall-clock time in milliseconds."""
    start = time.perf_counter()
    proc = subprocess.run([python, "-c", code], env=env, cwd=cwd,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    elapsed = (time.perf_counter() - start) * 1000
    if proc.returncode != 0:
        sys.exit("%s failed running %r:\n%s" % (python, code, proc.stderr.decode()))
    return elapsed


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="runs per scenario, warm-up included")
    parser.add_argument("--ref-python", help="interpreter that has the reference dxpy installed")
    args = parser.parse_args()
    if args.runs < 2:
        parser.error("--runs must be at least 2 (the first run is discarded)")

    ref_python = args.ref_python or venv_python(REF_VENV, "dxpy==" + REF_VERSION)
    this_python = venv_python(THIS_VENV, "requests")
    server = start_server()
    with tempfile.TemporaryDirectory() as tmp:
        # cwd is an empty directory so that `python -c` never picks up this
        # repository through sys.path[0]; only our run gets PYTHONPATH=REPO.
        impls = {
            "this": (this_python, clean_env(os.path.join(tmp, "home-this"), REPO)),
            "ref": (ref_python, clean_env(os.path.join(tmp, "home-ref"))),
        }
        for name, (python, env) in impls.items():
            os.makedirs(env["HOME"])
            where = subprocess.run([python, "-c", WHERE], env=env, cwd=tmp, check=True,
                                   stdout=subprocess.PIPE, universal_newlines=True).stdout
            inside_repo = os.path.realpath(where).startswith(os.path.realpath(REPO) + os.sep)
            if inside_repo != (name == "this"):
                sys.exit("%s run imports the wrong dxpy: %s" % (name, where))
            print("%-4s %s -> %s" % (name, python, where))
        compile_this_package(this_python, impls["this"][1], os.path.join(tmp, "pycache"))

        scenarios = [
            ("python -c pass", "pass"),
            ("import dxpy", IMPORT),
            ("import + system_whoami", API_CALL.format(port=server.server_address[1])),
        ]
        times = {(s, i): [] for s, _ in scenarios for i in impls}
        for _ in range(args.runs):
            for label, code in scenarios:
                for name, (python, env) in impls.items():
                    times[label, name].append(run(python, code, env, tmp))
    server.shutdown()

    print("\n%d runs each, first discarded; median wall-clock ms per process;" % args.runs)
    print("'net' subtracts each interpreter's own `python -c pass` median\n")
    header = "%-24s %8s %9s %6s | %8s %9s %6s" % (
        "scenario", "this", "reference", "ratio", "net this", "net ref", "ratio")
    print(header)
    print("-" * len(header))
    median = {key: statistics.median(runs[1:]) for key, runs in times.items()}
    bare = {name: median[scenarios[0][0], name] for name in impls}
    for label, _ in scenarios:
        this, ref = median[label, "this"], median[label, "ref"]
        line = "%-24s %8.1f %9.1f %6.2f" % (label, this, ref, this / ref)
        if label != scenarios[0][0]:
            net_this, net_ref = this - bare["this"], ref - bare["ref"]
            line += " | %8.1f %9.1f %6.2f" % (net_this, net_ref, net_this / net_ref)
        print(line)


if __name__ == "__main__":
    main()
