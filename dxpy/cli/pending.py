"""Commands of dx that this package does not provide yet: each is in the command tree (so
``dx help`` lists it and scripts get a clear answer), takes any arguments, and exits 3 saying
that it is not available, instead of argparse's "invalid choice"."""
import argparse

from ..exceptions import DXCLIError
from . import registry


# name -> (one-line help, categories, subcommands as (name, help, categories))
_PENDING = {
    "build_asset": ("Build an asset bundle", ("exec",), ()),
    "generate_batch_inputs": ("Generate a batch plan (one or more TSV files) for batch execution", ("exec",), ()),
    "archive": ("Archive files, or the files of a folder, in one project", ("fs",), ()),
    "unarchive": ("Unarchive files, or the files of a folder, in one project", ("fs",), ()),
    "extract_dataset": ("Retrieve data, or the SQL that retrieves it, from a dataset or cohort", ("data",), ()),
    "extract_assay": ("Retrieve assay data, or the SQL that retrieves it, from a dataset or cohort", ("data",), (
        ("germline", "Retrieve germline variant assay data from a dataset or cohort", ("data",)),
        ("somatic", "Retrieve somatic variant assay data from a dataset or cohort", ("data",)),
        ("expression", "Retrieve molecular expression assay data from a dataset or cohort", ("data",)))),
    "create_cohort": ("Create a cohort from a dataset or cohort and a list of IDs", ("data",), ()),
}


def not_available(args):
    raise DXCLIError('"%s" is not available in this version of dx' % args.pending_command)


def add_pending_parser(subparsers, name, help_line, categories, prog=None):
    """A parser for a command this dx does not provide yet: any arguments, exit 3."""
    prog = prog or "dx " + name
    # No prefix characters: options ("--name x", "-h") are taken as plain arguments, since a
    # remainder argument would not collect them when they come first.
    parser = subparsers.add_parser(name, help=help_line, prog=prog, add_help=False, prefix_chars="\0",
                                   description=help_line + " (not available in this version of dx)")
    parser.add_argument("arguments", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    parser.set_defaults(func=not_available, pending_command=prog)
    registry.register_parser(parser, subparsers_action=subparsers, categories=categories)
    return parser


def _adder(name):
    help_line, categories, subcommands = _PENDING[name]

    def add(subparsers):
        if not subcommands:
            add_pending_parser(subparsers, name, help_line, categories)
            return
        parser = subparsers.add_parser(name, help=help_line, prog="dx " + name, description=help_line)
        children = parser.add_subparsers(parser_class=registry.DXArgumentParser)
        children.metavar = "subcommand"
        registry.register_parser(parser, categories=categories)
        for child, child_help, child_categories in subcommands:
            add_pending_parser(children, child, child_help, child_categories, prog="dx %s %s" % (name, child))
    return add


COMMANDS = {name: _adder(name) for name in _PENDING}
