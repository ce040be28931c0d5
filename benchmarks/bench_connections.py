#!/usr/bin/env python3
"""How many connections a transfer needs: this package's upload and download throughput for
several connection counts (``DX_TRANSFER_CONNECTIONS``) behind several modelled links.

    python benchmarks/bench_connections.py [--size 256M] [--connections 2,4,8,16,32]
        [--links rtt=1ms,per-connection=1000MiB/s rtt=40ms,per-connection=25MiB/s ...]

Each link is served by its own emulator (``--link``); each measurement is a whole process (as
in bench_transfer.py), one run each, its MB/s and peak RSS printed. The default links keep a
1 MiB TCP window: per-connection rate = window / round trip.
"""
import argparse
import os
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from bench_import import THIS_VENV, clean_env, venv_python  # noqa: E402
from bench_transfer import CHILD, MIB, REPO, make_source, parse_size, remove_file, run_child, start_emulator  # noqa: E402

LINKS = ["rtt=1ms,per-connection=1000MiB/s", "rtt=40ms,per-connection=25MiB/s", "rtt=200ms,per-connection=5MiB/s"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=parse_size, default=256 * MIB, help="file size (default 256M)")
    parser.add_argument("--connections", default="2,4,8,16,32", help="connection counts (default 2,4,8,16,32)")
    parser.add_argument("--links", nargs="+", default=LINKS,
                        help="link models, or loopback for none (default: 1, 40 and 200 ms)")
    args = parser.parse_args()
    try:
        counts = [int(text) for text in args.connections.split(",")]
    except ValueError:
        parser.error("--connections takes integers separated by commas")
    if not counts or min(counts) < 1 or args.size < 1:
        parser.error("--connections and --size must be positive")
    python = venv_python(THIS_VENV, "requests")
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-connections-") as tmp:
        home = os.path.join(tmp, "home")
        os.makedirs(home)
        source, target = os.path.join(tmp, "source.bin"), os.path.join(tmp, "copy.bin")
        make_source(source, args.size)
        for link in args.links:
            emulator, dx_env = start_emulator(python, clean_env(home, REPO), None if link == "loopback" else link)
            try:
                for count in counts:
                    env = clean_env(home, REPO)
                    env.update(dx_env, DX_WORKSPACE_ID=dx_env["DX_PROJECT_CONTEXT_ID"],
                               DX_TRANSFER_CONNECTIONS=str(count))
                    up, up_rss, _ = run_child(python, ["-c", CHILD, "upload", source, "0"], env, tmp)
                    down, down_rss, _ = run_child(python, ["-c", CHILD, "download", up["id"], "0", target], env, tmp)
                    os.unlink(target)
                    remove_file(dx_env, up["id"])
                    rows.append((link, count, args.size / MIB / up["seconds"], up_rss,
                                 args.size / MIB / down["seconds"], down_rss))
                    print("%-36s %3d connections: upload %6.1f MB/s (%5.1f MiB RSS), download %6.1f MB/s (%5.1f MiB)"
                          % rows[-1], file=sys.stderr)
            finally:
                emulator.terminate()
                emulator.wait()
    print("\n| link | connections | upload MB/s | download MB/s | peak RSS up / down MiB |")
    print("|---|---|---|---|---|")
    for link, count, up, up_rss, down, down_rss in rows:
        print("| %s | %d | %.0f | %.0f | %.0f / %.0f |" % (link, count, up, down, up_rss, down_rss))


if __name__ == "__main__":
    main()
