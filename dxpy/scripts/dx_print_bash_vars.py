"""dx-print-bash-vars: print the shell variables a bash job gets from ``$HOME/job_input.json``."""
import argparse

from ..utils import file_load_utils
from ..utils.printing import refill_paragraphs
from ..utils.resolver import try_call

# Longer values can break shells and tools down the line: say so, but still define them.
LONG_VALUE_BYTES = 16 * 1024


def build_parser():
    return argparse.ArgumentParser(
        prog="dx-print-bash-vars", formatter_class=argparse.RawTextHelpFormatter,
        description=refill_paragraphs("Parses $HOME/job_input.json and prints the bash\nvariables that would be "
                                      "available in the execution environment."))


def bash_lines(var_defs):
    """``export name=value`` lines for *var_defs* (already shell-quoted values), with a warning echo
    before each very long one."""
    lines = []
    for name, value in var_defs.items():
        if len(value) >= LONG_VALUE_BYTES:
            lines.append('echo "warning: variable {} is long ({} bytes)"'.format(name, len(value)))
        lines.append("export {}={}".format(name, value))
    return lines


def main(argv=None):
    build_parser().parse_args(argv)
    var_defs = try_call(file_load_utils.gen_bash_vars, file_load_utils.get_input_json_file())
    for line in bash_lines(var_defs):
        print(line)


if __name__ == "__main__":
    main()
