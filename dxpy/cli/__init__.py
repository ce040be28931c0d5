"""What the ``dx`` subcommands share: error exits, yes/no prompts, and the parsers and
helpers in the submodules (parsers, output_handling, cp, download, ...)."""
import sys

from ..exceptions import DXError, err_exit

INTERACTIVE_CLI = bool(sys.stdin and sys.stdin.isatty() and sys.stdout and sys.stdout.isatty())


def try_call_err_exit():
    """Exit through err_exit, counting any DXError as expected (exit 3, no traceback)."""
    from .. import exceptions
    err_exit(expected_exceptions=exceptions.default_expected_exceptions + (DXError,))


def try_call(func, *args, **kwargs):
    """``func(*args, **kwargs)``; on any exception report it on stderr and exit as ``dx`` does
    (3 for expected errors such as DXError, else 1; SystemExit passes through)."""
    try:
        return func(*args, **kwargs)
    except BaseException:
        try_call_err_exit()


def prompt_for_yn(prompt_str, default=None):
    """Ask a yes/no question on the terminal until answered; *default* answers an empty line.
    End of input or Ctrl-C exits with status 1."""
    choices = {True: " [Y/n]: ", False: " [y/N]: "}.get(default, " [y/n]: ")
    while True:
        try:
            answer = input(prompt_str + choices)
        except (KeyboardInterrupt, EOFError):
            print("")
            sys.exit(1)
        if not answer:
            if default is not None:
                return default
            continue
        first = answer[0].lower()
        if first in "yn":
            return first == "y"
        print("Error: unrecognized response")


_SUBMODULES = ("cp", "dataset_utilities", "download", "exec_io", "help_messages", "org", "output_handling", "parsers",
               "workflow")


def __getattr__(name):
    # Built on first use: it imports requests' and urllib3's exception classes.
    if name == "default_expected_exceptions":
        from .. import exceptions
        return exceptions.default_expected_exceptions
    if name in _SUBMODULES:  # dxpy.cli.cp ... as attributes, loaded when first asked for
        import importlib
        return importlib.import_module(__name__ + "." + name)
    raise AttributeError("module {!r} has no attribute {!r}".format(__name__, name))
