# -*- coding: utf-8 -*-
"""Text layout helpers for terminal output: box-drawn tables and trees, durations,
escaping of control characters, and compact JSON arrays."""

import re

from .printing import BLUE, BOLD, ENDC, GREEN, WHITE, YELLOW

# (unit name, how many of it make one of the next unit); the last unit has no upper bound.
# "miliseconds" is the spelling callers pass as ``largest_units``: keep it.
TIME_UNITS = [
    ("miliseconds", 1000),
    ("seconds", 60),
    ("minutes", 60),
    ("hours", 24),
    ("days", 365),
    ("years", None),
]

_FRIENDLY_ESCAPES = {0x09: "\\t", 0x0A: "\\n", 0x0D: "\\r"}

# How each of the control characters 0x00-0x1F is shown.
REPLACEMENT_TABLE = tuple(_FRIENDLY_ESCAPES.get(code, "\\x%02x" % code) for code in range(32))

_NEEDS_ESCAPE = re.compile("[\x00-\x1f\\\\\x7f]")


def _escape_one(match):
    char = match.group(0)
    if char == "\\":
        return "\\\\"
    if char == "\x7f":
        return "\\x7f"
    return REPLACEMENT_TABLE[ord(char)]


def escape_unicode_string(u):
    """Return *u* with control characters (0-31, 127) and backslashes written as
    backslash escapes (``\\n``, ``\\x1b``, ``\\\\``), so that it prints on one line."""
    if not isinstance(u, str):
        raise TypeError("escape_unicode_string expects a str, not %s" % type(u).__name__)
    return _NEEDS_ESCAPE.sub(_escape_one, u)


def format_tree(tree, root=None):
    """Draw a tree given as nested mappings: keys are the node labels, a value that is
    itself a mapping holds the node's children (other values are ignored). *root*,
    when given, is the first line. Returns the lines joined by newlines."""
    from collections.abc import Mapping

    if not isinstance(tree, Mapping):
        raise TypeError("format_tree expects a mapping of node labels, not %s" % type(tree).__name__)
    lines = [] if root is None else [root]

    def draw(subtree, lead):
        labels = list(subtree.keys())
        for position, label in enumerate(labels):
            last = position == len(labels) - 1
            first_prefix = lead + ("└── " if last else "├── ")
            next_prefix = lead + ("    " if last else "│   ")
            for number, text in enumerate(str(label).splitlines()):
                lines.append((first_prefix if number == 0 else next_prefix) + text)
            children = subtree[label]
            if isinstance(children, Mapping):
                draw(children, next_prefix)

    draw(tree, "")
    return "\n".join(lines)


_TYPE_COLORS = {"boolean": BLUE, "string": GREEN, "float": WHITE, "double": WHITE}
for _integer_type in ("integer", "uint8", "int16", "uint16", "int32", "uint32", "int64"):
    _TYPE_COLORS[_integer_type] = YELLOW


def _clip(text, max_width):
    return text if len(text) <= max_width else text[:max_width - 1] + "…"


