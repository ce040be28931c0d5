"""Applets and workflows: executable data objects, their I/O specifications and stages.

Applets are created closed with their run specification; workflows stay open while their
stages are edited, each edit checked against and bumping the workflow's ``editVersion``.
Apps register themselves in :data:`RESOLVERS` so that workflow stages can use them too."""
import copy
import re

from ..errors import InvalidInput, InvalidState, PlatformError, ResourceNotFound
from . import paths
from .access import container, data_object, not_found, object_copies, require_open, touch
from .containers import DEFAULT_REGION
from .ids import id_class, new_id
from .objects import collect, create_object
from .validate import REQUIRED, get, strings

FIELD_NAME = re.compile(r"^[a-zA-Z_][0-9a-zA-Z_]*$")
STAGE_ID = re.compile(r"^([a-zA-Z_]|stage-)[0-9a-zA-Z_]*$")
LITERAL_CLASSES = {"string": str, "int": int, "float": float, "boolean": bool, "hash": dict}
OBJECT_CLASSES = ("file", "record", "applet", "workflow", "database")
INTERPRETERS = ("bash", "python2.7", "python3")
ACCESS_LEVELS = ("VIEW", "UPLOAD", "CONTRIBUTE", "ADMINISTER")
# Executable class -> function(req, executable ID or name) giving its stored record, after
# checking the caller may use it; apps.py adds "app".
RESOLVERS = {}


def checked(where, payload, name, kind, default=REQUIRED):
    """``get`` for a nested JSON object; the error says where the object sits in the input."""
    try:
        return get(payload, name, kind, default)
    except PlatformError as error:
        raise InvalidInput("In %s: %s" % (where, error.message))


# I/O specifications and values

def _io_class(where, klass):
    base = klass[len("array:"):] if klass.startswith("array:") else klass
    if base not in LITERAL_CLASSES and base not in OBJECT_CLASSES:
        raise InvalidInput('In %s: unknown class "%s"' % (where, klass))
    return klass


def io_spec(payload, key):
    """The checked I/O specification *key* (``inputSpec``, ``outputSpec``, ...), or None."""
    spec = get(payload, key, list, None)
    if spec is None:
        return None
    names = set()
    for index, entry in enumerate(spec):
        where = "%s[%d]" % (key, index)
        if not isinstance(entry, dict):
            raise InvalidInput("Expected %s to be a JSON object" % where)
        name = checked(where, entry, "name", str)
        if not FIELD_NAME.match(name):
            raise InvalidInput('In %s: "%s" is not a valid field name' % (where, name))
        if name in names:
            raise InvalidInput('In %s: the field name "%s" is used twice' % (key, name))
        names.add(name)
        klass = _io_class(where, checked(where, entry, "class", str))
        checked(where, entry, "optional", bool, False)
        for text in ("label", "help", "group"):
            checked(where, entry, text, str, None)
        choices = checked(where, entry, "choices", list, None)
        if "default" in entry and not fits(klass, entry["default"]):
            raise InvalidInput('In %s: the default does not fit class "%s"' % (where, klass))
        if choices is not None and "default" in entry and entry["default"] not in choices:
            raise InvalidInput("In %s: the default is not one of the choices" % where)
    return copy.deepcopy(spec)


def link_of(value):
    """The content of a ``{"$dnanexus_link": ...}`` value, or None for anything else."""
    if isinstance(value, dict) and len(value) == 1 and "$dnanexus_link" in value:
        return value["$dnanexus_link"]
    return None


def is_reference(value):
    """True for a value computed elsewhere: a job/analysis output or a workflow stage link."""
    link = link_of(value)
    return isinstance(link, dict) and "id" not in link


def object_link(value):
    """(ID, project or None) of a link to a data object, or None."""
    link = link_of(value)
    if isinstance(link, str):
        return link, None
    if isinstance(link, dict) and isinstance(link.get("id"), str):
        project = link.get("project")
        return link["id"], project if isinstance(project, str) else None
    return None


def fits(klass, value):
    """Whether *value* may be given for a field of I/O class *klass*."""
    if is_reference(value):
        return True  # its class is known once it is computed
    if klass.startswith("array:"):
        return isinstance(value, list) and all(fits(klass[len("array:"):], item) for item in value)
    if klass in OBJECT_CLASSES:
        target = object_link(value)
        return target is not None and id_class(target[0]) == klass
    kind = LITERAL_CLASSES[klass]
    if isinstance(value, bool):
        return kind is bool
    if kind is float:
        return isinstance(value, (int, float))
    return isinstance(value, kind)


