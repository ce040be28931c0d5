"""System requirements per entry point: the ``systemRequirements`` value of ``/job/new`` and
``/<executable>/run`` (and the entries of ``systemRequirementsByExecutable``)::

    {"main": {"instanceType": "mem2_hdd2_x2"}, "*": {"clusterSpec": {"initialInstanceCount": 3}}}

``"*"`` stands for every entry point without an entry of its own.
"""
import copy
from collections import defaultdict  # noqa: F401  (dxpy exposes it here)

from .compat import basestring
from .exceptions import DXCLIError, DXError, err_exit  # noqa: F401  (DXCLIError, err_exit: dxpy exposes them here)
from .utils import merge  # noqa: F401  (dxpy exposes it here)

# The fields of one entry point's requirements that from_sys_requirements can pick out.
_REQUIREMENT_TYPES = ("all", "clusterSpec", "instanceType", "instanceTypeSelector", "fpgaDriver", "nvidiaDriver")


class SystemRequirementsDict(object):
    """Requirements by entry point name; combine requirements from several sources with ``+``
    and send :meth:`as_dict` to the API. ``entrypoints`` is None when nothing is required."""

    def __init__(self, entrypoints):
        if entrypoints is not None and not isinstance(entrypoints, dict):
            raise DXError("Expected entrypoints to be a dict or None, not %r" % (entrypoints,))
        self.entrypoints = copy.deepcopy(entrypoints)

    @classmethod
    def from_instance_type(cls, instance_type_arg, entrypoint="*"):
        """A string applies to *entrypoint* (by default every entry point); a dict maps
        entry point names to instance types."""
        if instance_type_arg is None:
            return cls(None)
        if isinstance(instance_type_arg, basestring):
            return cls({entrypoint: {"instanceType": instance_type_arg}})
        if isinstance(instance_type_arg, dict):
            return cls({fn: {"instanceType": itype} for fn, itype in instance_type_arg.items()})
        raise DXError("Expected instance_type field to be either a string or a dict, not %r" % (instance_type_arg,))

    @classmethod
    def from_instance_count(cls, instance_count_arg, entrypoint="*"):
        """Cluster sizes: an int (or numeric string) for *entrypoint*, or a dict of them."""
        if instance_count_arg is None:
            return cls(None)
        try:
            if isinstance(instance_count_arg, dict):
                return cls({fn: {"clusterSpec": {"initialInstanceCount": int(count)}}
                            for fn, count in instance_count_arg.items()})
            if isinstance(instance_count_arg, (basestring, int)) and not isinstance(instance_count_arg, bool):
                return cls({entrypoint: {"clusterSpec": {"initialInstanceCount": int(instance_count_arg)}}})
        except (TypeError, ValueError):
            pass
        raise DXError("Expected instance_count field to be either an int, string or a dict, not %r"
                      % (instance_count_arg,))

    @classmethod
    def from_sys_requirements(cls, system_requirements, _type="all"):
        """Wrap *system_requirements*, keeping only the *_type* field of each entry point
        (``"all"`` keeps everything)."""
        if _type not in _REQUIREMENT_TYPES:
            raise DXError("Expected '_type' to be one of the following: %s" % (list(_REQUIREMENT_TYPES),))
        if _type == "all":
            return cls(system_requirements)
        if not isinstance(system_requirements, dict):
            raise DXError("Expected system_requirements to be a dict, not %r" % (system_requirements,))
        return cls({fn: {_type: req[_type]} for fn, req in system_requirements.items() if _type in req})

    def override_cluster_spec(self, srd):
        """The cluster specs of these requirements (an executable's own) with the instance
        counts requested in *srd*; a named entry point wins over ``"*"`` on both sides.

        Only ``initialInstanceCount`` may change at run time, yet the API needs the whole
        cluster spec, so the rest comes from the executable's spec.
        """
        own = self.entrypoints or {}
        wanted = srd.entrypoints or {}
        merged = {}
        for fn, req in own.items():
            if req.get("clusterSpec") is None or (fn not in wanted and "*" not in wanted):
                continue
            spec = copy.deepcopy(req["clusterSpec"])
            spec.update(wanted.get(fn, wanted.get("*"))["clusterSpec"])
            merged[fn] = {"clusterSpec": spec}
        default_spec = own.get("*", {}).get("clusterSpec")
        for fn, req in wanted.items():
            if fn not in merged and default_spec is not None:
                spec = copy.deepcopy(default_spec)
                spec.update(req["clusterSpec"])
                merged[fn] = {"clusterSpec": spec}
        return SystemRequirementsDict(merged)

    def override_spec(self, requested_spec):
        """Requested requirements replace these per entry point (``"*"`` replaces all)."""
        requested = requested_spec.entrypoints or {}
        if "*" in requested:
            return requested_spec
        own = self.entrypoints or {}
        merged = {}
        for fn in list(own) + [fn for fn in requested if fn not in own]:
            merged[fn] = requested.get(fn) or requested.get("*") or own.get(fn) or own.get("*")
        return SystemRequirementsDict(merged)

    def _add_dict_values(self, d1, d2):
        """Per entry point, the fields of *d1* updated with those of *d2* (None when both are None)."""
        if d1 is None and d2 is None:
            return None
        d1, d2 = d1 or {}, d2 or {}
        return {fn: dict(d1.get(fn, {}), **d2.get(fn, {})) for fn in list(d1) + [fn for fn in d2 if fn not in d1]}

    def __add__(self, other):
        if not isinstance(other, SystemRequirementsDict):
            raise DXError("Can only add a SystemRequirementsDict to a SystemRequirementsDict, not %r" % (other,))
        return SystemRequirementsDict(self._add_dict_values(self.entrypoints, other.entrypoints))

    def as_dict(self):
        """The requirements as the API takes them (None when there are none)."""
        return self.entrypoints

    def __repr__(self):
        return "SystemRequirementsDict(%r)" % (self.entrypoints,)
