"""The actor dictionary: curated YAML entries on top of countries generated from pycountry and
countryinfo, indexed by a normalised name key."""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path

import yaml

from stancekit.files import InputError, read_text

BUNDLED_FILE = Path(__file__).with_name("actors.yaml")
BUNDLED = "bundled"
"""The ``extends`` value of a user dictionary whose entries add to the bundled one."""
FIELDS = ("version", "extends", "roles", "modifiers", "countries", "actors")
COUNTRY_FIELDS = ("names", "demonyms", "capitals", "places")
ACTOR_FIELDS = ("names", "country", "role", "code", "type", "wikipedia")
IGO = "IGO"
PERSON = "PERSON"

# Kinds of a name, strongest first: a name of a stronger kind hides the same name of a
# weaker one. Capitals, places and regions stand for their country only as GPE mentions;
# regions (pycountry's subdivisions) only as a whole mention, never as words inside an
# organisation's name or a title (Uganda's "Central" region is no "Central Commission").
ACTOR, COUNTRY, DEMONYM, CAPITAL, PLACE, REGION = (
    "actor", "country", "demonym", "capital", "place", "region")
KINDS = (ACTOR, COUNTRY, DEMONYM, CAPITAL, PLACE, REGION)
GPE_ONLY = (CAPITAL, PLACE, REGION)


def name_key(text: str) -> str:
    """The lookup key of a name: accents, case, dots, a leading "the" and possessive "'s"
    removed, other punctuation as spaces ("the U.S." and "US" share "us")."""
    text = unicodedata.normalize("NFKD", text.replace("’", "'"))
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold().replace(".", "")
    text = re.sub(r"[^\w\s'+/-]", " ", text)
    text = re.sub(r"'s\b", "", text)
    text = re.sub(r"^the\s+", "", " ".join(text.split()))
    return text.strip(" '")


@dataclass(frozen=True)
class Entry:
    """What one name stands for: a country, a role, an organisation's own code."""

    kind: str
    country: str | None = None
    role: str | None = None
    code: str | None = None
    type: str | None = None
    wikipedia: str | None = None


@dataclass
class Actors:
    """A loaded actor dictionary: name keys to entries, role words, modifiers, version."""

    version: str
    path: Path
    countries: dict[str, str] = field(default_factory=dict)
    names: dict[str, Entry] = field(default_factory=dict)
    roles: dict[str, str] = field(default_factory=dict)
    role_words: dict[str, str] = field(default_factory=dict)
    modifiers: frozenset[str] = frozenset()

    @cached_property
    def title_words(self) -> frozenset[str]:
        """Every word of a role phrase, and the modifiers: what a title before a name holds."""
        return frozenset({word for phrase in self.role_words for word in phrase.split()}
                         | self.modifiers)

    def lookup(self, text: str, entity_type: str | None = None) -> Entry | None:
        """The entry a whole mention of *entity_type* names, if any: capitals, places and
        regions only as a GPE, an entry typed PERSON only as a PERSON and others never."""
        entry = self.names.get(name_key(text))
        if entry is None or (entry.kind in GPE_ONLY and entity_type != "GPE"):
            return None
        if entity_type and entry.type and (entry.type == PERSON) != (entity_type == PERSON):
            return None
        return entry


def _country_names() -> tuple[dict[str, str], dict[str, dict[str, set[str]]], dict[str, int]]:
    """Country codes with their names, names per kind and key (a name that several countries
    share is kept for each) and populations, from pycountry and countryinfo."""
    import countryinfo
    import pycountry

    codes: dict[str, str] = {}
    population: dict[str, int] = {}
    found: dict[str, dict[str, set[str]]] = {kind: defaultdict(set) for kind in KINDS}
    for c in pycountry.countries:
        codes[c.alpha_3] = getattr(c, "common_name", c.name)
        for name in {c.name, getattr(c, "common_name", c.name), getattr(c, "official_name", "")}:
            for variant in (name, name.split(",")[0]):
                if variant:
                    found[COUNTRY][name_key(variant)].add(c.alpha_3)
    for info in countryinfo.all_countries():
        data = info.info()
        code = (data.get("ISO") or {}).get("alpha3")
        if code not in codes:
            continue
        population[code] = int(data.get("population") or 0)
        for name in data.get("altSpellings") or []:
            if len(name) > 3:
                found[COUNTRY][name_key(name)].add(code)
        for demonym in _listed(data.get("demonym")):
            for variant in (demonym, *_plural(demonym)):
                found[DEMONYM][name_key(variant)].add(code)
        for capital in _listed(data.get("capital")):
            found[CAPITAL][name_key(capital)].add(code)
    for sub in pycountry.subdivisions:
        if sub.parent_code is None:
            found[REGION][name_key(re.sub(r"\s*\[.*\]", "", sub.name))].add(
                pycountry.countries.get(alpha_2=sub.country_code).alpha_3)
    return codes, found, population


def _listed(value: object) -> list[str]:
    """A countryinfo field that is one string, a list of them or nothing, as a list."""
    values = value if isinstance(value, list) else [value]
    return [v for v in values if isinstance(v, str) and v]


def _plural(demonym: str) -> list[str]:
    """The plural of a demonym that takes one ("Afghan" -> "Afghans", not "Chinese")."""
    return [] if re.search(r"(s|sh|ch|ese|x|z)$", demonym) else [demonym + "s"]


@cache
def _generated() -> tuple[dict[str, str], dict[str, dict[str, set[str]]], dict[str, int]]:
    return _country_names()


