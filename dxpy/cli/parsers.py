"""Argument groups that many ``dx`` subcommands share (as argparse parent parsers), and the
functions that turn their raw values into what the API takes.

Option names, destinations and defaults are dxpy's, so scripts that call ``dx`` keep working.
"""
import argparse
import json

from ..exceptions import DXCLIError, DXError
from ..utils.pretty_print import format_table
from ..utils.printing import fill
from ..utils.resolver import split_unescaped

basestring = (str, bytes)

# Help text width inside argparse's option column.
_HELP_WIDTH = -24


def _help(text):
    return fill(text, width_adjustment=_HELP_WIDTH)


def _repeat_help(text, example):
    """Help for a repeatable option: a sentence, then an indented example line."""
    return _help(text) + "\n" + fill(example, width_adjustment=_HELP_WIDTH, initial_indent=" ",
                                     subsequent_indent=" ", break_on_hyphens=False)


class DXParserError(DXError):
    """An option's value could not be used (malformed JSON, a bad KEY=VALUE, ...)."""

    def __init__(self, msg):
        super(DXParserError, self).__init__(msg)
        self.msg = msg


def _parent():
    return argparse.ArgumentParser(add_help=False)


all_arg = _parent()
all_arg.add_argument("-a", "--all", action="store_true",
                     help=_help("Apply to all results with the same name without prompting"))

no_color_arg = _parent()
no_color_arg.add_argument("--color", choices=["off", "on", "auto"], default="auto",
                          help=_help("When to use colors (auto: when stdout is a terminal)"))

delim_arg = _parent()
delim_arg.add_argument("--delimiter", "--delim", dest="delimiter", nargs="?", const="\t",
                       help=_help("Separate printed fields with exactly this string (TAB when none is given)"))

json_arg = _parent()
json_arg.add_argument("--json", action="store_true", help="Display return value in JSON")

try_arg = _parent()
try_arg.add_argument("--try", metavar="T", dest="job_try", type=int,
                     help=_help("For a restarted job, act on try T (0 is the first); default: the last try"))

stdout_args = _parent()
_stdout_group = stdout_args.add_mutually_exclusive_group()
_stdout_group.add_argument("--brief", action="store_true",
                           help=_help("Brief output; for most commands one DNAnexus ID per line"))
_stdout_group.add_argument("--verbose", action="store_true", help="Verbose output, where available")

parser_dataobject_args = _parent()
_dataobject_group = parser_dataobject_args.add_argument_group("metadata arguments")
_dataobject_group.add_argument("--visibility", choices=["hidden", "visible"], dest="hidden", default="visible",
                               help="Whether the object is hidden or not")
_dataobject_group.add_argument("--property", dest="properties", metavar="KEY=VALUE", action="append",
                               help=_repeat_help("Property to set; repeat as needed,",
                                                 'e.g. "--property key1=val1 --property key2=val2"'))
_dataobject_group.add_argument("--type", metavar="TYPE", dest="types", action="append",
                               help=_repeat_help("Type of the data object; repeat as needed,",
                                                 'e.g. "--type type1 --type type2"'))
_dataobject_group.add_argument("--tag", metavar="TAG", dest="tags", action="append",
                               help=_repeat_help("Tag of the data object; repeat as needed,",
                                                 'e.g. "--tag tag1 --tag tag2"'))
_dataobject_group.add_argument("--details", help="JSON to store as details")
_dataobject_group.add_argument("-p", "--parents", action="store_true", help="Create any parent folders necessary")

parser_single_dataobject_output_args = _parent()
parser_single_dataobject_output_args.add_argument("-o", "--output", help=argparse.SUPPRESS)
parser_single_dataobject_output_args.add_argument(
    "path", nargs="?",
    help=_help("DNAnexus path of the new data object (default: the current project and folder)"))

find_by_properties_and_tags_args = _parent()
find_by_properties_and_tags_args.add_argument(
    "--property", dest="properties", metavar="KEY[=VALUE]", action="append",
    help=_help('Property to match: KEY=VALUE, or KEY alone for any value; repeat as needed '
               '(all must match), e.g. "--property key1=val1 --property key2"'))
