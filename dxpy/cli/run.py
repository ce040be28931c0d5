"""``dx run``: run an applet, app, workflow or global workflow, or re-run a job or analysis
(``--clone``), once or once per row of a table (``--batch-tsv``); ``dx run EXECUTABLE -h``
describes the executable's inputs and outputs.

The inputs come from ``dxpy.cli.exec_io``; the run itself is the bindings' ``run`` method of
the executable's handler, so ``dx run`` sends what ``DXApplet.run`` and friends send.
"""
import argparse
import copy
import itertools
import json
import os
import sys

import dxpy
from ..exceptions import DXCLIError, err_exit
from ..utils.printing import BOLD, fill, pager
from . import INTERACTIVE_CLI, prompt_for_yn, registry, try_call
from .console import get_client_ip
from .ssh_keys import verify_ssh_config
from .parsers import (DXParserError, env_args, exec_input_args, extra_args, instance_type_arg, process_extra_args,
                      process_instance_count_arg, process_instance_type_arg, process_instance_type_by_executable_arg,
                      process_properties_args, property_args, stdout_args, tag_args)

# What describing the execution to clone asks for besides the default fields: the instance
# types it was run with, for the new run to keep.
_CLONE_FIELDS = {"runSystemRequirements": True, "runSystemRequirementsByExecutable": True,
                 "mergedSystemRequirementsByExecutable": True}
# The parts of systemRequirements a cloned job passes on, one SystemRequirementsDict each.
_CLONED_REQUIREMENTS = ("instanceType", "instanceTypeSelector", "clusterSpec", "fpgaDriver", "nvidiaDriver")


# -- help ---------------------------------------------------------------------------------------------

class _RunHelp(argparse.Action):
    """``-h``: help about the executable when one is named, else about ``dx run``."""

    def __call__(self, parser, namespace, values, option_string=None):
        if namespace.executable is None:
            namespace.executable = ""
        namespace.help = True


class _InputHelp(argparse.Action):
    def __call__(self, parser, namespace, values, option_string=None):
        from .run_help import INPUT_HELP
        print(INPUT_HELP)
        parser.exit(0)


# -- the run --------------------------------------------------------------------------------------

def _inputs(args, executable):
    """The input to run *executable* with: the cloned job's input, then -f, -j, -i."""
    from .exec_io import ExecutableInputs
    inputs = try_call(ExecutableInputs, executable, active_region=args.region)
    if args.input_json is None and args.filename is None:
        inputs.update(args.cloned_job_desc.get("runInput", {}), strip_prefix=False)
    try_call(inputs.update_from_args, args, args.batch_tsv is None)
    return inputs.inputs


def _cloned_requirements(clone_desc):
    """The cloned job's requirements: each part of systemRequirements, and by executable."""
    from ..system_requirements import SystemRequirementsDict
    requirements = clone_desc.get("systemRequirements", {}) or {}
    parts = dict((part, SystemRequirementsDict.from_sys_requirements(requirements, _type=part))
                 for part in _CLONED_REQUIREMENTS)
    return parts, clone_desc.get("mergedSystemRequirementsByExecutable", {}) or {}


