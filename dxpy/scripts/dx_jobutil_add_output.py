"""dx-jobutil-add-output: set (or append to) one field of ``~/job_output.json``."""
import argparse
import json
import os

from ..exceptions import DXError
from ..utils.printing import fill
from ..utils.resolver import (is_analysis_id, is_data_obj_id, is_job_id, is_localjob_id, split_unescaped,
                              unescape_name_str)
from .job_files import home_file, update_json_file

CLASSES = ["int", "float", "string", "boolean", "hash",
           "array:int", "array:float", "array:string", "array:boolean",
           "file", "record", "applet", "workflow",
           "array:file", "array:record", "array:applet", "array:workflow",
           "jobref", "array:jobref", "analysisref", "array:analysisref", "auto", "array:auto"]
DATA_OBJECT_CLASSES = ("file", "record", "applet", "workflow")

DESCRIPTION = "\n\n".join([
    fill("Reads and modifies job_output.json in your home directory to be a JSON hash with key *name* and value "
         "*value*."),
    fill('If --class is not provided or is set to "auto", auto-detection of the output format will occur.  In '
         "particular, it will treat it as a number, hash, or boolean if it can be successfully parsed as such.  If "
         "it is a string which matches the pattern for a data object ID, it will encapsulate it in a DNAnexus link "
         "hash; otherwise it is treated as a simple string."),
    fill('Use --array to append to an array of values or prepend "array:" to the --class argument.'),
    fill("To use the output of another job as part of your output, use --class=jobref (which will throw an error "
         "if it is not formatted correctly), or use the automatic parsing which will recognize anything starting "
         "with a job ID as a job-based object reference.  You should format the value as follows:"),
    "  Format: <job ID>:<output field name>\n"
    "  Example: dx-jobutil-add-output myoutput --class=jobref \\\n"
    "             job-B2JKYqK4Zg2K915yQxPQ0024:other_output",
    fill("Analysis references can be specified similarly with --class=analysisref and formatted as:"),
    "  Format: <analysis ID>:<stage ID>.<output field name>\n"
    "          <analysis ID>:<exported output field name>\n"
    "  Example: dx-jobutil-add-output myoutput --class=analysisref \\\n"
    "             analysis-B2JKYqK4Zg2K915yQxPQ0024:some_output",
]) + "\n"


class BadValue(ValueError):
    """The value does not fit the requested class (the message is what the command prints)."""


def build_parser():
    parser = argparse.ArgumentParser(prog="dx-jobutil-add-output", description=DESCRIPTION,
                                     formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("name", help="Name of the output field name")
    parser.add_argument("value", help="Value of the output field")
    parser.add_argument("--class", dest="classname", metavar="CLASSNAME", choices=CLASSES, nargs="?",
                        default="auto",
                        help=fill('Class of output for formatting purposes, e.g. "int"; default "auto"',
                                  width_adjustment=-24))
    parser.add_argument("--array", action="store_true", help="Output field is an array")
    # Another file than ~/job_output.json (for tests).
    parser.add_argument("-o", "--output", help=argparse.SUPPRESS, default=home_file("job_output.json"))
    return parser


def _job_reference(pieces):
    # The job-based reference form these helpers have always written (the platform accepts both forms).
    return {"job": pieces[0], "field": unescape_name_str(pieces[1])}


def _analysis_reference(pieces):
    return {"$dnanexus_link": {"analysis": pieces[0], "field": pieces[1]}}


def _is_job(text):
    return is_job_id(text) or is_localjob_id(text)


def _auto(text):
    if is_data_obj_id(text):
        return {"$dnanexus_link": text}
    pieces = split_unescaped(":", text)
    if len(pieces) == 2 and is_analysis_id(pieces[0]):
        return _analysis_reference(pieces)
    if len(pieces) == 2 and _is_job(pieces[0]):
        return _job_reference(pieces)
    try:
        return json.loads(text)  # numbers, booleans, hashes, links given as JSON
    except ValueError:
        return text


def _boolean(text):
    lowered = text.lower()
    if lowered.startswith("t") or text == "1":
        return True
    if lowered.startswith("f") or text == "0":
        return False
    raise BadValue("Value could not be parsed as a boolean")


def _number(kind, convert):
    def parse(text):
        try:
            return convert(text)
        except ValueError:
            raise BadValue("Value could not be parsed as " + kind)
    return parse


def _hash(text):
    try:
        return json.loads(text)
    except ValueError:
        raise BadValue("Value could not be parsed as a hash")


def _data_object(text):
    if is_data_obj_id(text):
        return {"$dnanexus_link": text}
    try:
        value = json.loads(text)
    except ValueError:
        value = None
    if not isinstance(value, dict) or value.get("$dnanexus_link") is None:
        raise BadValue('Value could not be parsed as a data object ID or hash with key "$dnanexus_link"')
    return value


def _reference(is_source, make, what, source):
    """A parser of ``<source ID>:<field>`` references, built by *make* when *is_source* accepts the ID."""
    def parse(text):
        pieces = split_unescaped(":", text)
        if len(pieces) == 2 and is_source(pieces[0]):
            return make(pieces)
        raise BadValue(fill("Value could not be parsed as %s with format <%s ID>:<%s output field name>"
                            % (what, source, source)))
    return parse


_jobref = _reference(_is_job, _job_reference, "a job-based object reference", "job")
_analysisref = _reference(is_analysis_id, _analysis_reference, "an analysis reference", "analysis")


PARSERS = {"auto": _auto, "int": _number("an int", int), "float": _number("a float", float),
           "string": lambda text: text, "boolean": _boolean, "hash": _hash, "jobref": _jobref,
           "analysisref": _analysisref}
PARSERS.update((name, _data_object) for name in DATA_OBJECT_CLASSES)


def parse_value(classname, text):
    """(value, is_array) for the command-line *text* of class *classname* (``--class``)."""
    classname = classname or "auto"  # a bare --class
    is_array = classname.startswith("array:")
    if is_array:
        classname = classname[len("array:"):]
    return PARSERS[classname](text), is_array


def add_output(output, name, value, is_array):
    """Set *name* to *value* in the output dict *output*; with *is_array*, append to its list."""
    if not is_array:
        output[name] = value
    elif name not in output:
        output[name] = [value]
    elif isinstance(output[name], list):
        output[name].append(value)
    else:
        raise BadValue("Key " + name + " was found in existing output but was not an array")


def main(argv=None):
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        value, is_array = parse_value(args.classname, args.value)
        update_json_file(args.output, lambda output: add_output(output, args.name, value, is_array or args.array))
    except (BadValue, DXError) as e:
        parser.exit(3, str(e) + "\n")
    except OSError as e:
        parser.exit(3, "Cannot update %s: %s\n" % (os.path.abspath(args.output), e))


if __name__ == "__main__":
    main()