find_by_properties_and_tags_args.add_argument(
    "--tag", action="append",
    help=_help('Tag to match; repeat as needed (all must match), e.g. "--tag tag1 --tag tag2"'))

property_args = _parent()
property_args.add_argument("--property", dest="properties", metavar="KEY=VALUE", action="append",
                           help=_repeat_help("Property to set; repeat as needed,",
                                             'e.g. "--property key1=val1 --property key2=val2"'))

tag_args = _parent()
tag_args.add_argument("--tag", metavar="TAG", dest="tags", action="append",
                      help=_repeat_help("Tag for the resulting execution; repeat as needed,",
                                        'e.g. "--tag tag1 --tag tag2"'))

contains_phi = _parent()
contains_phi.add_argument("--phi", dest="containsPHI", choices=["true", "false"],
                          help="true: only projects that contain PHI data; false: only those that do not")

extra_args = _parent()
extra_args.add_argument("--extra-args",
                        help=_help("JSON of further inputs to the underlying API method, overriding dx's own"))

exec_input_args = _parent()
exec_input_args.add_argument(
    "-i", "--input", action="append",
    help=_help('An input as "<input name>[:<class>]=<input value>" (give the class when there is no input '
               'spec; without a class, or with "array", the value is parsed as JSON when it can be)'))
exec_input_args.add_argument("-j", "--input-json",
                             help=_help("The whole input as JSON (input names to values)"))
exec_input_args.add_argument("-f", "--input-json-file", dest="filename",
                             help=fill('Load the input JSON from FILENAME ("-" for stdin)'))

find_executions_args = argparse.ArgumentParser()
find_executions_args.add_argument("--id", help=_help("Show only the job tree or job containing this job ID"))
find_executions_args.add_argument("--name", help=_help('Executions with this name ("*" and "?" are wildcards)'))
find_executions_args.add_argument("--user", help=_help('User who launched the execution ("self" for yourself)'))
find_executions_args.add_argument("--project",
                                  help=_help("Project context (output project); default: the current project"))
find_executions_args.add_argument("--all-projects", "--allprojects", action="store_true",
                                  help=_help("Search all projects"))
find_executions_args.add_argument("--app", "--applet", "--executable", dest="executable",
                                  help=_help("App, applet or workflow that was run"))
find_executions_args.add_argument("--state", help=_help('State of the execution, e.g. "done", "failed"'))
find_executions_args.add_argument("--origin", help=_help("Job ID of the top-level job"))
find_executions_args.add_argument("--parent", help=_help("Job ID of the parent job; implies --all-jobs"))
find_executions_args.add_argument("--created-after",
                                  help=_help('Created after this date ("2021-12-01", "2021-12-01 19:01:33"), '
                                             'Unix time in ms, or a relative time such as "-2d"'))
find_executions_args.add_argument("--created-before",
                                  help=_help('Created before this date ("2021-12-01", "2021-12-01 19:01:33"), '
                                             'Unix time in ms, or a relative time such as "-2d"'))
find_executions_args.add_argument("--no-subjobs", action="store_true", help=_help("Do not show any subjobs"))
find_executions_args.add_argument("--root-execution", "--root",
                                  help=_help("Execution ID of the top-level (user-initiated) execution"))
find_executions_args.add_argument("-n", "--num-results", metavar="N", type=int, default=10,
                                  help=_help("Most results (trees or executions) to show (default 10)"))
find_executions_args.add_argument("-o", "--show-outputs", action="store_true", help=_help("Show outputs"))
find_executions_args.add_argument("--include-restarted", action="store_true",
                                  help=_help("Include restarted jobs and the trees rooted in them"))


def add_find_executions_search_gp(parser):
    """Add the mutually exclusive search modes of ``dx find executions`` to *parser*."""
    group = parser.add_argument_group("Search mode").add_mutually_exclusive_group()
    group.add_argument("--trees", action="store_true",
                       help=_help("Show whole execution trees for all results (default)"))
    group.add_argument("--origin-jobs", action="store_true", help=_help("Show only top-level origin jobs"))
    group.add_argument("--all-jobs", action="store_true",
                       help=_help("Jobs at any depth that match, without the tree structure"))