def _system_requirements(args, executable):
    """(systemRequirements, systemRequirementsByExecutable) of the run: --instance-type and
    --instance-count over what the cloned job ran with; instanceTypeSelector stays out (it is
    build time only)."""
    from ..system_requirements import SystemRequirementsDict
    from ..utils import merge
    cloned, cloned_by_executable = _cloned_requirements(args.cloned_job_desc)
    instance_type = cloned["instanceType"]
    if args.instance_type:
        instance_type = SystemRequirementsDict.from_instance_type(args.instance_type)
        if isinstance(args.instance_type, dict):
            instance_type = SystemRequirementsDict(merge(cloned["instanceType"].as_dict() or {},
                                                         instance_type.as_dict()))
    cluster_spec = cloned["clusterSpec"]
    if args.instance_count:
        if cloned["instanceTypeSelector"].as_dict() and not instance_type.as_dict():
            raise DXCLIError("Cannot specify --instance-count when cloning a job that uses instanceTypeSelector "
                             "without providing --instance-type. instanceTypeSelector and clusterSpec are "
                             "mutually exclusive.")
        counts = SystemRequirementsDict.from_instance_count(args.instance_count)
        own = executable.describe().get("runSpec", {}).get("systemRequirements", {})
        to_override = SystemRequirementsDict.from_sys_requirements(own, _type="clusterSpec")
        if isinstance(args.instance_count, dict) and cloned["clusterSpec"].as_dict():
            counts = SystemRequirementsDict(merge(cloned["clusterSpec"].as_dict(), counts.as_dict()))
            to_override = SystemRequirementsDict(merge(to_override.as_dict() or {}, cloned["clusterSpec"].as_dict()))
        cluster_spec = to_override.override_cluster_spec(counts)
    requirements = (instance_type + cluster_spec + cloned["fpgaDriver"] + cloned["nvidiaDriver"]).as_dict()
    if args.instance_type and cloned_by_executable:
        warning = BOLD("WARNING") + ": --instance-type argument: {} may get overridden by {} " \
            "mergedSystemRequirementsByExecutable: {}".format(args.instance_type, args.cloned_job_desc.get("id"),
                                                              json.dumps(cloned_by_executable))
        if args.instance_type_by_executable:
            warning += " and runtime --instance-type-by-executable argument:{}\n".format(
                json.dumps(args.instance_type_by_executable))
        print(fill(warning))
        print()
    by_executable = cloned_by_executable
    if args.instance_type_by_executable:
        requested = dict((executable_id, SystemRequirementsDict.from_instance_type(types).as_dict())
                         for executable_id, types in args.instance_type_by_executable.items())
        by_executable = merge(copy.deepcopy(cloned_by_executable), requested)
    return requirements, by_executable


def _spot_wait(value):
    from ..utils import normalize_timedelta
    return normalize_timedelta(value) // 1000 if value else None


def _run_kwargs(args, executable, dest_proj, dest_path):
    """The keyword arguments of the handler's ``run`` for the options given."""
    requirements, by_executable = _system_requirements(args, executable)
    debug_on = args.debug_on
    if debug_on and "All" in debug_on:
        debug_on = ["AppError", "AppInternalError", "AppInsufficientResourceError", "ExecutionError"]
    preserve = None
    if args.preserve_job_outputs:
        preserve = True
    elif args.preserve_job_outputs_folder is not None:
        preserve = {"folder": args.preserve_job_outputs_folder}
    kwargs = {
        "project": dest_proj, "folder": dest_path, "name": args.name, "tags": args.tags,
        "properties": args.properties, "details": args.details, "depends_on": args.depends_on or None,
        "allow_ssh": args.allow_ssh, "ignore_reuse": args.ignore_reuse or None,
        "ignore_reuse_stages": args.ignore_reuse_stages or None,
        "debug": {"debugOn": debug_on} if debug_on else None,
        "delay_workspace_destruction": args.delay_workspace_destruction, "priority": args.priority,
        "system_requirements": requirements or None, "system_requirements_by_executable": by_executable or None,
        "instance_type": None, "cluster_spec": None, "fpga_driver": None, "nvidia_driver": None,
        "stage_instance_types": args.stage_instance_types, "stage_folders": args.stage_folders,
        "rerun_stages": args.rerun_stages, "detach": args.detach, "cost_limit": args.cost_limit,
        "rank": args.rank, "detailed_job_metrics": args.detailed_job_metrics,
        "max_tree_spot_wait_time": _spot_wait(args.max_tree_spot_wait_time),
        "max_job_spot_wait_time": _spot_wait(args.max_job_spot_wait_time),
        "preserve_job_outputs": preserve, "extra_args": args.extra_args,
    }
    if isinstance(executable, (dxpy.DXApplet, dxpy.DXApp)):
        kwargs["head_job_on_demand"] = args.head_job_on_demand
    return kwargs


def _default_priority(args, kwargs):
    """Interactive work (--watch, --ssh, --allow-ssh) runs at high priority unless asked
    otherwise, with a warning when asked otherwise."""
    if not (args.watch or args.ssh or args.allow_ssh):
        return
    if kwargs["priority"] in ("low", "normal"):
        if not args.brief:
            print(fill(BOLD("WARNING") + ": You have requested that jobs be run under " + BOLD(kwargs["priority"]) +
                       " priority, which may cause them to be restarted at any point, interrupting interactive "
                       "work."))
            print()
    else:
        kwargs["priority"] = "high"


