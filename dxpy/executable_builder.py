"""What building apps, applets, workflows and global workflows share: where an executable goes
(``--destination``), documentation files inlined into the spec, the billTo, developer rights, categories
and the regions a global executable is enabled in."""
import collections
import os
import re

import dxpy
from .cli import try_call
from .utils.resolver import is_container_id, resolve_path

GLOBAL_EXEC_NAME_RE = re.compile(r"^[a-zA-Z0-9._\-]+$")
# Semantic versioning: X.Y.Z, an optional -prerelease and an optional +build.
GLOBAL_EXEC_VERSION_RE = re.compile(r"^([1-9][0-9]*|0)\.([1-9][0-9]*|0)\.([1-9][0-9]*|0)"
                                    r"(-[-0-9A-Za-z]+(\.[-0-9A-Za-z]+)*)?(\+[-0-9A-Za-z]+(\.[-0-9A-Za-z]+)*)?$")

_README_NAMES = ("README.md", "Readme.md", "readme.md")
_DEVELOPER_README_NAMES = ("README.developer.md", "Readme.developer.md", "readme.developer.md")

FoundExecutable = collections.namedtuple("FoundExecutable", ["name", "version", "id"])

# Regions of the projects asked about: a project never changes region, and one build asks up
# to three times.
_project_regions = {}


def get_parsed_destination(dest_str):
    """(project, folder, name) of a destination ``[PROJECT:][/FOLDER/][NAME]``; a bare project or
    container ID is the project alone (the resolver would take it for a folder name)."""
    if is_container_id(dest_str):
        return dest_str, None, None
    return try_call(resolve_path, dest_str)


def _read_first(src_dir, names):
    for name in names:
        path = os.path.join(src_dir, name)
        if os.path.exists(path):
            with open(path) as handle:
                return handle.read()
    return None


def inline_documentation_files(json_spec, src_dir):
    """Put the readme of *src_dir* into ``description`` and its developer readme into
    ``developerNotes``, unless *json_spec* sets them already."""
    for field, names in (("description", _README_NAMES), ("developerNotes", _DEVELOPER_README_NAMES)):
        if field not in json_spec:
            text = _read_first(src_dir, names)
            if text is not None:
                json_spec[field] = text


def project_region(project):
    """The region of *project* (asked once per process)."""
    if project not in _project_regions:
        _project_regions[project] = dxpy.api.project_describe(
            project, input_params={"fields": {"region": True}})["region"]
    return _project_regions[project]


def set_categories(api_class, executable_id, wanted):
    """Make the categories of an app or global workflow (*api_class* "app" or "global_workflow",
    as named in dxpy.api) exactly *wanted*: they belong to all its versions, so the ones not
    wanted go."""
    existing = set(getattr(dxpy.api, api_class + "_list_categories")(executable_id)["categories"])
    to_add, to_remove = set(wanted) - existing, existing - set(wanted)
    if to_add:
        getattr(dxpy.api, api_class + "_add_categories")(executable_id, input_params={"categories": list(to_add)})
    if to_remove:
        getattr(dxpy.api, api_class + "_remove_categories")(executable_id,
                                                            input_params={"categories": list(to_remove)})


def delete_temporary_projects(projects):
    """Destroy each of *projects*, going on past any that cannot be destroyed (clean-up must
    not hide the error that led to it)."""
    for project in projects:
        try:
            dxpy.api.project_destroy(project)
        except Exception:
            pass


def get_valid_bill_to(bill_to, executable_builder_exception):
    """The entity to bill: the user's own billTo when *bill_to* is not given, else *bill_to*
    when it is the user or an org that lets the user bill it; raises
    *executable_builder_exception* otherwise."""
    user_id = dxpy.whoami()
    if not bill_to:
        return dxpy.api.user_describe(user_id)["billTo"]
    if bill_to.startswith("user-"):
        if bill_to != user_id:
            raise executable_builder_exception('Cannot request another user to be the "billTo"')
    elif bill_to.startswith("org-"):
        try:
            allowed = dxpy.api.org_describe(bill_to).get("allowBillableActivities")
        except Exception:
            raise executable_builder_exception(
                "Cannot retrieve billing information for {}. Please check your access level and the billing "
                "policy of the org.".format(bill_to))
        if not allowed:
            raise executable_builder_exception(
                "You are not a member in {} with allowBillableActivities permission. Please check the billing "
                "policy of the org.".format(bill_to))
    else:
        raise executable_builder_exception('The field "billTo" must be a valid ID of a user/org.')
    return bill_to