def _references(value):
    """Every ``$dnanexus_link`` dict that is a reference, anywhere in *value*."""
    return collect(value, lambda part: link_of(part) if is_reference(part) else None)


def check_input(spec, given, where="input"):
    """*given* completed with the defaults of *spec*; InvalidInput for fields that are not in
    the spec, are missing or do not fit their class. Without a spec any JSON object goes."""
    if not isinstance(given, dict):
        raise InvalidInput('Expected key "%s" of input to be a JSON object' % where)
    effective = copy.deepcopy(given)
    if spec is None:
        return effective
    by_name = dict((entry["name"], entry) for entry in spec)
    for name in given:
        if name not in by_name:
            raise InvalidInput('The field "%s" of %s is not in the input specification' % (name, where))
    for name, entry in by_name.items():
        if name in given:
            if not fits(entry["class"], given[name]):
                raise InvalidInput('Expected field "%s" of %s to be of class %s' % (name, where, entry["class"]))
            if "choices" in entry and not is_reference(given[name]) and given[name] not in entry["choices"]:
                raise InvalidInput('The value of field "%s" of %s is not one of its choices' % (name, where))
        elif "default" in entry:
            effective[name] = copy.deepcopy(entry["default"])
        elif not entry.get("optional", False):
            raise InvalidInput('The required field "%s" of %s was not given' % (name, where))
    return effective


def check_objects(req, value, where="input"):
    """Every data object linked from *value* must exist, be usable by the caller and, in
    an I/O field, be of the class its link says."""
    target = object_link(value)
    if target is not None:
        obj = data_object(req, target[0], target[1])
        if id_class(target[0]) != obj["class"]:
            raise InvalidInput("The link to %s in %s names an object of class %s" % (target[0], where, obj["class"]))
        return
    if isinstance(value, dict):
        for item in value.values():
            check_objects(req, item, where)
    elif isinstance(value, list):
        for item in value:
            check_objects(req, item, where)


# Applets

def _run_spec(payload):
    spec = get(payload, "runSpec", dict)
    interpreter = checked("runSpec", spec, "interpreter", str)
    if interpreter not in INTERPRETERS:
        raise InvalidInput('Expected key "runSpec.interpreter" of input to be one of %s' % ", ".join(INTERPRETERS))
    checked("runSpec", spec, "code", str)
    for key, kind in (("systemRequirements", dict), ("executionPolicy", dict), ("timeoutPolicy", dict),
                      ("bundledDepends", list), ("execDepends", list), ("assetDepends", list),
                      ("distribution", str), ("release", str), ("version", str), ("headJobOnDemand", bool),
                      ("restartableEntryPoints", str)):
        checked("runSpec", spec, key, kind, None)
    for entry, requirements in spec.get("systemRequirements", {}).items():
        if not isinstance(requirements, dict):
            raise InvalidInput('Expected key "runSpec.systemRequirements.%s" of input to be a JSON object' % entry)
        instance_type = requirements.get("instanceType")
        if instance_type is not None and instance_type not in _known_instance_types():
            raise InvalidInput('The instance type specified for stage "%s" is not a recognized instance type' % entry)
    return copy.deepcopy(spec)


def _known_instance_types():
    # The instance types of the platform: the table `dx run --instance-type-help` prints.
    from ...utils.completer import InstanceTypesCompleter
    return InstanceTypesCompleter.instance_types


def access_spec(payload):
    access = get(payload, "access", dict, {})
    strings(access, "network", None)
    for key in ("project", "allProjects"):
        level = checked("access", access, key, str, None)
        if level is not None and level not in ACCESS_LEVELS:
            raise InvalidInput('Expected key "access.%s" of input to be one of %s' % (key, ", ".join(ACCESS_LEVELS)))
    for key in ("developer", "projectCreation"):
        checked("access", access, key, bool, None)
    return copy.deepcopy(access)


# Fields an applet keeps from its /applet/new input, with their types.
_APPLET_TEXT = ("title", "summary", "description", "developerNotes")
_APPLET_OPTIONAL = (("ignoreReuse", bool), ("httpsApp", dict), ("treeTurnaroundTimeThreshold", int))
GET_FIELDS = ("name", "title", "summary", "description", "developerNotes", "types", "tags", "dxapi",
              "inputSpec", "outputSpec", "runSpec", "access", "ignoreReuse", "httpsApp",
              "treeTurnaroundTimeThreshold")