def _special_access(executable):
    """The extra permissions *executable* (every stage of a workflow) asks for, in words."""
    found = set()

    def note(access):
        if not access:
            return
        if access.get("developer"):
            found.add("access to apps as a developer")
        if access.get("network"):
            found.add("Internet access")
        if access.get("project") in ("UPLOAD", "CONTRIBUTE", "ADMINISTER") or \
                access.get("allProjects") in ("UPLOAD", "CONTRIBUTE", "ADMINISTER"):
            found.add("write access to one or more projects")
    desc = executable.describe()
    if isinstance(executable, dxpy.DXWorkflow):
        for stage in desc["stages"]:
            note(dxpy.describe(stage["executable"]).get("access"))
    else:
        note(desc.get("access"))
    return sorted(found)


def _warn_of_restarts(executable, kwargs):
    """Jobs at low or normal priority may restart: say so when the executable asks for more
    than plain access, where a restart may have side effects."""
    access = _special_access(executable)
    if access:
        print(fill(BOLD("WARNING") + ": You have requested that jobs be run under " + BOLD(kwargs["priority"]) +
                   " priority, which may cause them to be restarted at any point, but the executable you are trying "
                   "to run has requested extra permissions (" + ", ".join(access) + ").  Unexpected side effects or "
                   "failures may occur if the executable has not been written to behave well when restarted."))
        print()


def _report_reused_stages(workflow, input_json, kwargs):
    """Before running a workflow, the stages whose results an earlier analysis supplies."""
    try:
        dry_run = dxpy.api.workflow_dry_run(workflow.get_id(), workflow._get_run_input(input_json, **kwargs))
    except dxpy.DXAPIError:
        return  # nothing to say when the platform cannot tell
    reused = [(index, stage) for index, stage in enumerate(dry_run["stages"])
              if stage["execution"].get("parentAnalysis", dry_run["id"]) != dry_run["id"]]
    if reused:
        print(fill("The following " + str(len(reused)) + " stage(s) will reuse results from a previous analysis:"))
        for index, stage in reused:
            print("  Stage " + str(index) + ": " + stage["execution"]["name"] + " (" + stage["execution"]["id"] + ")")
        print()


def _announce(args, executable, dest_proj, dest_path, input_lines):
    """Before a run: show its input (*input_lines*), ask to go on (interactive, unless --yes),
    then say where the outputs go; --brief shows nothing."""
    if not args.brief:
        print("\n".join(input_lines))
    if args.confirm and INTERACTIVE_CLI and not prompt_for_yn("Confirm running the executable with this input",
                                                              default=True):
        sys.exit(0)
    if not args.brief:
        print(fill("Calling " + executable.get_id() + " with output destination " + dest_proj + ":" + dest_path,
                   subsequent_indent="  ") + "\n")


def _watch(job_id):
    """``dx watch JOB``, as if typed."""
    registry.add_command("watch")
    watch_args = registry.parser.parse_args(["watch", job_id])
    print("")
    print("Job Log")
    print("-------")
    watch_args.func(watch_args)


def _run_one(args, executable, dest_proj, dest_path, input_json, kwargs):
    _announce(args, executable, dest_proj, dest_path, ["", "Using input JSON:", json.dumps(input_json, indent=4), ""])
    try:
        execution = executable.run(input_json, **kwargs)
    except dxpy.PermissionDenied as error:
        if kwargs.get("detach") and os.environ.get("DX_RUN_DETACH") == "1" and "detachedJob" in error.msg:
            print("Unable to start detached job in given project. To disable running jobs as detached by default, "
                  "please unset the environment variable DX_RUN_DETACH ('unset DX_RUN_DETACH')")
        raise
    print(execution.get_id() if args.brief else execution._class.capitalize() + " ID: " + execution.get_id())
    sys.stdout.flush()
    is_job = isinstance(execution, dxpy.DXJob)
    if args.wait:
        try_call(execution.wait_on_done)
    elif args.confirm and INTERACTIVE_CLI and not args.watch and is_job:
        answer = input("Watch launched job now? [Y/n] ")
        args.watch = not answer or answer.lower()[0] == "y"
    if is_job and args.watch:
        _watch(execution.get_id())
    return execution


