"""Workflows: data objects that chain executables as stages; running one makes an analysis.

Stages are named by ID (``stage-xxxx`` or a custom ID), by name, or by index (0 is the first
stage; an int or a string of digits). Every change sends the workflow's ``editVersion``,
so a change made from a stale view of the workflow is refused by the server; the handler
re-describes the workflow after each change to stay current.
"""
import re

import dxpy
from . import DXDataObject
from ..compat import basestring
from ..exceptions import DXError
from .dxanalysis import DXAnalysis
from .dxapplet import DXExecutable
from .dxjob import SystemRequirementsDict

_ANALYSIS_ID = re.compile(r"^analysis-[0-9A-Za-z]{24}$")
# Strings of this shape may be stage IDs (custom IDs included); others can only be names.
_STAGE_ID_SHAPE = re.compile(r"^([a-zA-Z_]|stage-)[0-9a-zA-Z_]*$")


def new_dxworkflow(title=None, summary=None, description=None, output_folder=None, init_from=None, **kwargs):
    """Create a workflow and return its :class:`DXWorkflow` handler.

    *init_from* copies the metadata of a workflow (a :class:`DXWorkflow`) or of the
    workflow an analysis ran (a ``DXAnalysis`` or an analysis ID). Other kwargs are those
    of :meth:`DXDataObject.new` (*project*, *name*, *folder*, *tags*, ...) plus *stages*,
    *workflow_inputs* and *workflow_outputs*.
    """
    dxworkflow = DXWorkflow()
    dxworkflow.new(title=title, summary=summary, description=description, output_folder=output_folder,
                   init_from=init_from, **kwargs)
    return dxworkflow


def _executable_id(executable, method):
    if isinstance(executable, basestring):
        return executable
    if isinstance(executable, DXExecutable):
        return executable.get_id()
    raise DXError("dxpy.DXWorkflow.%s: executable must be a string or an instance of DXApplet or DXApp, not %r"
                  % (method, executable))


