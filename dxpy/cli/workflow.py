"""dx commands that build and edit workflows: ``new workflow``, ``add stage``, ``list stages``,
``remove stage``, ``update workflow`` and ``update stage``.

The group modules (``new`` and ``update`` in projects.py, ``list``, ``add`` and ``remove``) call
the ``add_*_parser`` functions below to put these subcommands in their trees. The bindings are
imported inside the handlers so that loading this module stays cheap.
"""
import argparse

import dxpy
import dxpy.utils.printing as printing
from ..exceptions import DXCLIError, InvalidState, err_exit
from ..utils.describe import io_val_to_str
from ..utils.printing import fill
from ..utils.resolver import is_analysis_id, resolve_existing_path, resolve_path
from . import registry, try_call, try_call_err_exit
from .parsers import (env_args, exec_input_args, instance_type_arg, parser_dataobject_args,
                      parser_single_dataobject_output_args, process_dataobject_args, process_instance_type_arg,
                      process_single_dataobject_output_args, stdout_args)

_NO_UPDATES = "No updates requested; none made"


# -- shared steps --------------------------------------------------------------------------------

def get_workflow_id_and_project(path):
    """(workflow ID, project ID) of the workflow at *path* (a path or an ID); exits 3 when *path*
    names no workflow."""
    project, _folder, entity = try_call(resolve_existing_path, path, expected="entity")
    if entity is None or not entity["id"].startswith("workflow-"):
        err_exit(exception=DXCLIError('Could not resolve "%s" to a workflow object' % path))
    return entity["id"], project


def _workflow_at(path):
    """A handler for the workflow at *path*."""
    workflow_id, project = get_workflow_id_and_project(path)
    return dxpy.DXWorkflow(workflow_id, project=project)


def _folder_in_project(path):
    """The folder *path* names in the current project; a path that does not resolve (a project
    that does not exist, say) is kept as given."""
    try:
        return resolve_path(path, expected="folder")[1]
    except Exception:
        return path


def _stage_folder(args):
    """The stage output folder of ``--output-folder`` (resolved: absolute) or
    ``--relative-output-folder`` (as given: under the workflow's output folder); None if neither."""
    if args.output_folder is not None:
        return _folder_in_project(args.output_folder)
    return args.relative_output_folder


def _stage_identifier(stage):
    """A stage given as digits is an index; anything else an ID or a name."""
    try:
        return int(stage)
    except ValueError:
        return stage


def _bound_inputs(executable, args):
    """The stage inputs that ``-i``/``-j``/``-f`` give, checked against *executable*'s input
    specification (none of them is required: the workflow's user may give them later)."""
    from .exec_io import ExecutableInputs
    inputs = ExecutableInputs(executable)
    try_call(inputs.update_from_args, args, require_all_inputs=False)
    return inputs.inputs


def _inputs_given(args):
    return bool(args.input or args.input_json or args.filename)


def _executable_of(path, alias):
    from ..utils.resolver import get_exec_handler
    return try_call(get_exec_handler, path, alias)


# -- new workflow --------------------------------------------------------------------------------

def _workflow_to_copy(init):
    """``--init``: an analysis ID as it is, or a handler for the workflow at a path (anything
    else exits 3; dxpy ends in a traceback there)."""
    if is_analysis_id(init):
        return init
    return _workflow_at(init)


def new_workflow(args):
    """``dx new workflow [PATH] [--init WORKFLOW_OR_ANALYSIS] [--title ...] [metadata options]``."""
    from ..utils.describe import print_desc
    from .projects import _new_object_place
    try_call(process_dataobject_args, args)
    try_call(process_single_dataobject_output_args, args)
    init_from = _workflow_to_copy(args.init) if args.init is not None else None
    project, folder, name = _new_object_place(args.output)
    if args.output_folder is not None:
        args.output_folder = _folder_in_project(args.output_folder)
    workflow = try_call(dxpy.new_dxworkflow, title=args.title, summary=args.summary, description=args.description,
                        output_folder=args.output_folder, project=project, name=name, tags=args.tags,
                        types=args.types, hidden=args.hidden, properties=args.properties, details=args.details,
                        folder=folder, parents=args.parents, init_from=init_from)
    if args.brief:
        print(workflow.get_id())
    else:
        print_desc(workflow.describe(incl_properties=True, incl_details=True), args.verbose)


