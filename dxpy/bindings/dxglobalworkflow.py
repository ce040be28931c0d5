"""Global workflows: versioned workflows published in the global namespace, like apps.

A global workflow holds, per region, an underlying :class:`DXWorkflow` with the stages and
inputs; running it in a project runs the workflow of the project's region.
"""
import dxpy
from . import DXObject, verify_string_dxid  # noqa: F401  (public names of this module in dxpy)
from ..compat import basestring
from ..exceptions import DXError
from .dxanalysis import DXAnalysis
from .dxapp import _GlobalExecutable
from .dxapplet import DXExecutable  # noqa: F401  (a public name here in dxpy)


class DXGlobalWorkflow(_GlobalExecutable):
    """Handler for a global workflow, by ID (``globalworkflow-xxxx``) or by name and
    version or tag (``DXGlobalWorkflow(name="wgs", alias="1.0.0")``)."""

    _class = "globalworkflow"
    _api_prefix = "global_workflow"
    _label = "Global workflow"
    _execution_class = DXAnalysis

    def __init__(self, dxid=None, name=None, alias=None):
        # The underlying workflows of a version never change: cache them per region.
        self._workflows_by_region = {}
        self._workflow_desc_by_region = {}
        _GlobalExecutable.__init__(self, dxid=dxid, name=name, alias=alias)

    def set_id(self, dxid=None, name=None, alias=None):
        """Point the handler at *dxid*, or at *name* with version or tag *alias* (default
        "default"). Giving *dxid* together with a name or alias is an error."""
        _GlobalExecutable.set_id(self, dxid=dxid, name=name, alias=alias)
        self._workflows_by_region = {}
        self._workflow_desc_by_region = {}

    def new(self, **kwargs):
        """Create a global workflow version from the workflows named per region in
        *regionalOptions*; *version*, *name* and *regionalOptions* are required, *bill_to*
        optional. Other kwargs go to the API call."""
        dx_hash = {}
        for field in ("version", "name", "regionalOptions"):
            if field not in kwargs:
                raise DXError("%s: Keyword argument %s is required" % (type(self).__name__, field))
            dx_hash[field] = kwargs.pop(field)
        if "bill_to" in kwargs:
            dx_hash["billTo"] = kwargs.pop("bill_to")
        resp = dxpy.api.global_workflow_new(dx_hash, **kwargs)
        self.set_id(dxid=resp["id"])

    def _underlying_workflow_id(self, region, describe_output):
        if region is None:
            raise DXError("DXGlobalWorkflow: region must be provided to get an underlying workflow")
        if describe_output is not None and describe_output.get("class") != "globalworkflow":
            raise DXError("DXGlobalWorkflow: describe_output must be the description of a global workflow")
        if not describe_output:
            describe_output = self.describe()
        regional = describe_output.get("regionalOptions") or {}
        if region not in regional:
            raise DXError("DXGlobalWorkflow: the global workflow %s is not enabled in region %s"
                          % (self.get_id(), region))
        options = regional[region]
        # The copy of the workflow lives in the version's resources container.
        resources = options.get("resources")
        if not (isinstance(resources, basestring) and resources.startswith(("container-", "project-"))):
            resources = None
        return options["workflow"], resources

    def describe_underlying_workflow(self, region, describe_output=None):
        """The description of the workflow behind this global workflow in *region*
        (*describe_output*, the global workflow's description, saves a call)."""
        if region not in self._workflow_desc_by_region:
            workflow = self.get_underlying_workflow(region, describe_output=describe_output)
            self._workflow_desc_by_region[region] = workflow.describe()
        return self._workflow_desc_by_region[region]

    def get_underlying_workflow(self, region, describe_output=None):
        """The :class:`DXWorkflow` handler of the workflow behind this global workflow in
        *region*."""
        if region not in self._workflows_by_region:
            from .dxworkflow import DXWorkflow
            workflow_id, container = self._underlying_workflow_id(region, describe_output)
            self._workflows_by_region[region] = DXWorkflow(workflow_id, project=container)
        return self._workflows_by_region[region]

    def append_underlying_workflow_desc(self, describe_output, region):
        """Add the stages, inputs and outputs of the workflow in *region* to
        *describe_output* (this global workflow's description, which lacks them because
        they differ per region) and return it."""
        underlying = self.describe_underlying_workflow(region, describe_output=describe_output)
        for field in ("inputs", "outputs", "inputSpec", "outputSpec", "stages"):
            describe_output[field] = underlying.get(field)
        return describe_output

    def _get_input_name(self, input_str, region=None, describe_output=None):
        workflow = self.get_underlying_workflow(region, describe_output=describe_output)
        return workflow._get_input_name(input_str)

    def _get_run_input(self, workflow_input, project=None, **kwargs):
        # Stage names resolve against the workflow of the region the analysis will run in.
        project = project or dxpy.WORKSPACE_ID
        if project is None:
            raise DXError("DXGlobalWorkflow.run: no project given and no default project is set")
        region = dxpy.api.project_describe(project, input_params={"fields": {"region": True}})["region"]
        workflow = self.get_underlying_workflow(region)
        return workflow._get_run_input(workflow_input, project=project, **kwargs)

    def run(self, workflow_input, *args, **kwargs):
        """Run the global workflow in the region of *project*; returns a
        :class:`DXAnalysis`. Input keys and options as in ``DXWorkflow.run``."""
        return super(DXGlobalWorkflow, self).run(workflow_input, *args, **kwargs)
