"""``dx get`` of an applet, app, workflow or global workflow: write the source directory that
``dx build`` turns back into an equivalent executable.

For an applet or app: ``dxapp.json`` (the specification, with the code moved out to
``src/code.<py|sh>``), ``Readme.md`` / ``Readme.developer.md`` from the description and developer
notes, and ``resources/`` unpacked from the bundled-dependency tarballs (asset bundles stay
referenced in ``regionalOptions``). For a workflow: ``dxworkflow.json`` and ``Readme.md``.
"""
import collections
import json
import os
import shutil
import sys
import tarfile

import dxpy
from ..bindings.dxdataobject_functions import get_handler
from ..bindings.dxfile_functions import download_dxfile
from ..exceptions import DXError, err_exit
from .pretty_print import flatten_json_array

# Keys of a workflow description that dxworkflow.json keeps (when not empty), in this order.
_WORKFLOW_KEYS = ("name", "title", "summary", "dxapi", "version", "outputFolder", "treeTurnaroundTimeThreshold")
_STAGE_KEYS = ("id", "name", "executable", "folder", "input", "executionPolicy", "systemRequirements")
# I/O spec entries list these keys first, in this order, then the others.
_SPEC_KEY_ORDER = ("name", "label", "help", "class", "type", "patterns", "optional", "default", "choices",
                   "suggestions", "group")
_DX_TOOLKIT = {"name": "dx-toolkit", "package_manager": "apt"}


def _drop_empty(mapping):
    """Remove, recursively, the keys of *mapping* whose value is "", [] or {}."""
    for key, value in list(mapping.items()):
        if isinstance(value, dict):
            _drop_empty(value)
        if value in ("", [], {}):
            del mapping[key]


def _write_json(path, content):
    text = flatten_json_array(json.dumps(content, indent=2, separators=(",", ": ")), "patterns")
    with open(path, "w") as handle:
        handle.write(text + "\n")


def _write_text(path, text):
    with open(path, "w") as handle:
        handle.write(text)


def _dump_workflow(directory, describe_output):
    dxworkflow = collections.OrderedDict()
    for key in _WORKFLOW_KEYS:
        if describe_output.get(key):
            dxworkflow[key] = describe_output[key]
    for key in ("inputs", "outputs"):
        if describe_output.get(key) is not None:
            dxworkflow[key] = describe_output[key]
    dxworkflow["stages"] = [collections.OrderedDict((key, stage[key]) for key in _STAGE_KEYS if stage.get(key))
                            for stage in describe_output.get("stages", ())]
    _write_json(os.path.join(directory, "dxworkflow.json"), dxworkflow)
    if describe_output.get("description"):
        _write_text(os.path.join(directory, "Readme.md"), describe_output["description"])


def _source_suffix(interpreter):
    if interpreter == "bash":
        return "sh"
    if interpreter.startswith("python"):
        return "py"
    sys.stderr.write("Sorry, I don't know how to get executables with interpreter {}.\n\n".format(interpreter))
    sys.exit(1)


def _permitted_regions():
    """(billing account of the current user, the regions it may use)."""
    bill_to = None
    try:
        bill_to = dxpy.api.user_describe(dxpy.whoami())["billTo"]
        return bill_to, set(dxpy.DXHTTPRequest("/" + bill_to + "/describe", {}).get("permittedRegions"))
    except DXError:
        sys.stderr.write("Failed to get permitted regions where {} can perform billable activities.\n\n"
                         .format(bill_to))
        sys.exit(1)


def _current_region():
    try:
        return dxpy.api.project_describe(dxpy.WORKSPACE_ID, input_params={"fields": {"region": True}})["region"]
    except Exception:  # no project selected, or not one we can see: any enabled region will do
        return None


class _UnsafeArchive(DXError):
    """A resource archive member that would be written outside the resources directory."""


