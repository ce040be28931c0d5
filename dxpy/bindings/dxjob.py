"""Jobs: one run of an app or applet entry point.

A :class:`DXJob` handler comes from running an executable (``DXApplet.run``, ``DXApp.run``)
or, inside a running job, from :func:`new_dxjob`, which queues another entry point of the
same executable as a subjob.
"""
import os
import time

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


def _check_wait(interval, timeout):
    for label, value in (("interval", interval), ("timeout", timeout)):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            raise DXError("wait_on_done: %s must be a non-negative number of seconds, not %r" % (label, value))


def _failure_message(kind, desc):
    message = "%s has failed because of %s: %s" % (kind, desc.get("failureReason"), desc.get("failureMessage"))
    failure_from = desc.get("failureFrom")
    if failure_from is not None and failure_from.get("id") != desc.get("id"):
        message += " (failure from %s)" % failure_from.get("id")
    return message


def _fields_input(fields):
    """Field selections are sent as {name: true}; a list or set of names is converted."""
    if isinstance(fields, (list, set, tuple, frozenset)):
        return {name: True for name in fields}
    return fields


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


class DXJob(DXObject):
    """Handler for a job (``job-xxxx``; ``localjob-N`` for the local job harness)."""

    _class = "job"

    def __init__(self, dxid=None):
        self._test_harness_result = None
        DXObject.__init__(self)
        self.set_id(dxid)

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
        for key, value in (("name", name), ("tags", tags), ("properties", properties)):
            if value is not None:
                req_input[key] = value
        requirements = _system_requirements(instance_type, cluster_spec, fpga_driver, nvidia_driver, fn_name)
        if requirements is not None:
            req_input["systemRequirements"] = requirements
        if system_requirements is not None:
            req_input["systemRequirements"] = system_requirements
        if system_requirements_by_executable is not None:
            req_input["systemRequirementsByExecutable"] = system_requirements_by_executable
        if depends_on is not None:
            req_input["dependsOn"] = final_depends_on
        if details is not None:
            req_input["details"] = details
        self.set_id(dxpy.api.job_new(req_input, **kwargs)["id"])

    def set_id(self, dxid):
        """Associate the handler with *dxid* (a job ID, or a ``localjob-`` ID)."""
        if dxid is not None and not (isinstance(dxid, basestring) and dxid.startswith("localjob-")):
            verify_string_dxid(dxid, self._class)
        self._dxid = dxid

    def _require_id(self, action):
        if self._dxid is None:
            raise DXError("DXJob.%s: the handler has no job ID" % action)

    def describe(self, fields=None, defaultFields=None, io=None, **kwargs):
        """Describe the job. *fields* (dict of name -> True, or names) limits the output;
        *defaultFields* adds the default fields to them; *io* (deprecated) includes or
        leaves out input and output and cannot be combined with *fields*."""
        if fields is not None and io is not None:
            raise DXError("DXJob.describe: cannot provide non-None values for both fields and io")
        self._require_id("describe")
        describe_input = {}
        if fields is not None:
            describe_input["fields"] = _fields_input(fields)
        if defaultFields is not None:
            describe_input["defaultFields"] = defaultFields
        if io is not None:
            describe_input["io"] = io
        self._desc = dxpy.api.job_describe(self._dxid, describe_input, **kwargs)
        return self._desc

    def add_tags(self, tags, **kwargs):
        """Add *tags* (a list of strings) to the job."""
        self._require_id("add_tags")
        dxpy.api.job_add_tags(self._dxid, {"tags": tags}, **kwargs)

    def remove_tags(self, tags, **kwargs):
        """Remove *tags* (a list of strings) from the job."""
        self._require_id("remove_tags")
        dxpy.api.job_remove_tags(self._dxid, {"tags": tags}, **kwargs)

    def update(self, allow_ssh, **kwargs):
        """Replace the job's allowSSH list of address masks with *allow_ssh*."""
        self._require_id("update")
        dxpy.api.job_update(self._dxid, {"allowSSH": allow_ssh}, **kwargs)

    def set_properties(self, properties, **kwargs):
        """Set properties (a dict of strings); None deletes a property, others are kept."""
        self._require_id("set_properties")
        dxpy.api.job_set_properties(self._dxid, {"properties": properties}, **kwargs)

    def wait_on_done(self, interval=2, timeout=3600 * 24 * 7, **kwargs):
        """Poll the job's state every *interval* seconds until it is done.

        Raises :exc:`DXJobFailureError` when the job fails or is terminated, or when
        *timeout* seconds pass first.
        """
        _check_wait(interval, timeout)
        elapsed = 0
        while True:
            state = self._get_state(**kwargs)
            if state == "done":
                return
            if state == "failed":
                raise DXJobFailureError(_failure_message("Job", self.describe(**kwargs)))
            if state == "terminated":
                raise DXJobFailureError("Job was terminated.")
            if elapsed >= timeout:
                raise DXJobFailureError("Reached timeout while waiting for the job to finish")
            time.sleep(interval)
            elapsed += interval

    def terminate(self, **kwargs):
        """Terminate the job."""
        self._require_id("terminate")
        dxpy.api.job_terminate(self._dxid, **kwargs)

    def get_output_ref(self, field, index=None, metadata=None):
        """A job-based object reference to output *field* of this job (optionally its
        element *index*, or the *metadata* path of the object it names), usable as an
        input or output value before the job has finished."""
        link = {"job": self._dxid, "field": field}
        if index is not None:
            link["index"] = index
        if metadata is not None:
            link["metadata"] = metadata
        return {"$dnanexus_link": link}

    def _get_state(self, **kwargs):
        return self.describe(fields={"state": True}, **kwargs)["state"]