def applet_new(req):
    payload = req.payload
    extra = {"dxapi": get(payload, "dxapi", str), "runSpec": _run_spec(payload), "access": access_spec(payload),
             "ignoreReuse": False}
    for key in ("inputSpec", "outputSpec"):
        spec = io_spec(payload, key)
        if spec is not None:
            extra[key] = spec
    for key in _APPLET_TEXT:
        extra[key] = get(payload, key, str, "")
    for key, kind in _APPLET_OPTIONAL:
        if key in payload:
            extra[key] = copy.deepcopy(get(payload, key, kind))
    obj = create_object(req, "applet", extra)
    obj["state"] = "closed"
    _by_region(obj["runSpec"], req.state["containers"][obj["project"]].get("region", DEFAULT_REGION))
    return {"id": obj["id"]}


def _by_region(run_spec, region):
    """What the platform adds to a run specification: its bundled dependencies (always) and
    system requirements (when given) keyed by the region the executable is in."""
    run_spec["bundledDependsByRegion"] = {region: copy.deepcopy(run_spec.get("bundledDepends", []))}
    run_spec.pop("systemRequirementsByRegion", None)
    if "systemRequirements" in run_spec:
        run_spec["systemRequirementsByRegion"] = {region: copy.deepcopy(run_spec["systemRequirements"])}


def _typed(req, klass, project=None):
    obj = data_object(req, project=project)
    if obj["class"] != klass:
        raise ResourceNotFound("The entity %s could not be found as an %s" % (req.id, klass))
    return obj


def applet_get(req):
    obj = _typed(req, "applet")
    return dict((key, copy.deepcopy(obj[key])) for key in GET_FIELDS if key in obj)


def resolve_applet(req, applet_id):
    obj = data_object(req, applet_id)
    if obj["class"] != "applet":
        raise InvalidInput("%s is not an applet" % applet_id)
    return obj


RESOLVERS["applet"] = resolve_applet


def resolve_executable(req, executable):
    """The stored applet or app *executable* names (an ID, or ``app-name[/alias]``)."""
    if not isinstance(executable, str):
        raise InvalidInput('Expected key "executable" of input to be a string')
    resolver = RESOLVERS.get(executable.split("-", 1)[0])
    if resolver is None:
        raise InvalidInput('Expected key "executable" of input to be an applet or app, not %s' % executable)
    return resolver(req, executable)


def stored_executable(state, executable_id):
    """The record of an applet or app by ID, without permission checks (for stored stages)."""
    if id_class(executable_id) == "applet":
        copies = object_copies(state, executable_id)
        return copies[0] if copies else None
    return state.get("apps", {}).get(executable_id)


# Workflows

def _stage_input(state, stages, stage, executable, value, where):
    if not isinstance(value, dict):
        raise InvalidInput('Expected key "%s" of input to be a JSON object' % where)
    spec = executable.get("inputSpec")
    by_name = dict((entry["name"], entry) for entry in spec or [])
    for name, item in value.items():
        if spec is not None and name not in by_name:
            raise InvalidInput('The field "%s" of %s is not in the input specification of %s'
                               % (name, where, executable["id"]))
        if spec is not None and not fits(by_name[name]["class"], item):
            raise InvalidInput('Expected field "%s" of %s to be of class %s' % (name, where, by_name[name]["class"]))
        for link in _references(item):
            if "stage" in link and link["stage"] not in [other["id"] for other in stages] + [stage]:
                raise InvalidInput('The field "%s" of %s links to the unknown stage %s' % (name, where, link["stage"]))
    return copy.deepcopy(value)


def _new_stage(req, stages, payload, where):
    """A stage from the addStage / workflow/new description *payload*."""
    if not isinstance(payload, dict):
        raise InvalidInput("Expected %s to be a JSON object" % where)
    stage_id = checked(where, payload, "id", str, None)
    if stage_id is None:
        stage_id = new_id("stage")
    elif not STAGE_ID.match(stage_id):
        raise InvalidInput('In %s: "%s" is not a valid stage ID' % (where, stage_id))
    if stage_id in [stage["id"] for stage in stages]:
        raise InvalidInput("In %s: the stage ID %s is already in use" % (where, stage_id))
    executable = resolve_executable(req, checked(where, payload, "executable", str))
    stage = {"id": stage_id, "name": checked(where, payload, "name", (str, type(None)), None),
             "executable": executable["id"], "folder": _stage_folder(where, payload),
             "input": {}, "executionPolicy": copy.deepcopy(checked(where, payload, "executionPolicy", dict, {})),
             "systemRequirements": copy.deepcopy(checked(where, payload, "systemRequirements", dict, {})),
             "accessible": True}
    stage["input"] = _stage_input(req.state, stages, stage_id, executable, payload.get("input", {}),
                                  where + ".input")
    return stage