def _strings(path: Path, value: object, where: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise InputError(path, "expected a list of non-empty strings", field=where)
    return value


def parse_actors(data: object, path: Path, base: Actors | None = None) -> Actors:
    """An actor dictionary from parsed YAML *data*, on top of *base* (or of the generated
    countries); bad content raises InputError naming *path* and the field."""
    if not isinstance(data, dict):
        raise InputError(path, f"expected a mapping with {', '.join(FIELDS)}")
    unknown = sorted(set(data) - set(FIELDS))
    if unknown:
        raise InputError(path, f"unknown field; expected {', '.join(FIELDS)}", field=unknown[0])
    version = data.get("version")
    if not isinstance(version, str | int) or not str(version).strip():
        raise InputError(path, "expected the dictionary's version", field="version")
    codes, found, population = _generated()
    actors = Actors(version=str(version), path=path,
                    countries=dict(base.countries) if base else dict(codes),
                    roles=dict(base.roles) if base else {},
                    role_words=dict(base.role_words) if base else {},
                    modifiers=base.modifiers if base else frozenset())
    roles = data.get("roles") or {}
    if not isinstance(roles, dict):
        raise InputError(path, "expected a mapping of role codes", field="roles")
    for code, role in roles.items():
        if not isinstance(role, dict) or not isinstance(role.get("definition"), str):
            raise InputError(path, "expected a definition and words", field=f"roles.{code}")
        actors.roles[code] = role["definition"]
        for word in _strings(path, role.get("words", []), f"roles.{code}.words"):
            actors.role_words[name_key(word)] = code
    actors.modifiers = actors.modifiers | {
        name_key(w) or w for w in _strings(path, data.get("modifiers", []), "modifiers")}
    countries = data.get("countries") or {}
    if not isinstance(countries, dict):
        raise InputError(path, "expected a mapping of ISO alpha-3 codes", field="countries")
    curated: dict[str, Entry] = {}
    for code, extra in countries.items():
        where = f"countries.{code}"
        if not (isinstance(code, str) and re.fullmatch(r"[A-Z]{3}", code)):
            raise InputError(path, "expected an ISO 3166-1 alpha-3 code", field=where)
        if not isinstance(extra, dict) or set(extra) - set(COUNTRY_FIELDS):
            raise InputError(path, f"expected a mapping with {', '.join(COUNTRY_FIELDS)}",
                             field=where)
        actors.countries.setdefault(code, (extra.get("names") or [code])[0])
        for part, kind in zip(COUNTRY_FIELDS, (COUNTRY, DEMONYM, CAPITAL, PLACE), strict=True):
            for name in _strings(path, extra.get(part, []), f"{where}.{part}"):
                curated[name_key(name)] = Entry(kind, country=code)
    for i, item in enumerate(data.get("actors") or []):
        entry = _actor(path, actors, item, f"actors[{i}]")
        for name in item["names"]:
            curated[name_key(name)] = entry
    if base:
        actors.names = {**base.names, **curated}
        return actors
    generated: dict[str, Entry] = {}
    for kind in reversed(KINDS):
        for key, found_codes in found[kind].items():
            # A name several countries share ("French", "Florida") goes to the most populous.
            code = max(sorted(found_codes), key=lambda c: population.get(c, 0))
            generated[key] = Entry(kind, country=code)
    actors.names = {**generated, **curated}
    return actors


def _actor(path: Path, actors: Actors, item: object, where: str) -> Entry:
    if not isinstance(item, dict) or set(item) - set(ACTOR_FIELDS) or "names" not in item:
        raise InputError(path, f"expected names and some of {', '.join(ACTOR_FIELDS[1:])}",
                         field=where)
    _strings(path, item["names"], f"{where}.names")
    country, role, code = item.get("country"), item.get("role"), item.get("code")
    if country is not None and country not in actors.countries:
        raise InputError(path, f"unknown country {country!r}; expected an ISO 3166-1 alpha-3 "
                         "code or one under countries", field=f"{where}.country")
    if role is not None and role not in actors.roles:
        raise InputError(path, f"unknown role {role!r}; expected one of "
                         f"{', '.join(actors.roles)}", field=f"{where}.role")
    if country is None and role is None and code is None:
        raise InputError(path, "expected a country, a role or a code", field=where)
    return Entry(ACTOR, country=country, role=role, code=code, type=item.get("type"),
                 wikipedia=item.get("wikipedia"))


def read_dictionary(path: Path) -> dict:
    """The parsed YAML of a dictionary file; bad YAML raises InputError naming the file."""
    try:
        data = yaml.safe_load(read_text(path))
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise InputError(path, f"not valid YAML{where}: {getattr(e, 'problem', None) or e}"
                         ) from None
    return data


@cache
def _bundled() -> Actors:
    return parse_actors(read_dictionary(BUNDLED_FILE), BUNDLED_FILE)


def load_actors(path: Path | str | None = None) -> Actors:
    """The actor dictionary at *path* (None: the bundled one).

    A file with ``extends: bundled`` adds its entries to the bundled dictionary; one without
    stands alone (countries are still generated from pycountry and countryinfo)."""
    if path is None:
        return _bundled()
    path = Path(path)
    data = read_dictionary(path)
    extends = data.get("extends") if isinstance(data, dict) else None
    if extends not in (None, BUNDLED):
        raise InputError(path, f"expected {BUNDLED!r} or nothing", field="extends")
    return parse_actors(data, path, _bundled() if extends else None)
