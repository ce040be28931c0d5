"""``dx add`` and ``dx remove``: add items to a list or take them off it (the developers and
authorized users of an app, the stages of a workflow, the members of an org).

Each subcommand is one entry of ``_ADD`` / ``_REMOVE``; an entry whose parser is still to come
is made by ``pending.add_pending_parser``.
"""
from . import registry
from .pending import add_pending_parser


def _pending(name, help_line, categories):
    """An adder of the not-yet-available subcommand *name* of a list command."""
    def add(children, command):
        add_pending_parser(children, name, help_line, categories, prog="dx %s %s" % (command, name))
    return add


_ADD = [
    _pending("developers", "Add developers for an app", ("exec",)),
    _pending("users", "Add authorized users for an app", ("exec",)),
    _pending("stage", "Add a stage to a workflow", ("workflow",)),
    _pending("member", "Grant a user membership to an org", ("org",)),
]

_REMOVE = [
    _pending("developers", "Remove developers for an app", ("exec",)),
    _pending("users", "Remove authorized users for an app", ("exec",)),
    _pending("stage", "Remove a stage from a workflow", ("workflow",)),
    _pending("member", "Revoke the org membership of a user", ("org",)),
]


def _list_command(name, help_line, description, adders):
    """The adder of the top-level command *name*, whose subcommands *adders* define."""
    def add(subparsers):
        parser = subparsers.add_parser(name, help=help_line, prog="dx " + name, description=description)
        children = parser.add_subparsers(parser_class=registry.DXArgumentParser)
        children.metavar = "list_type"
        registry.register_parser(parser, categories=())
        for adder in adders:
            adder(children, name)
    return add


COMMANDS = {
    "add": _list_command("add", "Add one or more items to a list", "Add one or more items to a list", _ADD),
    "remove": _list_command("remove", "Remove one or more items from a list",
                            "Remove one or more items from a list", _REMOVE),
}
