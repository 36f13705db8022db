"""Entity mentions to canonical actors: a country (ISO 3166-1 alpha-3), a CAMEO-style role,
an international organisation's code and the mention's Wikipedia page."""

from __future__ import annotations

import re
from dataclasses import dataclass

from stancekit.events.dictionary import (
    ACTOR,
    CAPITAL,
    COUNTRY,
    DEMONYM,
    IGO,
    PLACE,
    Actors,
    Entry,
    load_actors,
    name_key,
)

# The kinds of name a word run inside a mention may be read as, per entity type: a person's
# own name says nothing ("Israel Katz"), a group's name only by a country's name ("Latin
# American" is no American), an organisation's not by another organisation's ("Liberal
# Democrats" are not the US party) but by an international one's ("UN Human Rights Office").
INSIDE = {"ORG": (IGO, COUNTRY, DEMONYM, CAPITAL, PLACE), "GPE": (COUNTRY,), "NORP": (COUNTRY,)}
TITLE_KINDS = (ACTOR, COUNTRY, DEMONYM, CAPITAL, PLACE)
TITLED = ("PERSON", "ORG")
"""Entity types whose country and role may come from the title words before them."""
TITLE_WORDS = 6
# A GPE named with its kind of subdivision ("Kachin State", "Ashanti Region") is looked up
# without it too.
SUBDIVISION = re.compile(r"\s+(state|region|province|district|county|oblast|governorate|"
                         r"prefecture|territory|department|municipality)$", re.I)
BOUNDARY = re.compile(r"[,;:()\[\]\"“”—–]|^[-–—]$")


@dataclass(frozen=True)
class Actor:
    """The canonical actor of a mention: ``code`` is the country and role joined ("USAMIL")
    or an international organisation's own code ("UN"); ``wikipedia`` the page the source
    links the mention to, else the dictionary's page of its entry."""

    text: str
    code: str | None
    country: str | None
    role: str | None
    wikipedia: str | None = None


def _runs(key: str) -> list[tuple[int, str]]:
    """Every run of words of *key*, longest first, then leftmost, with its start word."""
    words = key.split()
    return [(i, " ".join(words[i:i + n])) for n in range(len(words), 0, -1)
            for i in range(len(words) - n + 1)]


def _entry_in(actors: Actors, key: str, kinds: tuple[str, ...]) -> Entry | None:
    """The entry of the longest, leftmost word run of *key* whose kind is one of *kinds*."""
    for _, run in _runs(key):
        entry = actors.names.get(run)
        if entry is not None and (entry.kind in kinds or (IGO in kinds and entry.code)):
            return entry
    return None


def _role_in(actors: Actors, key: str) -> str | None:
    """The role of the longest, leftmost role word run of *key*."""
    return next((actors.role_words[run] for _, run in _runs(key) if run in actors.role_words),
                None)


def title_before(actors: Actors, sentence: str, start: int) -> str:
    """The title words right before a mention ("Russian Foreign Minister" before "Sergei
    Lavrov"): capitalised words, role words and modifiers back to a clause boundary."""
    vocabulary = actors.title_words
    taken: list[str] = []
    for word in reversed(sentence[:start].split()[-TITLE_WORDS:]):
        key = name_key(word)
        if BOUNDARY.search(word) or not key or not (
                word[0].isupper() or key in vocabulary or word in ("'s", "’s")):
            break
        taken.insert(0, word)
    return " ".join(taken)


def normalise(mention: str, entity_type: str, sentence: str = "", start: int | None = None,
              wikipedia: str | None = None, actors: Actors | None = None) -> Actor:
    """The canonical actor of *mention*, an entity of *entity_type* at *start* in *sentence*.

    The dictionary's entry for the whole mention decides first, then the entry for its
    *wikipedia* page, the names and role words in the page title or the mention, and last (for
    PERSON and ORG) the title words before it ("Russian Foreign Minister")."""
    actors = actors or load_actors()
    found = [actors.lookup(mention, entity_type)]
    if entity_type == "GPE":
        found.append(actors.lookup(SUBDIVISION.sub("", mention), entity_type))
    key = name_key(mention)
    role = _role_in(actors, key) if entity_type == "ORG" else None
    if wikipedia:
        # A page title names an organisation in full ("Armed Forces of Ukraine").
        found.append(actors.lookup(wikipedia, entity_type))
        if entity_type == "GPE" and "," in wikipedia:  # "Conway, Arkansas"
            found.append(actors.lookup(wikipedia.rsplit(",", 1)[1], entity_type))
        found.append(_entry_in(actors, name_key(wikipedia), INSIDE["ORG"]))
        role = role or _role_in(actors, name_key(wikipedia))
    if entity_type in INSIDE:
        found.append(_entry_in(actors, key, INSIDE[entity_type]))
    if entity_type in TITLED and start is not None and sentence:
        title = name_key(title_before(actors, sentence, start))
        found.append(_entry_in(actors, title, TITLE_KINDS))
        role = role or _role_in(actors, title)
    entries = [e for e in found if e is not None]
    wikipedia = wikipedia or (found[0].wikipedia if found[0] else None)
    own = next((e for e in entries if e.code), None)
    if own is not None:
        return Actor(mention, own.code, None, own.role or IGO, wikipedia)
    country = next((e.country for e in entries if e.country), None)
    role = next((e.role for e in entries[:1] if e.role), None) or role or next(
        (e.role for e in entries if e.role), None)
    code = (country or "") + (role or "") if country or role else None
    return Actor(mention, code, country, role, wikipedia)
