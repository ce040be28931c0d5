"""``dx watch``: a job's log (and its subjobs' with ``--tree``) as it is written, through
:mod:`dxpy.utils.job_log_client`. ``watch_job`` is what ``dx run --watch`` calls."""
import argparse
import datetime
import re
import sys

from ..exceptions import DXCLIError, err_exit
from . import registry
from .parsers import env_args, no_color_arg

LEVELS = ["EMERG", "ALERT", "CRITICAL", "ERROR", "WARNING", "NOTICE", "INFO", "DEBUG", "STDERR", "STDOUT", "METRICS"]
_DEFAULT_RECENT = 1024 * 256
_JOB_ID = re.compile(r"^job-[0-9a-zA-Z]{24}$")
# level -> (color name in dxpy.utils.printing, curses color pair of the metrics view)
_LEVEL_COLORS = dict(
    [(level, ("RED", 2)) for level in ("EMERG", "ALERT", "CRITICAL", "ERROR")]
    + [(level, ("YELLOW", 3)) for level in ("WARNING", "STDERR")]
    + [(level, ("GREEN", 4)) for level in ("NOTICE", "INFO", "DEBUG", "STDOUT", "METRICS")])

_METRICS_HELP = """Detailed job metrics in dx watch

A job run with detailed metrics (dx run --detailed-job-metrics) logs METRICS messages every 60 seconds
with its use of CPU, memory, disk and network; dx watch can show them for 15 days after the job started.
Sizes are in base-2 units (1 MB = 1024 * 1024 bytes).

--metrics interspersed  (the default) METRICS messages among the other log messages
--metrics none          no METRICS messages
--metrics top           a full-screen view: the latest METRICS message on top, updated while the job
                        runs, the log below it (press "?" for its keys); for a finished job, as "none"
--metrics csv           the metrics alone, as CSV on stdout, one row per measurement: timestamp (ms),
                        cpuCount, cpuUsageUser, cpuUsageSystem, cpuUsageIowait, cpuUsageIdle (percent of
                        CPU time), memoryUsedBytes, memoryTotalBytes, diskUsedBytes, diskTotalBytes,
                        networkOutBytes, networkInBytes, diskReadBytes, diskWriteBytes, diskReadOpsCount,
                        diskWriteOpsCount (the last six counted from the start of the job)

A METRICS line reads, for example:
  CPU usr/sys/idl/wai: 24/11/1/64% (4 cores) * Memory: 1566/31649MB * Storage: 19/142GB *
  Net: 10/0MBps (in/out) * Disk: r/w 20/174 MBps iops r/w 8/1300
where the rates come from the difference between two measurements."""


class MetricsHelpAction(argparse.Action):
    """``--metrics-help``: what the --metrics modes show, then exit."""

    def __call__(self, parser, namespace, values, option_string=None):
        print(_METRICS_HELP)
        parser.exit(0)


def _incompatible(args, defaults, names):
    """The first option of *names* ((dest, option) pairs) given a value other than its default."""
    for dest, option in names:
        if getattr(args, dest) != defaults[dest]:
            return option
    return None


_DEFAULTS = {"get_stdout": False, "get_stderr": False, "get_streams": False, "tail": True, "tree": False,
             "num_recent_messages": _DEFAULT_RECENT, "levels": None, "timestamps": True, "job_ids": False,
             "format": None}


def _check_metrics_options(args):
    conflict = None
    if args.levels and "METRICS" in args.levels and args.metrics == "none":
        conflict = ("--levels METRICS", "--metrics none")
    elif args.metrics == "top":
        if args.levels and "METRICS" not in args.levels:
            raise DXCLIError("'--metrics' is specified, but METRICS level is not included")
        option = _incompatible(args, _DEFAULTS, [
            ("get_stdout", "--get-stdout"), ("get_stderr", "--get-stderr"), ("get_streams", "--get-streams"),
            ("tail", "--no-wait"), ("tree", "--tree"), ("num_recent_messages", "--num-recent-messages")])
        conflict = ("--metrics top", option) if option else None
    elif args.metrics == "csv":
        option = _incompatible(args, _DEFAULTS, [
            ("get_stdout", "--get-stdout"), ("get_stderr", "--get-stderr"), ("get_streams", "--get-streams"),
            ("tree", "--tree"), ("num_recent_messages", "--num-recent-messages"), ("levels", "--levels"),
            ("timestamps", "--no-timestamps"), ("job_ids", "--job-ids"), ("format", "--format")])
        conflict = ("--metrics csv", option) if option else None
    if conflict:
        raise DXCLIError("Can not specify both '%s' and '%s'" % conflict)


def enrich_message(log_client, message):
    """Add the display fields of a log message: ``timestamp`` as local time, ``level_color``,
    ``level_color_curses`` and ``job_name``."""
    from ..utils import printing
    stamp = message.get("timestamp", 0) // 1000
    message["timestamp"] = str(datetime.datetime.fromtimestamp(stamp))
    color, curses_pair = _LEVEL_COLORS.get(message.get("level", ""), (None, 0))
    message["level_color"] = getattr(printing, color)() if color else ""
    message["level_color_curses"] = curses_pair
    seen = log_client.seen_jobs.get(message["job"])
    message["job_name"] = seen["name"] if seen and "name" in seen else message["job"]


