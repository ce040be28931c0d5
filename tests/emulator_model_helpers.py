"""Shared set-up for the tests of dxpy.emulator.model (no HTTP involved)."""
import pytest

from dxpy.emulator.errors import PlatformError
from dxpy.emulator.model import Platform


class Caller(object):
    """One user of a Platform: ``api("/project/new", {...})`` calls a route as that user."""

    def __init__(self, platform, username):
        self.platform = platform
        self.user, self.token = platform.add_user(username)

    def __call__(self, route, payload=None, **kwargs):
        return self.platform.call(self.user, route, {} if payload is None else payload, **kwargs)

    def project(self, name="proj", **fields):
        fields["name"] = name
        return self("/project/new", fields)["id"]

    def record(self, project, **fields):
        fields["project"] = project
        return self("/record/new", fields)["id"]


def fails(error_type, status, call, *args, **kwargs):
    """Run *call* and check it raises the platform error *error_type* with HTTP *status*."""
    with pytest.raises(PlatformError) as info:
        call(*args, **kwargs)
    assert (info.value.error_type, info.value.status) == (error_type, status), info.value.message
    return info.value


def make_platform(data_dir=None):
    platform = Platform(data_dir)
    return platform, Caller(platform, "alice"), Caller(platform, "bob")