def _run_batch(args, executable, dest_proj, dest_path, input_json, kwargs):
    from ..utils.batch_utils import batch_launch_args, batch_run
    if args.wait or args.watch or args.ssh or args.ssh_proxy or args.clone:
        raise DXCLIError("Options {wait, watch, ssh, ssh_proxy, clone} do not work with batch execution")
    batch = try_call(batch_launch_args, executable, input_json, args.batch_tsv)
    _announce(args, executable, dest_proj, dest_path, ["Batch run, calling executable with arguments:"]
              + [json.dumps(launch, indent=4) for launch in batch["launch_args"]] + [""])
    executions = batch_run(executable, batch, kwargs, args.batch_folders)
    print(",".join(execution.get_id() for execution in executions))
    sys.stdout.flush()


def run_body(args, executable, dest_proj, dest_path):
    """Gather the input and options of the run and start it (once, or per row of --batch-tsv)."""
    input_json = _inputs(args, executable)
    kwargs = try_call(_run_kwargs, args, executable, dest_proj, dest_path)
    _default_priority(args, kwargs)
    if kwargs["priority"] in ("low", "normal") and not args.brief:
        _warn_of_restarts(executable, kwargs)
    if not args.brief and isinstance(executable, dxpy.DXWorkflow):
        _report_reused_stages(executable, input_json, kwargs)
    if args.batch_tsv is None:
        _run_one(args, executable, dest_proj, dest_path, input_json, kwargs)
    else:
        _run_batch(args, executable, dest_proj, dest_path, input_json, kwargs)


# -- --clone ----------------------------------------------------------------------------------------

def _clone_candidates(name):
    """Executions named *name* (``project:name`` searches that project too) in the current
    project, or the description of the execution ``project:ID`` names."""
    from ..utils.resolver import is_analysis_id, is_job_id, resolve_container_id_or_name
    searches = []
    if ":" in name:
        project_part, _colon, execution = name.partition(":")
        try:
            project = resolve_container_id_or_name(project_part)
            if project is not None:
                if is_job_id(execution) or is_analysis_id(execution):
                    return dxpy.api.job_describe(execution), ()
                searches.append(dxpy.find_executions(name=execution, describe={"io": False}, project=project))
        except Exception:
            pass
    if dxpy.WORKSPACE_ID is not None:
        searches.append(dxpy.find_jobs(name=name, describe={"io": False}, project=dxpy.WORKSPACE_ID))
    return None, searches


def _clone_desc(name):
    """The description of the job or analysis to clone: by ID, else picked by name."""
    from ..utils.describe import get_find_executions_string
    from ..utils.resolver import is_analysis_id, is_job_id, paginate_and_pick
    if is_job_id(name) or is_analysis_id(name):
        return try_call(dxpy.api.job_describe, name, {"defaultFields": True, "fields": _CLONE_FIELDS})
    desc, searches = _clone_candidates(name)
    if desc is not None:
        return desc
    choice = try_call(paginate_and_pick, itertools.chain(*searches),
                      lambda result: get_find_executions_string(result["describe"], has_children=False,
                                                                single_result=True))
    if choice == "none found":
        err_exit("dx run --clone: No matching execution found. Please use a valid job or analysis name or ID.", 3)
    if choice == "none picked":
        err_exit("", 3)
    return try_call(dxpy.api.job_describe, choice["id"])


def _take_clone_settings(args, clone_desc, dest_proj, dest_path):
    """Fill what the options leave open from the execution being cloned; the destination."""
    if args.folder is None:
        dest_proj = dest_proj or clone_desc["project"]
        dest_path = clone_desc["folder"]
    if args.name is None:
        args.name = clone_desc["name"] if clone_desc["name"].endswith("(re-run)") else clone_desc["name"] + " (re-run)"
    for field in ("tags", "properties", "priority"):
        if getattr(args, field) is None:
            setattr(args, field, clone_desc.get(field))
    if clone_desc["class"] == "job":
        args.cloned_job_desc = clone_desc
        executable = clone_desc.get("applet", clone_desc.get("app", ""))
        if args.executable == "":
            args.executable = executable
        if args.details is None:
            args.details = {"clonedFrom": dict((field, clone_desc[field]) for field in (
                "id", "project", "folder", "name", "runInput", "systemRequirements"))}
            args.details["clonedFrom"]["executable"] = executable
        return dest_proj, dest_path
    if args.executable != "":
        err_exit(exception=DXParserError(
            "Workflow executable (\"{}\") cannot be provided when re-running an analysis with 'dx run --clone'. "
            "You can instead run 'dx run --clone {}', with other optional CLI arguments, to re-run the previously "
            "run analysis.".format(args.executable, args.clone)), expected_exceptions=(DXParserError,))
    # An analysis re-runs as a temporary copy of the workflow it ran, with its inputs and instance types.
    args.executable = try_call(dxpy.api.workflow_new, {"project": dest_proj, "initializeFrom": {"id": clone_desc["id"]},
                                                       "temporary": True})["id"]
    return dest_proj, dest_path


