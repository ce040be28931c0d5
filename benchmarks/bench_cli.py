#!/usr/bin/env python3
"""Wall time of ``dx`` commands: this package's dx against the reference dxpy 0.417.1's, on the
same emulator, machine and run.

    python benchmarks/bench_cli.py [--runs 5] [--size 256M] [--ref-python PATH] [--only WORD]

Every measurement is a whole ``python -m dxpy.scripts.dx ...`` process, timed from start to
exit. The emulator runs in its own process (``python -m dxpy.emulator --port 0``) and holds
one project with a folder of 1,000 records, a small file and a --size file. Measured:

* ``dx --version`` and ``dx env`` (start-up)
* ``dx ls /many`` (1,000 records) and ``dx find data --class record`` (the same 1,000)
* ``dx describe FILE-ID --json``
* ``dx upload --wait`` of the --size file, and ``dx download`` of it (checked against its MD5)
* ``dx build`` of a small bash applet with a resources directory (20 files, packed and uploaded
  each time: ``--ensure-upload``), replacing the previous build (``-f``)
* ``dx run APPLET -inumber=3 -y --brief`` of an applet found by path (the emulator leaves the
  jobs idle: what is timed is starting one)
* ``dx find executions -n 500`` over 500 (idle) jobs: 500 trees of one job each
* ``dx watch`` latency: a job (on a second emulator, which runs jobs) prints 100 lines 20 ms
  apart, each with the time it was written; the time from that to the moment the line comes out
  of ``dx watch``'s stdout pipe, median and 95th percentile. Both clients run unbuffered
  (PYTHONUNBUFFERED=1: the reference's print() would otherwise hold lines in a pipe's buffer).

Per run the two implementations take turns (the order alternates between runs); one
unmeasured run of each command but the transfers comes first. The table gives medians.
The reference runs from ``$DXPY_REF_VENV`` or ``~/.cache/dxpy-reference/0.417.1`` (created
when missing), this package from the repository in a venv that holds only its dependency,
both from an empty working directory and from byte-compiled modules, as installed packages do
(this package's .pyc files go to a scratch PYTHONPYCACHEPREFIX, not into the repository).
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, HERE)
from bench_import import REF_VERSION, THIS_VENV, clean_env, compile_this_package, venv_python  # noqa: E402
from bench_transfer import MIB, file_md5, make_source, parse_size, start_emulator  # noqa: E402

OBJECTS = 1000
JOBS = 500
IMPLS = ("this", "ref")
# (label, dx words; "{...}" filled from the prepared state, ceiling of this/ref wall time)
STARTUP_TARGET, COMMAND_TARGET = 0.3, 0.5
SCENARIOS = [
    ("dx --version", ["--version"], STARTUP_TARGET),
    ("dx env", ["env"], STARTUP_TARGET),
    ("dx ls (1,000 objects)", ["ls", "/many"], COMMAND_TARGET),
    ("dx describe FILE --json", ["describe", "{small}", "--json"], COMMAND_TARGET),
    ("dx find data (1,000)", ["find", "data", "--class", "record"], COMMAND_TARGET),
    ("dx build (applet)", ["build", "{applet_source}", "-d", "/builds/hello", "-f", "--ensure-upload"],
     COMMAND_TARGET),
    ("dx run APPLET -y --brief", ["run", "/runners/mapper", "-inumber=3", "-y", "--brief"], COMMAND_TARGET),
    ("dx find executions (500)", ["find", "executions", "-n", str(JOBS)], COMMAND_TARGET),
]
WATCH_LABEL = "dx watch latency"
WATCH_LINES, WATCH_TARGET_P95_MS = 100, 100
TRANSFERS = [
    ("dx upload", ["upload", "--brief", "--wait", "--no-progress", "--path", "/uploads/", "{source}"]),
    ("dx download", ["download", "{big}", "-o", "{target}", "-f", "--no-progress"]),
]

# Run once with this package's dxpy: the records, the small file and the big file.
PREPARE = r'''
import json, sys
import dxpy
project = dxpy.PROJECT_CONTEXT_ID
dxpy.api.project_new_folder(project, {"folder": "/many"})
dxpy.api.project_new_folder(project, {"folder": "/uploads"})
dxpy.api.project_new_folder(project, {"folder": "/builds"})
dxpy.api.project_new_folder(project, {"folder": "/runners"})
dxpy.api.applet_new({"project": project, "folder": "/runners", "name": "mapper", "dxapi": "1.0.0",
                     "inputSpec": [{"name": "number", "class": "int"},
                                   {"name": "label", "class": "string", "default": "x"}],
                     "outputSpec": [{"name": "out", "class": "int"}],
                     "runSpec": {"interpreter": "bash", "code": "exit 0"}})
for index in range(%d):
    dxpy.api.record_new({"project": project, "folder": "/many", "name": "record-%%04d" %% index, "close": True})
small = dxpy.upload_string("a small file\n", project=project, name="small.txt", wait_on_close=True)
big = dxpy.upload_local_file(sys.argv[1], project=project, wait_on_close=True)
applet = dxpy.api.applet_new({"project": project, "name": "idle", "dxapi": "1.0.0",
                              "runSpec": {"interpreter": "python3", "code": "pass"}})["id"]
for index in range(%d):
    dxpy.api.applet_run(applet, {"project": project, "input": {}, "name": "job-%%03d" %% index})
print(json.dumps({"small": small.get_id(), "big": big.get_id()}))
''' % (OBJECTS, JOBS)

# Started by the latency benchmark: prints "ready", waits for the go (a file), then prints
# numbered lines, each with the time it was written.
TICKER = r'''
import os, time
import dxpy

@dxpy.entry_point("main")
def main(go, lines, interval):
    print("ready", flush=True)
    deadline = time.time() + 120
    while not os.path.exists(go) and time.time() < deadline:
        time.sleep(0.005)
    for index in range(lines):
        print("tick %d %.6f" % (index, time.time()), flush=True)
        time.sleep(interval)
    return {}
'''

START_TICKER = r'''
import sys
import dxpy
project = dxpy.PROJECT_CONTEXT_ID
applet = dxpy.api.applet_new({"project": project, "name": "ticker", "dxapi": "1.0.0",
                              "runSpec": {"interpreter": "python3", "code": sys.argv[1]}})["id"]
job_input = {"go": sys.argv[2], "lines": int(sys.argv[3]), "interval": 0.02}
print(dxpy.api.applet_run(applet, {"project": project, "input": job_input})["id"])
'''

# Empties /uploads between runs, so that the emulator holds one uploaded copy at a time.
CLEAR_UPLOADS = r'''
import dxpy
project = dxpy.PROJECT_CONTEXT_ID
ids = [found["id"] for found in dxpy.find_data_objects(project=project, folder="/uploads")]
if ids:
    dxpy.api.project_remove_objects(project, {"objects": ids})
'''


def make_applet_source(root):
    """A small bash applet: dxapp.json, its script, a Readme and 20 files under resources/."""
    spec = {"name": "hello", "title": "Hello", "summary": "says hello", "dxapi": "1.0.0", "version": "0.0.1",
            "inputSpec": [{"name": "who", "class": "string", "default": "world"}],
            "outputSpec": [{"name": "greeting", "class": "string"}],
            "runSpec": {"interpreter": "bash", "file": "src/hello.sh", "distribution": "Ubuntu", "release": "20.04",
                        "version": "0", "systemRequirements": {"*": {"instanceType": "mem1_ssd1_v2_x4"}}}}
    files = {"dxapp.json": json.dumps(spec, indent=2), "Readme.md": "Says hello.\n",
             "src/hello.sh": 'main() {\n  dx-jobutil-add-output greeting "hello $who"\n}\n'}
    for index in range(20):
        files["resources/opt/hello/data-%02d.txt" % index] = "line %d\n" % index * 100
    for name, text in files.items():
        path = os.path.join(root, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as handle:
            handle.write(text)
    return root


def reference_python():
    venv = os.environ.get("DXPY_REF_VENV") or os.path.join(
        os.path.expanduser("~"), ".cache", "dxpy-reference", REF_VERSION)
    return venv_python(venv, "dxpy==" + REF_VERSION)


def run_python(python, code_args, env, cwd):
    """``python *code_args*``, which must succeed; its stdout."""
    result = subprocess.run([python] + code_args, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            universal_newlines=True)
    if result.returncode != 0:
        sys.exit("%s %s failed (%d):\n%s" % (python, code_args[:2], result.returncode, result.stderr[-3000:]))
    return result.stdout


def timed_dx(python, words, env, cwd):
    """Wall seconds of ``python -m dxpy.scripts.dx *words*``, and its stdout."""
    started = time.perf_counter()
    result = subprocess.run([python, "-m", "dxpy.scripts.dx"] + words, env=env, cwd=cwd,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        sys.exit("dx %s (%s) failed (%d):\n%s" % (" ".join(words), python, result.returncode, result.stderr[-3000:]))
    return elapsed, result.stdout


class Bench(object):
    """The two implementations' interpreters and environments, the prepared state, the times."""

    def __init__(self, pythons, envs, state, workdir):
        self.pythons, self.envs, self.state, self.workdir = pythons, envs, state, workdir
        self.times = {}
        self.line_counts = {}

    def words(self, template):
        return [word.format(**self.state) for word in template]

    def run(self, label, name, template, record=True):
        seconds, stdout = timed_dx(self.pythons[name], self.words(template), self.envs[name], self.workdir)
        if record:
            self.times.setdefault((label, name), []).append(seconds)
            self.line_counts.setdefault(label, {})[name] = len(stdout.splitlines())
        return stdout

    def transfer_round(self, order):
        for name in order:
            self.run(TRANSFERS[0][0], name, TRANSFERS[0][1])
            run_python(self.pythons["this"], ["-c", CLEAR_UPLOADS], self.envs["this"], self.workdir)
        for name in order:
            self.run(TRANSFERS[1][0], name, TRANSFERS[1][1])
            if file_md5(self.state["target"]) != self.state["source_md5"]:
                sys.exit("%s: dx download wrote a file that differs from the source" % name)
            os.unlink(self.state["target"])

    def median_ms(self, label, name):
        return 1000 * statistics.median(self.times[label, name])


