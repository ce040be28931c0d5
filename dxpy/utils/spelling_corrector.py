"""Suggest the known word closest to a misspelt one (at most two edits away), as ``dx`` does
for an unknown command."""

_ALPHABET = "abcdefghijklmnopqrstuvwxyz"


def _one_edit_away(word):
    """Every string one deletion, transposition, replacement or insertion away from *word*."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    edits = set()
    for head, tail in splits:
        if tail:
            edits.add(head + tail[1:])
            edits.update(head + letter + tail[1:] for letter in _ALPHABET)
        if len(tail) > 1:
            edits.add(head + tail[1] + tail[0] + tail[2:])
        edits.update(head + letter + tail for letter in _ALPHABET)
    return edits


def correct(word, known_words):
    """The word of *known_words* closest to *word*: *word* itself when known, else a known word
    one edit away, else one two edits away; *word* when none is that close. Among equally close
    candidates the one listed most often in *known_words* wins, then the first in sorted order."""
    counts = {}
    for known in known_words:
        counts[known] = counts.get(known, 0) + 1
    if word in counts:
        return word
    near = _one_edit_away(word)
    candidates = near.intersection(counts)
    if not candidates:
        candidates = {far for edit in near for far in _one_edit_away(edit) if far in counts}
    if not candidates:
        return word
    return min(candidates, key=lambda candidate: (-counts[candidate], candidate))
