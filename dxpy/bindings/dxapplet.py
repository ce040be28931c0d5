"""Executables and applets.

:class:`DXExecutable` holds what every runnable thing shares (apps, applets, workflows,
global workflows): turning the keyword options of ``run`` into the input of the
``/<executable>/run`` API call. :class:`DXApplet` is the handler of applet data objects.
"""
import dxpy
from . import DXDataObject
from ..compat import basestring  # noqa: F401  (a public name of this module in dxpy)
from ..exceptions import DXError
from ..utils import merge
from ..utils.resolver import is_project_id
from .dxjob import DXJob, SystemRequirementsDict, _add_system_requirements, _depends_on_ids  # noqa: F401

# run() options that only workflows understand.
_WORKFLOW_ONLY_OPTIONS = ("stage_instance_types", "stage_folders", "rerun_stages", "ignore_reuse_stages")

# Simple run() options copied as they are, under their API name.
_PLAIN_OPTIONS = (
    ("delay_workspace_destruction", "delayWorkspaceDestruction"),
    ("allow_ssh", "allowSSH"),
    ("debug", "debug"),
    ("priority", "priority"),
    ("ignore_reuse", "ignoreReuse"),
)

# Applied after extra_args, so these win over the same keys given there (as in dxpy).
_LATE_OPTIONS = (
    ("detach", "detach"),
    ("cost_limit", "costLimit"),
    ("rank", "rank"),
    ("max_tree_spot_wait_time", "maxTreeSpotWaitTime"),
    ("max_job_spot_wait_time", "maxJobSpotWaitTime"),
    ("detailed_job_metrics", "detailedJobMetrics"),
)


