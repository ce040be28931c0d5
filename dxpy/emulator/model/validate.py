"""Input checks: every failure is an InvalidInput naming the offending field."""
from ..errors import InvalidInput
from .ids import id_class

_MISSING = object()
REQUIRED = _MISSING  # the default that makes a field mandatory
_NAMES = {str: "a string", bool: "a boolean", int: "an integer", float: "a number",
          list: "an array", dict: "a JSON object", type(None): "null"}


def _matches(value, kind):
    if isinstance(kind, tuple):
        return any(_matches(value, k) for k in kind)
    if isinstance(value, bool):
        return kind is bool  # bool is an int subclass, but JSON keeps them apart
    if kind is float:
        return isinstance(value, (int, float))
    return isinstance(value, kind)


def _describe_kind(kind):
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return " or ".join(_NAMES[k] for k in kinds)


def as_object(payload):
    if not isinstance(payload, dict):
        raise InvalidInput("Expected input to be a JSON object")
    return payload


def get(payload, name, kind, default=_MISSING):
    """``payload[name]`` checked against *kind* (a type or tuple); *default* when absent."""
    if name not in payload:
        if default is _MISSING:
            raise InvalidInput('Expected input to have key "%s"' % name)
        return default
    value = payload[name]
    if not _matches(value, kind):
        raise InvalidInput('Expected key "%s" of input to be %s' % (name, _describe_kind(kind)))
    return value


def strings(payload, name, default=_MISSING):
    """A list of strings (a fresh copy, so callers may keep it)."""
    value = get(payload, name, list, default)
    if value is default:
        return list(default) if isinstance(default, list) else default
    if not all(isinstance(item, str) for item in value):
        raise InvalidInput('Expected key "%s" of input to be an array of strings' % name)
    return list(value)


def string_map(payload, name, default=_MISSING, allow_null=False):
    """A mapping of strings to strings (values may be null when *allow_null*)."""
    value = get(payload, name, dict, default)
    if value is default:
        return dict(default) if isinstance(default, dict) else default
    for item in value.values():
        if not (isinstance(item, str) or (allow_null and item is None)):
            raise InvalidInput('Expected key "%s" of input to map strings to strings' % name)
    return dict(value)


def entity_id(payload, name, classes, default=_MISSING):
    """A well-formed ID whose class is one of *classes*."""
    value = get(payload, name, str, default)
    if value is default:
        return value
    if id_class(value) not in classes:
        raise InvalidInput('Expected key "%s" of input to be an ID of class %s'
                           % (name, " or ".join(classes)))
    return value


def one_of(payload, name, choices, default=_MISSING):
    value = get(payload, name, str, default)
    if value is not default and value not in choices:
        raise InvalidInput('Expected key "%s" of input to be one of %s' % (name, ", ".join(choices)))
    return value


def field_selector(payload, name="fields"):
    """The ``fields`` describe option: a mapping of field names to booleans."""
    value = get(payload, name, dict, None)
    if value is None:
        return None
    if not all(isinstance(flag, bool) for flag in value.values()):
        raise InvalidInput('Expected key "%s" of input to map field names to booleans' % name)
    return value
