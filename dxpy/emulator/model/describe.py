"""The ``fields`` / ``defaultFields`` selection common to every describe method."""
from .validate import field_selector, get


def select(full, extras, payload):
    """Pick from the complete description *full*; *extras* are fields only given on request."""
    fields = field_selector(payload)
    use_defaults = get(payload, "defaultFields", bool, fields is None)
    keep = set(name for name, flag in (fields or {}).items() if flag)
    if use_defaults:
        keep.update(name for name in full if name not in extras)
    keep.add("id")
    return dict((name, value) for name, value in full.items() if name in keep)


def describe_option(payload, name="describe"):
    """A ``describe`` option: False, True, or a mapping used as describe input."""
    value = get(payload, name, (bool, dict), False)
    if value is True:
        return {}
    return value if value else None