def _unpack(tarball, directory):
    """Extract *tarball* into *directory*, taking leading slashes off member names; members that
    would land outside *directory* are refused."""
    root = os.path.realpath(directory)
    with tarfile.open(tarball) as archive:
        for member in archive.getmembers():
            member.name = member.name.lstrip("/")
            target = os.path.realpath(os.path.join(root, member.name))
            if member.islnk() or member.issym():
                base = root if member.islnk() else os.path.dirname(target)
                linked = os.path.realpath(os.path.join(base, member.linkname))
                if member.linkname.startswith("/") or os.path.commonpath([root, linked]) != root:
                    raise _UnsafeArchive("The resource archive links outside its directory: %s" % member.name)
            if os.path.commonpath([root, target]) != root or member.isdev():
                raise _UnsafeArchive("The resource archive holds a member that cannot be unpacked: %s"
                                     % member.name)
            archive.extract(member, root)


def _download_resources(directory, depends, source_region):
    """Download and unpack the bundled dependencies that are not asset bundles; the names of
    those unpacked (empty when one fails: then none is kept)."""
    resources = os.path.join(directory, "resources")
    downloaded = set()
    for dep in depends:
        file_id = dep["id"].get("$dnanexus_link") if isinstance(dep["id"], dict) else dep["id"]
        try:
            handler = get_handler(dep["id"])
            file_id = handler.get_id()
            if not isinstance(handler, dxpy.DXFile):
                continue
            # Wherever the file is (an app's resources are not in the selected project).
            desc = dxpy.api.file_describe(file_id, {"fields": {"project": True, "properties": True}})
            if desc["properties"].get("AssetBundle"):
                continue  # asset bundles stay dependencies of the rebuilt executable
            if not os.path.isdir(resources):
                os.mkdir(resources)
            tarball = os.path.join(resources, "{}.tar.gz".format(file_id))
            download_dxfile(file_id, tarball, project=desc["project"])
            sys.stderr.write("Unpacking resource {}\n".format(dep.get("name")))
            _unpack(tarball, resources)
            os.unlink(tarball)
            downloaded.add(dep.get("name"))
        except DXError as error:
            if isinstance(error, _UnsafeArchive):
                sys.stderr.write("{}\n".format(error))
            sys.stderr.write("Failed to download {} from region {}.\n".format(file_id, source_region))
            shutil.rmtree(resources, ignore_errors=True)
            sys.stderr.write("Downloading resources from region {} failed. Please try downloading with their IDs "
                             "in dxapp.json, or skip downloading resources entirely by using the --omit-resources "
                             "flag.\n".format(source_region))
            return set()
    return downloaded


def _fetch_resources(directory, info, enabled_regions):
    if not enabled_regions:
        raise DXError("Cannot download resources of the requested executable {} since it is not available in any "
                      "of the billable regions. You can use the --omit-resources flag to skip downloading the "
                      "resources. ".format(info["name"]))
    current_region = _current_region()
    if current_region in enabled_regions:
        source_region = current_region
        sys.stderr.write("Trying to download resources from the current region {}...\n".format(source_region))
    else:
        source_region = sorted(enabled_regions)[0]
        sys.stderr.write("Trying to download resources from one of the enabled region {}...\n"
                         .format(source_region))
    return _download_resources(directory, info["runSpec"]["bundledDependsByRegion"][source_region], source_region)


def _ordered_spec(entry):
    ordered = collections.OrderedDict((key, entry[key]) for key in _SPEC_KEY_ORDER if key in entry)
    ordered.update((key, value) for key, value in entry.items() if key not in _SPEC_KEY_ORDER)
    return ordered


def _regional_options(directory, run_spec, enabled_regions, downloaded, suffix):
    """dxapp.json's ``regionalOptions``: per enabled region, its system requirements (cluster
    bootstrap scripts written out to src/) and the bundled dependencies not unpacked."""
    options = {}
    for region in sorted(enabled_regions):
        options[region] = {}
        if "systemRequirementsByRegion" in run_spec:
            requirements = run_spec["systemRequirementsByRegion"][region]
            for entry_point, requirement in requirements.items():
                script = requirement.get("clusterSpec", {}).get("bootstrapScript")
                if script is None:
                    continue
                name = "src/{}_{}_clusterBootstrap.{}".format(region, entry_point, suffix)
                _write_text(os.path.join(directory, name), script)
                requirement["clusterSpec"]["bootstrapScript"] = name
            options[region]["systemRequirements"] = requirements
        kept = [dep for dep in run_spec["bundledDependsByRegion"][region] if dep["name"] not in downloaded]
        if kept:
            options[region]["bundledDepends"] = kept
    return options