class DXExecutable(object):
    """Mix-in for handlers that can be run: :class:`DXApplet`, ``DXApp``, ``DXWorkflow``
    and ``DXGlobalWorkflow``. Subclasses define ``_get_run_input`` and ``_run_impl``."""

    def __init__(self, *args, **kwargs):
        raise NotImplementedError("DXExecutable is a mix-in: use DXApplet, DXApp, DXWorkflow or DXGlobalWorkflow")

    @staticmethod
    def _get_run_input_common_fields(executable_input, **kwargs):
        """The ``/run`` input fields that mean the same for every kind of executable, from
        the keyword options of :meth:`run`."""
        if not isinstance(executable_input, dict):
            raise DXError("The input of an executable must be a dict of input field names to values, not %r"
                          % (executable_input,))
        project = kwargs.get("project") or dxpy.WORKSPACE_ID
        run_input = {"input": executable_input}
        for option in ("folder", "name", "tags", "properties", "details"):
            if kwargs.get(option) is not None:
                run_input[option] = kwargs[option]

        _add_system_requirements(run_input, kwargs.get("instance_type"), kwargs.get("cluster_spec"),
                                 kwargs.get("fpga_driver"), kwargs.get("nvidia_driver"),
                                 kwargs.get("system_requirements"), kwargs.get("system_requirements_by_executable"))
        if kwargs.get("depends_on") is not None:
            run_input["dependsOn"] = _depends_on_ids(kwargs["depends_on"])

        for option, field in _PLAIN_OPTIONS:
            if kwargs.get(option) is not None:
                run_input[field] = kwargs[option]

        # Outside a job the project is always named; inside one the new execution runs as a
        # subjob in the job's workspace, unless it is detached into a project.
        detached_to_project = kwargs.get("detach") is True and project is not None and is_project_id(project)
        if dxpy.JOB_ID is None or detached_to_project:
            run_input["project"] = project

        if kwargs.get("extra_args") is not None:
            if not isinstance(kwargs["extra_args"], dict):
                raise DXError("extra_args must be a dict to merge into the run input, not %r"
                              % (kwargs["extra_args"],))
            merge(run_input, kwargs["extra_args"])

        for option, field in _LATE_OPTIONS:
            if kwargs.get(option) is not None:
                run_input[field] = kwargs[option]

        preserve = kwargs.get("preserve_job_outputs")
        if preserve is not None and preserve is not False:
            # True: the default folder; a dict may name one ({"folder": ...}).
            run_input["preserveJobOutputs"] = {} if preserve is True else preserve
        return run_input

    @staticmethod
    def _get_run_input_fields_for_applet(executable_input, **kwargs):
        """The ``/run`` input of an applet or app (no workflow-only options)."""
        for option in _WORKFLOW_ONLY_OPTIONS:
            if kwargs.get(option):
                raise DXError(option + " is not supported for applets (only workflows)")
        run_input = DXExecutable._get_run_input_common_fields(executable_input, **kwargs)
        if kwargs.get("head_job_on_demand") is not None:
            run_input["headJobOnDemand"] = kwargs["head_job_on_demand"]
        return run_input

    def _get_run_input(self, executable_input, **kwargs):
        raise NotImplementedError("%s does not define _get_run_input" % type(self).__name__)

    def _run_impl(self, run_input, **kwargs):
        raise NotImplementedError("%s does not define _run_impl" % type(self).__name__)

    # Field lists used when an executable is dumped back to source (``dx get``): each
    # subclass sets _required_keys, _optional_keys, _describe_output_keys, _cleanup_keys.
    def _keys(self, kind):
        keys = getattr(type(self), "_%s_keys" % kind, None)
        if keys is None:
            raise NotImplementedError("%s does not define _%s_keys" % (type(self).__name__, kind))
        return keys

    def _get_required_keys(self):
        return self._keys("required")

    def _get_optional_keys(self):
        return self._keys("optional")

    def _get_describe_output_keys(self):
        return self._keys("describe_output")

    def _get_cleanup_keys(self):
        return self._keys("cleanup")

    def run(self, executable_input, project=None, folder=None, name=None, tags=None, properties=None, details=None,
            instance_type=None, stage_instance_types=None, stage_folders=None, rerun_stages=None, cluster_spec=None,
            depends_on=None, allow_ssh=None, debug=None, delay_workspace_destruction=None, priority=None,
            head_job_on_demand=None, ignore_reuse=None, ignore_reuse_stages=None, detach=None, cost_limit=None,
            rank=None, max_tree_spot_wait_time=None, max_job_spot_wait_time=None, preserve_job_outputs=None,
            detailed_job_metrics=None, extra_args=None, fpga_driver=None, system_requirements=None,
            system_requirements_by_executable=None, nvidia_driver=None, **kwargs):
        """Run the executable with *executable_input* (a dict of input field -> value) and
        return the handler of the new execution (a :class:`DXJob`, or a ``DXAnalysis``
        for workflows).

        Main options: *project* (default: the workspace) and *folder* for outputs; *name*,
        *tags*, *properties*, *details* of the execution; *instance_type* (a string, or a
        dict of entry point -> instance type) with *cluster_spec*, *fpga_driver* and
        *nvidia_driver* dicts, or *system_requirements* /
        *system_requirements_by_executable* given whole; *depends_on* (handlers or IDs of
        jobs and data objects to wait for); *priority* ("low", "normal", "high");
        *ignore_reuse*, *detach*, *cost_limit*, *rank*, spot wait times,
        *preserve_job_outputs* (True or {"folder": ...}), *detailed_job_metrics*,
        *head_job_on_demand*, *delay_workspace_destruction*, *allow_ssh*, *debug*.
        Workflows also take *stage_instance_types*, *stage_folders*, *rerun_stages* and
        *ignore_reuse_stages*. *extra_args* is merged into the API input; other kwargs go
        to the HTTP request.
        """
        options = dict(
            project=project, folder=folder, name=name, tags=tags, properties=properties, details=details,
            instance_type=instance_type, stage_instance_types=stage_instance_types, stage_folders=stage_folders,
            rerun_stages=rerun_stages, cluster_spec=cluster_spec, depends_on=depends_on, allow_ssh=allow_ssh,
            ignore_reuse=ignore_reuse, ignore_reuse_stages=ignore_reuse_stages, debug=debug,
            delay_workspace_destruction=delay_workspace_destruction, priority=priority,
            head_job_on_demand=head_job_on_demand, detach=detach, cost_limit=cost_limit, rank=rank,
            max_tree_spot_wait_time=max_tree_spot_wait_time, max_job_spot_wait_time=max_job_spot_wait_time,
            preserve_job_outputs=preserve_job_outputs, detailed_job_metrics=detailed_job_metrics,
            extra_args=extra_args, fpga_driver=fpga_driver, system_requirements=system_requirements,
            system_requirements_by_executable=system_requirements_by_executable, nvidia_driver=nvidia_driver)
        run_input = self._get_run_input(executable_input, **options)
        return self._run_impl(run_input, **kwargs)