# -- turning raw values into API input ---------------------------------------------------------

def _split_key_value(keyeqval):
    return split_unescaped("=", keyeqval, include_empty_strings=True)


def process_properties_args(args):
    """``args.properties``: a list of KEY=VALUE strings -> a dict (or None)."""
    if args.properties is None:
        return
    properties = {}
    for keyeqval in args.properties:
        parts = _split_key_value(keyeqval)
        if len(parts) != 2:
            raise DXParserError('Property key-value pair must be given using syntax "property_key=property_value"')
        if parts[0] == "":
            raise DXParserError("Property keys must be nonempty strings")
        properties[parts[0]] = parts[1]
    args.properties = properties


def process_find_by_property_args(args):
    """``args.properties``: KEY or KEY=VALUE strings -> a search dict (KEY alone -> True)."""
    if args.properties is None:
        return
    properties = {}
    for keyeqval in args.properties:
        parts = _split_key_value(keyeqval)
        if len(parts) > 2:
            raise DXParserError('Property value must be given using syntax "property_key" or '
                                '"property_key=property_value"')
        if parts[0] == "":
            raise DXParserError("Property keys must be nonempty strings")
        properties[parts[0] if len(parts) == 2 else keyeqval] = parts[1] if len(parts) == 2 else True
    args.properties = properties


def _parse_json_option(text, what):
    try:
        return json.loads(text)
    except ValueError:
        raise DXParserError("Error: %s could not be parsed as JSON" % what)


def process_dataobject_args(args):
    """Properties to a dict, ``--visibility`` to the boolean ``args.hidden``, details from JSON."""
    process_properties_args(args)
    args.hidden = args.hidden is True or args.hidden == "hidden"
    if args.details is not None:
        args.details = _parse_json_option(args.details, "details")


def process_single_dataobject_output_args(args):
    """The path of a new object comes from PATH or the hidden ``-o``, not both."""
    if args.path is not None and args.output is not None:
        raise DXParserError("Error: Cannot provide both the positional PATH and -o/--output arguments")
    if args.output is None:
        args.output = args.path


def process_extra_args(args):
    """``--extra-args`` from JSON; instance type selectors are refused (build time only)."""
    if args.extra_args is None:
        return
    try:
        args.extra_args = json.loads(args.extra_args)
    except ValueError:
        raise DXParserError("Value given for --extra-args could not be parsed as JSON")
    _refuse_instance_type_selector(args.extra_args)


def _refuse_instance_type_selector(extra):
    """Look for ``instanceTypeSelector`` under every systemRequirements map of *extra*."""
    def check(requirements):
        for reqs in (requirements.values() if isinstance(requirements, dict) else ()):
            if isinstance(reqs, dict) and "instanceTypeSelector" in reqs:
                raise DXParserError("instanceTypeSelector cannot be specified in runtime --extra-args. "
                                    "It can only be defined in the dxapp.json at build time.")

    def check_container(spec):
        if not isinstance(spec, dict):
            return
        check(spec.get("systemRequirements"))
        by_executable = spec.get("systemRequirementsByExecutable")
        for entry_points in (by_executable.values() if isinstance(by_executable, dict) else ()):
            check(entry_points)

    check_container(extra)
    regional = extra.get("regionalOptions") if isinstance(extra, dict) else None
    for region_spec in (regional.values() if isinstance(regional, dict) else ()):
        check_container(region_spec)


# -- environment overrides ---------------------------------------------------------------------

_ENV_OPTIONS = [
    ("--apiserver-host", "API server host"),
    ("--apiserver-port", "API server port"),
    ("--apiserver-protocol", "API server protocol (http or https)"),
    ("--project-context-id", "Default project or project context ID"),
    ("--workspace-id", "Workspace ID (for jobs only)"),
    ("--security-context", "JSON string of security context"),
    ("--auth-token", "Authentication token"),
]

_env_args = argparse.ArgumentParser(add_help=False, prog="dx command ...")
for _flag, _text in _ENV_OPTIONS:
    _env_args.add_argument(_flag, help=_text)


