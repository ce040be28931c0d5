"""Analyses: one run of a workflow (``DXWorkflow.run``, ``DXGlobalWorkflow.run``), made of
one job or analysis per stage."""
import dxpy  # noqa: F401  (dxpy exposes these names in this module)
from . import DXObject  # noqa: F401
from ..exceptions import DXJobFailureError  # noqa: F401
from .dxjob import _Execution


class DXAnalysis(_Execution):
    """Handler for an analysis (``analysis-xxxx``)."""

    _class = "analysis"
    _failed_states = ("failed", "partially_failed")

    def describe(self, fields=None, **kwargs):
        """Describe the analysis; *fields* (dict of name -> True, or names) limits the output."""
        return self._describe_with({}, fields, **kwargs)
