#!/usr/bin/env python3
"""File transfer throughput and memory: this package against the reference dxpy 0.417.1
and a raw ``requests`` loop, on the same emulator, machine and run.

    python benchmarks/bench_transfer.py [--size 1G] [--runs 3] [--part-size 64M] [--threads N]
                                        [--link rtt=40ms,per-connection=25MiB/s]

``--link`` serves the emulator behind a modelled network (each answer waits the round trip,
each connection is paced): the case the clients' connection counts decide. Without
``--part-size`` both clients upload with their default part size.

The emulator runs in its own process (``python -m dxpy.emulator``). Every measurement is a
whole child process; the time is taken inside it around the transfer call alone, and its
peak RSS comes from ``os.wait4``. Per run, the implementations take turns (the order
rotates between runs); the table gives medians. Measured, each with identical calls:

* upload:   ``dxpy.upload_local_file(path, write_buffer_size=PART, wait_on_close=True)`` (no
  ``write_buffer_size`` without ``--part-size``)
* download: ``dxpy.download_dxfile(file_id, path)``
* read:     ``dxpy.open_dxfile(file_id).read(1 MiB)`` until the end

The raw loop (the ceiling for a client on this machine) PUTs the same parts and GETs the
same byte ranges with *threads* connections, computing each part's MD5 as dxpy must, and
writing the download at its offsets. Every downloaded file is checked against the source.
The virtual environments are made (or reused) as in bench_import.py.
"""
import argparse
import hashlib
import json
import os
import shlex
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, HERE)
from bench_import import REF_VENV, REF_VERSION, THIS_VENV, clean_env, venv_python  # noqa: E402

MIB = 1024 * 1024
READ_SIZE = MIB

# The child process: one operation, then a JSON line {"seconds": ..., ...} on stdout.
CHILD = r'''
import json, sys, time
op, target, part_size = sys.argv[1], sys.argv[2], int(sys.argv[3])
import dxpy
started = time.perf_counter()
result = {}
if op == "upload":
    handler = dxpy.upload_local_file(target, write_buffer_size=part_size or None, wait_on_close=True)
    result["id"] = handler.get_id()
elif op == "download":
    dxpy.download_dxfile(target, sys.argv[4])
elif op == "read":
    handler = dxpy.open_dxfile(target, mode="rb")
    total = 0
    while True:
        block = handler.read(%d)
        if not block:
            break
        total += len(block)
    result["bytes"] = total
result["seconds"] = time.perf_counter() - started
print(json.dumps(result))
''' % READ_SIZE

# The raw loop: the same parts, the same concurrency, plain requests, one session per thread.
RAW_CHILD = r'''
import hashlib, json, os, sys, threading, time
from concurrent.futures import ThreadPoolExecutor
import requests
op, target, part_size, threads = sys.argv[1], sys.argv[2], int(sys.argv[3]) or 16 * 1024 * 1024, int(sys.argv[4])
api = "%s://%s:%s" % (os.environ["DX_APISERVER_PROTOCOL"], os.environ["DX_APISERVER_HOST"],
                      os.environ["DX_APISERVER_PORT"])
token = json.loads(os.environ["DX_SECURITY_CONTEXT"])["auth_token"]
local = threading.local()

def session():
    if not hasattr(local, "session"):
        local.session = requests.Session()
        local.session.trust_env = False
    return local.session

def call(route, payload):
    response = session().post(api + route, json=payload, headers={"Authorization": "Bearer " + token})
    response.raise_for_status()
    return response.json()

started = time.perf_counter()
result = {}
if op == "upload":
    size = os.path.getsize(target)
    file_id = call("/file/new", {"project": os.environ["DX_PROJECT_CONTEXT_ID"]})["id"]
    fd = os.open(target, os.O_RDONLY)

    def put(index, data, digest):
        upload = call("/%s/upload" % file_id, {"index": index, "size": len(data), "md5": digest})
        session().put(upload["url"], data=data, headers=upload["headers"]).raise_for_status()

    # The main thread reads and hashes the next part while *threads* parts go up (as dxpy
    # does): at most threads + 1 parts in memory.
    with ThreadPoolExecutor(threads) as pool:
        pending = []
        for index in range(1, max(1, -(-size // part_size)) + 1):
            data = os.pread(fd, part_size, (index - 1) * part_size)
            while len(pending) >= threads:
                pending.pop(0).result()
            pending.append(pool.submit(put, index, data, hashlib.md5(data).hexdigest()))
            del data
        for future in pending:
            future.result()
    call("/%s/close" % file_id, {})
    while call("/%s/describe" % file_id, {"fields": {"state": True}})["state"] != "closed":
        time.sleep(0.05)
    result["id"] = file_id
else:
    parts = call("/%s/describe" % target, {"fields": {"parts": True}})["parts"]
    url = call("/%s/download" % target, {})["url"]
    fd = os.open(sys.argv[5], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    spans, offset = [], 0
    for index in sorted(parts, key=int):
        spans.append((offset, parts[index]))
        offset += parts[index]["size"]

    def get(span):
        start, part = span
        headers = {"Range": "bytes=%d-%d" % (start, start + part["size"] - 1)}
        with session().get(url, headers=headers, stream=True) as response:
            response.raise_for_status()
            data = response.raw.read()
        if len(data) != part["size"] or hashlib.md5(data).hexdigest() != part["md5"]:
            raise SystemExit("part at %d arrived damaged" % start)
        os.pwrite(fd, data, start)

    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(get, spans))
    os.close(fd)
result["seconds"] = time.perf_counter() - started
print(json.dumps(result))
'''


