"""``dx build`` of workflows (``dxworkflow.json``) and global workflows: a workflow in the
destination project, or one underlying workflow per enabled region in temporary projects and a
global workflow over them."""
import copy
import json
import logging
import os
import re
import sys

import dxpy
import dxpy.executable_builder
from .cli import INTERACTIVE_CLI
from .cli.parsers import process_extra_args
from .exceptions import err_exit
from .utils import json_load_raise_on_duplicates
from .utils.printing import fill
from .utils.version import Version

logger = logging.getLogger("dxpy")

UPDATABLE_GLOBALWF_FIELDS = {"title", "summary", "description", "developerNotes", "details"}
GLOBALWF_SUPPORTED_KEYS = UPDATABLE_GLOBALWF_FIELDS.union({"name", "version", "regionalOptions", "categories",
                                                           "billTo", "dxapi", "tags"})
SUPPORTED_KEYS = GLOBALWF_SUPPORTED_KEYS.union({"project", "folder", "outputFolder", "stages", "inputs", "outputs",
                                                "ignoreReuse", "properties"})
STAGE_SUPPORTED_KEYS = {"id", "input", "executable", "name", "folder", "executionPolicy", "systemRequirements"}
SUPPORTED_DXCOMPILER_VERSION = "2.8.0"
_EMPTY_VALUE = re.compile(r'"\w*": (null|\{\}|""|\[\])(,|)\s*')


class WorkflowBuilderException(Exception):
    """A workflow or global workflow cannot be built, for a reason the user can fix."""


# -- reading and checking the spec -------------------------------------------------------------

def _fetch_spec_from_dxworkflowjson(src_dir, json_file_name, parser):
    if not os.path.isdir(src_dir):
        parser.error("{} is not a directory".format(src_dir))
    path = os.path.join(src_dir, json_file_name)
    if not os.path.exists(path):
        raise WorkflowBuilderException("Directory {} does not contain dxworkflow.json: not a valid DNAnexus workflow "
                                       "source directory".format(src_dir))
    with open(path) as handle:
        try:
            return json_load_raise_on_duplicates(handle)
        except Exception as error:
            raise WorkflowBuilderException("Could not parse {} file as JSON: {}".format(json_file_name, error.args))


def _cleanup_empty_keys(json_spec):
    """*json_spec* without the keys whose values are null, {}, "" or [] (at any depth)."""
    cleaned = _EMPTY_VALUE.sub("", json.dumps(json_spec)).replace(", }", "}")
    return json.loads(cleaned)


def _check_dxcompiler_version(json_spec):
    version = (json_spec.get("details") or {}).get("version")
    if not version:
        raise WorkflowBuilderException(
            "Cannot find the dxCompiler version from the dxworkflow.json/source workflow spec. Please specify it by "
            "updating the details field of the dxworkflow.json/source workflow spec using the 'version' key.")
    try:
        too_old = Version(str(version).split("-")[0]) < Version(SUPPORTED_DXCOMPILER_VERSION)
    except ValueError as error:
        raise WorkflowBuilderException("Cannot read the dxCompiler version {!r} of {}: {}".format(
            version, json_spec["name"], error))
    if too_old:
        raise WorkflowBuilderException(
            "Source workflow {} is not compiled using dxCompiler (version>={}) that supports creating global "
            "workflows.".format(json_spec["name"], SUPPORTED_DXCOMPILER_VERSION))


def _notify_instance_type_selection(json_spec):
    if json_spec["details"].get("staticInstanceTypeSelection", False):
        print("Note: {workflow} was compiled with -instanceTypeSelection=static and will produce a global workflow "
              "that relies on instance types that may not be available to all users."
              .format(workflow=json_spec["name"]))


def _notify_dependencies(json_spec):
    # dxCompiler lists a workflow's unbundled dependencies in its description.
    if json_spec.get("description"):
        print("Note: {workflow} was compiled with unbundled dependencies. Please check the workflow description and "
              "make sure access to these dependencies is provided to all authorized users."
              .format(workflow=json_spec["name"]))


def _get_destination_project(json_spec, args, build_project_id=None):
    """--destination, then the spec's ``project``, then the workspace."""
    project = build_project_id or json_spec.get("project") or dxpy.WORKSPACE_ID
    if not project:
        raise WorkflowBuilderException("Can't create a workflow without specifying a destination project; please "
                                       "use the -d/--destination flag to explicitly specify a project")
    return project