# The form of --instance-count's mapping, as its help shows it.
ic_format = '\'{"entrypoint": <number of instances>}\''


# -- checking the options ---------------------------------------------------------------------------

def _ssh_options(args):
    """--allow-ssh, --ssh, --ssh-proxy and --debug-on: the addresses allowed to connect."""
    if args.ssh:
        raise DXCLIError("dx run --ssh connects to the job's host over SSH, which needs the DNAnexus platform; "
                         "use --allow-ssh ADDRESS to run a job that allows SSH")
    client_ip = None
    if args.allow_ssh is not None and any(address is None for address in args.allow_ssh):
        args.allow_ssh = [address for address in args.allow_ssh if address is not None]
        client_ip = get_client_ip()
        args.allow_ssh.append(client_ip)
    if args.allow_ssh is None and args.debug_on:
        client_ip = get_client_ip()
        args.allow_ssh = [client_ip]
    if args.ssh_proxy:
        raise DXCLIError("Option --ssh-proxy cannot be specified without --ssh")
    if args.allow_ssh or args.debug_on:
        verify_ssh_config()
    if not args.brief and client_ip is not None:
        print("Detected client IP as '{}'. Setting allowed IP ranges to '{}'. To change the permitted IP addresses "
              "use --allow-ssh.".format(client_ip, ", ".join(args.allow_ssh)))


def _stage_folders(args):
    """--stage-output-folder (resolved) and --stage-relative-output-folder, by stage."""
    from ..utils.resolver import resolve_existing_path
    folders = {}
    for stage, folder in args.stage_output_folder:
        folders[stage] = try_call(resolve_existing_path, folder, expected="folder")[1]
    for stage, folder in args.stage_relative_output_folder:
        folders[stage] = folder.lstrip("/")
    if folders:
        args.stage_folders = folders


def _destination(args):
    """(project, folder) of --project and --destination, each None when not given."""
    from ..utils.resolver import resolve_container_id_or_name, resolve_existing_path
    project, folder = None, None
    if args.project is not None:
        if args.folder is not None:
            err_exit(exception=DXCLIError(
                "Options --project and --folder/--destination cannot be specified together.\nIf specifying both a "
                "project and a folder, please include them in the --folder option."))
        project = resolve_container_id_or_name(args.project, is_error=True, multi=False)
    if args.folder is not None:
        project, folder, _none = try_call(resolve_existing_path, args.folder, expected="folder")
    return project, folder


def run(args):
    """``dx run``."""
    from ..utils.resolver import get_exec_handler
    if args.help:
        if args.executable == "":
            registry.parser_map["run"].print_help()
        else:
            from .run_help import executable_help
            pager(executable_help(args.executable, args.alias))
        sys.exit(0)
    _ssh_options(args)
    try_call(process_extra_args, args)
    try_call(process_properties_args, args)
    if args.clone is None and args.executable == "":
        err_exit(registry.parser_map["run"].format_help() + fill(
            "Error: Either the executable must be specified, or --clone must be used to indicate a job or analysis "
            "to clone"), 2)
    dest_proj, dest_path = _destination(args)
    if args.stage_output_folder or args.stage_relative_output_folder:
        _stage_folders(args)
    args.cloned_job_desc = {}
    if args.clone is not None:
        dest_proj, dest_path = _take_clone_settings(args, _clone_desc(args.clone), dest_proj, dest_path)
    handler = try_call(get_exec_handler, args.executable, args.alias)
    is_workflow = isinstance(handler, (dxpy.DXWorkflow, dxpy.DXGlobalWorkflow))
    if args.depends_on and is_workflow:
        err_exit(exception=DXParserError("-d/--depends-on cannot be supplied when running workflows."),
                 expected_exceptions=(DXParserError,))
    if args.head_job_on_demand and is_workflow:
        err_exit(exception=DXParserError("--head-job-on-demand cannot be used when running workflows"),
                 expected_exceptions=(DXParserError,))
    if dest_proj is None:
        dest_proj = dxpy.WORKSPACE_ID
        if dest_proj is None:
            err_exit(exception=DXCLIError('Unable to find project to run the app in. Please run "dx select" to set '
                                          'the working project, or use --folder=project:path'))
    args.region = None
    if isinstance(handler, dxpy.DXGlobalWorkflow):
        args.region = dxpy.api.project_describe(dest_proj, input_params={"fields": {"region": True}})["region"]
    if not args.detach:
        args.detach = os.environ.get("DX_RUN_DETACH") == "1"
    if dest_path is None:
        if isinstance(handler, dxpy.DXWorkflow):
            dest_path = getattr(handler, "outputFolder", None)
        if dest_path is None:
            dest_path = dxpy.config.get("DX_CLI_WD", "/")
    try_call(process_instance_type_arg, args, is_workflow)
    try_call(process_instance_type_by_executable_arg, args)
    if args.instance_count:
        if is_workflow:
            err_exit(exception=DXCLIError("--instance-count is not supported for workflows"))
        try_call(process_instance_count_arg, args)
    run_body(args, handler, dest_proj, dest_path)