class EnvHelpAction(argparse.Action):
    """``--env-help``: list the options that override the environment, then exit."""

    def __call__(self, parser, namespace, values, option_string=None):
        _env_args.print_help()
        parser.exit(0)


env_args = _parent()
for _flag, _text in _ENV_OPTIONS:
    env_args.add_argument(_flag, help=argparse.SUPPRESS)
env_args.add_argument("--env-help", action=EnvHelpAction, nargs=0,
                      help=_help("Display help message for overriding environment variables"))

# argparse destination -> the configuration variable it overrides
_ENV_DESTINATIONS = [
    ("apiserver_host", "DX_APISERVER_HOST"),
    ("apiserver_port", "DX_APISERVER_PORT"),
    ("apiserver_protocol", "DX_APISERVER_PROTOCOL"),
    ("project_context_id", "DX_PROJECT_CONTEXT_ID"),
    ("workspace_id", "DX_WORKSPACE_ID"),
    ("cli_wd", "DX_CLI_WD"),
    ("security_context", "DX_SECURITY_CONTEXT"),
]


def set_env_from_args(args):
    """Apply the environment overrides given on the command line (``--apiserver-host`` ...,
    ``--auth-token``) to ``dxpy.config`` for this process."""
    import dxpy
    values = vars(args)
    for dest, variable in _ENV_DESTINATIONS:
        if values.get(dest) is not None:
            dxpy.config[variable] = values[dest]
    if values.get("auth_token") is not None:
        dxpy.config["DX_SECURITY_CONTEXT"] = json.dumps({"auth_token": values["auth_token"],
                                                         "auth_token_type": "Bearer"})


# -- instance types (dx run, dx build) ----------------------------------------------------------

class PrintInstanceTypeHelp(argparse.Action):
    """``--instance-type-help``: how to ask for instance types, and the known types."""

    def __call__(self, parser, namespace, values, option_string=None):
        from ..utils.completer import InstanceTypesCompleter
        print("Help: Specifying instance types for " + parser.prog)
        print()
        print(fill("Request instance types with --instance-type-by-executable and --instance-type; "
                   "--instance-type-by-executable takes priority over --instance-type, a workflow's "
                   "stageSystemRequirements, and what the app or applet was built with."))
        print()
        print(fill("--instance-type applies to the executions started by this command only; "
                   "--instance-type-by-executable also reaches the subjobs and sub-analyses they start."))
        print()
        print(fill("Give one instance type for every entry point, or a JSON map from entry point to "
                   'instance type, e.g.'))
        print()
        print('    {"main": "mem2_ssd2_v3_x4", "other_function": "mem1_ssd2_v3_x2"}')
        if parser.prog == "dx run":
            print()
            print(fill('For a workflow, prefix the value with "<stage>=" (a stage ID, index or unique name) '
                       "and repeat the option for each stage; a value without a prefix applies to all stages."))
        for title, table in (("Available instance types:", InstanceTypesCompleter.standard_instance_types),
                             ("GPU instance types:", InstanceTypesCompleter.gpu_instance_types),
                             ("FPGA instance types:", InstanceTypesCompleter.fpga_instance_types)):
            specs = list(table.values())
            print()
            print(title)
            print()
            print(format_table(specs, column_names=list(specs[0]._fields)))
        parser.exit(0)


instance_type_arg = _parent()
instance_type_arg.add_argument(
    "--instance-type", metavar="INSTANCE_TYPE_OR_MAPPING", action="append",
    help=_help('One instance type for all entry points, or a JSON map from entry point (or "*") to '
               'instance type; for a workflow, prefix with "<stage>=" to apply to one stage. '
               "See dx run --instance-type-help."))
instance_type_arg.add_argument(
    "--instance-type-by-executable", metavar="DOUBLE_MAPPING",
    help=_help("JSON map from app or applet ID to a map from entry point to instance type; it reaches "
               "subjobs too. See dx run --instance-type-help."))
instance_type_arg.add_argument("--instance-type-help", nargs=0, action=PrintInstanceTypeHelp,
                               help=fill("Print help for specifying instance types"))


def _parse_dictionary_or_string_input(thing, arg_name):
    if not thing.strip().startswith("{"):
        return thing
    try:
        return json.loads(thing)
    except ValueError:
        raise DXCLIError("Error while parsing JSON value for " + arg_name)