def _get_destination_folder(json_spec, folder_name=None):
    folder = folder_name or json_spec.get("folder") or "/"
    return folder if folder.endswith("/") else folder + "/"


def _get_workflow_name(json_spec, workflow_name=None):
    return workflow_name or json_spec.get("name")


def _get_unsupported_keys(keys, supported_keys):
    return [key for key in keys if key not in supported_keys]


def _set_categories_on_workflow(global_workflow_id, categories_to_set):
    """Categories belong to all versions of a global workflow."""
    assert isinstance(categories_to_set, list)
    dxpy.executable_builder.set_categories("global_workflow", global_workflow_id, categories_to_set)


def _version_exists(json_spec, name=None, version=None):
    """Whether the global workflow version of *json_spec* exists (*name*/*version*: one known to)."""
    if "name" not in json_spec or "version" not in json_spec:
        raise WorkflowBuilderException("Both 'name' and 'version' fields must be given in the dxworkflow.json/source "
                                       "workflow spec to build/update a global workflow.")
    if (json_spec["name"], json_spec["version"]) == (name, version):
        return True
    try:
        found = dxpy.api.global_workflow_describe("globalworkflow-" + json_spec["name"], alias=json_spec["version"],
                                                  input_params={"fields": {"name": True, "version": True}})
    except dxpy.exceptions.DXAPIError:
        return False
    return found["name"] == json_spec["name"] and found["version"] == json_spec["version"]


def _get_validated_stage(stage, stage_index):
    if "executable" not in stage:
        raise WorkflowBuilderException("executable is not specified for stage with index {}".format(stage_index))
    ignored = _get_unsupported_keys(stage.keys(), STAGE_SUPPORTED_KEYS)
    if ignored:
        print("Warning: the following stage fields are not supported and will be ignored: {}"
              .format(", ".join(ignored)))
    return stage


def validate_ignore_reuse(stages, ignore_reuse_stages):
    """Each stage ID of *ignore_reuse_stages* is a stage of the workflow (or the list is ``["*"]``)."""
    if not isinstance(ignore_reuse_stages, list):
        raise WorkflowBuilderException('"IgnoreReuse must be a list of strings - stage IDs or "*"')
    wanted = set(ignore_reuse_stages)
    if wanted == {"*"}:
        return
    stage_ids = set(stage.get("id") for stage in stages)
    for stage_id in wanted:
        if stage_id not in stage_ids:
            raise WorkflowBuilderException('Stage with ID {} not found. Add a matching "id" for the stage you wish to '
                                           'set ignoreReuse for'.format(stage_id))


def _get_validated_stages(stages):
    if not isinstance(stages, list):
        raise WorkflowBuilderException("Stages must be specified as a list of dictionaries")
    return [_get_validated_stage(stage, index) for index, stage in enumerate(stages)]


def _validate_json_for_regular_workflow(json_spec, args):
    project, folder, name = dxpy.executable_builder.get_parsed_destination(args.destination)
    validated = {"project": _get_destination_project(json_spec, args, project),
                 "folder": _get_destination_folder(json_spec, folder)}
    name = _get_workflow_name(json_spec, name)
    if name:
        validated["name"] = name
    else:
        print("Warning: workflow name is not specified")
    return validated


def _validate_json_for_global_workflow(json_spec, args):
    """Check as much as can be checked before the (slow) underlying workflows are built."""
    if "name" not in json_spec:
        raise WorkflowBuilderException("dxworkflow.json/source workflow spec contains no 'name' field, but it is "
                                       "required to build a global workflow")
    if not dxpy.executable_builder.GLOBAL_EXEC_NAME_RE.match(json_spec["name"]):
        raise WorkflowBuilderException("The name of your workflow must match /^[a-zA-Z0-9._-]+$/")
    if json_spec["name"] != json_spec["name"].lower():
        logger.warning('workflow name "{}" should be all lowercase'.format(json_spec["name"]))
    if "version" not in json_spec:
        raise WorkflowBuilderException("dxworkflow.json/source workflow spec contains no 'version' field, but it is "
                                       "required to build a global workflow")
    if not dxpy.executable_builder.GLOBAL_EXEC_VERSION_RE.match(json_spec["version"]):
        logger.warning('"version" {} should be semver compliant (e.g. of the form X.Y.Z)'.format(json_spec["version"]))
    if "details" in json_spec and not isinstance(json_spec["details"], dict):
        raise WorkflowBuilderException('The field "details" must be a dictionary')
    if "regionalOptions" in json_spec:
        options = json_spec["regionalOptions"]
        if not (isinstance(options, dict) and options and all(isinstance(value, dict) for value in options.values())):
            raise WorkflowBuilderException('The field "regionalOptions" must be a non-empty dictionary whose values '
                                           'are dictionaries')


