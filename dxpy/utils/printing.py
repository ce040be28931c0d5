"""Terminal output helpers: colours, wrapping, delimiters and a pager.

Colours are on when standard output is a terminal at import time; change that
with :func:`set_colors`. Each colour function returns the escape code alone
when called without argument, or *message* wrapped in the colour and a reset.
"""

import contextlib
import json
import os
import sys
import textwrap

from ..compat import sys_encoding
from ..exceptions import DXCLIError  # noqa: F401  (part of this module's public names)


def _stdout_is_tty():
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):  # no stdout (None), or a closed one
        return False


def _terminal_size():
    # os.get_terminal_size asks the kernel directly: no `stty` subprocess at import.
    try:
        cols, rows = os.get_terminal_size(sys.stdout.fileno())
    except (AttributeError, ValueError, OSError):  # includes io.UnsupportedOperation
        return 24, 80, 78
    return rows, cols, min(cols - 2, 100)


if _stdout_is_tty():
    tty_rows, tty_cols, std_width = _terminal_size()
    color_state = True
else:
    tty_rows, tty_cols, std_width = 24, 80, 78
    color_state = False

delimiter = None


class DummyFile(object):
    """A file-like sink that discards everything written to it."""

    def write(self, x):
        return len(x)

    def flush(self):
        pass


@contextlib.contextmanager
def nostderr():
    """Silence ``sys.stderr`` for the duration of the block."""
    saved = sys.stderr
    sys.stderr = DummyFile()
    try:
        yield
    finally:
        sys.stderr = saved


def _colorizer(name, code):
    def colorize(message=None):
        if message is None:
            return code if color_state else ""
        return colorize() + message + ENDC()
    colorize.__name__ = colorize.__qualname__ = name
    return colorize


CYAN = _colorizer("CYAN", "\033[36m")
LIGHTBLUE = _colorizer("LIGHTBLUE", "\033[1;34m")
BLUE = _colorizer("BLUE", "\033[34m")
YELLOW = _colorizer("YELLOW", "\033[33m")
GREEN = _colorizer("GREEN", "\033[32m")
RED = _colorizer("RED", "\033[31m")
WHITE = _colorizer("WHITE", "\033[37m")
UNDERLINE = _colorizer("UNDERLINE", "\033[4m")
BOLD = _colorizer("BOLD", "\033[1m")


def ENDC():
    return "\033[0m" if color_state else ""


def DNANEXUS_LOGO():
    return BOLD() + WHITE() + "DNAne" + CYAN() + "x" + WHITE() + "us" + ENDC()


def DNANEXUS_X():
    return BOLD() + CYAN() + "x" + WHITE() + ENDC()


def set_colors(state=True):
    """Turn colour output on or off."""
    global color_state
    color_state = state


def set_delimiter(delim=None):
    """Use *delim* between output fields instead of the default spacing (None restores it)."""
    global delimiter
    delimiter = delim


def get_delimiter(delim=None):
    """Return the delimiter set by :func:`set_delimiter` (the argument is ignored)."""
    return delimiter


def DELIMITER(alt_delim):
    """The configured delimiter, or *alt_delim* when none is set."""
    return alt_delim if delimiter is None else delimiter


def fill(string, width_adjustment=0, **kwargs):
    """``textwrap.fill`` at the terminal width (plus *width_adjustment*, at
    least 20 columns), without breaking words on hyphens."""
    kwargs.setdefault("width", max(std_width + width_adjustment, 20))
    kwargs.setdefault("break_on_hyphens", False)
    return textwrap.fill(string, **kwargs)


def pager(content, pager=None, file=None):
    """Show *content* through a pager ($PAGER, default ``less -RS``) when
    writing to a terminal and it does not fit on one screen; otherwise, or if
    the pager cannot run, write it to *file* (default stdout)."""
    if file is None:
        file = sys.stdout
    lines = content.splitlines()
    fits = tty_rows > len(lines) and tty_cols > max((len(line) for line in lines), default=0)
    if file is not sys.stdout or fits or not _stdout_is_tty():
        file.write(content)
        return
    if pager is None:
        pager = os.environ.get("PAGER", "less -RS")
    import subprocess  # only needed here; costs ~2 ms at import
    try:
        process = subprocess.Popen(pager, shell=True, stdin=subprocess.PIPE, stdout=file)
    except OSError:
        file.write(content)
        return
    try:
        process.stdin.write(content.encode(sys_encoding, "replace"))
        process.stdin.close()
    except BrokenPipeError:
        pass  # the user quit the pager before reading everything: nothing to re-print
    if process.wait() != 0:
        # The pager failed (not found, bad option...): better twice than never.
        file.write(content)


def refill_paragraphs(string, ignored_prefix="    "):
    """Re-wrap each paragraph (paragraphs are separated by blank lines),
    leaving alone those starting with *ignored_prefix* (e.g. code blocks)."""
    paragraphs = string.split("\n\n")
    refilled = [p if p.startswith(ignored_prefix) else fill(p) for p in paragraphs]
    return "\n\n".join(refilled).strip("\n")


def _format_find_projects_results(results):
    for result in results:
        print(result["id"] + DELIMITER(" : ") + result["describe"]["name"]
              + DELIMITER(" (") + result["level"] + DELIMITER(")"))


def _format_find_apps_results(results, verbose=False):
    def maybe_x(result):
        by_dnanexus = result["describe"]["billTo"] in ("org-dnanexus", "org-dnanexus_apps")
        return DNANEXUS_X() if by_dnanexus else " "

    for result in results:
        desc = result["describe"]
        title = desc.get("title", desc["name"])
        if verbose:
            published = "published" if desc.get("published", 0) > 0 else "unpublished"
            print(maybe_x(result) + DELIMITER(" ") + result["id"] + DELIMITER(" ") + title
                  + DELIMITER(" (") + desc["name"] + DELIMITER("), v") + desc["version"]
                  + DELIMITER(" (") + published + DELIMITER(")"))
        else:
            print(maybe_x(result) + DELIMITER(" ") + title + DELIMITER(" (") + desc["name"]
                  + DELIMITER("), v") + desc["version"])


def _format_find_org_members_results(results):
    for result in results:
        print(result["id"] + DELIMITER(" : ") + result["describe"]["first"] + DELIMITER(" ")
              + result["describe"]["last"] + DELIMITER(" ") + DELIMITER(" (") + result["level"]
              + DELIMITER(")"))


def print_json_or_ids(args, results):
    """With ``args.json`` print *results* as JSON, with ``args.brief`` their IDs, one a line;
    whether either was asked for."""
    if args.json:
        print(json.dumps(list(results), indent=4))
    elif args.brief:
        for result in results:
            print(result["id"])
    return bool(args.json or args.brief)


def format_find_results(args, results):
    """Print the results of a ``dx find ...`` command: JSON with ``args.json``,
    IDs only with ``args.brief``, otherwise one readable line per result
    (projects, org projects, org members and org apps)."""
    if not print_json_or_ids(args, results):
        command = args.func.__name__
        if command in ("find_projects", "org_find_projects"):
            _format_find_projects_results(results)
        elif command == "org_find_members":
            _format_find_org_members_results(results)
        elif command == "org_find_apps":
            _format_find_apps_results(results, verbose=args.verbose)
