"""Running an executable once per row of a table (``dx run --batch-tsv``).

The table is tab separated; its header names the columns. The column ``batch ID`` names each
row's run; a column named after an input of the executable gives that input's value (an array
as ``[a, b]``); a file input ``reads`` takes its file ID from the column ``reads ID`` (``file-xxxx``
or ``project-xxxx:file-xxxx``), the column ``reads`` itself being for people. Other columns are
ignored. The platform's ``applet-xxxx/validateBatch`` checks the rows and expands them into the
input of each run.
"""
import csv
import json

import dxpy
from ..exceptions import DXError, err_exit  # noqa: F401  (err_exit: part of this module's namespace)

BATCH_ID = "batch ID"


def _input_classes(executable):
    """Input name -> class, from the executable's workflow-level inputs or its input spec."""
    desc = executable.describe()
    spec = desc.get("inputs")
    if spec is None:
        spec = desc.get("inputSpec")
    if spec is None:
        raise DXError("executable {} does not have an input specification".format(executable.get_id()))
    return dict((field["name"], field["class"]) for field in spec)


def _parse_boolean(text):
    lowered = text.lower()
    if lowered in ("true", "1"):
        return True
    if lowered in ("false", "0"):
        return False
    raise ValueError(text)


def _file_link(text):
    """A link to the file *text* names: ``file-xxxx`` or ``project-xxxx:file-xxxx``."""
    if text.startswith("project-"):
        project, _colon, file_id = text.partition(":")
        return dxpy.dxlink(file_id, project_id=project)
    if text.startswith("file-"):
        return dxpy.dxlink(text)
    raise ValueError("Malformed file {}, must start with 'file-' or 'project-'".format(text))


_SCALAR_PARSERS = {"string": lambda text: text, "int": int, "float": float, "boolean": _parse_boolean,
                   "hash": json.loads, "file": _file_link}


def _convert(text, klass):
    """(*text* as a value of *klass*, the file links in it)."""
    try:
        if klass.startswith("array:"):
            inner = klass[len("array:"):]
            if len(text) < 2 or text[0] != "[" or text[-1] != "]":
                raise ValueError("Malformed array {}".format(text))
            values = [_SCALAR_PARSERS[inner](item.strip()) for item in text[1:-1].split(",")]
            return values, values if inner == "file" else []
        value = _SCALAR_PARSERS[klass](text)
        return value, [value] if klass == "file" else []
    except (KeyError, ValueError) as error:
        raise DXError("value={} cannot be converted into class {} ({})".format(text, klass, error))


def _id_column(name, header):
    """The index of the column holding the file IDs of the file input *name*."""
    try:
        return header.index(name + " ID")
    except ValueError:
        raise DXError("Could not find a column with file IDs for {}".format(name))


def _read_table(path):
    with open(path, "r") as table:
        rows = list(csv.reader(table, delimiter="\t"))
    if not rows:
        raise DXError("The batch file {} is empty".format(path))
    return rows[0], rows[1:]


def batch_launch_args(executable, input_json, batch_tsv_file):
    """``{"launch_args": [the input of each run], "batch_ids": [the batch ID of each run]}``
    for the rows of *batch_tsv_file*, each row's inputs over the common *input_json*, as
    the platform expands and checks them."""
    header, rows = _read_table(batch_tsv_file)
    classes = _input_classes(executable)
    if BATCH_ID not in header:
        raise DXError("Could not find column {}".format(BATCH_ID))
    batch_column = header.index(BATCH_ID)
    column_of = {}  # column index -> input name
    for index, name in enumerate(header):
        if name in classes:
            is_file = classes[name] in ("file", "array:file")
            column_of[_id_column(name, header) if is_file else index] = name
    batch_input = dict((name, []) for name in column_of.values())
    files = []
    for row in rows:
        for index, name in column_of.items():
            if index < len(row):
                value, links = _convert(row[index].strip(), classes[name])
                batch_input[name].append(value)
                files.extend(links)
    batch_ids = [row[batch_column].strip() for row in rows]
    expanded = dxpy.api.applet_validate_batch(executable.get_id(), {
        "batchInput": batch_input, "commonInput": input_json, "files": files, "instanceTypes": []})
    launch_args = expanded["expandedBatch"] if isinstance(expanded, dict) else expanded
    if len(launch_args) != len(batch_ids):
        raise DXError("Mismatch in number of launch_args vs. batch_ids ({} != {})".format(
            len(launch_args), len(batch_ids)))
    return {"launch_args": launch_args, "batch_ids": batch_ids}


def batch_run(executable, b_args, run_kwargs, set_batch_folders=False):
    """Run *executable* once per entry of ``b_args["launch_args"]`` with *run_kwargs*, each
    run named ``<executable name>-<batch ID>`` and given the properties ``batch-id`` and
    ``batch-name``; with *set_batch_folders* each writes to a subfolder named after its batch
    ID. The executions started."""
    exec_name = executable.describe()["name"]
    executions = []
    for batch_id, run_input in zip(b_args["batch_ids"], b_args["launch_args"]):
        name = "{}-{}".format(exec_name, batch_id)
        options = dict(run_kwargs, name=name)
        options["properties"] = dict(run_kwargs.get("properties") or {}, **{"batch-id": batch_id,
                                                                             "batch-name": name})
        if set_batch_folders:
            options["folder"] = run_kwargs["folder"] + "/" + batch_id
        try:
            executions.append(executable.run(run_input, **options))
        except Exception:
            err_exit()
    return executions
