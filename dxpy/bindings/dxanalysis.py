"""Analyses: one run of a workflow (``DXWorkflow.run``, ``DXGlobalWorkflow.run``), made of
one job or analysis per stage."""
import time

import dxpy
from . import DXObject
from ..exceptions import DXError, DXJobFailureError
from .dxjob import _check_wait, _failure_message, _fields_input


class DXAnalysis(DXObject):
    """Handler for an analysis (``analysis-xxxx``)."""

    _class = "analysis"

    def __init__(self, dxid=None):
        self._test_harness_result = None
        DXObject.__init__(self)
        self.set_id(dxid)

    def _require_id(self, action):
        if self._dxid is None:
            raise DXError("DXAnalysis.%s: the handler has no analysis ID" % action)

    def describe(self, fields=None, **kwargs):
        """Describe the analysis; *fields* (dict of name -> True, or names) limits the output."""
        self._require_id("describe")
        describe_input = {}
        if fields is not None:
            describe_input["fields"] = _fields_input(fields)
        self._desc = dxpy.api.analysis_describe(self._dxid, describe_input, **kwargs)
        return self._desc

    def add_tags(self, tags, **kwargs):
        """Add *tags* (a list of strings) to the analysis."""
        self._require_id("add_tags")
        dxpy.api.analysis_add_tags(self._dxid, {"tags": tags}, **kwargs)

    def remove_tags(self, tags, **kwargs):
        """Remove *tags* (a list of strings) from the analysis."""
        self._require_id("remove_tags")
        dxpy.api.analysis_remove_tags(self._dxid, {"tags": tags}, **kwargs)

    def set_properties(self, properties, **kwargs):
        """Set properties (a dict of strings); None deletes a property, others are kept."""
        self._require_id("set_properties")
        dxpy.api.analysis_set_properties(self._dxid, {"properties": properties}, **kwargs)

    def wait_on_done(self, interval=2, timeout=3600 * 24 * 7, **kwargs):
        """Poll the analysis's state every *interval* seconds until it is done.

        Raises :exc:`DXJobFailureError` when it fails (or partially fails), is terminated,
        or when *timeout* seconds pass first.
        """
        _check_wait(interval, timeout)
        elapsed = 0
        while True:
            state = self._get_state(**kwargs)
            if state == "done":
                return
            if state in ("failed", "partially_failed"):
                raise DXJobFailureError(_failure_message("Analysis", self.describe(**kwargs)))
            if state == "terminated":
                raise DXJobFailureError("Analysis was terminated.")
            if elapsed >= timeout:
                raise DXJobFailureError("Reached timeout while waiting for the analysis to finish")
            time.sleep(interval)
            elapsed += interval

    def terminate(self, **kwargs):
        """Terminate the analysis and its jobs."""
        self._require_id("terminate")
        dxpy.api.analysis_terminate(self._dxid, **kwargs)

    def get_output_ref(self, field, index=None, metadata=None):
        """A reference to output *field* of this analysis (optionally its element *index*,
        or the *metadata* path of the object it names)."""
        link = {"analysis": self._dxid, "field": field}
        if index is not None:
            link["index"] = index
        if metadata is not None:
            link["metadata"] = metadata
        return {"$dnanexus_link": link}

    def _get_state(self, **kwargs):
        return self.describe(fields={"state": True}, **kwargs)["state"]
