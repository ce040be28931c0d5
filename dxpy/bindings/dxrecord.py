"""Records: data objects that hold only metadata (details, properties, types, tags)."""
import dxpy
import dxpy.api
from . import DXDataObject
from ..exceptions import DXError

__all__ = ["DXRecord", "new_dxrecord"]


def new_dxrecord(details=None, **kwargs):
    """Create a record and return its handler.

    Takes the arguments of :meth:`DXDataObject.new` plus *close* (close it at once) and
    *init_from* (a :class:`DXRecord` whose metadata the new record starts from).
    """
    record = DXRecord()
    record.new(details=details, **kwargs)
    return record


class DXRecord(DXDataObject):
    """Handler for a record."""

    _class = "record"

    def _new(self, dx_hash, close=False, **kwargs):
        """Call /record/new with *dx_hash* (plus ``initializeFrom`` for *init_from* and
        ``close``) and associate the handler with the new record."""
        init_from = kwargs.pop("init_from", None)
        if init_from is not None:
            if not isinstance(init_from, DXRecord):
                raise DXError("init_from should be a DXRecord, not %r" % (init_from,))
            dx_hash["initializeFrom"] = {"id": init_from.get_id(), "project": init_from.get_proj_id()}
        if close:
            dx_hash["close"] = True
        resp = dxpy.api.record_new(dx_hash, **kwargs)
        self._desc = {}
        self.set_ids(resp["id"], dx_hash["project"])
