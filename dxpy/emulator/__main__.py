"""``python -m dxpy.emulator``: serve an emulator until SIGINT, SIGTERM or SIGHUP.

The first line printed is a shell ``export`` statement that points dxpy at it (API and auth
server). The server keeps running, so read that line from a file (or a pipe) rather than
waiting for the command to end::

    python -m dxpy.emulator > emulator.env &
    until [ -s emulator.env ]; do sleep 0.1; done; . ./emulator.env

Jobs run in local subprocesses (``--no-run-jobs`` keeps them idle). On any of those signals
the emulator stops: running jobs and every process they started are killed and their scratch
folder removed. If it is killed outright (SIGKILL), its watchdog process does the same
(``dxpy.emulator.execution.reaper``).

``--link rtt=40ms,per-connection=25MiB/s`` models a network between the emulator and its clients.

``--users alice bob=TOKEN`` adds users (for tests with several users) and ``--org lab=alice,bob``
an org with its ADMIN first; a comment line per user (``# user-alice TOKEN``) follows the
export line.
"""
import argparse
import shlex
import signal
import sys
import threading

from . import Emulator
from .limits import Limits
from .errors import CorruptStateError, PlatformError

# The variables printed, in this order; the workspace follows the project context.
_EXPORTED = ("DX_APISERVER_PROTOCOL", "DX_APISERVER_HOST", "DX_APISERVER_PORT",
             "DX_SECURITY_CONTEXT", "DX_PROJECT_CONTEXT_ID", "DX_AUTHSERVER_HOST", "DX_AUTHSERVER_PORT")


def export_line(environment):
    return "export " + " ".join("%s=%s" % (name, shlex.quote(environment[name])) for name in _EXPORTED)


def _positive(kind):
    def parse(text):
        try:
            value = kind(text)
        except ValueError:
            value = None
        if value is None or not value > 0:  # also refuses NaN
            raise argparse.ArgumentTypeError("expected a positive number, not %r" % (text,))
        return value
    parse.__name__ = kind.__name__  # argparse names the type in its messages
    return parse


def build_parser():
    parser = argparse.ArgumentParser(prog="python -m dxpy.emulator", description="Serve a local DNAnexus API emulator.")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: %(default)s)")
    parser.add_argument("--port", type=int, default=0, help="port to listen on; 0 picks a free one (default)")
    parser.add_argument("--token", help="the API token of the emulator's user (default: a random one)")
    parser.add_argument("--admin-token", help="the only token that may change the fault rules "
                        "(/emulator/faults); default: the user's token")
    parser.add_argument("--data-dir", help="directory for the platform's data, kept across restarts: each change "
                        "is on disk (fsynced) before its call is answered (default: in memory)")
    parser.add_argument("--verbose", action="store_true", help="log every request to stderr")
    parser.add_argument("--run-jobs", dest="run_jobs", action="store_true", default=True,
                        help="execute jobs in local subprocesses (the default)")
    parser.add_argument("--no-run-jobs", dest="run_jobs", action="store_false", help="leave every job idle")
    parser.add_argument("--max-parallel-jobs", type=_positive(int), default=4,
                        help="how many job processes may run at once (default: %(default)s)")
    parser.add_argument("--job-timeout", type=_positive(float), default=None,
                        help="seconds after which any job fails with JobTimeoutExceeded (default: none)")
    parser.add_argument("--link", type=_link, default=None, metavar="rtt=40ms,per-connection=25MiB/s",
                        help="model a network: delay every answer by the round trip and pace each connection")
    parser.add_argument("--max-connections", type=_positive(int), default=128,
                        help="connections served at once; more are answered 503 (default: %(default)s)")
    parser.add_argument("--read-timeout", type=_positive(float), default=60.0,
                        help="seconds a connection may stay silent before it is closed (default: %(default)s)")
    parser.add_argument("--max-request-bytes", type=_positive(int), default=64 * 1024 * 1024,
                        help="largest body of an API call; larger ones are answered 413 (default: %(default)s)")
    parser.add_argument("--users", nargs="+", default=[], metavar="NAME[=TOKEN]",
                        help="more users, with the given API token or a random one")
    parser.add_argument("--org", dest="orgs", action="append", type=_org, default=[], metavar="HANDLE=NAME,...",
                        help="an org and its members: the first is its ADMIN, the others MEMBERs "
                             "(\"emulator\" is the emulator's own user); repeat for more orgs")
    return parser


def _link(text):
    from .link import parse_link
    try:
        return parse_link(text)
    except ValueError as e:
        raise argparse.ArgumentTypeError(str(e))


def _org(text):
    handle, _, members = text.partition("=")
    names = [name for name in members.split(",") if name]
    if not handle or not names:
        raise argparse.ArgumentTypeError("expected HANDLE=NAME[,NAME...], not %r" % (text,))
    return handle, names


def main(argv=None):
    parser = build_parser()
    args = parser.parse_args(argv)

    stopping = threading.Event()

    def stop(signum, frame):
        stopping.set()

    for name in ("SIGINT", "SIGTERM", "SIGHUP"):  # SIGHUP: the terminal went away
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), stop)
    try:
        emulator = Emulator(host=args.host, port=args.port, token=args.token, data_dir=args.data_dir,
                            verbose=args.verbose, run_jobs=args.run_jobs, max_parallel_jobs=args.max_parallel_jobs,
                            job_timeout=args.job_timeout, link=args.link, users=args.users,
                            orgs=dict(args.orgs), admin_token=args.admin_token,
                            limits=Limits(max_api_body=args.max_request_bytes, read_timeout=args.read_timeout,
                                          max_connections=args.max_connections))
    except CorruptStateError as error:
        sys.stderr.write("python -m dxpy.emulator: error: %s\n" % error)
        return 1
    except (ValueError, PlatformError) as error:  # a bad user name or org
        parser.error(str(error))
    emulator.start()
    try:
        sys.stdout.write(export_line(emulator.environment()) + "\n")
        for user_id, token in emulator.tokens.items():
            if user_id != emulator.user_id:
                sys.stdout.write("# %s %s\n" % (user_id, token))
        sys.stdout.flush()
        while not stopping.wait(0.5):  # a timed wait lets the signal handler run promptly
            pass
    finally:
        emulator.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