def parse_size(text):
    """``1G``, ``256M``, ``64K`` (binary units, an optional trailing ``iB``/``B``) or bytes."""
    units = {"k": 1024, "m": MIB, "g": 1024 * MIB}
    value = text.strip().lower()
    for suffix in ("ib", "b"):
        if value.endswith(suffix) and value[:-len(suffix)][-1:] in units:
            value = value[:-len(suffix)]
    try:
        if value[-1:] in units:
            return int(float(value[:-1]) * units[value[-1]])
        return int(value)
    except ValueError:
        raise argparse.ArgumentTypeError("not a size: %r (use e.g. 1G, 256M)" % text)


def start_emulator(python, env, link=None, run_jobs=False):
    command = [python, "-m", "dxpy.emulator"] + ([] if run_jobs else ["--no-run-jobs"]) + (
        ["--link", link] if link else [])
    process = subprocess.Popen(command, stdout=subprocess.PIPE, env=env, cwd=REPO)
    words = shlex.split(process.stdout.readline().decode())
    if not words or words[0] != "export":
        process.kill()
        sys.exit("the emulator did not start")
    return process, dict(word.split("=", 1) for word in words[1:])


def process_cpu_seconds(pid):
    """User + system CPU seconds *pid* has used so far (Linux; None elsewhere)."""
    try:
        with open("/proc/%d/stat" % pid) as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / float(os.sysconf("SC_CLK_TCK"))


