"""Changing the tag, type and property lists that projects, data objects and executions share."""


def edit_list(entity, field, values, adding):
    """Append the *values* that ``entity[field]`` lacks (once each, in order), or remove
    every one of them from it."""
    if adding:
        entity[field].extend(value for value in values if value not in entity[field])
    else:
        entity[field] = [value for value in entity[field] if value not in values]


def set_properties(entity, changes):
    """Apply *changes*; a null value deletes the property."""
    for key, value in changes.items():
        if value is None:
            entity["properties"].pop(key, None)
        else:
            entity["properties"][key] = value
