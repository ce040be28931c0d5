"""The input of a new job from ``-i name[:class]=value``, ``-j JSON`` and ``-f FILE`` (as ``dx run``
reads them, without an input spec).

- ``-f`` then ``-j`` give whole JSON objects; ``-i`` options then add or replace fields.
- ``-i name=job-xxxx:field`` (``field.N`` for an array element) is a job-based object reference.
- Without a class, a value that is a JSON number, list or object is taken as such; anything else
  is looked up as a data object path or ID (becoming a link), or else kept as a string.
  Repeating ``-i name=...`` makes a list.
- With a class (``int``, ``float``, ``boolean``, ``string``, ``hash``, ``job``, ``app``, a data
  object class such as ``file``, or any of them prefixed with ``array:``) the value is converted,
  and data objects must resolve to an object of that class.
"""
import collections
import json
import sys

from ..exceptions import DXCLIError, DXError
from ..utils.printing import fill
from ..utils.resolver import (ResolutionError, is_hashid, is_job_id, is_localjob_id, parse_input_keyval,
                              resolve_multiple_existing_paths, split_unescaped)

DATA_OBJECT_CLASSES = ("file", "record", "applet", "workflow", "database")


def add_input_options(parser):
    """-i/--input, -j/--input-json and -f/--input-json-file."""
    parser.add_argument("-i", "--input", action="append",
                        help=fill('An input to be added using "<input name>[:<class>]=<input value>" (provide '
                                  '"class" if there is no input spec; it can be any job IO class, e.g. "string", '
                                  '"array:string", or "array"; if "class" is "array" or not specified, the value '
                                  "will be attempted to be parsed as JSON and is otherwise treated as a string)",
                                  width_adjustment=-24))
    parser.add_argument("-j", "--input-json", help=fill("The full input JSON (keys=input field names, "
                                                        "values=input field values)", width_adjustment=-24))
    parser.add_argument("-f", "--input-json-file", dest="filename",
                        help=fill('Load input JSON from FILENAME ("-" to use stdin)'))


def _json_object(text, what):
    try:
        value = json.loads(text, object_pairs_hook=collections.OrderedDict)
    except ValueError as e:
        raise DXCLIError("Error while parsing %s: %s" % (what, e))
    if not isinstance(value, dict):
        raise DXCLIError("Error while parsing %s: expected a JSON object, not %s" % (what, type(value).__name__))
    return value


def job_reference(job_id, field):
    """``{"$dnanexus_link": {"job", "field"[, "index"]}}``; ``field.N`` names element N of an array."""
    link = {"job": job_id, "field": field}
    if "." in field:
        name, index = field.rsplit(".", 1)
        try:
            link.update(field=name, index=int(index))
        except ValueError:
            raise DXCLIError('Cannot read the job-based reference "%s:%s": the part after the last "." must be '
                             "an array index" % (job_id, field))
    return {"$dnanexus_link": link}


def _as_job_reference(value):
    pieces = split_unescaped(":", value)
    if len(pieces) == 2 and (is_job_id(pieces[0]) or is_localjob_id(pieces[0])):
        return job_reference(pieces[0], pieces[1])
    return None


def parse_bool(value):
    if value and ("true".startswith(value.lower()) or value == "1"):
        return True
    if value and ("false".startswith(value.lower()) or value == "0"):
        return False
    raise DXCLIError('Could not resolve "' + value + '" to a boolean')


CONVERTERS = {"boolean": parse_bool, "string": lambda v: v, "float": float, "int": int, "hash": json.loads,
              "job": lambda v: {"$dnanexus_link": v}, "app": lambda v: {"$dnanexus_link": v}}


def _immediate_json(value):
    """*value* parsed when it is a JSON number, list or object; None otherwise (also for true, null
    and strings, which stay names to resolve)."""
    try:
        parsed = json.loads(value, object_pairs_hook=collections.OrderedDict)
    except ValueError:
        return None
    return parsed if type(parsed) in (int, float, list, collections.OrderedDict) else None


def _resolve_all(values):
    """resolve_multiple_existing_paths, one path at a time when the batch has a malformed one."""
    try:
        return resolve_multiple_existing_paths(values)
    except ResolutionError:
        found = {}
        for value in values:
            try:
                found.update(resolve_multiple_existing_paths([value]))
            except ResolutionError:
                found[value] = {"project": None, "folder": None, "name": None}
        return found


