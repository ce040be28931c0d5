"""``dx help``: the commands of a category, or the help of a command or subcommand."""
from ..exceptions import DXCLIError
from ..utils.printing import fill
from . import registry

_CATEGORY_WIDTH = 18


# Each category with its description, as dx help's description lists them.
category_list = "\n  ".join(name + registry.parser_categories[name]["desc"]
                            for name in registry.parser_categories_sorted)


def _help_description():
    return "\n".join([
        fill("Shows the help of a command (or of one of its subcommands), or lists the commands of a category."),
        "", "CATEGORIES", "", "  " + category_list, "", "EXAMPLE", "",
        "  " + fill('To list the commands for running and watching jobs, then read the help of "dx run":',
                    subsequent_indent="  "),
        "", "  $ dx help exec", "    <the execution commands>", "  $ dx help run", "    <the help of dx run>",
    ])


def print_help(args):
    """``dx help [COMMAND_OR_CATEGORY [SUBCOMMAND]]``."""
    name, sub = args.command_or_category, args.subcommand
    if name is None:
        registry.parser_map["help"].print_help()
    elif name in registry.parser_categories:
        category = registry.parser_categories[name]
        print("dx " + name + ": " + category["desc"].lstrip())
        print("\nCommands:\n")
        for command, line in category["cmds"]:
            print("  " + command.ljust(_CATEGORY_WIDTH) + fill(line, width_adjustment=-20, subsequent_indent=" " * 20))
    elif name not in registry.parser_map:
        raise DXCLIError("Unrecognized command: " + name)
    elif sub is None:
        registry.parser_map[name].print_help()
    elif name + " " + sub not in registry.parser_map:
        raise DXCLIError("Unrecognized command and subcommand combination: " + name + " " + sub)
    else:
        registry.parser_map[name + " " + sub].print_help()


def _add_help(subparsers):
    import argparse
    parser = subparsers.add_parser("help", help="Display help messages and dx commands by category",
                                   description=_help_description(), prog="dx help",
                                   formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("command_or_category", nargs="?", default=None,
                        help=fill("A command to show the help of, or a category to list the commands of",
                                  width_adjustment=-24))
    parser.add_argument("subcommand", nargs="?", default=None,
                        help=fill("A subcommand of the command to show the help of", width_adjustment=-23))
    parser.set_defaults(func=print_help)
    registry.parser_map["help"] = parser
    line = subparsers._choices_actions[-1].help
    for category in registry.parser_categories.values():
        category["cmds"].append(("help", line))
    registry.parser_categories["all"]["cmds"].sort()


COMMANDS = {"help": _add_help}
