"""The ``dx`` command tree: which module defines each subcommand, the help categories, and the
top-level parser, built lazily so that ``dx ls`` defines only the parsers of ``ls``.

A command module has a ``COMMANDS`` dict mapping a top-level command name to a function that
adds that command's parser(s) to the top-level subparsers action and calls ``register_parser``.
"""
import argparse
import importlib
import re
import sys

from ..utils.printing import BOLD, fill, pager

# Top-level commands in the order ``dx`` lists them, with the module that defines them.
COMMAND_MODULES = [
    ("login", "session"), ("logout", "session"), ("exit", "session"), ("whoami", "session"),
    ("env", "session"), ("setenv", "session"), ("clearenv", "session"),
    ("invite", "projects"), ("uninvite", "projects"),
    ("ls", "navigation"), ("tree", "navigation"), ("pwd", "session"), ("select", "session"),
    ("cd", "session"), ("cp", "navigation"), ("mv", "navigation"), ("mkdir", "navigation"),
    ("rmdir", "navigation"), ("rm", "navigation"),
    ("describe", "describing"),
    ("upload", "data"), ("download", "data"), ("make_download_url", "data"), ("cat", "data"),
    ("head", "data"),
    ("build", "build"), ("build_asset", "pending"), ("add", "lists"), ("list", "lists"),
    ("remove", "lists"), ("update", "projects"), ("install", "apps"), ("uninstall", "apps"),
    ("run", "run"), ("watch", "watch"), ("ssh_config", "executions"), ("ssh", "executions"),
    ("terminate", "executions"),
    ("rmproject", "projects"), ("new", "projects"),
    ("get_details", "metadata"), ("set_details", "metadata"), ("set_visibility", "metadata"),
    ("add_types", "metadata"), ("remove_types", "metadata"), ("tag", "metadata"),
    ("untag", "metadata"), ("rename", "metadata"), ("set_properties", "metadata"),
    ("unset_properties", "metadata"), ("close", "metadata"), ("wait", "metadata"),
    ("get", "data"), ("find", "finding"), ("notebook", "pending"), ("loupe-viewer", "pending"),
    ("api", "projects"),
    ("generate_batch_inputs", "pending"), ("publish", "apps"), ("archive", "archival"),
    ("unarchive", "archival"), ("extract_dataset", "pending"), ("extract_assay", "pending"),
    ("create_cohort", "pending"),
    ("help", "helping"),
]
_MODULE_OF = dict(COMMAND_MODULES)

parser_categories_sorted = ["all", "session", "fs", "data", "metadata", "workflow", "exec", "org", "other"]
_CATEGORY_DESCRIPTIONS = [
    ("all", "All commands"),
    ("session", "Manage your login session"),
    ("fs", "Navigate and organize your projects and files"),
    ("data", "View, download, and upload data"),
    ("metadata", "View and modify metadata for projects, data, and executions"),
    ("workflow", "View and modify workflows"),
    ("exec", "Manage and run apps, applets, and workflows"),
    ("org", "Administer and operate on orgs"),
    ("other", "Miscellaneous advanced utilities"),
]
# dxpy's layout: "desc" starts with the tabs that align it after the category name.
parser_categories = {name: {"desc": ("\t" if len(name) >= 7 else "\t\t") + text, "cmds": []}
                     for name, text in _CATEGORY_DESCRIPTIONS}
# "ls", "new project", ... -> its parser
parser_map = {}


class DXArgumentParser(argparse.ArgumentParser):
    """argparse with dx's error output: the usage and help, then the error, on stderr, exit 2;
    an unknown choice lists the choices and suggests the closest command."""

    def _print_message(self, message, file=None):
        if message:
            pager(message, file=file)

    def _check_value(self, action, value):
        if action.choices is None or value in action.choices:
            return
        message = "invalid choice: {}\n{}".format(value, fill("(choose from {})".format(", ".join(action.choices))))
        if action.dest == "command":
            from ..utils.spelling_corrector import correct
            suggestion = correct(value, action.choices)
            if suggestion in action.choices:
                message += "\n\nDid you mean: " + BOLD("dx " + suggestion)
        raise argparse.ArgumentError(action, message)

    def exit(self, status=0, message=None):
        if message:
            self._print_message(message, sys.stderr)
        sys.exit(status)

    def error(self, message):
        self.exit(2, "{}\n{}: error: {}\n".format(self.format_help(), self.prog, message))