def verify_developer_rights(prefixed_name):
    """For ``app-NAME`` or ``globalworkflow-NAME``: a ``FoundExecutable(name, version, id)`` of
    the existing executable when the user develops it, all None when there is none by that name;
    raises the builder's exception when one exists that the user does not develop."""
    kind, _, name = prefixed_name.partition("-")
    if kind == "app":
        import dxpy.app_builder
        exception_type = dxpy.app_builder.AppBuilderException
        describe = dxpy.api.app_describe
        denied = "An app with the given name already exists and you are not a developer of that app"
    elif kind == "globalworkflow":
        import dxpy.workflow_builder
        exception_type = dxpy.workflow_builder.WorkflowBuilderException
        describe = dxpy.api.global_workflow_describe
        denied = "A global workflow with the given name already exists and you are not a developer of that workflow"
    else:
        raise ValueError("expected app-NAME or globalworkflow-NAME, got %r" % (prefixed_name,))
    try:
        found = describe(prefixed_name, input_params={"fields": {"isDeveloperFor": True, "version": True, "id": True}})
    except dxpy.exceptions.DXAPIError as error:
        if error.name == "ResourceNotFound":
            return FoundExecutable(name=None, version=None, id=None)
        if error.name == "PermissionDenied":
            raise exception_type(denied)
        raise
    if not found["isDeveloperFor"]:
        raise exception_type("You are not a developer for {n}".format(n=name))
    return FoundExecutable(name=name, version=found["version"], id=found["id"])


def assert_consistent_regions(from_spec, from_command_line, executable_builder_exception):
    """The regions of ``--region`` and of ``regionalOptions``, when both are given, must be the same."""
    if from_spec is None or from_command_line is None:
        return
    if set(from_spec) != set(from_command_line):
        raise executable_builder_exception(
            "--region and the 'regionalOptions' key in the JSON file or --extra-args do not agree")


def assert_consistent_reg_options(exec_type, json_spec, executable_builder_exception):
    """``regionalOptions`` must be a non-empty mapping of mappings, every region giving the same
    keys; for apps, none of them may also be in ``runSpec``."""
    options = json_spec.get("regionalOptions")
    source = "dxapp.json or --extra-args" if exec_type == "app" else "dxworkflow.json or --extra-args"
    if not isinstance(options, dict):
        raise executable_builder_exception("The field 'regionalOptions' in  must be a mapping")
    if not options:
        raise executable_builder_exception("The field 'regionalOptions' in " + source + " must be a non-empty mapping")
    regions = list(options.items())
    first_region, first_options = regions[0]
    for region, region_options in regions:
        if not isinstance(region_options, dict):
            raise executable_builder_exception(
                "The field 'regionalOptions['" + region + "']' in " + source + " must be a mapping")
        extra = set(region_options) - set(first_options)
        lacking = set(first_options) - set(region_options)
        if extra or lacking:
            if extra:
                key, given_for, not_for = next(iter(extra)), region, first_region
            else:
                key, given_for, not_for = next(iter(lacking)), first_region, region
            raise executable_builder_exception(
                "All regions in regionalOptions must specify the same options; "
                "{} was given for {} but not for {}".format(key, given_for, not_for))
        if exec_type == "app":
            for key in region_options:
                if key in json_spec.get("runSpec", {}):
                    raise executable_builder_exception(
                        key + " cannot be given in both runSpec and in regional options for " + region)


def get_permitted_regions(bill_to, executable_builder_exception):
    """The set of regions *bill_to* (a user or an org) may use."""
    try:
        return set(dxpy.DXHTTPRequest("/" + bill_to + "/describe", {}).get("permittedRegions"))
    except Exception:
        raise executable_builder_exception("Failed to get permitted regions of {}".format(bill_to))


def get_enabled_regions(exec_type, json_spec, from_command_line, executable_builder_exception):
    """The regions a global executable (*exec_type* ``app`` or ``globalworkflow``) is enabled in:
    the keys of ``regionalOptions`` (validated), else the ``--region`` list, else None."""
    from_spec = json_spec.get("regionalOptions")
    if from_spec is not None:
        assert_consistent_reg_options(exec_type, json_spec, executable_builder_exception)
    assert_consistent_regions(from_spec, from_command_line, executable_builder_exception)
    if from_spec is not None:
        return from_spec.keys()
    return from_command_line
