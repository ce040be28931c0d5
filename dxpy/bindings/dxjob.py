"""Jobs: one run of an app or applet entry point.

A :class:`DXJob` handler comes from running an executable (``DXApplet.run``, ``DXApp.run``)
or, inside a running job, from :func:`new_dxjob`, which queues another entry point of the
same executable as a subjob.
"""
import os

import dxpy
from . import DXDataObject, DXObject, verify_string_dxid
from ..compat import basestring
from ..exceptions import DXError, DXJobFailureError
from ..system_requirements import SystemRequirementsDict


def _system_requirements(instance_type, cluster_spec, fpga_driver, nvidia_driver, entrypoint="*"):
    """The ``systemRequirements`` built from the run options, or None when none is given."""
    if all(value is None for value in (instance_type, cluster_spec, fpga_driver, nvidia_driver)):
        return None
    combined = SystemRequirementsDict.from_instance_type(instance_type, entrypoint)
    for mapping in (cluster_spec, fpga_driver, nvidia_driver):
        combined = combined + SystemRequirementsDict(mapping)
    return combined.as_dict()


def _add_system_requirements(request, instance_type, cluster_spec, fpga_driver, nvidia_driver, system_requirements,
                             system_requirements_by_executable, entrypoint="*"):
    """Put the ``systemRequirements`` built from the run options into *request* (a
    *system_requirements* given whole wins), and ``systemRequirementsByExecutable``."""
    requirements = _system_requirements(instance_type, cluster_spec, fpga_driver, nvidia_driver, entrypoint)
    if system_requirements is not None:
        requirements = system_requirements
    if requirements is not None:
        request["systemRequirements"] = requirements
    if system_requirements_by_executable is not None:
        request["systemRequirementsByExecutable"] = system_requirements_by_executable


def _link_target(link):
    """The ID a DNAnexus link ({"$dnanexus_link": ID or {"id": ID, ...}}) points to."""
    target = link["$dnanexus_link"]
    if isinstance(target, dict):
        target = target.get("id")
    if not isinstance(target, basestring):
        raise DXError("depends_on: %r is not a link to an object ID" % (link,))
    return target


def _depends_on_ids(depends_on):
    """The IDs of *depends_on*: a list of job/data object handlers, ID strings and links."""
    if not isinstance(depends_on, list):
        raise DXError("Expected depends_on field to be a list, not %r" % (depends_on,))
    ids = []
    for item in depends_on:
        if isinstance(item, (DXJob, DXDataObject)):
            if item.get_id() is None:
                raise DXError("A dxpy handler given in depends_on does not have an ID set: %r" % (item,))
            ids.append(item.get_id())
        elif isinstance(item, basestring):
            ids.append(item)
        elif isinstance(item, dict) and "$dnanexus_link" in item:
            ids.append(_link_target(item))
        else:
            raise DXError("Expected elements of depends_on to only be either instances of DXJob or DXDataObject, "
                          "strings or DNAnexus links, not %r" % (item,))
    return ids


def queue_entry_point(function, input_hash, depends_on=[], name=None):
    """Queue *function* in the local job harness (runs outside the platform); returns the
    new ``localjob-N`` ID."""
    try:
        from ..utils import local_exec_utils
    except ImportError:
        raise DXError("Cannot create a subjob for %r: DX_JOB_ID is not set (not running in a job) and the local "
                      "job harness dxpy.utils.local_exec_utils is not available" % (function,)) from None
    return local_exec_utils.queue_entry_point(function, input_hash, depends_on=list(depends_on), name=name)


def new_dxjob(fn_input, fn_name, name=None, tags=None, properties=None, details=None, instance_type=None,
              depends_on=None, cluster_spec=None, fpga_driver=None, system_requirements=None,
              system_requirements_by_executable=None, nvidia_driver=None, **kwargs):
    """Create a subjob running entry point *fn_name* of the current executable with
    *fn_input*; return its :class:`DXJob` handler. See :meth:`DXJob.new`."""
    dxjob = DXJob()
    dxjob.new(fn_input, fn_name, name=name, tags=tags, properties=properties, details=details,
              instance_type=instance_type, depends_on=depends_on, cluster_spec=cluster_spec,
              fpga_driver=fpga_driver, system_requirements=system_requirements,
              system_requirements_by_executable=system_requirements_by_executable,
              nvidia_driver=nvidia_driver, **kwargs)
    return dxjob