def _stage_folder(where, payload):
    folder = checked(where, payload, "folder", (str, type(None)), None)
    if folder is not None and not folder:
        raise InvalidInput("In %s: the folder cannot be empty" % where)
    return folder


def _stage_spec(state, stage, key):
    executable = stored_executable(state, stage["executable"])
    return (executable or {}).get(key) or []


def refresh_workflow(state, wf):
    """Recompute the I/O specifications a workflow reports from its stages (or its own
    ``inputs`` / ``outputs`` when it declares them)."""
    if wf.get("inputs") is not None:
        wf["inputSpec"] = copy.deepcopy(wf["inputs"])
    else:
        wf["inputSpec"] = []
        for stage in wf["stages"]:
            for entry in _stage_spec(state, stage, "inputSpec"):
                bound = stage["input"].get(entry["name"])
                if bound is not None and is_reference(bound):
                    continue
                entry = copy.deepcopy(entry)
                entry["name"] = "%s.%s" % (stage["id"], entry["name"])
                if bound is not None:
                    entry["default"] = copy.deepcopy(bound)
                wf["inputSpec"].append(entry)
    if wf.get("outputs") is not None:
        wf["outputSpec"] = copy.deepcopy(wf["outputs"])
    else:
        wf["outputSpec"] = []
        for stage in wf["stages"]:
            for entry in _stage_spec(state, stage, "outputSpec"):
                entry = copy.deepcopy(entry)
                entry["name"] = "%s.%s" % (stage["id"], entry["name"])
                wf["outputSpec"].append(entry)


def _workflow_io(payload, key, wf):
    if key not in payload:
        return
    if payload[key] is None:
        wf[key] = None
        return
    spec = io_spec(payload, key)
    if key == "outputs":
        for index, entry in enumerate(spec):
            if "outputSource" not in entry:
                raise InvalidInput('Expected %s[%d] to have key "outputSource"' % (key, index))
    wf[key] = spec


_WORKFLOW_TEXT = ("title", "summary", "description")
_INITIALIZED_METADATA = ("name", "types", "tags", "properties", "details", "hidden")


def _as_run(req, analysis, stages):
    """The *stages* of a workflow made from *analysis*, set up as the analysis ran them: the
    stage inputs it was given bound, and the instance types its stage jobs ran on."""
    jobs = req.state.get("jobs", {})
    job_of = dict((stage["id"], jobs.get(stage["execution"]["id"])) for stage in analysis.get("stages", []))
    for stage in stages:
        prefix = stage["id"] + "."
        stage["input"].update((key[len(prefix):], copy.deepcopy(value))
                              for key, value in analysis.get("runInput", {}).items() if key.startswith(prefix))
        job = job_of.get(stage["id"])
        if job is not None and job.get("systemRequirements"):
            stage["systemRequirements"] = copy.deepcopy(job["systemRequirements"])


def _initial_fields(req, payload):
    """What ``initializeFrom`` copies: from a workflow, or from the workflow an analysis ran."""
    source = get(payload, "initializeFrom", dict, None)
    if source is None:
        return {}
    source_id = checked("initializeFrom", source, "id", str)
    if id_class(source_id) == "workflow":
        project = checked("initializeFrom", source, "project", str, None)
        wf = data_object(req, source_id, project)
        if wf["class"] != "workflow":
            raise InvalidInput("initializeFrom.id %s is not a workflow" % source_id)
    elif id_class(source_id) == "analysis":
        analysis = req.state.get("jobs", {}).get(source_id)
        if analysis is None:
            raise not_found(source_id)
        wf = analysis["workflow"]
    else:
        raise InvalidInput('Expected key "initializeFrom.id" of input to be a workflow or analysis ID')
    fields = dict((key, copy.deepcopy(wf.get(key))) for key in
                  _WORKFLOW_TEXT + ("outputFolder", "stages", "inputs", "outputs"))
    # The source's data object metadata are defaults too, for what the input leaves out.
    fields.update((key, copy.deepcopy(wf[key])) for key in _INITIALIZED_METADATA if key in wf and key not in payload)
    if id_class(source_id) == "analysis":
        _as_run(req, analysis, fields["stages"])
    fields["initializedFrom"] = {"id": source_id}
    if "editVersion" in wf:
        fields["initializedFrom"]["editVersion"] = wf["editVersion"]
    return fields


