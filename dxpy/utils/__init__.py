"""Utilities shared by the dxpy modules."""

from .nonce import Nonce

__all__ = ["Nonce"]