class DXWorkflow(DXDataObject, DXExecutable):
    """Handler for a workflow (``workflow-xxxx``)."""

    _class = "workflow"

    def _new(self, dx_hash, **kwargs):
        """Create the workflow from *dx_hash* (the fields common to data objects) and
        *title*, *summary*, *description*, *output_folder*, *stages*, *workflow_inputs*,
        *workflow_outputs*, *init_from*; None values are left out."""
        init_from = kwargs.pop("init_from", None)
        if init_from is not None:
            if isinstance(init_from, (DXWorkflow, DXAnalysis)):
                dx_hash["initializeFrom"] = {"id": init_from.get_id()}
                if isinstance(init_from, DXWorkflow):
                    dx_hash["initializeFrom"]["project"] = init_from.get_proj_id()
            elif isinstance(init_from, basestring) and _ANALYSIS_ID.match(init_from):
                dx_hash["initializeFrom"] = {"id": init_from}
            else:
                raise DXError("Expected init_from to be an instance of DXWorkflow or DXAnalysis, or to be a string "
                              "analysis ID, not %r" % (init_from,))
        for option, field in (("title", "title"), ("summary", "summary"), ("description", "description"),
                              ("output_folder", "outputFolder"), ("stages", "stages"),
                              ("workflow_inputs", "inputs"), ("workflow_outputs", "outputs")):
            value = kwargs.pop(option, None)
            if value is not None:
                dx_hash[field] = value
        resp = dxpy.api.workflow_new(dx_hash, **kwargs)
        self.set_ids(resp["id"], dx_hash["project"])

    # Cached description

    def _described(self, field):
        """*field* of the cached description, describing first when it is not there."""
        if field not in self._desc:
            self.describe()
        return self._desc[field]

    def _add_edit_version_to_request(self, request_hash, edit_version=None):
        request_hash["editVersion"] = self._described("editVersion") if edit_version is None else edit_version

    def _change(self, wrapper, request, edit_version, **kwargs):
        """Send a change with the edit version, then refresh the cached description (also
        after a refusal, so that a retry sees the current version)."""
        self._add_edit_version_to_request(request, edit_version)
        try:
            return wrapper(self._dxid, request, **kwargs)
        finally:
            self.describe()

    def _get_stage_id(self, stage):
        """The ID of *stage*, given as an ID, a name, or an index (int or digit string)."""
        stages = self._described("stages")
        if isinstance(stage, basestring):
            try:
                stage = int(stage)
            except ValueError:
                pass
        if not isinstance(stage, basestring):
            if isinstance(stage, bool) or not isinstance(stage, int):
                raise DXError("DXWorkflow: the given stage identifier was neither a string stage ID nor an integer "
                              "index: %r" % (stage,))
            if not 0 <= stage < len(stages):
                raise DXError("DXWorkflow: the workflow contains %d stage(s), and the numerical value of the given "
                              "stage identifier is out of range" % len(stages))
            return stages[stage].get("id")
        if _STAGE_ID_SHAPE.match(stage) and any(stg.get("id") == stage for stg in stages):
            return stage
        by_name = [stg["id"] for stg in stages if stg.get("name") == stage]
        if not by_name:
            raise DXError("DXWorkflow: the given stage identifier %s could not be found as a stage ID nor as a "
                          "stage name" % stage)
        if len(by_name) > 1:
            raise DXError('DXWorkflow: more than one workflow stage was found to have the name "%s"' % stage)
        return by_name[0]

    # Stages

    def add_stage(self, executable, stage_id=None, name=None, folder=None, stage_input=None, instance_type=None,
                  edit_version=None, **kwargs):
        """Append a stage running *executable* (an app/applet handler or ID) and return
        its ID. *stage_id* chooses the ID; *name*, *folder* (output folder), *stage_input*
        (bound inputs) and *instance_type* (string, or dict of entry point -> type)
        configure it."""
        request = {"executable": _executable_id(executable, "add_stage")}
        for field, value in (("id", stage_id), ("name", name), ("folder", folder), ("input", stage_input)):
            if value is not None:
                request[field] = value
        if instance_type is not None:
            request["systemRequirements"] = SystemRequirementsDict.from_instance_type(instance_type).as_dict()
        return self._change(dxpy.api.workflow_add_stage, request, edit_version, **kwargs)["stage"]

    def get_stage(self, stage, **kwargs):
        """The description of *stage* (ID, name or index) from the cached description."""
        stage_id = self._get_stage_id(stage)
        for described in self._described("stages"):
            if described["id"] == stage_id:
                return described
        raise DXError("The stage ID %s could not be found" % stage_id)

    def remove_stage(self, stage, edit_version=None, **kwargs):
        """Remove *stage* (ID, name or index); returns its ID."""
        stage_id = self._get_stage_id(stage)
        self._change(dxpy.api.workflow_remove_stage, {"stage": stage_id}, edit_version, **kwargs)
        return stage_id

    def move_stage(self, stage, new_index, edit_version=None, **kwargs):
        """Move *stage* (ID, name or index) to position *new_index* (0 is first)."""
        stage_id = self._get_stage_id(stage)
        self._change(dxpy.api.workflow_move_stage, {"stage": stage_id, "newIndex": new_index}, edit_version,
                     **kwargs)

    def update(self, title=None, unset_title=False, summary=None, description=None,
               output_folder=None, unset_output_folder=False,
               workflow_inputs=None, unset_workflow_inputs=False,
               workflow_outputs=None, unset_workflow_outputs=False,
               stages=None, edit_version=None, **kwargs):
        """Change workflow metadata. Each ``unset_*`` flag clears its field and cannot be
        combined with a value for it; *stages* is the ``stages`` field of
        ``/workflow-xxxx/update`` (see :meth:`update_stage` for one stage). Nothing is
        sent when nothing changes."""
        for value, unset, label in ((title, unset_title, "title"), (output_folder, unset_output_folder,
                                                                      "output_folder"),
                                    (workflow_inputs, unset_workflow_inputs, "workflow_inputs"),
                                    (workflow_outputs, unset_workflow_outputs, "workflow_outputs")):
            if value is not None and unset:
                raise DXError('dxpy.DXWorkflow.update: cannot provide both "%s" and set "unset_%s"' % (label, label))
        request = {}
        for field, value, unset in (("title", title, unset_title), ("summary", summary, False),
                                    ("description", description, False),
                                    ("outputFolder", output_folder, unset_output_folder),
                                    ("stages", stages, False),
                                    ("inputs", workflow_inputs, unset_workflow_inputs),
                                    ("outputs", workflow_outputs, unset_workflow_outputs)):
            if value is not None:
                request[field] = value
            elif unset:
                request[field] = None
        if request:
            self._change(dxpy.api.workflow_update, request, edit_version, **kwargs)

    def update_stage(self, stage, executable=None, force=False,
                     name=None, unset_name=False, folder=None, unset_folder=False, stage_input=None,
                     instance_type=None, edit_version=None, **kwargs):
        """Change *stage* (ID, name or index): its *executable* (refused by the server when
        incompatible unless *force*), *name*, *folder*, bound *stage_input*,
        *instance_type*. ``unset_name``/``unset_folder`` clear those fields."""
        stage_id = self._get_stage_id(stage)
        if name is not None and unset_name:
            raise DXError('dxpy.DXWorkflow.update_stage: cannot provide both "name" and set "unset_name"')
        if folder is not None and unset_folder:
            raise DXError('dxpy.DXWorkflow.update_stage: cannot provide both "folder" and set "unset_folder"')
        exec_id = None if executable is None else _executable_id(executable, "update_stage")

        changes = {}
        if name is not None:
            changes["name"] = name
        elif unset_name:
            changes["name"] = None
        if folder:
            changes["folder"] = folder
        elif unset_folder:
            changes["folder"] = None
        if stage_input:
            changes["input"] = stage_input
        if instance_type is not None:
            changes["systemRequirements"] = SystemRequirementsDict.from_instance_type(instance_type).as_dict()

        if exec_id is not None:
            request = {"stage": stage_id, "executable": exec_id, "force": force}
            self._change(dxpy.api.workflow_update_stage_executable, request, edit_version, **kwargs)
            # The workflow is now one edit further: the next change uses the refreshed version.
            edit_version = None
        if changes:
            self._change(dxpy.api.workflow_update, {"stages": {stage_id: changes}}, edit_version, **kwargs)

    def is_locked(self):
        """True when the (cached) workflow is closed and has explicit workflow inputs: then
        only those inputs can be given when it runs."""
        return self._desc.get("inputs") is not None and self._desc.get("state") == "closed"

    # Running

    def _get_input_name(self, input_str, region=None, describe_output=None):
        """*input_str* with its stage part (``<stage ID, name or index>.<field>``) turned
        into the stage ID; workflow-level names are kept as they are."""
        if "." in input_str:
            stage, field = input_str.split(".", 1)
            return self._get_stage_id(stage) + "." + field
        return input_str

    def _get_effective_input(self, workflow_input):
        if not isinstance(workflow_input, dict):
            raise DXError("The input of a workflow must be a dict of input names to values, not %r"
                          % (workflow_input,))
        effective = {}
        for key, value in workflow_input.items():
            name = self._get_input_name(key)
            if name in effective:
                raise DXError("DXWorkflow: the input for %s was provided more than once" % name)
            effective[name] = value
        return effective

    def _stage_keys(self, option, stages):
        if not isinstance(stages, (list, tuple)):
            raise DXError("%s must be a list of stage IDs, names, indices or \"*\", not %r" % (option, stages))
        return ["*" if stage == "*" else self._get_stage_id(stage) for stage in stages]

    def _stage_mapping(self, option, mapping):
        if not isinstance(mapping, dict):
            raise DXError("%s must be a dict keyed by stage ID, name, index or \"*\", not %r" % (option, mapping))
        return {"*" if stage == "*" else self._get_stage_id(stage): value for stage, value in mapping.items()}

    def _get_run_input(self, workflow_input, **kwargs):
        run_input = DXExecutable._get_run_input_common_fields(self._get_effective_input(workflow_input), **kwargs)
        if kwargs.get("stage_instance_types") is not None:
            by_stage = self._stage_mapping("stage_instance_types", kwargs["stage_instance_types"])
            run_input["stageSystemRequirements"] = {
                stage: SystemRequirementsDict.from_instance_type(value).as_dict() for stage, value in by_stage.items()}
        if kwargs.get("stage_folders") is not None:
            run_input["stageFolders"] = self._stage_mapping("stage_folders", kwargs["stage_folders"])
        if kwargs.get("rerun_stages") is not None:
            run_input["rerunStages"] = self._stage_keys("rerun_stages", kwargs["rerun_stages"])
        # For workflows ignoreReuse is a list of stages: True means every stage.
        if kwargs.get("ignore_reuse", False):
            run_input["ignoreReuse"] = ["*"]
        if kwargs.get("ignore_reuse_stages") is not None:
            run_input["ignoreReuse"] = self._stage_keys("ignore_reuse_stages", kwargs["ignore_reuse_stages"])
        return run_input

    def _run_impl(self, run_input, **kwargs):
        return DXAnalysis(dxpy.api.workflow_run(self._dxid, run_input, **kwargs)["id"])

    def run(self, workflow_input, *args, **kwargs):
        """Run the workflow and return the :class:`DXAnalysis`.

        Keys of *workflow_input* are ``"<stage>.<field>"`` (stage index, name or ID) or the
        name of a workflow-level or exported input. Besides the options of
        :meth:`DXExecutable.run`: *stage_instance_types* (stage -> instance type string or
        dict), *stage_folders* (stage or "*" -> folder), *rerun_stages* and
        *ignore_reuse_stages* (lists of stages or "*").
        """
        return super(DXWorkflow, self).run(workflow_input, *args, **kwargs)
