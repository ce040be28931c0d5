"""Throughput of the API emulator on loopback, measured with plain ``requests``.

Starts ``python -m dxpy.emulator`` in a subprocess (so that client and server do not share
an interpreter lock) and measures:

* small JSON calls per second (``/system/whoami``) from several threads, each with its own
  keep-alive session;
* MB/s for uploading a part of a file and for downloading the closed file;
* with ``--data-dir`` (state kept on disk, each change fsynced before it is answered), once the
  project holds 100, 1,000 and 10,000 objects: writes per second from several threads (a write
  is one changing call: ``/record/new``, then ``/record-xxxx/setDetails`` on the new record), then
  the same writes with two more threads calling ``describe``: reads per second and their median
  latency.

Usage: ``python benchmarks/bench_emulator.py [--threads 8] [--seconds 3] [--part-mib 64] [--repeat 3]
[--sizes 100,1000,10000]`` (``--sizes ""`` skips the durable-state part)
"""
import argparse
import hashlib
import json
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time

import requests

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MIB = 1024 * 1024


def start_emulator(*options):
    """The emulator process and the ``DX_*`` variables of its first output line."""
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    process = subprocess.Popen([sys.executable, "-m", "dxpy.emulator", "--no-run-jobs"] + list(options),
                               stdout=subprocess.PIPE, env=env, cwd=ROOT)
    words = shlex.split(process.stdout.readline().decode())
    if not words or words[0] != "export":
        process.kill()
        raise SystemExit("the emulator did not start")
    return process, dict(word.split("=", 1) for word in words[1:])


class Client(object):
    def __init__(self, env):
        self.url = "http://%s:%s" % (env["DX_APISERVER_HOST"], env["DX_APISERVER_PORT"])
        self.project = env["DX_PROJECT_CONTEXT_ID"]
        self.session = requests.Session()
        self.session.headers["Authorization"] = "Bearer " + json.loads(env["DX_SECURITY_CONTEXT"])["auth_token"]

    def call(self, route, payload=None):
        response = self.session.post(self.url + route, json=payload or {})
        response.raise_for_status()
        return response.json()


def small_calls(env, threads, seconds):
    counts = [0] * threads
    deadline = time.time() + seconds

    def work(slot):
        client = Client(env)
        while time.time() < deadline:
            client.call("/system/whoami")
            counts[slot] += 1

    workers = [threading.Thread(target=work, args=(i,)) for i in range(threads)]
    started = time.time()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return sum(counts) / (time.time() - started)


def transfers(env, part_size, repeat):
    """Best upload and download MB/s over *repeat* tries each, for a one-part file."""
    client = Client(env)
    data = os.urandom(MIB) * (part_size // MIB)
    md5 = hashlib.md5(data).hexdigest()
    file_id = client.call("/file/new", {"project": client.project, "name": "bench"})["id"]
    upload_times = []
    for _ in range(repeat):  # the same part again: it replaces the previous upload
        target = client.call("/%s/upload" % file_id, {"index": 1, "size": len(data), "md5": md5})
        started = time.time()
        client.session.put(target["url"], data=data, headers=target["headers"]).raise_for_status()
        upload_times.append(time.time() - started)
    client.call("/%s/close" % file_id)
    url = client.call("/%s/download" % file_id)["url"]
    download_times = []
    for _ in range(repeat):
        started = time.time()
        with client.session.get(url, stream=True) as response:
            response.raise_for_status()
            # Large reads: requests' default 10 KiB chunks would measure the client instead.
            received = sum(len(chunk) for chunk in response.iter_content(8 * MIB))
        download_times.append(time.time() - started)
        assert received == part_size
    mb = part_size / 1e6
    return mb / min(upload_times), mb / min(download_times)


def _in_threads(count, work):
    workers = [threading.Thread(target=work, args=(slot,)) for slot in range(count)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()


def fill(env, count, threads):
    """Create records until the project holds *count* objects; returns some of their IDs."""
    ids = []

    def work(slot):
        client = Client(env)
        for n in range(slot, count, threads):
            ids.append(client.call("/record/new", {"project": client.project, "name": "fill-%d" % n})["id"])
    _in_threads(threads, work)
    return ids[:1000]


def writes_and_reads(env, existing, threads, readers, seconds):
    """(writes/s, reads/s, median read ms or None): *threads* writers and *readers* readers at once."""
    writes, reads, latencies = [0] * threads, [0] * readers, []
    deadline = time.time() + seconds

    def write(slot):
        client = Client(env)
        while time.time() < deadline:
            record = client.call("/record/new", {"project": client.project, "name": "w%d" % slot})["id"]
            client.call("/%s/setDetails" % record, {"slot": slot, "n": writes[slot]})
            writes[slot] += 2

    def read(slot):
        client = Client(env)
        n = 0
        while time.time() < deadline:
            started = time.time()
            client.call("/%s/describe" % existing[n % len(existing)])
            latencies.append(time.time() - started)
            reads[slot] += 1
            n += 1

    started = time.time()
    _in_threads(threads + readers, lambda slot: write(slot) if slot < threads else read(slot - threads))
    elapsed = time.time() - started
    return sum(writes) / elapsed, sum(reads) / elapsed, 1000 * statistics.median(latencies) if latencies else None


def durable_state(sizes, threads, seconds):
    """Rows of (objects, writes/s alone, writes/s with reads, reads/s, median read ms), one
    emulator per size."""
    rows = []
    for size in sizes:
        data_dir = tempfile.mkdtemp(prefix="bench-emulator-")
        process, env = start_emulator("--data-dir", data_dir)
        try:
            existing = fill(env, size, threads)
            alone = writes_and_reads(env, existing, threads, 0, seconds)[0]
            rows.append((size, alone) + writes_and_reads(env, existing, threads, 2, seconds))
        finally:
            process.terminate()
            process.wait()
            shutil.rmtree(data_dir, ignore_errors=True)
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--part-mib", type=int, default=64)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--sizes", default="100,1000,10000",
                        help="objects in the project for the durable-state rows (comma-separated)")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",") if size.strip()]

    process, env = start_emulator()
    try:
        calls = small_calls(env, args.threads, args.seconds)
        upload, download = transfers(env, args.part_mib * MIB, args.repeat)
    finally:
        process.terminate()
        process.wait()
    rows = [("small JSON calls, %d threads, keep-alive" % args.threads, "%.0f calls/s" % calls),
            ("upload, %d MiB part" % args.part_mib, "%.0f MB/s" % upload),
            ("download, %d MiB part" % args.part_mib, "%.0f MB/s" % download)]
    width = max(len(name) for name, _ in rows)
    print("%-*s  %s" % (width, "measure", "result"))
    for name, value in rows:
        print("%-*s  %s" % (width, name, value))
    if sizes:
        print()
        print("with --data-dir: writes (record/new, setDetails) from %d threads; then with describe from 2 more"
              % args.threads)
        print("%8s  %10s  %18s  %12s  %12s" % ("objects", "writes/s", "writes/s (+reads)", "reads/s", "read median"))
        for size, alone, writes, reads, median in durable_state(sizes, args.threads, args.seconds):
            print("%8d  %10.0f  %18.0f  %12.0f  %9.1f ms" % (size, alone, writes, reads, median))


if __name__ == "__main__":
    main()
