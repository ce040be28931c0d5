"""Unique request tokens that let the API server recognise a repeated request."""

import os
import time


class Nonce(object):
    """A random token: 64 hex digits from os.urandom followed by the current time."""

    def __init__(self):
        self.nonce = "%s%f" % (os.urandom(32).hex(), time.time())

    def __str__(self):
        return self.nonce

    @staticmethod
    def update_nonce(input_params):
        """Return a shallow copy of the dict *input_params* that carries a "nonce".

        A nonce already present with a non-empty value is kept; otherwise a new one
        is added. The argument itself is never modified.
        """
        if not isinstance(input_params, dict):
            raise TypeError("update_nonce expects the API input as a dict, got %s"
                            % type(input_params).__name__)
        params = input_params.copy()
        if not params.get("nonce"):
            params["nonce"] = str(Nonce())
        return params
