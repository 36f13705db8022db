"""A cue-lexicon stance pre-labeler: appeal, denial and accusation cues with negation.

Each stance has a list of cue patterns (verbs and their nominal forms). A cue inside a hard
negative ("appeal court", "denial-of-service") or under negation ("did not deny", "stopped
short of accusing") does not count. The sentence stance is the schema's precedence over the
stances whose cues remain.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

import ahocorasick_rs

from stancekit.labeling.literals import Alternation, Branch, prefixes
from stancekit.schema import BUNDLED, Schema, active

# The lexicon is keyed by stance name; a schema's stance that has no entry is never pre-labelled.
NONE, ACCUSATION, DENIAL, APPEAL = BUNDLED.schema.stance_names

VERSION = "stancekit-cues-1"

CUES: dict[str, tuple[str, ...]] = {
    APPEAL: (
        r"call(?:s|ed|ing)? (?:on|upon)", r"call(?:s|ed|ing)? for", r"urg(?:e|es|ed|ing)",
        r"appeal(?:s|ed|ing)? (?:to|for)", r"appeal(?:ed)? (?:directly )?to",
        r"demand(?:ed|ing)", r"demands? (?:that|the|an?)", r"ask(?:s|ed|ing)? (?:\w+ ){1,4}?to",
        r"press(?:es|ed|ing)",
        r"implor(?:e|es|ed|ing)", r"plead(?:s|ed|ing)?",
        r"request(?:s|ed|ing)? (?:that|(?:\w+ ){1,4}?to)",
        r"invit(?:e|es|ed|ing) (?:\w+ ){1,4}?to", r"exhort(?:s|ed|ing)?", r"insist(?:s|ed)? that",
        r"told (?:\w+ ){1,4}?to", r"warn(?:s|ed|ing)? (?:\w+ ){1,4}?(?:to|against)",
        r"must (?:stop|halt|end|cease|withdraw|release|respect|refrain|return|allow)",
        r"(?:should|needs? to) (?:stop|halt|end|cease|withdraw|release|refrain)",
        r"(?:(?<=^)|(?<=[\"“])|(?<=[\"“] ))(?:stop|halt|end|release|withdraw|respect|allow)",
        r"exercise restraint", r"(?:a|the|its|their) plea",
    ),
    DENIAL: (
        r"den(?:y|ies|ied|ying|ial|ials)", r"rebuff(?:s|ed|ing)?", r"refut(?:e|es|ed|ing)",
        r"reject(?:s|ed|ing)? (?:\S+ ){0,5}?(?:accusations?|claims?|allegations?|charges?|"
        r"reports?|characteri[sz]ation|assertions?|suggestions?|version|narrative|account)",
        r"dismiss(?:es|ed|ing)? (?:\S+ ){0,5}?(?:accusations?|claims?|allegations?|charges?|"
        r"reports?|as\b)",
        r"baseless", r"groundless", r"unfounded", r"fabricat(?:ed|ion|ions)", r"false(?:ly)?",
        r"untrue", r"(?:are|were|is|all|outright|blatant) lies", r"smear", r"slander(?:ous)?",
        r"nonsense", r"absurd",
        r"no evidence", r"nothing to do with", r"no (?:\w+ ){0,2}?(?:involvement|role) in",
        r"(?:there (?:is|was|were|are|has been) no|never (?:took|was|were|had|crossed|fired|"
        r"sent|entered|targeted|attacked))",
        r"(?:we|i|they) (?:do|did|does|have|has|are|were|had)(?: not|n't)(?! (?:deny|comment|"
        r"confirm|know|expect|want|plan|have|need|rule out))", r"didn't (?:take|fire|send|cross)",
        r"brushed aside", r"no (?:authority|right|mandate|legitimate|basis)", r"fake(?! news)",
        r"fantasy", r"libel(?:lous)?", r"politically (?:motivated|engineered)",
        r"nothing wrong", r"distort(?:ion|ed|s)", r"illegitimate", r"not a single",
        r"no one (?:was|is|had|has)", r"no (?:\w+ ){0,2}?whatsoever",
    ),
    ACCUSATION: (
        r"accus(?:e|es|ed|ing|ation|ations)", r"blam(?:e|es|ed|ing)",
        r"alleg(?:e|es|ed|ing|ation|ations|edly)", r"claim(?:s|ed|ing)?",
        r"condemn(?:s|ed|ing)? (?:\S+ ){0,4}?for", r"responsible for",
        r"violat(?:e|es|ed|ing|ion|ions)",
        r"aggression", r"provocat(?:ion|ions|ive)", r"war crimes?", r"genocide",
        r"orchestrat(?:e|es|ed|ing)", r"charg(?:e|es|ed|ing) (?:\S+ ){0,3}?with",
        r"complicit", r"culpab(?:le|ility)", r"behind the (?:attack|strike|blast|bombing|hack)",
        r"illegal(?:ly)?", r"unlawful(?:ly)?", r"terrorists?", r"reckless",
        r"charg(?:e|es|ed|ing) that", r"attribut(?:e|es|ed|ing) (?:\S+ ){0,6}?to",
        r"suspect(?:s|ed)? (?:\S+ ){0,5}?of", r"in bad faith", r"pretext", r"opened fire",
        r"fired (?:\S+ ){0,4}?(?:at|on)", r"point(?:s|ed)? to", r"(?:is|are|was|were) trying to",
        r"(?:stealing|exploit(?:ed|ing)|dumping|stalling|blocking|plotting|spying|meddling)",
        r"on the orders of", r"directed (?:from|by)", r"hybrid (?:attacks?|war)",
        r"sabotag(?:e|ed|ing)", r"(?:is|are|was|were|of) (?:\w+ ){0,2}?arming",
        r"(?:staging|stage|staged) (?:\w+ ){0,3}?(?:provocation|attack|exercise|rehearsal)",
        r"(?:harassed|rammed|intimidated|tortured|persecuted)",
        r"intimidation", r"harassment", r"coercion", r"interference", r"espionage", r"spying",
        r"propaganda campaign", r"disinformation",
        r"what (?:it|he|she|they) called",
    ),
}
HARD_NEGATIVES = (
    r"appeals? (?:court|courts|chamber|judge|judges|process|hearing|ruling|panel)",
    r"court of appeals?", r"(?:fundraising|humanitarian|donation|flash|emergency) appeal",
    r"(?:the|its|their|broad|popular|wide) appeal (?:of|among|to voters)",
    r"denial[- ]of[- ]service", r"climate denial", r"insurance claims?",
    r"(?:territorial|maritime|sovereignty|overlapping|competing|rival) claims?",
    r"claim(?:s|ed|ing)? responsibility", r"(?:wave|handful|rise|number) of claims",
    r"claims? (?:from|related|tied|for)",
    r"claims? (?:\S+ ){0,3}?(?:as (?:its|their) own|in full)", r"phone calls?",
    r"(?:energy|oil|gas|power) demand",
    r"demand for (?:oil|gas|energy|power|goods|housing|exports)", r"charged batter(?:y|ies)",
    r"the accused\b(?! \w+ed)", r"calls? for (?:tenders|bids|papers|applications)",
    r"press (?:conference|briefing|release|freedom|office|secretary|officer|agency|"
    r"statement)", r"(?:the|a|news|state|local|foreign) press", r"false alarm",
    r"pressed (?:shirts|flowers)", r"what (?:it|he|she|they) called for",
)
NEGATION = re.compile(
    r"(?:\bnot|n't|\bnever|\bneither|\bnor|\bwithout|\bno longer|stopped short of|"
    r"stop short of|stops short of|declined to|refused to|refuses to|declining to|"
    r"refusing to|avoided|avoiding|\brather than)(?:\s+\S+){0,2}\s+$"
)


@dataclass(frozen=True)
class Cue:
    """One cue found in a sentence."""

    stance: str
    start: int
    end: int
    negated: bool


class CueTagger:
    """Stance pre-labels from cue lexicons, negation and hard negatives."""

    def __init__(self, schema: Schema) -> None:
        self.schema = schema
        cues = {name: CUES[name] for name in schema.stance_names if name in CUES}
        self.branches = [Branch(name, branch) for name, branches in
                         {"hard": HARD_NEGATIVES, **cues}.items() for branch in branches]
        self.alternation = Alternation(self.branches, head=r"\b", tail=r"\b")

    def _matches(self, text: str) -> tuple[str, list[tuple[str, re.Match[str]]]]:
        """*text* lowercased (one character for one) and its cue and hard-negative matches."""
        lower = text.lower()
        if len(lower) != len(text):
            lower = "".join(ch if len(ch.lower()) != 1 else ch.lower() for ch in text)
        return lower, [(stance, m) for stance, m in self.alternation.findall(lower)
                       if stance != "hard"]

    def cues(self, text: str) -> list[Cue]:
        """The stance cues of *text*, hard negatives left out, negated ones flagged."""
        lower, matches = self._matches(text)
        return [Cue(stance, m.start(), m.end(), _negated(lower, m.start()))
                for stance, m in matches]

    def predict(self, text: str) -> tuple[str, float]:
        """The stance of *text* and a confidence score in 0..1."""
        lower, matches = self._matches(text)
        stances: set[str] = set()
        for stance, m in matches:
            if stance not in stances and not _negated(lower, m.start()):
                stances.add(stance)
        if not stances:
            return self.schema.default_stance, 0.5
        return self.schema.resolve(stances), 0.8 if len(stances) == 1 else 0.6


# Every negation starts with one of these literals: a window without any has no negation, found
# by one Aho–Corasick pass instead of trying the regex at each of its characters.
_NEGATION_STARTS = ahocorasick_rs.AhoCorasick(sorted(prefixes(NEGATION.pattern)))


def _negated(lower: str, start: int) -> bool:
    """Whether a negation ends just before *start* in the lowercased text."""
    window = lower[max(0, start - 40):start]
    return (bool(_NEGATION_STARTS.find_matches_as_indexes(window))
            and NEGATION.search(window) is not None)


def uncued(schema: Schema) -> list[str]:
    """The stances of *schema* other than the default that the lexicon has no cues for."""
    return [s for s in schema.stance_names if s != schema.default_stance and s not in CUES]


def cue_tagger() -> CueTagger:
    """The shared cue tagger of the active schema, compiled on first use."""
    return _tagger(active())


@functools.cache
def _tagger(schema: Schema) -> CueTagger:
    return CueTagger(schema)