def _last(values):
    return values if isinstance(values, basestring) else values[-1]


def process_instance_type_arg(args, for_workflow=False):
    """``--instance-type`` values -> one type or map; for a workflow also per-stage types
    in ``args.stage_instance_types``."""
    if not args.instance_type:
        return
    if not for_workflow:
        args.instance_type = _parse_dictionary_or_string_input(_last(args.instance_type), "--instance-type")
        return
    args.stage_instance_types = {}
    default = {}
    for request in args.instance_type:
        if "=" in request:
            stage, value = request.rsplit("=", 1)
            args.stage_instance_types[stage] = _parse_dictionary_or_string_input(value, "--instance-type")
        else:
            default = _parse_dictionary_or_string_input(request, "--instance-type")
    args.instance_type = default


def process_instance_type_by_executable_arg(args):
    """``--instance-type-by-executable`` must be a JSON map."""
    value = args.instance_type_by_executable
    if not value:
        return
    if not value.strip().startswith("{"):
        raise DXParserError("Value given for --instance-type-by-executable could not be parsed as JSON")
    try:
        args.instance_type_by_executable = json.loads(value)
    except ValueError:
        raise DXParserError("Error while parsing JSON value for --instance-type-by-executable")


def process_instance_count_arg(args):
    """``--instance-count``: the last one given, a count or a JSON map."""
    if args.instance_count:
        args.instance_count = _parse_dictionary_or_string_input(_last(args.instance_count), "--instance-count")


# -- dx update project -------------------------------------------------------------------------

# option destination -> project/update field, for the true/false options
_PROJECT_BOOLEAN_FIELDS = [
    ("protected", "protected"),
    ("restricted", "restricted"),
    ("download_restricted", "downloadRestricted"),
    ("preview_viewer_restricted", "previewViewerRestricted"),
    ("containsPHI", "containsPHI"),
    ("database_ui_view_only", "databaseUIViewOnly"),
    ("external_upload_restricted", "externalUploadRestricted"),
    ("https_app_isolated_browsing", "httpsAppIsolatedBrowsing"),
]


def get_update_project_args(args):
    """The ``project-xxxx/update`` input for the options of ``dx update project``."""
    values = vars(args)
    update = {}
    for dest, field in (("name", "name"), ("summary", "summary"), ("description", "description"),
                        ("bill_to", "billTo"), ("allowed_executables", "allowedExecutables"),
                        ("database_results_restricted", "databaseResultsRestricted")):
        if values.get(dest) is not None:
            update[field] = values[dest]
    for dest, field in _PROJECT_BOOLEAN_FIELDS:
        if values.get(dest) is not None:
            update[field] = values[dest] in (True, "true")
    if values.get("unset_allowed_executables"):
        update["allowedExecutables"] = None
    if values.get("unset_database_results_restricted"):
        update["databaseResultsRestricted"] = None
    if values.get("https_app_isolated_browsing_options") is not None:
        try:
            update["httpsAppIsolatedBrowsingOptions"] = json.loads(values["https_app_isolated_browsing_options"])
        except ValueError:
            raise DXParserError("Error while parsing the value for --https-app-isolated-browsing-options")
    return update


def _true_false(args, dest):
    value = getattr(args, dest)
    if value in ("true", "false"):
        setattr(args, dest, value == "true")


def process_phi_param(args):
    """``--phi true|false`` -> a boolean ``args.containsPHI``."""
    _true_false(args, "containsPHI")


def process_external_upload_restricted_param(args):
    """``--external-upload-restricted true|false`` -> a boolean."""
    if args.external_upload_restricted is not None:
        args.external_upload_restricted = args.external_upload_restricted == "true"


def __getattr__(name):
    # dxpy's parsers module has InstanceTypesCompleter; loaded when asked for, as only
    # --instance-type-help and shell completion need the tables.
    if name == "InstanceTypesCompleter":
        from ..utils.completer import InstanceTypesCompleter
        return InstanceTypesCompleter
    raise AttributeError("module {!r} has no attribute {!r}".format(__name__, name))
