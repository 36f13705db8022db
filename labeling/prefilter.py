"""Faster ``finditer`` for a large alternation of regular expressions, with identical matches.

Python's ``re`` tries every branch of an alternation at every position. ``Alternation`` reads
each branch's possible opening characters from the parsed pattern and builds (1) one scan for
the positions where some branch can start, which runs in C, and (2) per first character, the
pattern restricted to the branches that can start with it, in their original order. A match
attempt at a candidate position therefore gives the same result as the full pattern there,
and positions that are not candidates cannot match at all.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from re import _constants as sre
from re import _parser as sre_parse

_ZERO_WIDTH = {sre.AT, sre.ASSERT, sre.ASSERT_NOT}
_MAX_CLASS = 12
_MAX_STATES = 2000

Atom = str  # one character, or a character class in regex syntax
State = tuple[tuple[Atom, ...], bool]  # (atoms so far, whether nothing more is known)


def _charset(av: list) -> set[str] | None:
    chars: set[str] = set()
    for op, arg in av:
        if op is sre.LITERAL:
            chars.add(chr(arg))
        elif op is sre.RANGE:
            chars.update(map(chr, range(arg[0], arg[1] + 1)))
        else:
            return None
    return chars


def _class(chars: set[str]) -> Atom:
    return next(iter(chars)) if len(chars) == 1 else (
        "[" + "".join(re.escape(c) for c in sorted(chars)) + "]")


def _expand(seq, states: set[State], k: int) -> set[State]:
    """The opening atoms (at most *k*) of *seq* appended to each open state."""
    for op, av in seq:
        open_ = {s for s in states if not s[1] and len(s[0]) < k}
        if not open_:
            break
        if op in _ZERO_WIDTH:
            continue  # dropping an assertion only widens the candidates
        if op is sre.LITERAL:
            new = {(p + (chr(av),), False) for p, _ in open_}
        elif op is sre.IN:
            chars = _charset(av)
            if chars is None:
                new = {(p, True) for p, _ in open_}
            elif len(chars) > _MAX_CLASS:
                new = {(p + (_class(chars),), True) for p, _ in open_}
            else:
                new = {(p + (c,), False) for p, _ in open_ for c in chars}
        elif op is sre.SUBPATTERN:
            new = _expand(av[3], open_, k)
        elif op is sre.BRANCH:
            new = set().union(*(_expand(branch, open_, k) for branch in av[1]))
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT):
            low, high, sub = av
            new, current = set(), open_
            for i in range(min(high, k) + 1):
                if i >= low:
                    new |= current
                current = _expand(sub, current, k)
            new |= {s for s in current if s[1] or len(s[0]) >= k}
        else:
            new = {(p, True) for p, _ in open_}
        if len(new) > _MAX_STATES:
            new = {(p, True) for p, _ in open_}
        states = (states - open_) | new
    return states


def openings(pattern: str, k: int = 5) -> set[tuple[Atom, ...]]:
    """Atom sequences (up to *k* long) that every match of *pattern* starts with one of."""
    return {p[:k] for p, _ in _expand(sre_parse.parse(pattern), {((), False)}, k)}


def _first_chars(atoms: set[tuple[Atom, ...]]) -> set[str] | None:
    chars: set[str] = set()
    for seq in atoms:
        if not seq:
            return None
        chars |= _atom_chars(seq[0])
    return chars


def _atom_chars(atom: Atom) -> set[str]:
    if len(atom) == 1:
        return {atom}
    return _charset(sre_parse.parse(atom)[0][1]) or set()


def _trie(seqs: set[tuple[Atom, ...]]) -> str:
    trie: dict = {}
    for seq in seqs:
        node = trie
        for atom in seq:
            node = node.setdefault(atom, {})
        node[None] = {}

    def build(node: dict) -> str:
        if None in node:
            return ""  # a shorter opening already makes this a candidate
        branches = [(re.escape(a) if len(a) == 1 else a) + build(child)
                    for a, child in sorted(node.items())]
        return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"

    return build(trie)


def guard(pattern: str, cover: str = "", k: int = 5) -> str:
    """A lookahead that holds wherever *pattern* can match: a trie of its openings.

    Openings whose first character is in *cover* (a character class) are replaced by it.
    """
    covered = _atom_chars(cover) if cover else set()
    rest = {seq for seq in openings(pattern, k) if not seq or not _atom_chars(seq[0]) <= covered}
    return "(?=" + "|".join(([cover] if cover else []) + ([_trie(rest)] if rest else [])) + ")"


class Alternation:
    """``head(?:(?P<g1>b1|b2…)|(?P<g2>…)…)tail`` matched like ``re.finditer``, but faster.

    *groups* maps a group name to its branches; a name starting with ``_`` is a list of
    top-level branches without a group of their own (they may hold named groups inside).
    *head* must be zero-width.
    """

    def __init__(self, groups: dict[str, tuple[str, ...]], head: str = "", tail: str = "",
                 k: int = 5) -> None:
        starts: set[tuple[Atom, ...]] = set()
        buckets: dict[str, dict[str, list[str]]] = {}
        for name, branches in groups.items():
            for branch in branches:
                atoms = openings(branch, k)
                chars = _first_chars(atoms)
                if chars is None:
                    raise ValueError(f"branch {branch!r} can start anywhere")
                starts |= atoms
                for ch in chars:
                    buckets.setdefault(ch, {n: [] for n in groups})[name].append(branch)
        self.starts = re.compile(f"{head}(?={_trie(starts)})")
        self.matchers = {
            ch: re.compile(head + "(?:" + "|".join(self._group(n, b) for n, b in by_group.items()
                                                    if b) + ")" + tail).match
            for ch, by_group in buckets.items()}

    @staticmethod
    def _group(name: str, branches: list[str] | tuple[str, ...]) -> str:
        body = "|".join(branches)
        return body if name.startswith("_") else f"(?P<{name}>{body})"

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        """The matches of the full pattern in *text*, as ``re.finditer`` gives them."""
        matchers, end = self.matchers, 0
        for candidate in self.starts.finditer(text):
            pos = candidate.start()
            if pos < end:
                continue
            m = matchers[text[pos]](text, pos)
            if m is not None:
                end = m.end()
                yield m