def run_child(python, args, env, cwd):
    """Run ``python args...``; returns (its JSON result, its peak RSS in MiB, its CPU seconds)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        process = subprocess.Popen([python] + args, stdout=out, stderr=err, env=env, cwd=cwd)
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if process.returncode != 0:
            sys.exit("%s %s failed (%d):\n%s" % (python, args[:3], process.returncode, err.read().decode()[-3000:]))
        lines = out.read().decode().strip().splitlines()
    return json.loads(lines[-1]), usage.ru_maxrss / 1024.0, usage.ru_utime + usage.ru_stime  # Linux: KiB


def make_source(path, size):
    """A file of *size* random (incompressible) bytes; returns its MD5."""
    md5 = hashlib.md5()
    with open(path, "wb") as handle:
        for offset in range(0, size, 8 * MIB):
            block = os.urandom(min(8 * MIB, size - offset))
            handle.write(block)
            md5.update(block)
    return md5.hexdigest()


def file_md5(path):
    md5 = hashlib.md5()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(8 * MIB), b""):
            md5.update(block)
    return md5.hexdigest()


def remove_file(env, file_id):
    import requests
    url = "http://%s:%s" % (env["DX_APISERVER_HOST"], env["DX_APISERVER_PORT"])
    token = json.loads(env["DX_SECURITY_CONTEXT"])["auth_token"]
    requests.post("%s/%s/removeObjects" % (url, env["DX_PROJECT_CONTEXT_ID"]), json={"objects": [file_id]},
                  headers={"Authorization": "Bearer " + token}).raise_for_status()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=parse_size, default=1024 * MIB, help="file size (default 1G)")
    parser.add_argument("--runs", type=int, default=3, help="runs per implementation (default 3)")
    parser.add_argument("--part-size", type=parse_size, default=0,
                        help="upload part size (default: each client's own, 16M for both)")
    parser.add_argument("--threads", type=int, default=16,
                        help="connections of the raw loop (default: this package's default, 16)")
    parser.add_argument("--link", help="serve the emulator behind this link model, "
                                       "e.g. rtt=40ms,per-connection=25MiB/s")
    parser.add_argument("--impls", default="ref,this,raw", help="comma-separated subset of ref,this,raw")
    parser.add_argument("--baseline", metavar="DIR",
                        help="also measure the package in DIR (an earlier version of this one) as 'base'")
    parser.add_argument("--ref-python", help="interpreter that has the reference dxpy installed")
    args = parser.parse_args()
    impls = [name for name in args.impls.split(",") if name]
    if not impls or set(impls) - {"ref", "this", "raw"}:
        parser.error("--impls takes names among ref, this, raw")
    if args.baseline:
        if not os.path.isdir(os.path.join(args.baseline, "dxpy")):
            parser.error("--baseline must be a directory holding a dxpy package")
        impls.append("base")
    if args.runs < 1 or args.threads < 1 or args.size < 1 or args.part_size < 0:
        parser.error("--runs, --threads, --size and --part-size must be positive")

    this_python = venv_python(THIS_VENV, "requests")
    pythons = {"this": this_python, "raw": this_python, "base": this_python}
    if "ref" in impls:
        pythons["ref"] = args.ref_python or venv_python(REF_VENV, "dxpy==" + REF_VERSION)
    with tempfile.TemporaryDirectory(prefix="bench-transfer-") as tmp:
        home = os.path.join(tmp, "home")
        os.makedirs(home)
        emulator, dx_env = start_emulator(this_python, clean_env(home, REPO), args.link)
        try:
            source = os.path.join(tmp, "source.bin")
            print("writing a %d MiB source file ..." % (args.size // MIB), file=sys.stderr)
            source_md5 = make_source(source, args.size)
            envs = {}
            for name in impls:
                env = clean_env(home, {"this": REPO, "base": args.baseline}.get(name))
                env.update(dx_env)
                env["DX_WORKSPACE_ID"] = dx_env["DX_PROJECT_CONTEXT_ID"]
                envs[name] = env
            results = measure(args, impls, pythons, envs, dx_env, tmp, source, source_md5, emulator.pid)
        finally:
            emulator.terminate()
            emulator.wait()
    report(args, impls, results)


def settle_memory(tmp, size):
    """Give the next measurement the same memory to start from: dirty pages written back, and
    *size* bytes of page cache written and freed. On a virtual machine that hands free memory
    back to its host (free page reporting), the first process to take memory again pays
    about ten times the CPU of a process reusing pages just freed; without this, whichever
    client came first after a step that freed memory would be charged for it."""
    os.sync()
    scratch = os.path.join(tmp, "scratch.bin")
    block = bytes(8 * MIB)
    with open(scratch, "wb") as f:
        for _ in range(0, size, len(block)):
            f.write(block)
    os.unlink(scratch)


def measure(args, impls, pythons, envs, dx_env, tmp, source, source_md5, emulator_pid):
    """{(operation, impl): [(MB/s, peak RSS MiB, client CPU s, emulator CPU s), ...]}"""
    results = {}
    target = os.path.join(tmp, "downloaded.bin")

    def child(name, op, *rest):
        if name == "raw":
            argv = ["-c", RAW_CHILD, op] + list(rest[:1]) + [str(args.part_size), str(args.threads)] + list(rest[1:])
        else:
            argv = ["-c", CHILD, op] + list(rest[:1]) + [str(args.part_size)] + list(rest[1:])
        settle_memory(tmp, 2 * args.size)
        emulator_before = process_cpu_seconds(emulator_pid)
        result, rss, cpu = run_child(pythons[name], argv, envs[name], tmp)
        emulator_after = process_cpu_seconds(emulator_pid)
        emulator_cpu = emulator_after - emulator_before if emulator_before is not None else float("nan")
        results.setdefault((op, name), []).append((args.size / MIB / result["seconds"], rss, cpu, emulator_cpu))
        print("  %-8s %-4s %8.1f MB/s  %7.1f MiB RSS  CPU s: client %.2f emulator %.2f"
              % (op, name, results[op, name][-1][0], rss, cpu, emulator_cpu), file=sys.stderr)
        return result

    for run in range(args.runs):
        order = impls[run % len(impls):] + impls[:run % len(impls)]
        print("run %d of %d (%s)" % (run + 1, args.runs, ", ".join(order)), file=sys.stderr)
        uploaded = {name: child(name, "upload", source)["id"] for name in order}
        for name in order:
            child(name, "download", uploaded[name], target)
            if file_md5(target) != source_md5:
                sys.exit("%s: the downloaded file differs from the source" % name)
            os.unlink(target)
        for name in order:
            if name != "raw":
                if child(name, "read", uploaded[name])["bytes"] != args.size:
                    sys.exit("%s: DXFile.read returned the wrong number of bytes" % name)
        for file_id in uploaded.values():
            remove_file(dx_env, file_id)
    return results


def report(args, impls, results):
    def median(op, name, column):
        runs = results.get((op, name))
        return statistics.median(run[column] for run in runs) if runs else None

    def fmt(value, spec="%8.1f"):
        return spec % value if value is not None else "%8s" % "-"

    def ratio(a, b):
        return a / b if a is not None and b else None

    print("\n%d MiB file, %s parts, %d run(s) each, medians; raw loop: %d connections; link: %s"
          % (args.size // MIB, "%d MiB" % (args.part_size // MIB) if args.part_size else "default", args.runs,
             args.threads, args.link or "loopback"))
    header = "%-10s %8s %8s %8s | %9s %9s" % ("MB/s", "ref", "this", "raw", "this/ref", "this/raw")
    print(header)
    print("-" * len(header))
    for op in ("upload", "download", "read"):
        ref, this, raw = (median(op, name, 0) for name in ("ref", "this", "raw"))
        print("%-10s %s %s %s | %s %s" % (op, fmt(ref), fmt(this), fmt(raw), fmt(ratio(this, ref), "%9.2f"),
                                          fmt(ratio(this, raw), "%9.2f")))
    print("%-10s %s" % ("", "min-max per run: " + "; ".join(
        "%s %s %.0f-%.0f" % (op, name, min(r[0] for r in runs), max(r[0] for r in runs))
        for (op, name), runs in sorted(results.items()))))
    print("\n%-10s %8s %8s %8s | %9s" % ("peak RSS", "ref", "this", "raw", "this/ref"))
    for op in ("upload", "download", "read"):
        ref, this, raw = (median(op, name, 1) for name in ("ref", "this", "raw"))
        print("%-10s %s %s %s | %s  (MiB)" % (op, fmt(ref), fmt(this), fmt(raw), fmt(ratio(this, ref), "%9.2f")))

    # Client and emulator share the machine's cores: with both busy, their CPU seconds per
    # GiB bound the throughput any client can reach on it.
    print("\n%-10s %17s %17s %17s" % ("CPU s/GiB", "ref", "this", "raw"))
    print("%-10s %17s %17s %17s" % ("", "client+emulator", "client+emulator", "client+emulator"))
    per_gib = 1024.0 * MIB / args.size
    for op in ("upload", "download", "read"):
        cells = []
        for name in ("ref", "this", "raw"):
            client, emulator = median(op, name, 2), median(op, name, 3)
            cells.append("%17s" % ("-" if client is None else "%.2f + %.2f" % (client * per_gib, emulator * per_gib)))
        print("%-10s %s" % (op, " ".join(cells)))

    if "base" in impls:
        print("\n%-10s %8s %8s | %9s   (base: %s)" % ("vs base", "base", "this", "this/base", args.baseline))
        for op in ("upload", "download", "read"):
            base, this = median(op, "base", 0), median(op, "this", 0)
            print("%-10s %s %s | %s  MB/s;  peak RSS %s / %s MiB" % (
                op, fmt(base), fmt(this), fmt(ratio(this, base), "%9.2f"), fmt(median(op, "base", 1), "%.0f"),
                fmt(median(op, "this", 1), "%.0f")))

    targets = []
    times_ref = 3.0 if args.link else 1.5
    for op in ("upload", "download"):
        targets.append(("%s >= %.1fx ref" % (op, times_ref), ratio(median(op, "this", 0), median(op, "ref", 0)),
                        times_ref))
        targets.append(("%s >= 80%% of raw" % op, ratio(median(op, "this", 0), median(op, "raw", 0)), 0.8))
        targets.append(("%s peak RSS <= ref" % op,
                        ratio(median(op, "ref", 1), median(op, "this", 1)), 1.0))
    targets.append(("read >= ref", ratio(median("read", "this", 0), median("read", "ref", 0)), 1.0))
    print("\ntargets")
    for label, value, needed in targets:
        state = "not measured" if value is None else ("met" if value >= needed else "NOT MET")
        print("  %-26s %s%s" % (label, state, "" if value is None else "  (%.2f vs %.2f)" % (value, needed)))


if __name__ == "__main__":
    main()
