"""The emulated platform's state and API methods, with no HTTP involved."""
from .platform import ROUTES, Platform

__all__ = ["Platform", "ROUTES"]
