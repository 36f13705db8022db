"""Ordered alternations of regular expressions, matched with the help of an Aho–Corasick scan.

``prefixes`` reads from a parsed pattern the literals that every match starts with one of.

``Alternation`` (many branches with literal openings, such as cue lexicons): one Aho–Corasick
pass over the text finds where those prefixes occur; only there is a match attempted, and only
with the branches whose prefix occurs at that position, in their original order. A branch that
cannot start at a position cannot change which branch matches first there, and no branch can
match where none of its prefixes occurs, so the matches are those of ``re.finditer`` over the
whole alternation.

``Gated`` (branches that start at any word of a class, such as the gazetteer's capitalised
words): the same, with the characters of that class as more places to try, and all branches tried
at once with one compiled regex; branches that need a literal not found at or after a position
are left out there. A branch that cannot match at a position changes no match there.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from re import _constants as sre
from re import _parser as sre_parse

import ahocorasick_rs

_ZERO_WIDTH = {sre.AT, sre.ASSERT, sre.ASSERT_NOT}
_MAX_CLASS = 64
_MAX_PREFIXES = 4096


def _chars(items: list) -> list[str] | None:
    """The characters of a parsed class of at most ``_MAX_CLASS`` literals and ranges."""
    chars: list[str] = []
    for op, av in items:
        if op is sre.LITERAL:
            chars.append(chr(av))
        elif op is sre.RANGE:
            chars.extend(map(chr, range(av[0], av[1] + 1)))
        else:
            return None
        if len(chars) > _MAX_CLASS:
            return None
    return chars


def _extend(seq, states: set[tuple[str, bool]], k: int) -> set[tuple[str, bool]]:
    """(prefix, open) states after *seq*: open prefixes grow by what *seq* must start with."""
    for op, av in seq:
        open_ = {s for s in states if s[1]}
        if not open_:
            break
        if op in _ZERO_WIDTH:
            continue  # an assertion consumes nothing
        if op is sre.LITERAL:
            new = {(p + chr(av), len(p) + 1 < k) for p, _ in open_}
        elif (op is sre.IN and (chars := _chars(av)) is not None
              and len(open_) * len(chars) <= _MAX_PREFIXES):
            new = {(p + c, len(p) + 1 < k) for p, _ in open_ for c in chars}
        elif op is sre.SUBPATTERN:
            if av[1] & re.IGNORECASE:
                raise ValueError("case-insensitive groups have no literal prefixes")
            new = _extend(av[3], open_, k)
        elif op is sre.BRANCH:
            new = set().union(*(_extend(branch, open_, k) for branch in av[1]))
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT):
            low, high, sub = av
            new, current = set(), open_
            for count in range(min(high, k) + 1):
                live = {s for s in current if s[1]}
                new |= current if count >= low else current - live
                if count == high or not live:
                    break
                if count == k:  # more repeats may follow: the prefix ends here
                    new |= {(p, False) for p, _ in live}
                    break
                current = _extend(sub, live, k)
        else:
            new = {(p, False) for p, _ in open_}
        if len(new) > _MAX_PREFIXES:
            new = {(p, False) for p, _ in open_}
        states = (states - open_) | new
    return states


def prefixes(pattern: str, k: int = 8) -> set[str]:
    """Literals (up to *k* characters) that every match of *pattern* starts with one of."""
    parsed = sre_parse.parse(pattern)
    if parsed.state.flags & re.IGNORECASE:
        raise ValueError(f"pattern {pattern!r} is case-insensitive: it has no literal prefixes")
    found = {p for p, _ in _extend(parsed, {("", True)}, k)}
    if "" in found:
        raise ValueError(f"pattern {pattern!r} can start with any character")
    return {p for p in found if not any(p[:i] in found for i in range(1, len(p)))}


@dataclass(frozen=True)
class Branch:
    """One branch of an alternation: the name reported with its matches and its pattern.

    *needs* are literals one of which every match contains: a text without any of them is not
    tried with this branch.
    """

    name: str
    pattern: str
    needs: tuple[str, ...] = ()


def trie(words: Iterable[str]) -> str:
    """A regex alternation of *words* built as a trie: fast to match, longest match first."""
    root: dict = {}
    for word in words:
        node = root
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict) -> str:
        branches = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if "" in node:
            return (f"(?:{body})" if len(branches) == 1 else body) + "?"
        return body

    return build(root)


class Gated:
    """``head(?:b1|b2|…)tail`` matched like ``re.finditer``, trying only where a branch can start.

    One Aho–Corasick pass over the text finds the characters of *cover* (a character class) and
    the literal prefixes of the branches that do not start with one of them: a match is attempted
    only there, left to right, as ``re.finditer`` would find it. It also finds the literals the
    branches with *needs* need: such a branch is left out of the attempts at positions after the
    last of its literals (a match contains one of them), with a pattern compiled up front for
    each subset of those branches, so they should be few.
    """

    def __init__(self, branches: Iterable[Branch], head: str = "", tail: str = "",
                 cover: str = "", k: int = 8) -> None:
        self.branches = list(branches)
        self.head, self.tail, self.cover = head, tail, cover
        covered = (_chars(sre_parse.parse(cover)[0][1]) or []) if cover else []
        starts = set(covered).union(*(
            {p for p in prefixes(b.pattern, k) if p[0] not in covered} for b in self.branches))
        bits: dict[str, int] = dict.fromkeys(sorted(starts), 0)
        self.always = 0
        for i, branch in enumerate(self.branches):
            if not branch.needs:
                self.always |= 1 << i
            for literal in branch.needs:
                bits[literal] = bits.get(literal, 0) | 1 << i
        self.bits = list(bits.values())
        self.starts = [literal in starts for literal in bits]
        self.automaton = ahocorasick_rs.AhoCorasick(
            list(bits), implementation=ahocorasick_rs.Implementation.DFA)
        masks = {self.always}
        for i, branch in enumerate(self.branches):
            if branch.needs:
                masks |= {mask | 1 << i for mask in masks}
        self.patterns = {mask: self._compile(mask).match for mask in masks}

    def _compile(self, mask: int) -> re.Pattern[str]:
        body = "|".join(b.pattern for i, b in enumerate(self.branches) if mask >> i & 1)
        return re.compile(f"{self.head}(?:{body}){self.tail}")

    def finditer(self, text: str) -> list[re.Match[str]]:
        """The matches of the whole alternation in *text*, as ``re.finditer`` gives them."""
        bits, starts = self.bits, self.starts
        at, needed = set(), []
        for i, pos, _ in self.automaton.find_matches_as_indexes(text, overlapping=True):
            if starts[i]:
                at.add(pos)
            if bits[i]:
                needed.append((pos, bits[i]))
        needed.sort(reverse=True)
        # after[-1]: the branches that may match at positions up to that of needed[-1], the
        # first needed literal left (positions past the last one: after[0], none needed)
        after = [self.always]
        for _, bit in needed:
            after.append(after[-1] | bit)
        found, end, patterns = [], 0, self.patterns
        for pos in sorted(at):
            if pos < end:
                continue
            while needed and needed[-1][0] < pos:
                needed.pop()
                after.pop()
            m = patterns[after[-1]](text, pos)
            if m is not None:
                end = m.end()
                found.append(m)
        return found


class Alternation:
    """``head(?:b1|b2|…)tail`` matched like ``re.finditer``, for ordered *branches*."""

    def __init__(self, branches: Iterable[Branch], head: str = "", tail: str = "",
                 k: int = 8) -> None:
        branches = list(branches)
        self.matchers = [(b.name, re.compile(f"{head}(?:{b.pattern}){tail}").match)
                         for b in branches]
        starts: dict[str, set[int]] = {}
        for i, branch in enumerate(branches):
            for prefix in prefixes(branch.pattern, k):
                starts.setdefault(prefix, set()).add(i)
        self.starts = [tuple(sorted(ids)) for ids in starts.values()]
        self.automaton = ahocorasick_rs.AhoCorasick(
            list(starts), implementation=ahocorasick_rs.Implementation.DFA)

    def findall(self, text: str) -> list[tuple[str, re.Match[str]]]:
        """(branch name, match) of each match of the whole alternation in *text*, in order."""
        starts, at = self.starts, {}
        for lit, pos, _ in self.automaton.find_matches_as_indexes(text, overlapping=True):
            before = at.get(pos)
            at[pos] = starts[lit] if before is None else before + starts[lit]
        found, end, matchers = [], 0, self.matchers
        for pos in sorted(at):
            if pos < end:
                continue
            ids = at[pos]
            for i in sorted(set(ids)) if len(ids) > 1 else ids:
                name, match = matchers[i]
                m = match(text, pos)
                if m is not None:
                    end = m.end()
                    found.append((name, m))
                    break
        return found
