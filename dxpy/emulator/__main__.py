"""``python -m dxpy.emulator``: serve an emulator until SIGINT or SIGTERM.

The first line printed is a shell ``export`` statement that points dxpy at it::

    eval "$(python -m dxpy.emulator | head -n 1)"   # or read the line from a pipe
"""
import argparse
import shlex
import signal
import sys
import threading

from . import Emulator

# The variables printed, in this order; the workspace follows the project context.
_EXPORTED = ("DX_APISERVER_PROTOCOL", "DX_APISERVER_HOST", "DX_APISERVER_PORT",
             "DX_SECURITY_CONTEXT", "DX_PROJECT_CONTEXT_ID", "DX_AUTHSERVER_HOST", "DX_AUTHSERVER_PORT")


def export_line(environment):
    return "export " + " ".join("%s=%s" % (name, shlex.quote(environment[name])) for name in _EXPORTED)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m dxpy.emulator", description="Serve a local DNAnexus API emulator.")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: %(default)s)")
    parser.add_argument("--port", type=int, default=0, help="port to listen on; 0 picks a free one (default)")
    parser.add_argument("--token", help="the API token of the emulator's user (default: a random one)")
    parser.add_argument("--data-dir", help="directory for the platform's data (default: in memory)")
    parser.add_argument("--verbose", action="store_true", help="log every request to stderr")
    args = parser.parse_args(argv)

    stopping = threading.Event()

    def stop(signum, frame):
        stopping.set()

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    emulator = Emulator(host=args.host, port=args.port, token=args.token, data_dir=args.data_dir,
                        verbose=args.verbose).start()
    try:
        sys.stdout.write(export_line(emulator.environment()) + "\n")
        sys.stdout.flush()
        while not stopping.wait(0.5):  # a timed wait lets the signal handler run promptly
            pass
    finally:
        emulator.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
