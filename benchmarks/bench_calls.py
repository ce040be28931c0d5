"""Small API calls per second: this package against dxpy 0.417.1, same emulator, same run.

One emulator process (``python -m dxpy.emulator --port 0``) serves both clients. Each
measurement is a whole client process that calls ``dxpy.api.project_describe(project,
{"fields": {"name": True}})`` from 1 or 8 threads for a few seconds (after a warm-up);
the two clients take turns, and the table shows medians over ``--runs`` processes each.

Usage: ``python benchmarks/bench_calls.py [--runs 5] [--seconds 3] [--threads 1 8]``
"""
import argparse
import os
import shlex
import statistics
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests"))

WORKER = r"""
import sys, threading, time
import dxpy
threads, seconds, project = int(sys.argv[1]), float(sys.argv[2]), sys.argv[3]
fields = {"fields": {"name": True}}
for _ in range(20):
    dxpy.api.project_describe(project, fields)
counts = [0] * threads
deadline = time.time() + seconds
def work(slot):
    while time.time() < deadline:
        dxpy.api.project_describe(project, fields)
        counts[slot] += 1
workers = [threading.Thread(target=work, args=(i,)) for i in range(threads)]
started = time.time()
for w in workers:
    w.start()
for w in workers:
    w.join()
print(sum(counts) / (time.time() - started))
"""


def start_emulator():
    """The emulator process and the ``DX_*`` variables of its first output line."""
    env = dict(os.environ, PYTHONPATH=ROOT)
    process = subprocess.Popen([sys.executable, "-m", "dxpy.emulator", "--port", "0"], stdout=subprocess.PIPE,
                               env=env, cwd=ROOT)
    words = shlex.split(process.stdout.readline().decode())
    if not words or words[0] != "export":
        process.kill()
        raise SystemExit("the emulator did not start")
    return process, dict(word.split("=", 1) for word in words[1:])


def client_environ(dx_env, pythonpath):
    env = {name: value for name, value in os.environ.items()
           if not name.startswith("DX_") and name != "PYTHONPATH" and not name.lower().endswith("_proxy")}
    env.update(dx_env)
    if pythonpath:
        env["PYTHONPATH"] = pythonpath
    return env


def one_run(python, env, threads, seconds):
    output = subprocess.run([python, "-c", WORKER, str(threads), str(seconds), env["DX_PROJECT_CONTEXT_ID"]],
                            env=env, stdout=subprocess.PIPE, check=True, universal_newlines=True,
                            cwd=tempfile.gettempdir()).stdout  # not ROOT: -c would import ./dxpy
    return float(output.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 8])
    args = parser.parse_args()

    import reference_env
    clients = [("this package", sys.executable, ROOT),
               ("dxpy 0.417.1", reference_env.reference_python_path(), None)]
    process, dx_env = start_emulator()
    results = {}
    try:
        for threads in args.threads:
            for _ in range(args.runs):  # the clients take turns, so drift hits both alike
                for name, python, pythonpath in clients:
                    rate = one_run(python, client_environ(dx_env, pythonpath), threads, args.seconds)
                    results.setdefault((threads, name), []).append(rate)
    finally:
        process.terminate()
        process.wait()
    print("| threads | this package calls/s | dxpy 0.417.1 calls/s | ratio | this: runs | dxpy: runs |")
    print("|---|---|---|---|---|---|")
    for threads in args.threads:
        ours, theirs = results[(threads, "this package")], results[(threads, "dxpy 0.417.1")]
        print("| %d | %.0f | %.0f | %.2f | %s | %s |" % (
            threads, statistics.median(ours), statistics.median(theirs),
            statistics.median(ours) / statistics.median(theirs),
            " ".join("%.0f" % r for r in ours), " ".join("%.0f" % r for r in theirs)))


if __name__ == "__main__":
    main()