# -- add / list / remove stages ------------------------------------------------------------------

def add_stage(args):
    """``dx add stage WORKFLOW EXECUTABLE [-i ...] [--name ...] [--output-folder ...] ...``."""
    from ..utils.describe import print_desc
    workflow_id, project = get_workflow_id_and_project(args.workflow)
    executable = _executable_of(args.executable, args.alias)
    stage_input = _bound_inputs(executable, args)
    folder = _stage_folder(args)
    try_call(process_instance_type_arg, args)
    workflow = dxpy.DXWorkflow(workflow_id, project=project)
    stage_id = try_call(workflow.add_stage, executable, name=args.name, stage_id=args.stage_id, folder=folder,
                        stage_input=stage_input, instance_type=args.instance_type)
    if args.brief:
        print(stage_id)
    else:
        print_desc(workflow.describe())


def _stage_output_folder(folder):
    """How ``dx list stages`` shows a stage's output folder: absolute as it is, relative (or
    none) under the workflow's."""
    if folder is not None and folder.startswith("/"):
        return folder
    return "<workflow output folder>/" + (folder or "")


def _print_stage(index, stage):
    name = stage["name"] if stage["name"] is not None else "<no name>"
    print(printing.UNDERLINE() + "Stage %d" % index + printing.ENDC() + ": %s (%s)" % (name, stage["id"]))
    inaccessible = " (" + printing.RED() + "inaccessible" + printing.ENDC() + ")"
    print("Executable      " + stage["executable"] + (inaccessible if stage.get("accessible") is False else ""))
    print("Output Folder   " + _stage_output_folder(stage["folder"]))
    if stage.get("input"):
        print("Bound input     " + ("\n" + " " * 16).join(
            "%s=%s" % (key, io_val_to_str(value)) for key, value in stage["input"].items()))


def list_stages(args):
    """``dx list stages WORKFLOW``: the workflow's title and output folder, then each stage."""
    desc = _workflow_at(args.workflow).describe()
    print(printing.BOLD() + printing.GREEN() + desc["name"] + printing.ENDC() + " (%s)" % desc["id"])
    print()
    print("Title: " + (desc["title"] if desc.get("title") is not None else desc["name"]))
    print("Output Folder: " + (desc["outputFolder"] if desc.get("outputFolder") is not None else "-"))
    if not desc["stages"]:
        print()
        print(' No stages; add stages with the command "dx add stage"')
    for index, stage in enumerate(desc["stages"]):
        print()
        _print_stage(index, stage)


def remove_stage(args):
    """``dx remove stage WORKFLOW STAGE``: STAGE is an index (0 is the first), an ID or a name."""
    workflow = _workflow_at(args.workflow)
    stage_id = try_call(workflow.remove_stage, _stage_identifier(args.stage))
    print(stage_id if args.brief else "Removed stage " + stage_id)


# -- update workflow / update stage --------------------------------------------------------------

def update_workflow(args):
    """``dx update workflow WORKFLOW [--title T | --no-title] [--summary S] [--description D]
    [--output-folder F | --no-output-folder]``: prints nothing once done."""
    workflow_id, project = get_workflow_id_and_project(args.workflow)
    if not any([args.title, args.no_title, args.summary, args.description, args.output_folder,
                args.no_output_folder]):
        print(_NO_UPDATES)
        return
    if args.output_folder is not None:
        args.output_folder = _folder_in_project(args.output_folder)
    workflow = dxpy.DXWorkflow(workflow_id, project=project)
    try_call(workflow.update, title=args.title, unset_title=args.no_title, summary=args.summary,
             description=args.description, output_folder=args.output_folder,
             unset_output_folder=args.no_output_folder)