# What ``dx get`` keeps of an applet's description.
_applet_required_keys = ["name", "title", "summary", "types", "tags", "httpsApp", "properties", "dxapi",
                         "inputSpec", "outputSpec", "runSpec", "access", "details"]
_applet_optional_keys = ["ignoreReuse", "treeTurnaroundTimeThreshold"]
_applet_describe_output_keys = ["properties", "details"]
_applet_cleanup_keys = ["name", "title", "summary", "types", "tags", "properties", "runSpec", "access", "details"]


def _unsupported(route):
    """Stand-in for an API route applets do not have: calling it raises DXError."""
    def call(object_id, input_params=None, always_retry=None, **kwargs):
        raise DXError("Wrapper for %s does not exist: applets do not support it (called for %s)"
                      % (route, object_id))
    return call


class DXApplet(DXDataObject, DXExecutable):
    """Handler for an applet (``applet-xxxx``): a data object holding code and its run and
    input/output specifications. Applets are closed when created and have no types,
    visibility or settable details."""

    _class = "applet"
    _required_keys = _applet_required_keys
    _optional_keys = _applet_optional_keys
    _describe_output_keys = _applet_describe_output_keys
    _cleanup_keys = _applet_cleanup_keys

    # Routes applets do not have (the others come from dxpy.api by _class).
    _add_types = staticmethod(_unsupported("/applet-xxxx/addTypes"))
    _remove_types = staticmethod(_unsupported("/applet-xxxx/removeTypes"))
    _set_details = staticmethod(_unsupported("/applet-xxxx/setDetails"))
    _set_visibility = staticmethod(_unsupported("/applet-xxxx/setVisibility"))
    _close = staticmethod(_unsupported("/applet-xxxx/close"))

    def _new(self, dx_hash, **kwargs):
        """Create the applet: *runSpec* and *dxapi* are required; *inputSpec*,
        *outputSpec*, *access*, *title*, *summary*, *description* are optional."""
        for field in ("runSpec", "dxapi"):
            if field not in kwargs:
                raise DXError("%s: Keyword argument %s is required" % (type(self).__name__, field))
            dx_hash[field] = kwargs.pop(field)
        for field in ("inputSpec", "outputSpec", "access", "title", "summary", "description"):
            if field in kwargs:
                dx_hash[field] = kwargs.pop(field)
        resp = dxpy.api.applet_new(dx_hash, **kwargs)
        self.set_ids(resp["id"], dx_hash["project"])

    def get(self, **kwargs):
        """Return the full specification of the applet (``/applet-xxxx/get``)."""
        return dxpy.api.applet_get(self._dxid, **kwargs)

    def _run_impl(self, run_input, **kwargs):
        if self._dxid is None:
            raise DXError("DXApplet.run: the handler has no applet ID")
        return DXJob(dxpy.api.applet_run(self._dxid, run_input, **kwargs)["id"])

    def _get_run_input(self, executable_input, **kwargs):
        return DXExecutable._get_run_input_fields_for_applet(executable_input, **kwargs)

    def run(self, applet_input, *args, **kwargs):
        """Run the applet's "main" entry point with *applet_input*; returns a
        :class:`DXJob`. Options as in :meth:`DXExecutable.run`."""
        return super(DXApplet, self).run(applet_input, *args, **kwargs)