def _dump_app_or_applet(directory, executable, omit_resources, describe_output):
    info = executable.get()
    suffix = _source_suffix(info["runSpec"]["interpreter"])
    os.mkdir(os.path.join(directory, "src"))
    script = "src/code.{}".format(suffix)
    _write_text(os.path.join(directory, script), info["runSpec"]["code"])

    bill_to, permitted = _permitted_regions()
    # An executable's runSpec always has its bundled dependencies by region, empty or not.
    enabled_regions = set(info["runSpec"]["bundledDependsByRegion"])
    if not enabled_regions <= permitted:
        sys.stderr.write("Region(s) {} are not among the permitted regions of {}. Resources from these regions "
                         "will not be available.\n".format(", ".join(enabled_regions - permitted), bill_to))
    enabled_regions &= permitted
    downloaded = set() if omit_resources else _fetch_resources(directory, info, enabled_regions)

    dxapp = collections.OrderedDict()
    for key in executable._get_required_keys() + executable._get_optional_keys():
        if key in executable._get_describe_output_keys() and key in describe_output:
            dxapp[key] = describe_output[key]
        if key in info:
            dxapp[key] = info[key]
    if info.get("hidden", False):
        dxapp["hidden"] = True
    run_spec = dxapp["runSpec"]
    del run_spec["code"]
    run_spec["file"] = script
    for spec_key in ("inputSpec", "outputSpec"):
        if spec_key in dxapp:
            dxapp[spec_key] = [_ordered_spec(entry) for entry in dxapp[spec_key]]
    if _DX_TOOLKIT in run_spec.get("execDepends", ()):
        run_spec["execDepends"].remove(_DX_TOOLKIT)  # dx build adds it back
    # dx build reads regional system requirements and dependencies from regionalOptions.
    dxapp["regionalOptions"] = _regional_options(directory, run_spec, enabled_regions, downloaded, suffix)
    for key in ("bundledDependsByRegion", "bundledDepends", "systemRequirementsByRegion", "systemRequirements"):
        run_spec.pop(key, None)
    # Empty values go, but not empty I/O specifications: those differ from missing ones.
    _drop_empty(run_spec)
    if "access" in dxapp:
        _drop_empty(dxapp["access"])
    for key in executable._get_cleanup_keys():
        if key in dxapp and not dxapp[key]:
            del dxapp[key]

    _write_json(os.path.join(directory, "dxapp.json"), dxapp)
    if info.get("description"):
        _write_text(os.path.join(directory, "Readme.md"), info["description"])
    if info.get("developerNotes"):
        _write_text(os.path.join(directory, "Readme.developer.md"), info["developerNotes"])


def _global_workflow_description(executable, describe_output):
    """A global workflow's description with the stages, inputs and outputs of its workflow in
    the region of the current project."""
    project = dxpy.WORKSPACE_ID
    if not project:
        raise DXError('A project needs to be selected to "dx get" a global workflow. You can use "dx select" '
                      'to select a project')
    region = dxpy.api.project_describe(project, input_params={"fields": {"region": True}})["region"]
    return executable.append_underlying_workflow_desc(dict(describe_output), region)


def dump_executable(executable, destination_directory, omit_resources=False, describe_output={}):
    """Write into *destination_directory* (existing, empty and writable) the source directory
    of *executable* (a DXApplet, DXApp, DXWorkflow or DXGlobalWorkflow) from which ``dx build``
    makes an equivalent one. *omit_resources* leaves the resources out (their file IDs stay in
    dxapp.json); *describe_output* is the executable's description, if already at hand. Errors
    end the program as ``dx`` does."""
    try:
        if isinstance(executable, dxpy.DXWorkflow):
            _dump_workflow(destination_directory, describe_output)
        elif isinstance(executable, dxpy.DXGlobalWorkflow):
            _dump_workflow(destination_directory, _global_workflow_description(executable, describe_output))
        else:
            _dump_app_or_applet(destination_directory, executable, omit_resources, describe_output)
    except Exception:
        err_exit()