# -- parser -----------------------------------------------------------------------------------------

def _help(text):
    return fill(text, width_adjustment=-24)


def _add_run(subparsers):
    description = "\n\n".join([
        fill("Run an applet, app, workflow or global workflow, or re-run a job or analysis with --clone. "
             '"' + BOLD("dx find apps") + '" and "' + BOLD("dx find globalworkflows") + '" list what you can run.'),
        fill("Inputs not given are asked for on a terminal. Run \"" + BOLD("dx run --input-help") +
             "\" for the ways to give inputs, and \"" + BOLD("dx run --instance-type-help") +
             "\" for the instance types."),
    ])
    parser = subparsers.add_parser("run", help="Run an applet, app, or workflow", add_help=False, prog="dx run",
                                   description=description, formatter_class=argparse.RawTextHelpFormatter,
                                   parents=[exec_input_args, stdout_args, env_args, extra_args, instance_type_arg,
                                            property_args, tag_args])
    parser.add_argument("executable", nargs="?", default="",
                        help=_help("Name or ID of the applet, app or workflow to run (not needed with --clone)"))
    parser.add_argument("-d", "--depends-on", action="append", type=str,
                        help=_help("ID of a job, analysis or data object to wait for (done or closed) before "
                                   "running; repeat as needed. Not for workflows"))
    parser.add_argument("-h", "--help", nargs=0, action=_RunHelp, help="show this help message and exit")
    parser.add_argument("--clone", help=_help("ID or name of a job or analysis to re-run: its executable, "
                                              "destination, input, instance types and a similar name are the "
                                              "defaults that the other options override (an analysis re-runs its "
                                              "own workflow: give no executable)"))
    parser.add_argument("--alias", "--version", dest="alias",
                        help=_help('Version or tag of the app to run (default: "default")'))
    parser.add_argument("--destination", "--folder", metavar="PATH", dest="folder",
                        help=_help("project:folder path for the outputs (default: the current folder)"))
    parser.add_argument("--batch-folders", dest="batch_folders", action="store_true",
                        help=_help("With --batch-tsv, put each run's outputs in a folder named after its batch ID, "
                                   "under the destination"))
    parser.add_argument("--project", metavar="PROJECT",
                        help=_help("Project to run in (or give it with the folder in --destination)"))
    parser.add_argument("--stage-output-folder", metavar=("STAGE_ID", "FOLDER"), nargs=2, action="append",
                        default=[], help=_help("A stage (ID, name or index) and the folder for its outputs"))
    parser.add_argument("--stage-relative-output-folder", metavar=("STAGE_ID", "FOLDER"), nargs=2, action="append",
                        default=[], help=_help("A stage (ID, name or index) and its output folder, relative to "
                                               "the workflow's output folder"))
    parser.add_argument("--name", help=_help("Name of the job (default: the executable's)"))
    parser.add_argument("--delay-workspace-destruction", action="store_true",
                        help=_help("Keep the job's workspace for 3 days after it ends, for debugging"))
    parser.add_argument("--priority", choices=["low", "normal", "high"],
                        help=_help("Scheduling priority of the jobs (high by default with --watch, --ssh and "
                                   "--allow-ssh)"))
    parser.add_argument("--head-job-on-demand", action="store_true",
                        help=_help("Run the head job of an app or applet on an on-demand instance, whatever the "
                                   "priority"))
    parser.add_argument("-y", "--yes", dest="confirm", action="store_false", help="Do not ask for confirmation")
    parser.add_argument("--wait", action="store_true", help="Wait until the job is done before returning")
    parser.add_argument("--watch", action="store_true",
                        help="Watch the job after launching it. Defaults --priority to high.")
    parser.add_argument("--allow-ssh", action="append", nargs="?", metavar="ADDRESS",
                        help=_help("Let SSH connect to the job from ADDRESS (an IP range; without one, this "
                                   "computer's address as the platform sees it). Defaults --priority to high"))
    parser.add_argument("--ssh", action="store_true",
                        help=_help("Allow SSH and connect to the job once it runs. Defaults --priority to high"))
    parser.add_argument("--ssh-proxy", metavar="<address>:<port>",
                        help=_help("With --ssh, connect through this proxy"))
    parser.add_argument("--debug-on", action="append",
                        choices=["AppError", "AppInternalError", "AppInsufficientResourceError", "ExecutionError",
                                 "All"],
                        help=_help("Hold the job for debugging when one of these errors happens"))
    reuse = parser.add_mutually_exclusive_group()
    reuse.add_argument("--ignore-reuse", action="store_true", help=_help("Do not reuse results of earlier jobs"))
    reuse.add_argument("--ignore-reuse-stage", metavar="STAGE_ID", dest="ignore_reuse_stages", action="append",
                       help=_help("A stage (ID, name or index) not to reuse results for (a nested workflow: all of "
                                  "it); repeat as needed"))
    parser.add_argument("--rerun-stage", metavar="STAGE_ID", dest="rerun_stages", action="append",
                        help=_help('A stage (ID, name or index) to run again, or "*" for all; repeat as needed'))
    parser.add_argument("--batch-tsv", dest="batch_tsv", metavar="FILE",
                        help=_help("A tab separated table of inputs: one run per row"))
    parser.add_argument("--instance-count", metavar="INSTANCE_COUNT_OR_MAPPING", action="append",
                        help=_help("Spark cluster size: a number, or a JSON map " + ic_format))
    parser.add_argument("--input-help", nargs=0, action=_InputHelp,
                        help=_help("Print help and examples for how to specify inputs"))
    parser.add_argument("--detach", action="store_true",
                        help=_help("From inside a job, start the new job as a root execution of its own (the "
                                   "default when DX_RUN_DETACH is 1)"))
    parser.add_argument("--cost-limit", metavar="cost_limit", type=float,
                        help=_help("Cost at which the job (for a workflow: the analysis; in a batch: each job) "
                                   "is terminated"))
    parser.add_argument("-r", "--rank", type=int, default=None,
                        help=_help("Rank of the root execution, -1024 to 1023 (default 0)"))
    parser.add_argument("--max-tree-spot-wait-time",
                        help=_help("How long each path of the execution tree may wait for spot instances "
                                   "(seconds, or with suffix s, m, h, d, w, M, y)"))
    parser.add_argument("--max-job-spot-wait-time",
                        help=_help("How long each job may wait for spot instances (seconds, or with suffix s, m, "
                                   "h, d, w, M, y)"))
    parser.add_argument("--detailed-job-metrics", action="store_true", default=None,
                        help=_help("Collect CPU, memory, network and disk metrics every 60 seconds"))
    preserve = parser.add_mutually_exclusive_group()
    preserve.add_argument("--preserve-job-outputs", action="store_true",
                          help=_help('Copy the outputs of every job that finishes to the "intermediateJobOutputs" '
                                     "folder under the root execution's output folder"))
    preserve.add_argument("--preserve-job-outputs-folder", metavar="JOB_OUTPUTS_FOLDER",
                          help=_help("As --preserve-job-outputs, into this folder (from \"/\": of the project; "
                                     "otherwise under the output folder)"))
    parser.set_defaults(func=run, verbose=False, help=False, details=None, stage_instance_types=None,
                        stage_folders=None, head_job_on_demand=None)
    registry.register_parser(parser, subparsers_action=subparsers, categories="exec")
    return parser


COMMANDS = {"run": _add_run}
