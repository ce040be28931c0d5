"""The emulated platform's state and API methods, with no HTTP involved.

``Platform``, ``Options`` and ``ROUTES`` load the whole model on first use: the HTTP layer reads
the route table (``model.routes``) without it."""

__all__ = ["Options", "Platform", "ROUTES"]


def __getattr__(name):
    if name in __all__:
        from . import platform
        return getattr(platform, name)
    raise AttributeError("module %r has no attribute %r" % (__name__, name))