def _stage_update_requested(args):
    return any([args.executable, args.name, args.no_name, args.output_folder, args.relative_output_folder,
                args.input, args.input_json, args.filename, args.instance_type])


def _incompatibility_message(error):
    """What ``dx update stage`` says when the platform refuses a new executable for a stage."""
    reasons = (error.details or {}).get("incompatibilities")
    message = "The requested executable could not be verified as a compatible replacement"
    if reasons:
        message += " for the following reasons:\n" + "\n".join(
            fill(reason, initial_indent="- ", subsequent_indent="  ") for reason in reasons)
    else:
        message += "."
    return message + "\nRerun with --force to replace the executable anyway"


def _new_stage_inputs(workflow, stage, executable, args):
    """The inputs ``-i``/``-j``/``-f`` bind, checked against the new executable, or else
    against the stage's current one; None when none are given."""
    if executable is not None:
        return _bound_inputs(executable, args)
    if not _inputs_given(args):
        return None
    current = try_call(workflow.get_stage, stage)["executable"]
    return _bound_inputs(_executable_of(current, None), args)


def update_stage(args):
    """``dx update stage WORKFLOW STAGE [--executable E [--force]] [--name N | --no-name]
    [--output-folder F | --relative-output-folder F] [-i ...] [--instance-type ...]``."""
    workflow = _workflow_at(args.workflow)
    try_call(process_instance_type_arg, args)
    # Every change is made from this version: one made meanwhile by someone else is refused.
    edit_version = workflow.editVersion
    stage = _stage_identifier(args.stage)
    if not _stage_update_requested(args):
        print(_NO_UPDATES)
        return
    executable = _executable_of(args.executable, args.alias) if args.executable is not None else None
    stage_input = _new_stage_inputs(workflow, stage, executable, args)
    try:
        workflow.update_stage(stage, executable=executable, force=args.force, name=args.name,
                              unset_name=args.no_name, folder=_stage_folder(args), stage_input=stage_input,
                              instance_type=args.instance_type, edit_version=edit_version)
    except InvalidState as error:
        if "compatible" not in str(error):
            try_call_err_exit()
        err_exit(exception=DXCLIError(_incompatibility_message(error)))
    except Exception:
        try_call_err_exit()


# -- parsers -------------------------------------------------------------------------------------

def _help(text):
    return fill(text, width_adjustment=-24)


def _workflow_argument(parser):
    parser.add_argument("workflow", help="Name or ID of the workflow")


def _executable_alias_option(parser, text):
    parser.add_argument("--alias", "--version", "--tag", dest="alias", help=text)


def _stage_folder_options(parser):
    folders = parser.add_mutually_exclusive_group()
    folders.add_argument("--output-folder", help="Output folder of the stage, an absolute path")
    folders.add_argument("--relative-output-folder",
                         help="Output folder of the stage, relative to the workflow's output folder")


def add_new_workflow_parser(subparsers):
    """``dx new workflow``, in the ``dx new`` group."""
    parser = subparsers.add_parser("workflow", help="Create a new workflow", description="Create a new workflow",
                                   prog="dx new workflow", formatter_class=argparse.RawTextHelpFormatter,
                                   parents=[parser_dataobject_args, parser_single_dataobject_output_args,
                                            stdout_args, env_args])
    parser.add_argument("--title", help="Title of the workflow")
    parser.add_argument("--summary", help="Summary of the workflow")
    parser.add_argument("--description", help="Description of the workflow")
    parser.add_argument("--output-folder", help="Default output folder of the workflow")
    parser.add_argument("--init", help=_help("Path of a workflow, or ID of an analysis, whose metadata the new "
                                             "workflow starts from"))
    parser.set_defaults(func=new_workflow)
    registry.register_parser(parser, subparsers_action=subparsers, categories="workflow")
    return parser