def _get_validated_json(json_spec, args):
    """The spec to send to workflow/new or globalworkflow/new, checked."""
    if not json_spec or not args:
        return None
    spec = copy.deepcopy(json_spec)
    ignored = _get_unsupported_keys(spec.keys(), SUPPORTED_KEYS)
    if ignored:
        logger.warning("Warning: the following root level fields are not supported and will be ignored: {}"
                       .format(", ".join(ignored)))
    if "stages" in spec:
        spec["stages"] = _get_validated_stages(spec["stages"])
    if "name" in spec and not args._from:
        dir_name = os.path.basename(os.path.normpath(args.src_dir))
        if dir_name != spec["name"]:
            logger.warning('workflow name "{}" does not match containing directory "{}"'.format(spec["name"], dir_name))
    if "ignoreReuse" in spec:
        validate_ignore_reuse(spec["stages"], spec["ignoreReuse"])
    spec.update(_get_validated_json_for_build_or_update(spec, args))
    if args.mode == "workflow":
        spec.update(_validate_json_for_regular_workflow(json_spec, args))
    if args.mode == "globalworkflow":
        _validate_json_for_global_workflow(spec, args)
    return spec


def _get_validated_json_for_build_or_update(json_spec, args):
    """The documentation fields, readmes inlined; warnings for missing title and summary."""
    validated = copy.deepcopy(json_spec)
    if not args._from:
        dxpy.executable_builder.inline_documentation_files(validated, args.src_dir)
    if "title" not in json_spec:
        logger.warning("dxworkflow.json/source workflow spec is missing a title, please add one in the 'title' field")
    if "summary" not in json_spec:
        logger.warning("dxworkflow.json/source workflow spec is missing a summary, please add one in the 'summary' "
                       "field")
    elif json_spec["summary"].endswith("."):
        logger.warning("summary {} should be a short phrase not ending in a period".format(json_spec["summary"]))
    return validated


# -- building ----------------------------------------------------------------------------------

def _assert_executable_regions_match(workflow_enabled_regions, workflow_spec):
    """The requested regions in which every executable of the stages is enabled. An applet lives
    in one region, so a workflow with applets can only be enabled there."""
    if not workflow_enabled_regions:
        return workflow_enabled_regions
    for executable in sorted(stage.get("executable") for stage in workflow_spec.get("stages")):
        if executable.startswith("applet-"):
            region = dxpy.DXProject(dxpy.DXApplet(executable).project).region
            if {region} != workflow_enabled_regions:
                raise WorkflowBuilderException("The applet {} is not available in all requested region(s) {}"
                                               .format(executable, ",".join(workflow_enabled_regions)))
        elif executable.startswith("app-"):
            described = dxpy.api.app_describe(executable, input_params={"fields": {"regionalOptions": True}})
            app_regions = set(described["regionalOptions"].keys())
            if not workflow_enabled_regions.issubset(app_regions):
                missing = workflow_enabled_regions.difference(app_regions)
                logger.warning(
                    "The app {} is enabled in regions {} while the global workflow in {}. The workflow will not be "
                    "able to run in {}. If you are a developer of the app, you can enable the app in {} to run the "
                    "workflow in that region(s).".format(executable, ", ".join(app_regions),
                                                         ", ".join(workflow_enabled_regions), ", ".join(missing),
                                                         ", ".join(missing)))
                workflow_enabled_regions.intersection_update(app_regions)
        elif executable.startswith("workflow-"):
            workflow_enabled_regions = _assert_executable_regions_match(workflow_enabled_regions,
                                                                        dxpy.api.workflow_describe(executable))
        elif executable.startswith("globalworkflow-"):
            raise WorkflowBuilderException("Building a global workflow with nested global workflows is not yet "
                                           "supported")
    return workflow_enabled_regions