def _default_format(args):
    from ..utils.printing import BLUE, ENDC
    job = "{job_name} ({job}" + (" try {jobTry}" if args.job_try is not None else "") + ")" if args.job_ids \
        else "{job_name}"
    text = BLUE(job) + " {level_color}{level}" + ENDC() + " {msg}"
    return "{timestamp} " + text if args.timestamps else text


def _only(args, levels, quiet=False):
    args.levels, args.format, args.job_info = levels, "{msg}", False
    if quiet:
        args.quiet = True


def watch(args):
    """``dx watch JOB``: print the job's log until it ends (exit 3 if the job failed)."""
    import dxpy
    from ..utils.job_log_client import DXJobLogStreamClient, metrics_top
    _check_metrics_options(args)
    client = None
    callback = None
    if args.get_stdout:
        _only(args, ["STDOUT"])
    elif args.get_stderr:
        _only(args, ["STDERR"])
    elif args.get_streams:
        _only(args, ["STDOUT", "STDERR"])
    elif args.metrics == "csv":
        _only(args, ["METRICS"], quiet=True)
    elif args.format is None:
        line_format = _default_format(args)

        def callback(message):
            enrich_message(client, message)
            print(line_format.format(**message), flush=True)

    params = {"numRecentMessages": args.num_recent_messages, "recurseJobs": args.tree, "tail": args.tail}
    if args.job_try is not None:
        params["try"] = args.job_try
    if not _JOB_ID.match(args.jobid):
        err_exit(args.jobid + " does not look like a DNAnexus job ID")
    desc = dxpy.describe(args.jobid)
    if args.metrics == "top" and desc["state"] in ("terminated", "failed", "done"):
        args.metrics = "none"  # a finished job has no live metrics to show
        if args.levels and "METRICS" in args.levels:
            args.levels.remove("METRICS")
    if desc.get("outputReusedFrom") is not None:
        args.jobid = desc["outputReusedFrom"]
        if not args.quiet:
            print("Output reused from %s" % args.jobid)
    if args.levels:
        params["levels"] = args.levels
    if args.metrics == "none":
        params["excludeMetrics"] = True
    else:
        params["metricsFormat"] = "csv" if args.metrics == "csv" else "text"

    try:
        if args.metrics == "top":
            metrics_top(args, params, enrich_message)
            return
        client = DXJobLogStreamClient(args.jobid, job_try=args.job_try, input_params=params, msg_callback=callback,
                                      msg_output_format=args.format, print_job_info=args.job_info)
        if not args.quiet:
            print("Watching job %s%s. Press Ctrl+C to stop watching." % (
                args.jobid + (" try %d" % args.job_try if args.job_try is not None else ""),
                " and sub-jobs" if args.tree else ""), file=sys.stderr)
        client.connect()
    except Exception as error:
        from ..utils.printing import fill
        err_exit(fill(str(error)), 3)


def _add_arguments(parser):
    parser.add_argument("jobid", help="ID of the job to watch")
    parser.add_argument("-n", "--num-recent-messages", type=int, default=_DEFAULT_RECENT,
                        help="Number of recent messages to get")
    tries = parser.add_mutually_exclusive_group()
    tries.add_argument("--tree", action="store_true", help="Include the entire job tree")
    tries.add_argument("--try", metavar="T", dest="job_try", type=int,
                       help="Watch an earlier try of a restarted job (0 is the first); default: its last try")
    parser.add_argument("-l", "--levels", action="append", choices=LEVELS)
    parser.add_argument("--get-stdout", action="store_true", help="Extract stdout only from this job")
    parser.add_argument("--get-stderr", action="store_true", help="Extract stderr only from this job")
    parser.add_argument("--get-streams", action="store_true", help="Extract only stdout and stderr from this job")
    parser.add_argument("--no-timestamps", action="store_false", dest="timestamps",
                        help="Omit timestamps from messages")
    parser.add_argument("--job-ids", action="store_true", help="Print job ID in each message")
    parser.add_argument("--no-job-info", action="store_false", dest="job_info",
                        help="Omit job info and status updates")
    parser.add_argument("-q", "--quiet", action="store_true", help="Do not print extra info messages")
    parser.add_argument("-f", "--format", help="Message format. Available fields: job, try, level, msg, date")
    parser.add_argument("--no-wait", "--no-follow", action="store_false", dest="tail",
                        help="Print the messages logged so far and exit, instead of waiting for the rest")
    parser.add_argument("--metrics", choices=["interspersed", "none", "top", "csv"], default="interspersed",
                        help="How to show detailed job metrics, when the job collected them (see --metrics-help)")
    parser.add_argument("--metrics-help", action=MetricsHelpAction, nargs=0,
                        help="Print help for displaying detailed job metrics")
    parser.set_defaults(func=watch)


def watch_job(job_id):
    """Watch *job_id* with dx watch's defaults (``dx run --watch``); exits 3 if the job failed."""
    parser = registry.DXArgumentParser(prog="dx watch", parents=[env_args, no_color_arg])
    _add_arguments(parser)
    watch(parser.parse_args([job_id]))


def _add_watch(subparsers):
    parser = subparsers.add_parser("watch", help="Watch logs of a job and its subjobs", prog="dx watch",
                                   description="Monitors logging output from a running or finished job",
                                   parents=[env_args, no_color_arg])
    _add_arguments(parser)
    registry.register_parser(parser, categories="exec")


COMMANDS = {"watch": _add_watch}