def format_table(table, column_names=None, column_specs=None, max_col_width=32,
                 report_dimensions=False):
    """Draw *table* (a list of rows, each a list of cells) in a box. Headers come
    from *column_names*, or from *column_specs* (``[{"name": ..., "type": ...}]``, which
    also adds a leading "Row" column and colours headers by type). Cells longer than
    *max_col_width* are cut with an ellipsis. With *report_dimensions*, returns
    ``(text, number_of_lines, width)`` instead of the text."""
    table = list(table)
    if column_specs is not None:
        column_specs = [{"name": "Row", "type": "float"}] + list(column_specs)
        column_names = [spec["name"] for spec in column_specs]
    if table:
        widths = [0] * len(table[0])
    elif column_names is not None:
        widths = [0] * len(column_names)
    else:
        widths = []

    def widen(index, text, what):
        if index >= len(widths):
            raise ValueError("format_table: %s has %d cells but the table has %d columns"
                             % (what, index + 1, len(widths)))
        widths[index] = max(widths[index], len(text))

    headers = []
    for index, name in enumerate(column_names or []):
        headers.append(_clip(str(name), max_col_width))
        widen(index, headers[-1], "the header")
    rows = []
    for number, row in enumerate(table):
        cells = [_clip(escape_unicode_string(str(cell)), max_col_width) for cell in row]
        for index, cell in enumerate(cells):
            widen(index, cell, "row %d" % number)
        rows.append(cells)

    def line(left, middle, right, cells):
        edge = WHITE(left), WHITE(middle), WHITE(right)
        return edge[0] + edge[1].join(cells) + edge[2]

    def rule(left, middle, right):
        return line(left, middle, right, [WHITE("─") * width for width in widths])

    def header_cell(index):
        color = WHITE
        if column_specs is not None:
            color = _TYPE_COLORS.get(column_specs[index].get("type"), WHITE)
        return BOLD() + color() + headers[index] + ENDC() + " " * (widths[index] - len(headers[index]))

    lines = [rule("┌", "┬", "┐")]
    if headers:
        lines.append(line("│", "│", "│", [header_cell(i) for i in range(len(headers))]))
        lines.append(rule("├", "┼", "┤"))
    for cells in rows:
        lines.append(line("│", "│", "│", [cell + " " * (widths[i] - len(cell)) for i, cell in enumerate(cells)]))
    lines.append(rule("└", "┴", "┘"))
    text = "\n".join(lines)
    if report_dimensions:
        return text, len(lines), sum(widths) + len(widths) + 1
    return text


def flatten_json_array(json_string, array_name):
    """In indented JSON text, put every array named *array_name* on one line
    (``"name": [1, 2, 3]``). Only arrays of scalars are flattened completely."""
    quoted = re.escape('"%s": [' % array_name)
    opening = '"%s": [' % array_name
    # The newline and indentation right after the opening bracket.
    text = re.sub(quoted + r"\r?\n\s*", lambda m: opening, json_string)
    # Then one item per pass: a line that ends with a comma takes up the next line.
    next_item = re.compile(quoted + r"(.*,)\r?\n\s*")
    while next_item.search(text):
        text = next_item.sub(lambda m: opening + m.group(1) + " ", text)
    # Finally the closing bracket on its own line.
    return re.sub(quoted + r"(.*)\r?\n\s*\]", lambda m: opening + m.group(1) + "]", text)


def format_timedelta(timedelta, in_seconds=False, largest_units=None, auto_singulars=False):
    """Write a duration (an integer number of milliseconds, or of seconds with
    *in_seconds*) as e.g. ``"1 hours, 2 minutes, 5 seconds"``, leaving out zero parts.
    *largest_units* caps the unit used (``"hours"``: 49 hours stays 49 hours);
    *auto_singulars* writes ``1 hour`` rather than ``1 hours``."""
    if isinstance(timedelta, bool) or not isinstance(timedelta, (int, float)):
        raise TypeError("format_timedelta expects a number of %s, not %r"
                        % ("seconds" if in_seconds else "milliseconds", timedelta))
    units = TIME_UNITS[1:] if in_seconds else TIME_UNITS
    names = [name for name, _ in units]
    if largest_units is None:
        largest_units = names[-1]
    elif largest_units not in names:
        raise ValueError("Invalid largest units specified: %r (one of %s)" % (largest_units, ", ".join(names)))
    if timedelta == 0:
        return "0 " + names[0]
    parts = []
    remaining = timedelta
    for name, size in units:
        if remaining == 0:
            break
        if name == largest_units:
            size = None
        amount = remaining if size is None else remaining % size
        if amount != 0:
            unit = name[:-1] if auto_singulars and amount == 1 else name
            parts.append("%s %s" % (amount, unit))
        if size is None:
            break
        remaining //= size
    return ", ".join(reversed(parts))