def _build_regular_workflow(json_spec, keep_open=False):
    workflow_id = dxpy.api.workflow_new(json_spec)["id"]
    if not keep_open:
        dxpy.api.workflow_close(workflow_id)
    return workflow_id


def _get_validated_enabled_regions(json_spec, args):
    """The regions the global workflow is enabled in: from the spec or --region (else the region of
    the project context), all permitted to the billTo, and where its executables are."""
    regions = dxpy.executable_builder.get_enabled_regions("globalworkflow", json_spec, args.region,
                                                          WorkflowBuilderException)
    if not regions:
        if not dxpy.PROJECT_CONTEXT_ID:
            raise WorkflowBuilderException(
                "A context project must be selected to enable a workflow in the project's region. You can use "
                "'dx select' to select a project. Otherwise you can use --region option to select a region in which "
                "the workflow should be enabled")
        regions = [dxpy.api.project_describe(dxpy.PROJECT_CONTEXT_ID,
                                             input_params={"fields": {"region": True}})["region"]]
    regions = set(regions)
    billable = dxpy.executable_builder.get_permitted_regions(json_spec["billTo"], WorkflowBuilderException)
    if not regions.issubset(billable):
        raise WorkflowBuilderException("The global workflow cannot be enabled in regions {}, which are not among the "
                                       "permittedRegions of the billTo.".format(",".join(regions - billable)))
    regions = _assert_executable_regions_match(regions, json_spec)
    if not regions:
        raise AssertionError("This workflow should be enabled in at least one region.")
    return regions


def _create_temporary_projects(enabled_regions, bill_to):
    """A temporary project per region, for the underlying workflows: {region: project ID}."""
    projects = {}
    for region in enabled_regions:
        try:
            projects[region] = dxpy.api.project_new({"name": "Temporary build project for dx build global workflow",
                                                     "region": region, "billTo": bill_to})["id"]
            logger.debug("Created temporary project {} to build in".format(projects[region]))
        except Exception:
            dxpy.executable_builder.delete_temporary_projects(projects.values())
            err_exit()
    return projects


def _build_underlying_workflows(enabled_regions, json_spec, args):
    """({region: workflow ID}, {region: temporary project ID}); the caller destroys the projects."""
    projects = _create_temporary_projects(enabled_regions, json_spec["billTo"])
    workflows = {}
    try:
        for region, project in projects.items():
            json_spec["project"], json_spec["folder"] = project, "/"
            workflows[region] = _build_regular_workflow(json_spec)
            logger.debug("Created workflow " + workflows[region] + " successfully")
    except BaseException:
        dxpy.executable_builder.delete_temporary_projects(projects.values())
        raise
    return workflows, projects


def _build_global_workflow(json_spec, enabled_regions, args):
    """Build an underlying workflow per region and the global workflow over them; its ID."""
    projects = {}
    try:
        existing = json_spec.get("regionalOptions", {})
        if existing:
            if set(existing) != set(enabled_regions):
                raise WorkflowBuilderException(
                    "These enabled regions do have regional options specified in the JSON spec or from --extra-args: "
                    "{}".format(",".join(set(enabled_regions) - set(existing))))
            regional_options = copy.deepcopy(existing)
        else:
            regional_options = {region: {} for region in enabled_regions}
        workflows, projects = _build_underlying_workflows(enabled_regions, json_spec, args)
        for region, workflow_id in workflows.items():
            regional_options[region]["workflow"] = workflow_id
        json_spec["regionalOptions"] = regional_options
        final_spec = {key: value for key, value in json_spec.items() if key in GLOBALWF_SUPPORTED_KEYS}
        shown = {key: value for key, value in final_spec.items() if key not in ("description", "developerNotes")}
        logger.info("Will create global workflow with spec: {}".format(json.dumps(shown)))
        global_workflow_id = dxpy.api.global_workflow_new(final_spec)["id"]
        logger.info("Uploaded global workflow {n}/{v} successfully".format(n=final_spec["name"],
                                                                           v=final_spec["version"]))
        logger.info("You can publish this workflow with:")
        logger.info("  dx publish {n}/{v}".format(n=final_spec["name"], v=final_spec["version"]))
    finally:
        if projects:
            dxpy.executable_builder.delete_temporary_projects(projects.values())
    try:
        _set_categories_on_workflow(global_workflow_id, final_spec.get("categories", []))
    except Exception:
        logger.warning("The workflow {n}/{v} was created but setting categories failed"
                       .format(n=final_spec["name"], v=final_spec["version"]))
        raise
    return global_workflow_id


