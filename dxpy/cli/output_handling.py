"""Writing the results of the dataset commands (``dx extract_assay ...``): rows as CSV/TSV, or
the SQL that would retrieve them, to stdout or to a file; JSON for people to read."""
import csv
import json
import os
import sys

from ..exceptions import err_exit

# delimiter -> suffix of the file written when no output path is given
_SUFFIXES = {",": ".csv", "\t": ".tsv"}


class _Refused(Exception):
    """The output cannot be written; error_handler was told why."""


def _refuse(error_handler, message):
    error_handler(message)
    raise _Refused(message)  # for a handler that returns instead of exiting


def _suffix(arg_delim, arg_sql, text, save_uncommon_delim_to_txt, error_handler):
    if arg_sql:
        if not isinstance(text, str):
            _refuse(error_handler, "Expected SQL query to be a string")
        return ".sql"
    if not arg_delim:
        return ".csv"
    if arg_delim in _SUFFIXES:
        return _SUFFIXES[arg_delim]
    if not save_uncommon_delim_to_txt:
        _refuse(error_handler, "Unsupported delimiter: {}".format(arg_delim))
    return ".txt"


def _destination(arg_output, output_file_name, suffix, error_handler):
    """None for stdout, else the path of a file that does not exist yet."""
    if arg_output == "-":
        return None
    if arg_output:
        path = arg_output
    elif output_file_name is None:
        _refuse(error_handler, "No output filename specified")
    else:
        path = os.path.join(os.getcwd(), output_file_name + suffix)
    if os.path.isfile(path):
        _refuse(error_handler, "{} already exists. Please specify a new file path".format(path))
    if os.path.isdir(path):
        _refuse(error_handler, "{} is a directory. Please specify a new file path".format(path))
    return path


def _write_rows(stream, rows, columns, delimiter):
    writer = csv.DictWriter(stream, fieldnames=columns, delimiter=delimiter, lineterminator=os.linesep,
                            quoting=csv.QUOTE_MINIMAL, quotechar='"')
    writer.writeheader()
    writer.writerows(rows)


def _columns(rows, colnames, error_handler):
    columns = list(colnames) if colnames else (list(rows[0].keys()) if rows else [])
    if any(set(row.keys()) != set(columns) for row in rows):
        _refuse(error_handler, "All rows must have the same column names")
    return columns


def write_expression_output(arg_output, arg_delim, arg_sql, output_listdict_or_string,
                            save_uncommon_delim_to_txt=True, output_file_name=None, error_handler=err_exit,
                            colnames=None):
    """Write query results or a query.

    With *arg_sql*, *output_listdict_or_string* is the SQL text, written as it is; otherwise it
    is a list of dicts with the same keys, written as delimited text with a header (columns in
    the order of *colnames*, or of the first row; None written as an empty field).

    *arg_output* is the file path, or "-" for stdout; when empty, the file is *output_file_name*
    in the current directory with a suffix for the content: .sql, .csv for "," (the default
    *arg_delim*), .tsv for a tab, .txt for any other delimiter (refused instead when not
    *save_uncommon_delim_to_txt*). An existing file is never overwritten. Problems are reported
    through *error_handler* (a message; dx's error exit by default).
    """
    try:
        suffix = _suffix(arg_delim, arg_sql, output_listdict_or_string, save_uncommon_delim_to_txt, error_handler)
        path = _destination(arg_output, output_file_name, suffix, error_handler)
        if arg_sql:
            _write_sql(path, output_listdict_or_string)
            return
        columns = _columns(output_listdict_or_string, colnames, error_handler)
    except _Refused:
        return
    delimiter = str(arg_delim) if arg_delim else ","
    if path is None:
        _write_rows(sys.stdout, output_listdict_or_string, columns, delimiter)
    else:
        with open(path, "w", newline="") as stream:
            _write_rows(stream, output_listdict_or_string, columns, delimiter)


def _write_sql(path, sql):
    if path is None:
        print(sql)
    else:
        with open(path, "w") as stream:
            stream.write(sql)


def pretty_print_json(json_dict: dict) -> str:
    """*json_dict* as indented JSON with sorted keys; anything but a dict gets a warning on
    stderr and None."""
    if not isinstance(json_dict, dict):
        print("WARNING: Invalid JSON provided.", file=sys.stderr)
        return None
    return json.dumps(json_dict, sort_keys=True, indent=4)