def workflow_new(req):
    payload = req.payload
    extra = {"title": None, "summary": "", "description": "", "outputFolder": None, "stages": [],
             "inputs": None, "outputs": None, "editVersion": 0, "ignoreReuse": []}
    extra.update(_initial_fields(req, payload))
    for key in _WORKFLOW_TEXT:
        if key in payload:
            extra[key] = get(payload, key, (str, type(None)) if key == "title" else str)
    if "outputFolder" in payload:
        extra["outputFolder"] = _output_folder(payload)
    if "ignoreReuse" in payload:
        extra["ignoreReuse"] = strings(payload, "ignoreReuse")
    if "stages" in payload:
        stages = []
        for index, description in enumerate(get(payload, "stages", list)):
            stages.append(_new_stage(req, stages, description, "stages[%d]" % index))
        _check_stage_links(stages)
        extra["stages"] = stages
    _workflow_io(payload, "inputs", extra)
    _workflow_io(payload, "outputs", extra)
    obj = create_object(req, "workflow", extra)
    _default_title(obj)
    refresh_workflow(req.state, obj)
    return {"id": obj["id"], "editVersion": obj["editVersion"]}


def _default_title(wf):
    """A workflow without a title (never given, or unset) is titled with its name."""
    if wf.get("title") is None:
        wf["title"] = wf["name"]


def _check_stage_links(stages):
    known = [stage["id"] for stage in stages]
    for stage in stages:
        for link in _references(stage["input"]):
            if "stage" in link and link["stage"] not in known:
                raise InvalidInput("The input of stage %s links to the unknown stage %s" % (stage["id"], link["stage"]))


def _editable(req):
    """The route's workflow, if its ``editVersion`` is the current one and it is open."""
    wf = _typed(req, "workflow")
    container(req, wf["project"], "UPLOAD")  # editing an open object, as setDetails does
    version = get(req.payload, "editVersion", int)
    require_open(wf)
    if version != wf["editVersion"]:
        raise InvalidState("The editVersion %d given does not match the current editVersion %d of %s"
                           % (version, wf["editVersion"], wf["id"]))
    return wf


def _edited(req, wf, extra=None):
    wf["editVersion"] += 1
    refresh_workflow(req.state, wf)
    touch(wf)
    result = {"id": wf["id"], "editVersion": wf["editVersion"]}
    result.update(extra or {})
    return result


def _stage_index(wf, stage_id, key="stage"):
    if not isinstance(stage_id, str):
        raise InvalidInput('Expected key "%s" of input to be a string' % key)
    for index, stage in enumerate(wf["stages"]):
        if stage["id"] == stage_id:
            return index
    raise ResourceNotFound("The stage %s could not be found in %s" % (stage_id, wf["id"]))


def workflow_add_stage(req):
    wf = _editable(req)
    index = get(req.payload, "index", int, len(wf["stages"]))
    if not 0 <= index <= len(wf["stages"]):
        raise InvalidInput('Expected key "index" of input to be between 0 and %d' % len(wf["stages"]))
    stage = _new_stage(req, wf["stages"], req.payload, "input")
    wf["stages"].insert(index, stage)
    return _edited(req, wf, {"stage": stage["id"]})


def workflow_remove_stage(req):
    wf = _editable(req)
    index = _stage_index(wf, get(req.payload, "stage", str))
    removed = wf["stages"][index]["id"]
    for other in wf["stages"]:
        if other["id"] != removed and any(link.get("stage") == removed for link in _references(other["input"])):
            raise InvalidInput("Stage %s cannot be removed: the input of stage %s links to it" % (removed, other["id"]))
    del wf["stages"][index]
    return _edited(req, wf)


def workflow_move_stage(req):
    wf = _editable(req)
    index = _stage_index(wf, get(req.payload, "stage", str))
    new_index = get(req.payload, "newIndex", int)
    if not 0 <= new_index < len(wf["stages"]):
        raise InvalidInput('Expected key "newIndex" of input to be between 0 and %d' % (len(wf["stages"]) - 1))
    wf["stages"].insert(new_index, wf["stages"].pop(index))
    return _edited(req, wf)