def _skip_update(json_spec, args, fields):
    """Whether not to update the existing version: nothing to change, or not confirmed."""
    if not fields:
        logger.info("Nothing to update")
        return True
    message = "The global workflow {}/{} exists so we will update the following fields for this version: {}.".format(
        json_spec["name"], json_spec["version"], ", ".join(fields))
    if not args.confirm:
        logger.info(message)
        return False
    if not INTERACTIVE_CLI:
        logger.warning('skipping requested change to update a global workflow version. Rerun "dx build" interactively '
                       'or pass --yes to confirm this change.')
        return True
    try:
        print("***")
        print(fill("INFO: " + message))
        print("***")
        answer = input("Confirm making these updates [y/N]: ")
    except KeyboardInterrupt:
        answer = "n"
    return not answer.lower().startswith("y")


def _update_global_workflow(json_spec, args, global_workflow_id):
    """Update the documentation fields of an existing version; its ID."""
    update_spec = {key: value for key, value in json_spec.items() if key in UPDATABLE_GLOBALWF_FIELDS}
    validated = _get_validated_json_for_build_or_update(update_spec, args)
    fields = {key: value for key, value in validated.items() if value}
    if args.update and not _skip_update(json_spec, args, fields):
        return dxpy.api.global_workflow_update("globalworkflow-" + json_spec["name"], alias=json_spec["version"],
                                               input_params=fields)["id"]
    logger.info("Skipping making updates")
    return global_workflow_id


def _build_or_update_workflow(args, parser):
    """The ID of the workflow or global workflow built (or global workflow version updated)."""
    if args.mode == "workflow":
        json_spec = _fetch_spec_from_dxworkflowjson(args.src_dir, "dxworkflow.json", parser)
        json_spec.update(args.extra_args or {})
        json_spec = _get_validated_json(json_spec, args)
        return _build_regular_workflow(json_spec, args.keep_open)
    if args.mode != "globalworkflow":
        raise WorkflowBuilderException("Unrecognized workflow type: {}".format(args.mode))
    json_spec = args._from if args._from else _fetch_spec_from_dxworkflowjson(args.src_dir, "dxworkflow.json", parser)
    if args.version_override:
        json_spec["version"] = args.version_override
    json_spec.update(args.extra_args or {})
    json_spec = _get_validated_json(json_spec, args)
    if json_spec.get("tags") and "dxCompiler" in json_spec["tags"]:
        _check_dxcompiler_version(json_spec)
        if not args.brief:
            _notify_instance_type_selection(json_spec)
            _notify_dependencies(json_spec)
    json_spec = _cleanup_empty_keys(json_spec)
    existing = dxpy.executable_builder.verify_developer_rights("globalworkflow-" + json_spec["name"])
    if existing and _version_exists(json_spec, existing.name, existing.version):
        return _update_global_workflow(json_spec, args, existing.id)
    json_spec["billTo"] = dxpy.executable_builder.get_valid_bill_to(args.bill_to, WorkflowBuilderException)
    enabled_regions = _get_validated_enabled_regions(json_spec, args)
    return _build_global_workflow(json_spec, enabled_regions, args)


def _print_output(workflow_id, args):
    if args.json and args.mode == "workflow":
        output = dxpy.api.workflow_describe(workflow_id)
    elif args.json and args.mode == "globalworkflow":
        output = dxpy.api.global_workflow_describe(workflow_id)
    else:
        output = {"id": workflow_id}
    print(json.dumps(output))


def build(args, parser):
    """Build the workflow or global workflow of the parsed ``dx build`` *args* and print its ID;
    exits 3 on a build error."""
    if args is None:
        raise Exception("Arguments not provided")
    try:
        process_extra_args(args)
        _print_output(_build_or_update_workflow(args, parser), args)
    except WorkflowBuilderException as error:
        print("Error: {}".format(error), file=sys.stderr)
        sys.exit(3)