def measure(bench, runs):
    for label, template, _ in SCENARIOS:  # warm-up: disk caches, .pyc files
        for name in IMPLS:
            bench.run(label, name, template, record=False)
    for run in range(runs):
        order = IMPLS if run % 2 == 0 else IMPLS[::-1]
        print("run %d of %d (%s first)" % (run + 1, runs, order[0]), file=sys.stderr)
        for label, template, _ in SCENARIOS:
            for name in order:
                bench.run(label, name, template)
        if TRANSFERS:
            bench.transfer_round(order)


def check_same_output_sizes(bench):
    """ls and find print a line per object: both implementations must have listed them all."""
    for label, least in (("dx ls (1,000 objects)", OBJECTS), ("dx find data (1,000)", OBJECTS),
                         ("dx find executions (500)", 2 * JOBS)):
        if label not in bench.line_counts:
            continue  # left out with --only
        counts = bench.line_counts[label]
        if counts["this"] != counts["ref"] or counts["this"] < least:
            sys.exit("%s printed %r lines (this, ref)" % (label, (counts["this"], counts["ref"])))


def report(bench, runs, size):
    print("\n%d runs each, medians of whole-process wall time (ms); transfers of %d MiB" % (runs, size // MIB))
    header = "%-26s %9s %9s %7s %8s %s" % ("command", "this", "reference", "ratio", "target", "")
    print(header)
    print("-" * len(header))
    rows = [(label, target) for label, _, target in SCENARIOS] + [(label, COMMAND_TARGET) for label, _ in TRANSFERS]
    for label, target in rows:
        this, ref = bench.median_ms(label, "this"), bench.median_ms(label, "ref")
        ratio = this / ref
        print("%-26s %9.1f %9.1f %7.2f %8s %s" % (label, this, ref, ratio, "<= %.1f" % target,
                                                  "met" if ratio <= target else "NOT MET"))
    for label, _ in TRANSFERS:
        rates = [size / MIB / (bench.median_ms(label, name) / 1000) for name in IMPLS]
        print("%-26s %9.1f %9.1f  MiB/s" % (label + " rate", rates[0], rates[1]))


def watch_latencies(bench, name, go):
    """Seconds from each line a job writes to its coming out of ``dx watch`` (run by *name*)."""
    job = run_python(bench.pythons["this"], ["-c", START_TICKER, TICKER, go, str(WATCH_LINES)], bench.envs["this"],
                     bench.workdir).strip()
    env = dict(bench.envs[name], PYTHONUNBUFFERED="1")
    process = subprocess.Popen([bench.pythons[name], "-m", "dxpy.scripts.dx", "watch", "--no-job-info", job],
                               stdout=subprocess.PIPE, env=env, cwd=bench.workdir)
    latencies = []
    for raw in iter(process.stdout.readline, b""):
        arrived = time.time()
        words = raw.decode("utf-8", "replace").split()
        if words[-1:] == ["ready"]:
            open(go, "w").close()
        elif len(words) >= 3 and words[-3] == "tick":
            latencies.append(arrived - float(words[-1]))
    process.wait()
    if len(latencies) != WATCH_LINES:
        sys.exit("dx watch (%s) showed %d of the job's %d lines" % (name, len(latencies), WATCH_LINES))
    return latencies


def measure_watch(pythons, envs, tmp):
    """Latencies of both clients' dx watch against an emulator that runs jobs."""
    envs = {name: dict(env) for name, env in envs.items()}
    emulator, dx_env = start_emulator(pythons["this"], clean_env(os.path.join(tmp, "home-jobs"), REPO), run_jobs=True)
    try:
        for env in envs.values():
            env.update(dx_env)
        workdir = os.path.join(tmp, "cwd")
        bench = Bench(pythons, envs, {}, workdir)
        return {name: watch_latencies(bench, name, os.path.join(tmp, "go-" + name)) for name in IMPLS}
    finally:
        emulator.terminate()
        emulator.wait()


def report_watch(latencies):
    print("\n%s: %d lines each, ms from the job's print to dx watch's stdout" % (WATCH_LABEL, WATCH_LINES))
    header = "%-26s %9s %9s %9s %s" % ("client", "median", "p95", "max", "target p95")
    print(header)
    print("-" * len(header))
    for name in IMPLS:
        values = sorted(1000 * seconds for seconds in latencies[name])
        p95 = statistics.quantiles(values, n=20)[18]
        met = "" if name == "ref" else ("<= %d %s" % (WATCH_TARGET_P95_MS, "met" if p95 <= WATCH_TARGET_P95_MS
                                                      else "NOT MET"))
        print("%-26s %9.1f %9.1f %9.1f %s" % (name, statistics.median(values), p95, values[-1], met))


def this_python_with_websocket():
    """This package's benchmark interpreter, with websocket-client (dx watch's extra) installed."""
    python = venv_python(THIS_VENV, "requests")
    if subprocess.run([python, "-c", "import websocket"], stderr=subprocess.DEVNULL).returncode != 0:
        subprocess.check_call([python, "-m", "pip", "install", "-q", "websocket-client"])
    return python


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="measured runs per command (default 5)")
    parser.add_argument("--size", type=parse_size, default=256 * MIB, help="upload/download size (default 256M)")
    parser.add_argument("--ref-python", help="interpreter that has the reference dxpy installed")
    parser.add_argument("--only", metavar="WORD", help='measure only the commands whose label has WORD ("build")')
    args = parser.parse_args()
    if args.runs < 1 or args.size < 1:
        parser.error("--runs and --size must be positive")

    with_watch = not args.only or args.only in WATCH_LABEL
    if args.only:
        SCENARIOS[:] = [scenario for scenario in SCENARIOS if args.only in scenario[0]]
        TRANSFERS[:] = [transfer for transfer in TRANSFERS if args.only in transfer[0]]
        if len(TRANSFERS) == 1:
            parser.error("--only: dx upload and dx download are measured together (--only load)")
    pythons = {"this": this_python_with_websocket(), "ref": args.ref_python or reference_python()}
    with tempfile.TemporaryDirectory(prefix="bench-cli-") as tmp:
        workdir = os.path.join(tmp, "cwd")  # empty: `python -m` must not find a dxpy in it
        os.makedirs(workdir)
        emulator, dx_env = start_emulator(pythons["this"], clean_env(os.path.join(tmp, "home-emulator"), REPO))
        try:
            envs = {}
            for name in IMPLS:
                home = os.path.join(tmp, "home-" + name)
                os.makedirs(home)
                envs[name] = clean_env(home, REPO if name == "this" else None)
                envs[name].update(dx_env)
                envs[name].pop("PYTHONDONTWRITEBYTECODE", None)
            compile_this_package(pythons["this"], envs["this"], os.path.join(tmp, "pycache"))
            source = os.path.join(tmp, "source.bin")
            print("writing a %d MiB source file and preparing the project ..." % (args.size // MIB), file=sys.stderr)
            state = {"source": source, "source_md5": make_source(source, args.size),
                     "target": os.path.join(tmp, "downloaded.bin"),
                     "applet_source": make_applet_source(os.path.join(tmp, "hello"))}
            state.update(json.loads(run_python(pythons["this"], ["-c", PREPARE, source], envs["this"], workdir)))
            bench = Bench(pythons, envs, state, workdir)
            measure(bench, args.runs)
        finally:
            emulator.terminate()
            emulator.wait()
        latencies = measure_watch(pythons, envs, tmp) if with_watch else None
    check_same_output_sizes(bench)
    report(bench, args.runs, args.size)
    if latencies:
        report_watch(latencies)


if __name__ == "__main__":
    main()
