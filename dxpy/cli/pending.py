"""Commands of dx that work only on the DNAnexus platform (its Spark SQL service for datasets,
its asset-builder and ssh-tunnel apps), and those this package does not provide yet.

Each is in the command tree (so ``dx help`` lists it and scripts get a clear answer), takes any
arguments, and exits 3 saying why, instead of argparse's "invalid choice". The handlers have
dxpy's names (``dxpy.scripts.dx.extract_dataset`` ...).
"""
import argparse
import functools

from ..exceptions import DXCLIError
from . import registry
from .dataset_utilities import (create_cohort, extract_assay_expression, extract_assay_germline,
                                extract_assay_somatic, extract_dataset)

# Why a platform-only command cannot run here, by the service it needs.
_APPS = "runs the platform's {} app on a DNAnexus worker and connects to it"
_EMULATOR = (", which the local emulator does not provide and this dx does not drive: use dxpy's own dx "
             "against the DNAnexus platform for it.")


def needs_platform(command, why):
    """Refuse ``dx COMMAND``, which needs *why* (a service only the DNAnexus platform has)."""
    raise DXCLIError('"dx %s" %s%s' % (command, why, _EMULATOR))


def build_asset(args):
    needs_platform("build_asset", "builds the asset bundle in a job of the platform's asset-builder app, "
                                   "on the platform's Ubuntu images")


def run_notebook(args, ssh_config_check):
    needs_platform("notebook", _APPS.format("cloud_workstation"))


def run_loupe(args):
    needs_platform("loupe-viewer", _APPS.format("Loupe viewer"))


def not_available(args):
    raise DXCLIError('"%s" is not available in this version of dx' % args.pending_command)


# name -> (one-line help, categories, handler or None (not available yet), subcommands as
# (name, help, categories, handler))
_PENDING = {
    "build_asset": ("Build an asset bundle", ("exec",), build_asset, ()),
    "generate_batch_inputs": ("Generate a batch plan (one or more TSV files) for batch execution", ("exec",),
                              None, ()),
    "extract_dataset": ("Retrieve data, or the SQL that retrieves it, from a dataset or cohort", ("data",),
                        extract_dataset, ()),
    "extract_assay": ("Retrieve assay data, or the SQL that retrieves it, from a dataset or cohort", ("data",), None, (
        ("germline", "Retrieve germline variant assay data from a dataset or cohort", ("data",),
         extract_assay_germline),
        ("somatic", "Retrieve somatic variant assay data from a dataset or cohort", ("data",), extract_assay_somatic),
        ("expression", "Retrieve molecular expression assay data from a dataset or cohort", ("data",),
         extract_assay_expression))),
    "create_cohort": ("Create a cohort from a dataset or cohort and a list of IDs", ("data",), create_cohort, ()),
    # dxpy registers these two without listing them in dx help or among the choices of dx.
    "notebook": ("Launch a web notebook inside DNAnexus.", (), functools.partial(run_notebook, ssh_config_check=None),
                 ()),
    "loupe-viewer": ("Launch the Loupe viewer for 10x data on DNAnexus.", (), run_loupe, ()),
}


def add_pending_parser(subparsers, name, help_line, categories, prog=None, handler=None):
    """A parser that takes any arguments and runs *handler* (default: say that the command is
    not available in this version)."""
    prog = prog or "dx " + name
    # No prefix characters: options ("--name x", "-h") are taken as plain arguments, since a
    # remainder argument would not collect them when they come first.
    suffix = " (only on the DNAnexus platform)" if handler else " (not available in this version of dx)"
    parser = subparsers.add_parser(name, help=help_line, prog=prog, add_help=False, prefix_chars="\0",
                                   description=help_line + suffix)
    parser.add_argument("arguments", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    parser.set_defaults(func=handler or not_available, pending_command=prog)
    # Commands in no category are not listed by dx help either.
    registry.register_parser(parser, subparsers_action=subparsers, categories=categories, add_help=bool(categories))
    return parser


def _adder(name):
    help_line, categories, handler, subcommands = _PENDING[name]

    def add(subparsers):
        if not subcommands:
            add_pending_parser(subparsers, name, help_line, categories, handler=handler)
            return
        parser = subparsers.add_parser(name, help=help_line, prog="dx " + name, description=help_line)
        children = parser.add_subparsers(parser_class=registry.DXArgumentParser)
        children.metavar = "subcommand"
        registry.register_parser(parser, categories=categories)
        for child, child_help, child_categories, child_handler in subcommands:
            add_pending_parser(children, child, child_help, child_categories, prog="dx %s %s" % (name, child),
                               handler=child_handler)
    return add


COMMANDS = {name: _adder(name) for name in _PENDING}