def _stage_changes(req, wf, changes):
    """Apply the ``stages`` mapping of /workflow-xxxx/update to copies; return the new list."""
    stages = copy.deepcopy(wf["stages"])
    for stage_id, change in changes.items():
        where = "stages.%s" % stage_id
        stage = stages[_stage_index(wf, stage_id)]
        if not isinstance(change, dict):
            raise InvalidInput("Expected %s to be a JSON object" % where)
        if "name" in change:
            stage["name"] = checked(where, change, "name", (str, type(None)))
        if "folder" in change:
            stage["folder"] = _stage_folder(where, change)
        for key in ("executionPolicy", "systemRequirements"):
            if key in change:
                stage[key] = copy.deepcopy(checked(where, change, key, dict))
        if "input" in change:
            merged = dict(stage["input"])
            for name, value in checked(where, change, "input", dict).items():
                if value is None:
                    merged.pop(name, None)  # null unbinds the field
                else:
                    merged[name] = value
            executable = stored_executable(req.state, stage["executable"]) or {"id": stage["executable"]}
            stage["input"] = _stage_input(req.state, stages, stage["id"], executable, merged, where + ".input")
    return stages


def _output_folder(payload):
    """A workflow's ``outputFolder``: an absolute folder path, or null for none."""
    folder = get(payload, "outputFolder", (str, type(None)))
    return None if folder is None else paths.normalize(folder, "outputFolder")


def workflow_update(req):
    wf = _editable(req)
    payload = req.payload
    changes = {}
    for key in _WORKFLOW_TEXT + ("name",):
        if key in payload:
            changes[key] = get(payload, key, (str, type(None)) if key == "title" else str)
    if "outputFolder" in payload:
        changes["outputFolder"] = _output_folder(payload)
    stages = _stage_changes(req, wf, get(payload, "stages", dict, {}))
    _workflow_io(payload, "inputs", changes)
    _workflow_io(payload, "outputs", changes)
    wf.update(changes)
    wf["stages"] = stages
    _default_title(wf)
    return _edited(req, wf)


def stage_compatibility(req, wf, stage, executable):
    """Why *executable* could not replace the executable of *stage* (empty: it can)."""
    problems = []
    spec = executable.get("inputSpec")
    inputs = [entry["name"] for entry in spec] if spec is not None else None
    for name in stage["input"]:
        if inputs is not None and name not in inputs:
            problems.append('The bound input "%s" is not in the input specification of %s' % (name, executable["id"]))
    out_spec = executable.get("outputSpec")
    outputs = [entry["name"] for entry in out_spec] if out_spec is not None else None
    for other in wf["stages"]:
        for link in _references(other["input"]):
            if link.get("stage") == stage["id"] and "outputField" in link and outputs is not None \
                    and link["outputField"] not in outputs:
                problems.append('Stage %s uses the output "%s", which %s does not have'
                                % (other["id"], link["outputField"], executable["id"]))
    return problems


def workflow_is_stage_compatible(req):
    wf = _editable(req)
    stage = wf["stages"][_stage_index(wf, get(req.payload, "stage", str))]
    executable = resolve_executable(req, get(req.payload, "executable", str))
    problems = stage_compatibility(req, wf, stage, executable)
    return {"id": wf["id"], "compatible": not problems, "incompatibilities": problems}


def workflow_update_stage_executable(req):
    wf = _editable(req)
    stage = wf["stages"][_stage_index(wf, get(req.payload, "stage", str))]
    executable = resolve_executable(req, get(req.payload, "executable", str))
    force = get(req.payload, "force", bool, False)
    problems = stage_compatibility(req, wf, stage, executable)
    if problems and not force:
        raise InvalidState("%s is not compatible with the executable of stage %s" % (executable["id"], stage["id"]),
                           {"incompatibilities": problems})
    stage["executable"] = executable["id"]
    spec = executable.get("inputSpec")
    if spec is not None:  # forced: bound inputs the new executable does not take are dropped
        names = set(entry["name"] for entry in spec)
        stage["input"] = dict((name, value) for name, value in stage["input"].items() if name in names)
    return _edited(req, wf, {"compatible": not problems, "incompatibilities": problems})


def workflow_overwrite(req):
    wf = _editable(req)
    source = get(req.payload, "from", dict)
    source_id = checked("from", source, "workflow", str)
    other = data_object(req, source_id, checked("from", source, "project", str, None))
    if other["class"] != "workflow":
        raise InvalidInput("%s is not a workflow" % source_id)
    for key in _WORKFLOW_TEXT + ("outputFolder", "stages", "inputs", "outputs", "details"):
        wf[key] = copy.deepcopy(other.get(key))
    return _edited(req, wf)


def typed_object(req, klass):
    """The route's data object, which must be of *klass* (for the run routes)."""
    return _typed(req, klass)
