"""The help of ``dx run``: ``dx run EXECUTABLE -h`` (the executable's title, version, summary,
and inputs and outputs as its specs describe them) and ``dx run --input-help`` (the ways to
give inputs)."""
import dxpy
from ..exceptions import DXCLIError, err_exit
from ..utils import group_array_by_field
from ..utils.describe import get_io_desc
from ..utils.printing import BOLD, UNDERLINE, fill
from ..utils.resolver import get_exec_handler
from . import try_call
from .exec_io import format_choices_or_suggestions


def _spec_of(desc, workflow_level, own):
    """The input (or output) spec to describe: a workflow's own inputs when it declares them."""
    if desc.get(workflow_level) is not None:
        return desc[workflow_level]
    return desc.get(own)


def _input_help(param):
    text = "\n  " + UNDERLINE(param.get("label", param["name"])) + ": "
    text += get_io_desc(param, app_help_version=True) + "\n"
    stanzas = []
    if "choices" in param:
        stanzas.append(format_choices_or_suggestions("Choices:", param["choices"], param["class"]))
    if param.get("help", ""):
        stanzas.append(fill(param["help"], initial_indent=" " * 8, subsequent_indent=" " * 8))
    if param.get("suggestions"):
        stanzas.append(format_choices_or_suggestions("Suggestions:", param["suggestions"], param["class"]))
    return text + "\n\n".join(stanzas) + ("\n" if stanzas else "")


def _inputs_help(spec, advanced):
    if spec is None:
        return " no specification provided\n"
    if not spec:
        return " <none>\n"
    text, advanced_text = "", "Advanced Inputs:"
    for group, params in group_array_by_field(spec).items():
        if group is not None:
            text += "\n " + BOLD(group)
        for param in params:
            if param["name"] in advanced:
                advanced_text += _input_help(param)
            else:
                text += _input_help(param)
    if advanced:
        text += "\n" + advanced_text
    return text + "\n"


def _outputs_help(spec):
    if spec is None:
        return " no specification provided"
    if not spec:
        return " <none>\n"
    text = ""
    for param in spec:
        text += "\n  " + UNDERLINE(param.get("label", param["name"])) + ": " + get_io_desc(param) + "\n"
        if param.get("help", ""):
            text += fill(param["help"], initial_indent=" " * 8, subsequent_indent=" " * 8) + "\n"
    return text


def _global_workflow_desc(handler, desc):
    """*desc* of a global workflow with its workflow in the current project's region."""
    project = dxpy.WORKSPACE_ID
    if not project:
        err_exit(exception=DXCLIError('A project must be selected. You can use "dx select" to select a project'))
    region = dxpy.api.project_describe(project, input_params={"fields": {"region": True}})["region"]
    if region not in desc["regionalOptions"]:
        err_exit(exception=DXCLIError(
            'The global workflow is not enabled in the current region. Please run "dx select" to set the working '
            'project from one of the regions the workflow is enabled in: {}'.format(",".join(desc["regionalOptions"]))))
    return handler.append_underlying_workflow_desc(desc, region)


def executable_help(executable, alias=None):
    """The help of ``dx run EXECUTABLE -h``: title, version, summary, inputs and outputs."""
    handler = try_call(get_exec_handler, executable, alias)
    kind = {"DXApp": "App", "DXGlobalWorkflow": "Global workflow"}.get(type(handler).__name__)
    desc = handler.describe()
    if kind == "Global workflow":
        desc = _global_workflow_desc(handler, desc)
    is_global = kind is not None
    if is_global:
        details = desc.get("details", "")
    else:
        kind = desc["class"].capitalize()
        details = handler.get_details()
    advanced = details.get("advancedInputs", []) if isinstance(details, dict) else []
    text = "usage: dx run " + executable + ("" if alias is None else " --alias " + alias)
    text += " [-iINPUT_NAME=VALUE ...]\n\n" + BOLD(kind + ": ") + desc.get("title", desc["name"]) + "\n\n"
    if is_global:
        published = int(desc.get("published", -1)) > -1
        text += BOLD("Version: ") + desc.get("version") + (" (published)" if published else " (unpublished)") + "\n\n"
    if desc.get("summary"):
        text += fill(desc["summary"]) + "\n\n"
    if kind == "App":
        text += "See the app page for more information:\n  https://platform.dnanexus.com/app/" + desc["name"] + "\n\n"
    text += BOLD("Inputs:") + _inputs_help(_spec_of(desc, "inputs", "inputSpec"), advanced)
    text += BOLD("Outputs:") + _outputs_help(_spec_of(desc, "outputs", "outputSpec"))
    return text


INPUT_HELP = """Help: Specifying input for dx run

Inputs are taken from these sources, the first one listed winning:

  1) answers given when dx asks for missing inputs (on a terminal)
  2) -i/--input, one input each
  3) -j/--input-json
  4) -f/--input-json-file
  5) with --clone, the input of the cloned job (replaced entirely by -j or -f)
  6) the defaults of the workflow or of the executable's input spec

ONE INPUT AT A TIME

    -i<input name>=<value>          dx run mapper -ireads=reads.fq.gz -ik=31
    -i<input name>=<job ID>:<output name>
                                    the output of a job (<output name>.<N>: element N of an array)
    -i<stage>.<input name>=<value>  an input of one stage of a workflow; the stage is given by
                                    ID, name or index (0 is the first stage)

  The value is read as the input's class says (file and record inputs by path, name or ID);
  repeating an array input adds elements. A workflow with inputs of its own takes them
  without a stage.

A WHOLE INPUT AS JSON

  -j '{"reads": {"$dnanexus_link": "file-xxxx"}, "k": 31}', or -f FILE ("-" reads stdin).
  The keys of a workflow's input are "<stage>.<input name>"."""