def add_stage_parser(subparsers):
    """``dx add stage``, in the ``dx add`` group."""
    parser = subparsers.add_parser("stage", help="Add a stage to a workflow", prog="dx add stage",
                                   description=fill("Append a stage running an executable to a workflow; inputs "
                                                    "of the stage can be bound at the same time."),
                                   parents=[exec_input_args, stdout_args, env_args, instance_type_arg])
    _workflow_argument(parser)
    parser.add_argument("executable", help="Name or ID of the executable (app or applet) the stage runs")
    _executable_alias_option(parser, 'Version or tag of the app, when the executable is an app (default: "default")')
    parser.add_argument("--name", help="Name of the stage")
    parser.add_argument("--id", dest="stage_id", help="ID of the stage")
    _stage_folder_options(parser)
    parser.set_defaults(func=add_stage)
    registry.register_parser(parser, subparsers_action=subparsers, categories="workflow")
    return parser


def add_list_stages_parser(subparsers):
    """``dx list stages``, in the ``dx list`` group."""
    parser = subparsers.add_parser("stages", help="List the stages in a workflow", prog="dx list stages",
                                   description="List the stages of a workflow.", parents=[env_args])
    _workflow_argument(parser)
    parser.set_defaults(func=list_stages)
    registry.register_parser(parser, subparsers_action=subparsers, categories="workflow")
    return parser


def add_remove_stage_parser(subparsers):
    """``dx remove stage``, in the ``dx remove`` group."""
    parser = subparsers.add_parser("stage", help="Remove a stage from a workflow", prog="dx remove stage",
                                   description=fill('Remove a stage from a workflow. The stage is named by its '
                                                    'index ("0" is the first stage), its ID or its name.'),
                                   parents=[stdout_args, env_args])
    _workflow_argument(parser)
    parser.add_argument("stage", help="Index, ID or name of the stage to remove")
    parser.set_defaults(func=remove_stage)
    registry.register_parser(parser, subparsers_action=subparsers, categories="workflow")
    return parser


def add_update_workflow_parser(subparsers):
    """``dx update workflow``, in the ``dx update`` group."""
    parser = subparsers.add_parser("workflow", help="Update the metadata for a workflow", prog="dx update workflow",
                                   description="Change the metadata of an existing workflow",
                                   parents=[stdout_args, env_args])
    _workflow_argument(parser)
    titles = parser.add_mutually_exclusive_group()
    titles.add_argument("--title", help="New title of the workflow")
    titles.add_argument("--no-title", action="store_true", help="Remove the title of the workflow")
    parser.add_argument("--summary", help="New summary of the workflow")
    parser.add_argument("--description", help="New description of the workflow")
    folders = parser.add_mutually_exclusive_group()
    folders.add_argument("--output-folder", help="New default output folder of the workflow")
    folders.add_argument("--no-output-folder", action="store_true",
                         help="Remove the default output folder of the workflow")
    parser.set_defaults(func=update_workflow)
    registry.register_parser(parser, subparsers_action=subparsers, categories="workflow")
    return parser


def add_update_stage_parser(subparsers):
    """``dx update stage``, in the ``dx update`` group."""
    parser = subparsers.add_parser("stage", help="Update the metadata for a stage in a workflow",
                                   prog="dx update stage", description="Change a stage of a workflow",
                                   parents=[exec_input_args, stdout_args, env_args, instance_type_arg])
    _workflow_argument(parser)
    parser.add_argument("stage", help="Index, ID or name of the stage to update")
    parser.add_argument("--executable", help="Name or ID of a new executable (app or applet) for the stage")
    _executable_alias_option(parser, 'Version or tag of the app, when the new executable is an app '
                                     '(default: "default")')
    parser.add_argument("--force", action="store_true",
                        help="Replace the executable even when it cannot be verified as compatible with the "
                             "stage's current one")
    names = parser.add_mutually_exclusive_group()
    names.add_argument("--name", help="New name of the stage")
    names.add_argument("--no-name", action="store_true", help="Remove the name of the stage")
    _stage_folder_options(parser)
    parser.set_defaults(func=update_stage)
    registry.register_parser(parser, subparsers_action=subparsers, categories="workflow")
    return parser
