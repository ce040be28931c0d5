"""The containers a running app can use besides its workspace: its resources container
(read-only data shipped with the app) and its project cache. Only for code running in a
job (``dxpy.JOB_ID`` set)."""
import os

import dxpy
from . import DXDataObject
from ..exceptions import DXError
from .search import find_one_data_object


def _search_kwargs(kwargs, project):
    if "project" in kwargs:
        raise DXError('Unexpected kwarg: "project"')
    kwargs["project"] = project
    kwargs["return_handler"] = True
    # Documented to return None when nothing matches (dxpy raised DXSearchError instead).
    kwargs.setdefault("zero_ok", True)
    return kwargs


def _require_job():
    if dxpy.JOB_ID is None:
        raise DXError("Not called by a job")


def _cache_container():
    _require_job()
    cache = os.environ.get("DX_PROJECT_CACHE_ID")
    if cache is None:
        raise DXError("Project cache ID could not be found in the environment variable DX_PROJECT_CACHE_ID")
    return cache


def load_app_resource(**kwargs):
    """Find one data object in the app's resources container (``DX_RESOURCES_ID``; the
    project context ``DX_PROJECT_CONTEXT_ID`` when unset) and return its handler, or None.

    Takes the keyword arguments of :func:`find_one_data_object` except *project*.
    """
    if "project" in kwargs:
        raise DXError('Unexpected kwarg: "project"')
    _require_job()
    container = os.environ.get("DX_RESOURCES_ID", os.environ.get("DX_PROJECT_CONTEXT_ID"))
    if container is None:
        raise DXError("App resources container ID could not be found")
    return find_one_data_object(**_search_kwargs(kwargs, container))


def load_from_cache(**kwargs):
    """Find one data object in the project cache (``DX_PROJECT_CACHE_ID``), clone it into
    the job's workspace and return the handler of the clone; None when none matches.

    Takes the keyword arguments of :func:`find_one_data_object` except *project*.
    """
    if "project" in kwargs:
        raise DXError('Unexpected kwarg: "project"')
    cached = find_one_data_object(**_search_kwargs(kwargs, _cache_container()))
    if cached is None:
        return None
    return cached.clone(dxpy.WORKSPACE_ID)


def save_to_cache(dxobject):
    """Clone the data object of handler *dxobject* into the project cache."""
    cache = _cache_container()
    if not isinstance(dxobject, DXDataObject):
        raise DXError("save_to_cache: expected a data object handler, not %r" % (dxobject,))
    dxobject.clone(cache)
