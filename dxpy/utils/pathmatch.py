"""Shell-style wildcards for DNAnexus folder paths.

``*`` and ``?`` stand for characters within one path component (never ``/``), so
``/data/*`` matches ``/data/reads`` but not ``/data/reads/old``; ``[seq]`` and ``[!seq]``
are character classes as in :mod:`fnmatch`. Matching is case-sensitive and covers the
whole name.
"""
import functools
import re

__all__ = ["filter", "translate"]

# Any single character of a path component.
_COMPONENT_CHAR = "[^/]"


def translate(pat):
    """The regular expression (as a string) that matches exactly the paths *pat* matches."""
    pieces = []
    i, n = 0, len(pat)
    while i < n:
        char = pat[i]
        i += 1
        if char == "*":
            pieces.append(_COMPONENT_CHAR + "*")
        elif char == "?":
            pieces.append(_COMPONENT_CHAR)
        elif char == "[":
            end = _class_end(pat, i)
            if end is None:
                pieces.append(re.escape(char))  # no closing bracket: a literal "["
            else:
                pieces.append(_character_class(pat[i:end]))
                i = end + 1
        else:
            pieces.append(re.escape(char))
    return "(?ms)" + "".join(pieces) + r"\Z"


def _class_end(pat, start):
    """The index of the "]" closing the class that opens just before *start*, or None.
    A "]" first in the class (after an optional "!") is a member, not the end."""
    j = start
    if j < len(pat) and pat[j] == "!":
        j += 1
    if j < len(pat) and pat[j] == "]":
        j += 1
    end = pat.find("]", j)
    return None if end < 0 else end


def _character_class(members):
    """A regex class for the glob class body *members* ("!" first negates it)."""
    members = members.replace("\\", "\\\\")
    if members.startswith("!"):
        members = "^" + members[1:]
    elif members.startswith("^"):
        members = "\\" + members  # a literal caret, not a negation
    return "[" + members + "]"


@functools.lru_cache(maxsize=256)
def _compiled(pat):
    return re.compile(translate(pat))


def filter(names, pat):
    """The items of *names* (in their order) that *pat* matches as a whole."""
    match = _compiled(pat).match
    return [name for name in names if match(name)]