def register_parser(parser, subparsers_action=None, categories=("other",), add_help=True):
    """Record *parser* in ``parser_map`` under its name (its prog without ``dx ``) and, with
    *add_help*, list its one-line help under ``dx help all`` and each of *categories*."""
    name = re.sub("^dx ", "", parser.prog)
    if subparsers_action is None:
        subparsers_action = _top_subparsers
    if isinstance(categories, str):
        categories = (categories,)
    parser_map[name] = parser
    if add_help:
        line = subparsers_action._choices_actions[-1].help
        for category in ("all",) + tuple(categories):
            parser_categories[category]["cmds"].append((name, line))


def positive_integer(value):
    """argparse type: an int > 0."""
    number = int(value)
    if number <= 0:
        raise argparse.ArgumentTypeError("%s is an invalid positive int value" % value)
    return number


def positive_number(value):
    """argparse type: a float > 0."""
    number = float(value)
    if number <= 0:
        raise argparse.ArgumentTypeError("%s is an invalid positive number value" % value)
    return number


class PrintDXVersion(argparse.Action):
    """``dx --version``."""

    def __call__(self, parser, namespace, values, option_string=None):
        from ..toolkit_version import version
        print("dx v%s" % version)
        parser.exit(0)


def _description():
    import dxpy
    from ..utils.printing import DNANEXUS_LOGO
    return "\n\n".join([
        DNANEXUS_LOGO() + " Command-Line Client, API v%s, client v%s" % (dxpy.API_VERSION, dxpy.TOOLKIT_VERSION),
        fill("dx is a command-line client for the DNAnexus platform: log in, navigate, upload, "
             "organize and share data, run analyses, and more. A tour of what it can do:"),
        "  https://documentation.dnanexus.com/getting-started/tutorials/cli-quickstart#quickstart-for-cli",
        fill('For the dx commands by category, run "dx help".'),
        fill("dx exits with code 3 for invalid input or an operation that cannot be done, and with "
             "code 1 for an internal error (a bug in dx)."),
    ])


parser = None
_top_subparsers = None
_loaded = set()


def _top_parser():
    global parser, _top_subparsers
    if parser is None:
        from .parsers import env_args
        parser = DXArgumentParser(prog="dx", description=_description(), formatter_class=argparse.RawTextHelpFormatter,
                                  parents=[env_args], usage="%(prog)s [-h] [--version] command ...")
        parser.add_argument("--version", action=PrintDXVersion, nargs=0, help="show program's version number and exit")
        _top_subparsers = parser.add_subparsers(help=argparse.SUPPRESS, dest="command", parser_class=DXArgumentParser)
        _top_subparsers.metavar = "command"
    return parser


def add_command(name):
    """Define top-level command *name* (and its subcommands) once."""
    _top_parser()
    if name not in _loaded:
        _loaded.add(name)
        module = importlib.import_module("dxpy.cli." + _MODULE_OF[name])
        adder = module.COMMANDS.get(name)
        if adder is not None:  # every command has one (tests/test_dx_framework.py checks)
            adder(_top_subparsers)


def _is_option(word):
    return word.startswith("-") and word not in ("-", "--")


def build_parser(argv=None):
    """The top-level parser, with only the command named first in *argv* when it is a known one
    other than ``help``; with no command when *argv* holds only options (``dx --version``: its
    output never lists them); otherwise (help, completion, an unknown word) with every command."""
    first = next((word for word in (argv or []) if not _is_option(word)), None)
    if argv is not None and first is None:
        _top_parser()
    elif argv is not None and first in _MODULE_OF and first != "help":
        add_command(first)
    else:
        for name, _ in COMMAND_MODULES:
            add_command(name)
    return parser


def subparsers_action():
    """The top-level subparsers action (after ``build_parser``)."""
    return _top_subparsers
