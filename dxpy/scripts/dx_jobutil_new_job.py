"""dx-jobutil-new-job: start a subjob running another entry point of the current job's executable,
and print its ID."""
import argparse
import json
import os
import sys

import dxpy
from ..exceptions import DXCLIError
from ..utils import merge
from ..utils.printing import fill
from ..utils.resolver import split_unescaped, try_call
from .exec_inputs import add_input_options, inputs_from_args

INSTANCE_TYPE_HELP = """Help: Specifying instance types for {prog}

--instance-type gives the instance type of the new job: one name (used for its
function), or a JSON mapping from entry point names (or "*") to instance types,
for example

    {{"main": "mem2_ssd2_v3_x4", "other_function": "mem1_ssd2_v3_x2"}}

--instance-type-by-executable maps app or applet IDs to such mappings; unlike
--instance-type it also applies to the executions launched below the new job.
"""


class _PrintInstanceTypeHelp(argparse.Action):
    def __call__(self, parser, namespace, values, option_string=None):
        print(INSTANCE_TYPE_HELP.format(prog=parser.prog), end="")
        parser.exit(0)


def build_parser():
    parser = argparse.ArgumentParser(prog="dx-jobutil-new-job",
                                     description="Creates a new job to run the named function with the specified "
                                                 "input.  If successful, prints the ID of the new job.")
    add_input_options(parser)
    parser.add_argument("--instance-type", metavar="INSTANCE_TYPE_OR_MAPPING", action="append",
                        help=fill('Instance type to use for the new job, or a JSON mapping from entry points (or '
                                  '"*") to instance types. See --instance-type-help.', width_adjustment=-24))
    parser.add_argument("--instance-type-by-executable", metavar="DOUBLE_MAPPING",
                        help=fill("JSON mapping from app or applet IDs to mappings from entry points to instance "
                                  "types; applies to the whole execution subtree.", width_adjustment=-24))
    parser.add_argument("--instance-type-help", nargs=0, action=_PrintInstanceTypeHelp,
                        help=fill("Print help for specifying instance types"))
    parser.add_argument("--extra-args", help=fill("Arguments (in JSON format) to pass to the underlying API "
                                                  "method, overriding the default settings", width_adjustment=-24))
    parser.add_argument("--property", dest="properties", metavar="KEY=VALUE", action="append",
                        help=fill('Key-value pair to add as a property; repeat as necessary, e.g. "--property '
                                  'key1=val1 --property key2=val2"', width_adjustment=-24))
    parser.add_argument("--tag", dest="tags", metavar="TAG", action="append",
                        help=fill('Tag for the resulting execution; repeat as necessary, e.g. "--tag tag1 --tag '
                                  'tag2"', width_adjustment=-24))
    parser.add_argument("function", help="Name of the function to run")
    parser.add_argument("--name", help='Name for the new job (default is the current job name, plus ":<function>")')
    parser.add_argument("--depends-on", metavar="JOB_OR_OBJECT_ID", nargs="*",
                        help="Job and/or data object IDs that must finish or close before the new job should be "
                             "run.  WARNING: For proper parsing, do not use this flag directly before the "
                             "*function* parameter.")
    parser.add_argument("--head-job-on-demand", action="store_true", default=None,
                        help="Whether the head job should be run on an on-demand instance")
    # Print the /job/new input instead of calling it.
    parser.add_argument("--test", action="store_true", help=argparse.SUPPRESS)
    return parser


def _json_option(text, option):
    try:
        return json.loads(text)
    except ValueError:
        raise DXCLIError("Error while parsing JSON value for " + option)


def instance_type(values):
    """The last --instance-type: a name, or a mapping when it is a JSON object."""
    last = values[-1]
    return _json_option(last, "--instance-type") if last.strip().startswith("{") else last


def instance_types_by_executable(text):
    if not text.strip().startswith("{"):
        raise DXCLIError("Value given for --instance-type-by-executable could not be parsed as JSON")
    mapping = _json_option(text, "--instance-type-by-executable")
    if not isinstance(mapping, dict):
        raise DXCLIError("Value given for --instance-type-by-executable could not be parsed as JSON")
    return mapping


def properties(pairs):
    found = {}
    for pair in pairs:
        pieces = split_unescaped("=", pair, include_empty_strings=True)
        if len(pieces) != 2:
            raise DXCLIError('Property key-value pair must be given using syntax "property_key=property_value"')
        if pieces[0] == "":
            raise DXCLIError("Property keys must be nonempty strings")
        found[pieces[0]] = pieces[1]
    return found


def _requirement_maps(extra):
    """Every systemRequirements mapping of --extra-args: top level, by executable, and per region."""
    regions = extra.get("regionalOptions")
    scopes = [extra] + [r for r in regions.values() if isinstance(r, dict)] if isinstance(regions, dict) else [extra]
    for scope in scopes:
        yield scope.get("systemRequirements")
        by_executable = scope.get("systemRequirementsByExecutable")
        if isinstance(by_executable, dict):
            for requirements in by_executable.values():
                yield requirements


def extra_args(text):
    try:
        extra = json.loads(text)
    except ValueError:
        raise DXCLIError("Value given for --extra-args could not be parsed as JSON")
    if not isinstance(extra, dict):
        raise DXCLIError("Value given for --extra-args could not be parsed as JSON: expected an object")
    for requirements in _requirement_maps(extra):
        entries = requirements.values() if isinstance(requirements, dict) else ()
        # instanceTypeSelector belongs to the executable, fixed when it is built.
        if any(isinstance(entry, dict) and "instanceTypeSelector" in entry for entry in entries):
            raise DXCLIError("instanceTypeSelector cannot be specified in runtime --extra-args. It can only be "
                             "defined in the dxapp.json at build time.")
    return extra


def job_new_input(args, fn_input):
    """The /job/new input the options in *args* describe."""
    from ..bindings.dxjob import SystemRequirementsDict
    request = {"function": args.function}
    if args.name is not None:
        request["name"] = args.name
    if args.depends_on is not None:
        request["dependsOn"] = args.depends_on
    if args.instance_type is not None:
        request["systemRequirements"] = SystemRequirementsDict.from_instance_type(
            instance_type(args.instance_type), args.function).as_dict()
    if args.instance_type_by_executable is not None:
        request["systemRequirementsByExecutable"] = {
            executable: SystemRequirementsDict.from_instance_type(types).as_dict()
            for executable, types in instance_types_by_executable(args.instance_type_by_executable).items()}
    if args.head_job_on_demand is not None:
        request["headJobOnDemand"] = args.head_job_on_demand
    if args.properties is not None:
        request["properties"] = properties(args.properties)
    if args.tags is not None:
        request["tags"] = args.tags
    if args.extra_args is not None:
        merge(request, extra_args(args.extra_args))
    request["input"] = fn_input
    return request


def main(argv=None):
    args = build_parser().parse_args(argv)
    fn_input = try_call(inputs_from_args, args)
    request = try_call(job_new_input, args, fn_input)
    if args.test:
        print(json.dumps(request))
        sys.exit(0)
    if os.environ.get("DX_JOB_ID") is not None:
        print(try_call(dxpy.api.job_new, request)["id"])
    else:
        # Outside a job the entry point is queued in the local job harness.
        from ..bindings.dxjob import queue_entry_point
        print(try_call(queue_entry_point, function=args.function, input_hash=fn_input,
                       depends_on=args.depends_on or [], name=args.name))


if __name__ == "__main__":
    main()
