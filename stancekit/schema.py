"""The annotation schema: the one place where stance labels, entity types and roles are defined.

The Label Studio config, the Hugging Face features, the guideline tables and the
baselines' label order are all derived from :data:`SCHEMA`.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Label:
    """One label with the definition and hotkey annotators see."""

    name: str
    definition: str
    hotkey: str
    color: str


@dataclass(frozen=True)
class Role:
    """One end of a dyad."""

    name: str
    definition: str


@dataclass(frozen=True)
class Schema:
    """Stance labels, entity types and the source→target dyad relation."""

    stances: tuple[Label, ...]
    entity_types: tuple[Label, ...]
    roles: tuple[Role, Role]
    relation: str
    precedence: tuple[str, ...]
    text_control: str = "text"
    context_control: str = "context"
    stance_control: str = "stance"
    entity_control: str = "entities"

    @property
    def stance_names(self) -> list[str]:
        """Stance names in their fixed order (the ClassLabel order)."""
        return [label.name for label in self.stances]

    @property
    def entity_names(self) -> list[str]:
        """Entity type names in their fixed order."""
        return [label.name for label in self.entity_types]

    @property
    def dyad_keys(self) -> tuple[str, str]:
        """The keys of a dyad record: the source role's name, then the target role's."""
        return self.roles[0].name, self.roles[1].name

    @property
    def bio_tags(self) -> list[str]:
        """BIO tag names derived from the entity types, ``O`` first."""
        return ["O"] + [f"{p}-{t}" for t in self.entity_names for p in ("B", "I")]

    @property
    def default_stance(self) -> str:
        """The stance of a sentence that takes no position."""
        return self.stances[0].name

    def resolve(self, stances: set[str]) -> str:
        """Pick the one stance of a sentence that carries several, by precedence."""
        for name in self.precedence:
            if name in stances:
                return name
        return self.default_stance


SCHEMA = Schema(
    stances=(
        Label(
            "none",
            "No accusation, denial or appeal: facts, background, plans, or cue words "
            "used in another sense.",
            "n",
            "#9e9e9e",
        ),
        Label(
            "accusation",
            "A source asserts, alleges or reports that a target did something wrong, "
            "illegal or hostile.",
            "a",
            "#d32f2f",
        ),
        Label(
            "denial",
            "A source rejects, refutes or dismisses an accusation or claim, or says the "
            "alleged thing did not happen.",
            "d",
            "#1976d2",
        ),
        Label(
            "appeal",
            "A source calls on, urges, asks or demands that a target do or stop doing "
            "something.",
            "p",
            "#388e3c",
        ),
    ),
    entity_types=(
        Label("PERSON", "A named person, without title.", "1", "#ffb74d"),
        Label(
            "ORG",
            "A named organisation: ministry, army, party, company, agency, court, NGO, "
            "armed group, outlet.",
            "2",
            "#ba68c8",
        ),
        Label(
            "GPE",
            "A country, city or region with a government, also used for its government.",
            "3",
            "#4fc3f7",
        ),
        Label(
            "NORP",
            "A nationality, religious or political group (Russian, Kurds, Sunni).",
            "4",
            "#aed581",
        ),
    ),
    roles=(
        Role("source", "Who makes the accusation, denial or appeal."),
        Role(
            "target",
            "Who is accused, whose claim is denied, or who is appealed to.",
        ),
    ),
    relation="dyad",
    precedence=("denial", "accusation", "appeal"),
)
