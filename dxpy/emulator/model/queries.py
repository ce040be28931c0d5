"""The parts of a ``find*`` input that every search route reads alike: name, tag, property
and time queries, the ``limit`` and paging with ``starting``."""
import fnmatch
import re

from ..errors import InvalidInput
from .validate import get

MAX_LIMIT = 1000


def name_matcher(payload, field="name"):
    """A predicate on names for a string, ``{"glob": ...}`` or ``{"regexp": ...}`` query."""
    query = get(payload, field, (str, dict), None)
    if query is None:
        return lambda name: True
    if isinstance(query, str):
        return lambda name: name == query
    if isinstance(query.get("glob"), str):
        pattern = query["glob"]
        return lambda name: fnmatch.fnmatchcase(name, pattern)
    if isinstance(query.get("regexp"), str):
        flags = re.IGNORECASE if "i" in str(query.get("flags", "")) else 0
        try:
            compiled = re.compile(query["regexp"], flags)
        except re.error:
            raise InvalidInput('Invalid regular expression in key "%s" of input' % field)
        return lambda name: compiled.search(name) is not None
    raise InvalidInput('Expected key "%s" of input to be a string, {"glob": ...} or {"regexp": ...}' % field)


def all_of_matcher(payload, field):
    """Tags / types: a string, or ``{"$and": [...]}`` / ``{"$or": [...]}`` of strings."""
    query = get(payload, field, (str, dict), None)
    if query is None:
        return lambda values: True
    if isinstance(query, str):
        return lambda values: query in values
    for key, combine in (("$and", all), ("$or", any)):
        wanted = query.get(key)
        if isinstance(wanted, list) and all(isinstance(item, str) for item in wanted):
            return lambda values, wanted=wanted, combine=combine: combine(w in values for w in wanted)
    raise InvalidInput('Expected key "%s" of input to be a string or {"$and"|"$or": [strings]}' % field)


def properties_matcher(payload):
    """Each key must be present (value true), absent (false) or equal to the given string;
    ``{"$and": [...]}`` / ``{"$or": [...]}`` combine such mappings."""
    query = get(payload, "properties", dict, None)
    if query is None:
        return lambda props: True
    return _property_query(query)


def _property_query(query):
    if not isinstance(query, dict):
        raise InvalidInput('Expected key "properties" of input to hold JSON objects')
    for key, combine in (("$and", all), ("$or", any)):
        if key in query:
            parts = query[key]
            if len(query) != 1 or not isinstance(parts, list) or not parts:
                raise InvalidInput('Expected "%s" in key "properties" of input to be alone, with a '
                                   'non-empty array' % key)
            tests = [_property_query(part) for part in parts]
            return lambda props, tests=tests, combine=combine: combine(test(props) for test in tests)
    for value in query.values():
        if not isinstance(value, (str, bool)):
            raise InvalidInput('Expected values of key "properties" of input to be strings or booleans')

    def match(props):
        for key, value in query.items():
            if value is True and key not in props:
                return False
            if value is False and key in props:
                return False
            if isinstance(value, str) and props.get(key) != value:
                return False
        return True
    return match


def time_matcher(payload, field):
    query = get(payload, field, dict, None)
    if query is None:
        return lambda ms: True
    after = get(query, "after", int, None)
    before = get(query, "before", int, None)
    return lambda ms: (after is None or ms >= after) and (before is None or ms <= before)


def limit_of(payload):
    limit = get(payload, "limit", int, MAX_LIMIT)
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidInput('Expected key "limit" of input to be between 1 and %d' % MAX_LIMIT)
    return limit


def paginate(items, key, starting, limit):
    """Items from the one whose *key* is *starting* on, and the key to continue with."""
    start = 0
    if starting is not None:
        keys = [key(item) for item in items]
        if starting not in keys:
            raise InvalidInput('The value of key "starting" of input does not match any result')
        start = keys.index(starting)
    page = items[start:start + limit]
    rest = items[start + limit:]
    return page, (key(rest[0]) if rest else None)
