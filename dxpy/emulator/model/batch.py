"""``/applet-xxxx/validateBatch`` and ``/app-xxxx/validateBatch``: the inputs of a batch of runs
of an applet or app, one per row of a table, checked against its input spec and expanded into
the input of each run.

``batchInput`` maps input names to one value per run (all lists of one length), ``commonInput``
gives the inputs every run shares, ``files`` the files the table names (each must be usable by
the caller). The answer ``expandedBatch`` lists each run's input: the common input with that
run's values over it. Nothing is started.
"""
import copy

from ..errors import InvalidInput
from .apps import resolve_app
from .executables import check_input, check_objects, typed_object
from .validate import get


def applet_validate_batch(req):
    return _validate_batch(req, typed_object(req, "applet"))


def app_validate_batch(req):
    return _validate_batch(req, resolve_app(req, req.id))


def _validate_batch(req, executable):
    payload = req.payload
    batch_input = get(payload, "batchInput", dict)
    common = get(payload, "commonInput", dict, {})
    files = get(payload, "files", list, [])
    get(payload, "instanceTypes", list, [])
    lengths = set()
    for name, values in batch_input.items():
        if not isinstance(values, list):
            raise InvalidInput('Expected key "batchInput.%s" of input to be an array' % name)
        lengths.add(len(values))
    if len(lengths) > 1:
        raise InvalidInput('The arrays of key "batchInput" of input must all have the same length')
    check_objects(req, files, "files")
    expanded = []
    for index in range(lengths.pop() if lengths else 0):
        run_input = copy.deepcopy(common)
        run_input.update((name, copy.deepcopy(values[index])) for name, values in batch_input.items())
        check_input(executable.get("inputSpec"), run_input, "batch row %d" % index)
        check_objects(req, run_input, "batch row %d" % index)
        expanded.append(run_input)
    return {"expandedBatch": expanded}
