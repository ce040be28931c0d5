"""Numeric versions ``MAJOR[.MINOR[.PATCH]]`` that compare as numbers ("2.10" > "2.9")."""
import functools


@functools.total_ordering
class Version:
    """A version of one to three dot-separated non-negative integers; missing parts are 0."""

    def __init__(self, version):
        if not isinstance(version, str):
            raise ValueError("Expected a version string such as '2.8.0', not %r" % (version,))
        parts = version.split(".")
        if len(parts) > 3 or not all(part.isdigit() for part in parts):
            raise ValueError("Unsupported version format: %r (expected MAJOR[.MINOR[.PATCH]])" % (version,))
        numbers = [int(part) for part in parts] + [0, 0]
        self.version = tuple(numbers[:3])

    def __eq__(self, other):
        if not isinstance(other, Version):
            return NotImplemented
        return self.version == other.version

    def __lt__(self, other):
        if not isinstance(other, Version):
            return NotImplemented
        return self.version < other.version

    def __hash__(self):
        return hash(self.version)

    def __repr__(self):
        return "Version(%r)" % (".".join(map(str, self.version)),)