class _Execution(DXObject):
    """What jobs and analyses share: their routes are ``/<class>-xxxx/<method>``."""

    # States in which wait_on_done gives up with DXJobFailureError.
    _failed_states = ("failed",)

    def __init__(self, dxid=None):
        self._test_harness_result = None
        DXObject.__init__(self)
        self.set_id(dxid)

    def _call(self, method, *args, **kwargs):
        if self._dxid is None:
            raise DXError("%s.%s: the handler has no %s ID" % (type(self).__name__, method, self._class))
        return self._route(method)(self._dxid, *args, **kwargs)

    def _describe_with(self, describe_input, fields, **kwargs):
        if fields is not None:
            # Field selections are sent as {name: true}; a list or set of names is converted.
            if isinstance(fields, (list, set, tuple, frozenset)):
                fields = {name: True for name in fields}
            describe_input["fields"] = fields
        self._desc = self._call("describe", describe_input, **kwargs)
        return self._desc

    def add_tags(self, tags, **kwargs):
        """Add *tags* (a list of strings) to the execution."""
        self._call("add_tags", {"tags": tags}, **kwargs)

    def remove_tags(self, tags, **kwargs):
        """Remove *tags* (a list of strings) from the execution."""
        self._call("remove_tags", {"tags": tags}, **kwargs)

    def set_properties(self, properties, **kwargs):
        """Set properties (a dict of strings); None deletes a property, others are kept."""
        self._call("set_properties", {"properties": properties}, **kwargs)

    def terminate(self, **kwargs):
        """Terminate the execution (and, for an analysis, its jobs)."""
        self._call("terminate", **kwargs)

    def wait_on_done(self, interval=2, timeout=3600 * 24 * 7, **kwargs):
        """Poll the state every *interval* seconds until it is done.

        Raises :exc:`DXJobFailureError` when the execution fails (an analysis also when it
        partially fails) or is terminated, or when *timeout* seconds pass first.
        """
        for label, value in (("interval", interval), ("timeout", timeout)):
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
                raise DXError("wait_on_done: %s must be a non-negative number of seconds, not %r" % (label, value))
        from dxpy import http
        kind = self._class.capitalize()
        elapsed = 0
        while True:
            state = self._get_state(**kwargs)
            if state == "done":
                return
            if state in self._failed_states:
                raise DXJobFailureError(self._failure_message(self.describe(**kwargs)))
            if state == "terminated":
                raise DXJobFailureError("%s was terminated." % kind)
            if elapsed >= timeout:
                raise DXJobFailureError("Reached timeout while waiting for the %s to finish" % self._class)
            http._sleep(interval)
            elapsed += interval

    def _failure_message(self, desc):
        message = "%s has failed because of %s: %s" % (self._class.capitalize(), desc.get("failureReason"),
                                                       desc.get("failureMessage"))
        failure_from = desc.get("failureFrom")
        if failure_from is not None and failure_from.get("id") != desc.get("id"):
            message += " (failure from %s)" % failure_from.get("id")
        return message

    def get_output_ref(self, field, index=None, metadata=None):
        """A reference to output *field* of this execution (optionally its element *index*,
        or the *metadata* path of the object it names), usable as an input or output value
        before the execution has finished."""
        link = {self._class: self._dxid, "field": field}
        if index is not None:
            link["index"] = index
        if metadata is not None:
            link["metadata"] = metadata
        return {"$dnanexus_link": link}

    def _get_state(self, **kwargs):
        return self.describe(fields={"state": True}, **kwargs)["state"]


class DXJob(_Execution):
    """Handler for a job (``job-xxxx``; ``localjob-N`` for the local job harness)."""

    _class = "job"

    def new(self, fn_input, fn_name, name=None, tags=None, properties=None, details=None, instance_type=None,
            depends_on=None, cluster_spec=None, fpga_driver=None, system_requirements=None,
            system_requirements_by_executable=None, nvidia_driver=None, **kwargs):
        """Create a subjob running entry point *fn_name* of the current job's executable.

        Only meaningful inside a job (``DX_JOB_ID`` set); otherwise the entry point is
        queued in the local job harness. *instance_type* is a string or a dict of entry
        point -> instance type; *depends_on* a list of job/data object handlers or IDs;
        *system_requirements* replaces what *instance_type*, *cluster_spec*,
        *fpga_driver* and *nvidia_driver* would build. Other kwargs go to the API call.
        """
        if not isinstance(fn_name, basestring):
            raise DXError("DXJob.new: fn_name must be the name of an entry point, not %r" % (fn_name,))
        final_depends_on = [] if depends_on is None else _depends_on_ids(depends_on)
        if "DX_JOB_ID" not in os.environ:
            self.set_id(queue_entry_point(function=fn_name, input_hash=fn_input,
                                          depends_on=final_depends_on, name=name))
            return
        req_input = {"input": fn_input, "function": fn_name}
        for key, value in (("name", name), ("tags", tags), ("properties", properties), ("details", details)):
            if value is not None:
                req_input[key] = value
        _add_system_requirements(req_input, instance_type, cluster_spec, fpga_driver, nvidia_driver,
                                 system_requirements, system_requirements_by_executable, fn_name)
        if depends_on is not None:
            req_input["dependsOn"] = final_depends_on
        self.set_id(dxpy.api.job_new(req_input, **kwargs)["id"])

    def set_id(self, dxid):
        """Associate the handler with *dxid* (a job ID, or a ``localjob-`` ID)."""
        if dxid is not None and not (isinstance(dxid, basestring) and dxid.startswith("localjob-")):
            verify_string_dxid(dxid, self._class)
        self._dxid = dxid

    def describe(self, fields=None, defaultFields=None, io=None, **kwargs):
        """Describe the job. *fields* (dict of name -> True, or names) limits the output;
        *defaultFields* adds the default fields to them; *io* (deprecated) includes or
        leaves out input and output and cannot be combined with *fields*."""
        if fields is not None and io is not None:
            raise DXError("DXJob.describe: cannot provide non-None values for both fields and io")
        describe_input = {}
        if defaultFields is not None:
            describe_input["defaultFields"] = defaultFields
        if io is not None:
            describe_input["io"] = io
        return self._describe_with(describe_input, fields, **kwargs)

    def update(self, allow_ssh, **kwargs):
        """Replace the job's allowSSH list of address masks with *allow_ssh*."""
        self._call("update", {"allowSSH": allow_ssh}, **kwargs)
