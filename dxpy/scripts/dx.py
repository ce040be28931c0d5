"""The ``dx`` command: parse the command line, run the subcommand, exit as dxpy's ``dx`` does
(3 for invalid input or a refused operation, 2 for bad arguments, 1 for an internal error).

The subcommands live in ``dxpy.cli`` (one module per area); this module assembles them and
re-exports their handlers under dxpy's names (``dxpy.scripts.dx.ls`` ...), loaded on first use.
"""
import argparse
import importlib
import os
import sys

from ..cli import registry
from ..utils import group_array_by_field, merge, normalize_time_input, normalize_timedelta, warn  # noqa: F401
from ..cli.registry import (DXArgumentParser, PrintDXVersion, parser_categories, parser_categories_sorted,  # noqa: F401
                            parser_map, positive_integer, positive_number, register_parser)

# dx --color / --delimiter, as the last command line set them; "interactive" is always False (dx
# has no interactive shell: every change is saved); "currentproj" caches the current project's name.
state = {"interactive": False, "colors": "auto", "delimiter": None, "currentproj": None}


def set_cli_colors(args=argparse.Namespace()):
    """Colors on, off, or (auto) when stdout is a terminal."""
    from ..utils.printing import set_colors
    if "color" in args:
        state["colors"] = args.color
    set_colors(sys.stdout.isatty() if state["colors"] == "auto" else state["colors"] == "on")


def set_delim(args=argparse.Namespace()):
    """The field delimiter of ``--delimiter`` (None: dx's own spacing)."""
    from ..utils.printing import set_delimiter
    state["delimiter"] = getattr(args, "delimiter", None)
    set_delimiter(state["delimiter"])


COMPLETION_NEEDS_ARGCOMPLETE = ('dx: tab completion needs the argcomplete package; install it with\n'
                               '  pip install "dxpy[completion]"\n')


def _complete():
    """Answer the shell's request for completions (argcomplete's protocol: the line in
    COMP_LINE, the matches on fd 8) and exit."""
    try:
        import argcomplete  # optional: only shell completion needs it
    except ImportError:
        sys.stderr.write("\n" + COMPLETION_NEEDS_ARGCOMPLETE)
        sys.exit(1)
    from ..utils.completer import attach_completers
    parser = registry.build_parser(_words_before_completed_one())
    attach_completers(parser_map)
    argcomplete.autocomplete(parser, always_complete_options=False)


def _words_before_completed_one():
    """The arguments on the line being completed before the word under the cursor, so that
    only the command being typed is built; None (every command) while no command is typed
    yet or the line is unclear."""
    try:
        line = os.environ["COMP_LINE"][:int(os.environ["COMP_POINT"])]
        program_words = int(os.environ["_ARGCOMPLETE"])  # 1: dx ..., 3: python -m dxpy.scripts.dx ...
    except (KeyError, ValueError):
        return None
    words = line.split()
    if line and not line[-1].isspace():
        words = words[:-1]  # the word being completed
    words = words[program_words:]
    commands = set(name for name, _ in registry.COMMAND_MODULES)
    return words if any(word in commands for word in words) else None


def main():
    import dxpy
    argv = sys.argv[1:]
    if "_ARGCOMPLETE" in os.environ:
        _complete()
    if not argv:
        registry.build_parser().print_help()
        sys.exit(1)
    parser = registry.build_parser(argv)
    try:
        args = parser.parse_args(argv)  # --help and the like print here
    except SystemExit:
        _flush_stdout()  # argparse (3.13) swallows a failed write; the buffer would fail at exit
        raise
    except BrokenPipeError:
        _quiet_closed_stdout()
        sys.exit(3)
    dxpy.USER_AGENT += " dx-" + str(getattr(args, "command", ""))
    set_cli_colors(args)
    set_delim(args)
    from ..cli.parsers import set_env_from_args
    set_env_from_args(args)
    if not hasattr(args, "func"):
        # A command that needs a subcommand: show its help.
        parser.parse_args(argv + ["--help"])
        sys.exit(1)
    try:
        args.func(args)
        sys.stdout.flush()  # a closed pipe shows here, where err_exit handles it
    except BrokenPipeError:
        _quiet_closed_stdout()
        sys.exit(3)
    except BaseException:
        from ..exceptions import err_exit
        err_exit()


def _flush_stdout():
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        _quiet_closed_stdout()
        sys.exit(3)


def _quiet_closed_stdout():
    # The reader went away (dx ... | head): point stdout at /dev/null so that the
    # interpreter's final flush does not complain again.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


# Where dxpy's dx module finds the other names it offers (colors, resolver and describe helpers,
# exceptions, ...): searched after the command modules.
_BORROWED_FROM = ["dxpy.cli", "dxpy.cli.console", "dxpy.cli.databases", "dxpy.cli.users", "dxpy.cli.parsers",
                  "dxpy.cli.ssh_keys", "dxpy.cli.exec_io", "dxpy.cli.org", "dxpy.cli.download",
                  "dxpy.utils.printing", "dxpy.utils.resolver", "dxpy.utils.describe", "dxpy.utils.pretty_print",
                  "dxpy.utils.completer", "dxpy.exceptions", "dxpy.system_requirements"]


# Modules dxpy's dx module imports under these names.
_MODULES = {"dx_build_app": "dxpy.scripts.dx_build_app", "workflow_builder": "dxpy.workflow_builder",
            "workflow_cli": "dxpy.cli.workflow"}


def __getattr__(name):
    # dxpy's names for the handlers (dxpy.scripts.dx.ls, ...) and what it imports, on first use.
    if name in _MODULES:
        return importlib.import_module(_MODULES[name])
    if not name.startswith("_"):
        command_modules = ["dxpy.cli." + module for module in sorted(set(m for _, m in registry.COMMAND_MODULES))]
        for module_name in command_modules + _BORROWED_FROM:
            module = importlib.import_module(module_name)
            if hasattr(module, name):
                return getattr(module, name)
    raise AttributeError("module {!r} has no attribute {!r}".format(__name__, name))


if __name__ == "__main__":
    main()