def _link_from_resolution(value, result):
    entity = result["name"]
    if isinstance(entity, str):  # a job or analysis ID
        return entity
    if is_hashid(value):
        return {"$dnanexus_link": entity["id"]}
    project = entity["describe"]["project"] if "describe" in entity else entity["project"]
    return {"$dnanexus_link": {"project": project, "id": entity["id"]}}


class ExecutableInputs(object):
    """Collects the input given on the command line; ``inputs`` is the result."""

    def __init__(self):
        self.inputs = collections.OrderedDict()
        self._pending = []  # (name, value, class or None, list index or None) to resolve as paths
        self._repeated = set()  # names whose list was built by unclassed -i options

    def update_from_args(self, args):
        if args.filename is not None:
            try:
                text = sys.stdin.read() if args.filename == "-" else open(args.filename).read()
            except OSError as e:
                raise DXCLIError("Error while parsing input JSON file: %s" % e)
            self.inputs.update(_json_object(text, "input JSON file"))
        if args.input_json is not None:
            self.inputs.update(_json_object(args.input_json, "input JSON"))
        for keyeqval in args.input or ():
            name, value = parse_input_keyval(keyeqval)
            name, _, input_class = name.partition(":")
            self.add(name, value, input_class or None)
        self._resolve_pending()
        for name in self._repeated:
            if len(self.inputs[name]) == 1:
                self.inputs[name] = self.inputs[name][0]
        return self.inputs

    def _slot(self, name, fresh_list):
        """Index where the next value of array input *name* goes (making it a list if needed)."""
        if not isinstance(self.inputs.get(name), list):
            self.inputs[name] = []
            if fresh_list:
                self._repeated.add(name)
        return len(self.inputs[name])

    def _put(self, name, value, is_array, fresh_list=False):
        if is_array:
            self._slot(name, fresh_list)
            self.inputs[name].append(value)
        else:
            self.inputs[name] = value

    def add(self, name, value, input_class=None):
        untyped = input_class in (None, "array")
        # Unclassed values of one name accumulate, unless -j/-f gave that name a single value.
        is_array = input_class is not None and input_class.startswith("array") or \
            (input_class is None and (name not in self.inputs or isinstance(self.inputs[name], list)))
        reference = _as_job_reference(value)
        if reference is not None:
            self._put(name, reference, is_array, fresh_list=input_class is None)
            return
        if untyped:
            parsed = _immediate_json(value)
            if parsed is None:
                index = self._slot(name, input_class is None) if is_array else None
                self._pending.append((name, value, None, index))
                parsed = value  # kept as a string when it resolves to nothing
            self._put(name, parsed, is_array, fresh_list=input_class is None)
            return
        base_class = input_class[len("array:"):] if input_class.startswith("array:") else input_class
        if base_class in CONVERTERS:
            try:
                converted = CONVERTERS[base_class](value)
            except ValueError as e:
                raise DXCLIError('Value provided for input field "%s" could not be parsed as %s: %s'
                                 % (name, input_class, e))
            self._put(name, converted, is_array)
        elif base_class in DATA_OBJECT_CLASSES:
            index = self._slot(name, False) if is_array else None
            self._pending.append((name, value, base_class, index))
            self._put(name, None, is_array)  # placeholder, replaced once resolved
        else:
            raise DXCLIError('Value provided for input field "%s" could not be parsed as %s: unknown input class'
                             % (name, input_class))

    def _resolve_pending(self):
        if not self._pending:
            return
        results = _resolve_all([value for _name, value, _cls, _index in self._pending])
        for name, value, input_class, index in self._pending:
            result = results[value]
            if input_class is None:
                if result["name"] is None:
                    continue  # not an object: the string stays
                link = _link_from_resolution(value, result)
            else:
                problem = 'Value provided for input field "%s" could not be parsed as %s: ' % (name, input_class)
                if value == "":
                    raise DXCLIError(problem + "empty string cannot be resolved")
                if result["name"] is None or isinstance(result["name"], str):
                    raise DXCLIError(problem + 'could not resolve "%s" to a name or ID' % value)
                from ..bindings import verify_string_dxid
                try:
                    verify_string_dxid(result["name"]["id"], input_class)
                except DXError as e:
                    raise DXCLIError(problem + str(e))
                link = _link_from_resolution(value, result)
            if index is None:
                self.inputs[name] = link
            else:
                self.inputs[name][index] = link


def inputs_from_args(args):
    """The input dict described by the -i/-j/-f options in *args*."""
    return ExecutableInputs().update_from_args(args)
