"""A fast gazetteer entity tagger: countries, capitals, demonyms, organisations, titled names.

Names come from pycountry and countryinfo plus the curated lists below; everything is compiled,
on first use, into one regular expression whose literal parts are tries. One Aho–Corasick pass
over the sentence finds the capitalised letters and the literal prefixes of the branches that
start in lower case; the regex is tried only there (``literals.Gated``). The organisation
branch, the costliest, needs one of the organisation heads, so it is left out at positions
after the last head in the sentence. Name and organisation tokens are possessive: giving back
letters of a word could only leave a letter where a space, a hyphen or a word end must follow.
"""

from __future__ import annotations

import functools
import re

from stancekit.labeling.literals import Branch, Gated, trie
from stancekit.schema import BUNDLED

# The gazetteer tags the bundled schema's types; tasks keep those the active schema has.
PERSON, ORG, GPE, NORP = BUNDLED.schema.entity_names

VERSION = "gazetteer-1"

COUNTRY_ALIASES = (
    "US", "U.S.", "USA", "United States", "America", "UK", "U.K.", "Britain", "Great Britain",
    "Russia", "Iran", "Syria", "South Korea", "North Korea", "Taiwan", "Palestine", "Kosovo",
    "Turkey", "Vietnam", "Laos", "Bolivia", "Venezuela", "Tanzania", "Moldova", "Czech Republic",
    "Ivory Coast", "Congo", "Democratic Republic of Congo", "Democratic Republic of the Congo",
    "DRC", "DR Congo", "Republic of Congo", "Burma", "Macedonia", "Holland", "Vatican",
    "Micronesia", "Gaza", "Gaza Strip", "West Bank", "Crimea", "Donbas", "Donbass",
    "Western Sahara", "Somaliland", "Hong Kong", "Macau", "Tibet", "Xinjiang", "Kashmir",
    "Kurdistan", "Abkhazia", "South Ossetia", "Transnistria", "Nagorno-Karabakh", "Darfur",
    "Tigray", "Scotland", "Wales", "England", "Northern Ireland", "Bosnia", "Soviet Union",
    "Republika Srpska",
)
CITIES = (
    "Washington", "Moscow", "Beijing", "Kyiv", "Kiev", "Tehran", "Damascus", "Ankara", "Tripoli",
    "Benghazi", "Tel Aviv", "Jerusalem", "Ramallah", "Gaza City", "Geneva", "New York",
    "The Hague", "Brussels", "Strasbourg", "Vienna", "Istanbul", "Aleppo", "Idlib", "Mosul",
    "Basra", "Erbil", "Kharkiv", "Odesa", "Odessa", "Mariupol", "Donetsk", "Luhansk",
    "Sevastopol", "St Petersburg", "St. Petersburg", "Shanghai", "Xiamen", "Taipei", "Seoul",
    "Pyongyang", "Tokyo", "Manila", "Hanoi", "New Delhi", "Delhi", "Mumbai", "Islamabad",
    "Karachi", "Lahore", "Srinagar", "Kabul", "Kandahar", "Baghdad", "Beirut", "Sanaa",
    "Aden", "Hodeidah", "Riyadh", "Doha", "Abu Dhabi", "Dubai", "Cairo", "Khartoum",
    "Mogadishu", "Addis Ababa", "Nairobi", "Kinshasa", "Goma", "Bamako", "Niamey",
    "Ouagadougou", "Abuja", "Lagos", "Caracas", "Havana", "Bogota", "Bogotá", "Mexico City",
    "Brasilia", "Brasília", "Buenos Aires", "Minsk", "Tbilisi", "Yerevan", "Baku", "Chisinau",
    "Belgrade", "Pristina", "London", "Paris", "Berlin", "Rome", "Madrid", "Warsaw", "Canberra",
    "Ottawa", "Nagoya", "Osaka",
)
DEMONYMS = (
    "American", "British", "Briton", "Russian", "Chinese", "Iranian", "Syrian", "Turkish",
    "Turk", "Kurdish", "Kurd", "Arab", "Israeli", "Palestinian", "Ukrainian", "Korean",
    "North Korean", "South Korean", "Taiwanese", "Filipino", "Vietnamese", "Libyan", "Yemeni",
    "Saudi", "Emirati", "Qatari", "Lebanese", "Iraqi", "Afghan", "Pakistani", "Indian",
    "Japanese", "French", "German", "Dutch", "Swiss", "European", "African", "Western",
    "Soviet", "Jew", "Jewish", "Muslim", "Christian", "Sunni", "Shia", "Shiite", "Alawite",
    "Druze", "Yazidi", "Uyghur", "Uighur", "Rohingya", "Tamil", "Pashtun", "Baloch", "Hazara",
    "Tigrayan", "Amhara", "Oromo", "Tuareg", "Serb", "Croat", "Bosniak", "Albanian", "Catholic",
    "Protestant", "Hindu", "Buddhist", "Sikh", "Republican", "Democrat", "Kashmiri", "Cypriot",
    "Greek Cypriot", "Turkish Cypriot", "Philippine", "Bosnian Serb", "Bosnian Croat",
)
ORGANISATIONS = (
    "UN", "U.N.", "United Nations", "UN Security Council", "Security Council",
    "UN General Assembly", "General Assembly", "UNHCR", "UNICEF", "UNESCO", "UNRWA", "UNIFIL",
    "NATO", "EU", "European Union", "European Commission", "European Parliament",
    "African Union", "AU", "ECOWAS", "OSCE", "ASEAN", "OPEC", "G7", "G20", "BRICS",
    "Arab League", "Gulf Cooperation Council", "GCC", "SCO", "ICC", "ICJ",
    "International Criminal Court", "International Court of Justice", "IAEA",
    "International Atomic Energy Agency", "WHO", "World Health Organization",
    "World Health Organisation", "WTO", "World Trade Organization", "IMF",
    "International Monetary Fund", "World Bank", "Interpol", "Europol", "Frontex", "OPCW",
    "Pentagon", "Kremlin", "White House", "State Department", "Foreign Office",
    "Elysee", "Élysée", "Downing Street", "Congress", "Senate", "Knesset", "Duma",
    "State Duma", "Bundestag", "Politburo", "CIA", "FBI", "NSA", "KGB", "FSB", "GRU", "MI6",
    "Mossad", "IDF", "PLA", "IRGC", "Revolutionary Guards", "Revolutionary Guard",
    "Islamic Revolutionary Guard Corps", "Wagner", "Wagner Group", "AFRICOM", "CENTCOM",
    "Hamas", "Hezbollah", "Hizbollah", "Houthis", "Houthi", "Ansar Allah", "Taliban",
    "al-Shabaab", "al-Qaeda", "Al-Qaeda", "al Qaeda", "Islamic State", "ISIS", "ISIL", "Daesh",
    "Boko Haram", "PKK", "YPG", "SDF", "Syrian Democratic Forces", "Fatah",
    "Palestinian Authority", "PA", "Muslim Brotherhood", "Kuomintang", "KMT",
    "Amnesty International", "Amnesty", "Human Rights Watch", "Red Cross", "ICRC",
    "Red Crescent", "Doctors Without Borders", "MSF", "Medecins Sans Frontieres",
    "Médecins Sans Frontières", "Reporters Without Borders", "Greenpeace", "Reuters",
    "Associated Press", "AP", "AFP", "Agence France-Presse", "BBC", "CNN", "Al Jazeera", "TASS",
    "RIA Novosti", "Xinhua", "Yonhap", "Kyodo", "KCNA", "IRNA", "Anadolu", "Interfax",
    "Government of National Accord", "GNA", "LNA", "Libyan National Army",
)
# Organisation heads that also open a name ("Ministry of ..."); each is one of ORG_HEADS.
MINISTRIES = ("Ministry", "Office", "Court", "Council", "Bank", "Department")
ORG_HEADS = (
    "Ministry", "Council", "Office", "Agency", "Administration", "Army", "Navy", "Air Force",
    "Party", "Commission", "Committee", "Court", "Tribunal", "University", "Institute", "Guard",
    "Guards", "Forces", "Force", "Command", "Service", "Bank", "Union", "Front", "Movement",
    "Organisation", "Organization", "Department", "Parliament", "Assembly", "Congress", "Corps",
    "Brigade", "Brigades", "Authority", "Federation", "Alliance", "League", "Group", "Company",
    "Corporation", "Association", "Foundation", "Fund", "Watch", "Network", "Police",
    "Coalition", "Secretariat", "Cabinet", "Bureau", "Directorate", "Senate", "Academy",
    "Centre", "Center", "Mission", "Programme", "Program", "Times", "Post", "News", "Telegraph",
    "Shipping", "Terminals", "Services", "Steel", "Consortium", "Society", "Holdings",
    "Industries", "Airlines", "Airways", "Media", "Telecom", "Systems", "Technologies",
    "Petroleum", "Mining", "Resources", "Motors", "Logistics", "Lines", "Partners", "Capital",
    "Investments", "Insurance", "Energy", "Agro", "Microelectronics", "Electronics", "Precision",
)
TITLES = (
    "President", "Vice President", "Vice-President", "Prime Minister", "Deputy Prime Minister",
    "Minister", "Foreign Minister", "Defence Minister", "Defense Minister", "Interior Minister",
    "Finance Minister", "Justice Minister", "Trade Minister", "Energy Minister",
    "Health Minister", "Deputy Foreign Minister", "Deputy Minister", "Premier", "Chancellor",
    "Secretary of State", "Secretary-General", "Secretary General", "Defense Secretary",
    "Defence Secretary", "Foreign Secretary", "Home Secretary", "Press Secretary",
    "Ambassador", "ambassador", "envoy", "Envoy", "Special Envoy", "special envoy",
    "spokesperson", "spokesman", "spokeswoman", "Spokesperson", "Spokesman", "Spokeswoman",
    "Gen.", "General", "Lt. Gen.", "Maj. Gen.", "Brig. Gen.", "Lt.", "Col.", "Lt. Col.",
    "Colonel", "Maj.", "Major", "Adm.", "Admiral", "Rear Admiral", "Vice Admiral", "Capt.",
    "Captain", "Commander", "commander", "Sgt.", "Sergeant", "Sen.", "Senator", "Rep.",
    "Representative", "Gov.", "Governor", "Mayor", "mayor", "Judge", "judge", "Prosecutor",
    "prosecutor", "King", "Queen", "Prince", "Princess", "Crown Prince", "Sheikh", "Emir",
    "Ayatollah", "Supreme Leader", "Pope", "Patriarch", "Archbishop", "Bishop", "Dr.", "Dr",
    "Mr.", "Mr", "Mrs.", "Mrs", "Ms.", "Ms", "Prof.", "Professor", "Chairman", "chairman",
    "Chairwoman", "chairwoman", "Chair", "Speaker", "leader", "Leader", "lawmaker",
    "Lawmaker", "MP", "MEP", "analyst", "researcher", "diplomat", "official", "director",
    "Director", "Director-General", "Director General", "chief", "Chief", "Commissioner",
    "commissioner", "Rapporteur", "rapporteur", "Attorney General", "Attorney-General",
    "Deputy", "deputy", "Ombudsman", "Metropolitan", "Lieutenant", "Lieutenant General",
    "Lieutenant Colonel", "Major General", "Brigadier", "Brigadier General", "Secretary",
    "secretary", "Treasury Secretary", "Chief Cabinet Secretary", "Cabinet Secretary",
    "Permanent Secretary", "Permanent secretary", "Commissioner", "Election Commissioner",
    "Chief Election Commissioner", "High Commissioner", "Chairperson", "chairperson",
    "chairman-in-office", "minister", "foreign minister", "defence minister",
    "defense minister", "Deputy minister", "deputy minister", "negotiator", "candidate",
    "figure", "representative", "lawyer", "attorney", "counsel", "Justice", "legislator",
    "activist", "journalist", "editor", "businessman", "businesswoman", "mediator",
    "delegate", "executive", "chief executive", "CEO", "founder", "president", "head",
    "opposition leader", "Opposition leader", "adviser", "advisor", "Adviser", "Advisor",
    "national security adviser", "National Security Adviser",
)
NOT_NAMES = (
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "January",
    "February", "March", "April", "May", "June", "July", "August", "September", "October",
    "November", "December", "The", "He", "She", "It", "They", "We", "I", "In", "On", "At",
    "Of", "For", "And", "But", "As", "This", "That", "His", "Her", "Their", "Its", "Our",
    "A", "An", "After", "Before", "When", "While", "If", "Speaking", "According",
)
ACRONYM_STOP = (
    "TV", "GDP", "CEO", "PM", "AM", "OK", "ID", "SU", "UAV", "ICBM", "LNG", "DNA", "AI", "IT",
    "HIV", "AIDS", "COVID", "USD", "EUR", "NGO", "NGOs", "GMT", "UTC", "VIP", "SMS", "GPS",
    "HQ", "LOC", "MW", "GW", "KM", "MP", "MPs", "MEP", "III", "II", "IV", "VI", "DC", "D.C",
    "RPG", "IED", "IEDs", "SUV", "CCTV", "VAT", "EEZ", "LGBT", "LGBTQ", "FAQ", "IMO",
    "CO2", "ETA", "FIR", "AK", "UNSC",
)
SKIP = (
    "The Valley", "Hamilton", "Victoria", "Kingston", "Jersey", "Georgetown", "Praia",
    "Avarua", "Palikir", "Jamestown", "Adamstown", "Flying Fish Cove", "King Edward Point",
    "Road Town", "Basse-Terre", "Saint John's", "Plymouth", "Man", "Saint", "Sucre", "Male",
    "Bermudian", "Indian Ocean Territory",
)

_UPPER = "A-ZÀ-ÖØ-Þ"
_LOWER = "a-zß-öø-ÿ\u0100-\u024f"
_NAME_TOKEN = (rf"(?:(?:al|el|bin|ibn|van|von|de|da|di|du|le|la|Van)[- ])?(?!(?:{{stop}})\b)"
               rf"[{_UPPER}][{_LOWER}]++(?:-[{_UPPER}{_LOWER}]++|['’](?!s\b)[{_UPPER}{_LOWER}]++)*")
_ORG_TOKEN = r"(?!(?:{stop})\b)(?:People's|[A-Z]\.(?:[A-Z]\.)+|[A-Z][\w&]*+(?:-[A-Z][\w&]*+)*)"
_ACRONYM = r"(?P<acronym>[A-Z][A-Z0-9]{{1,5}}s?)"


def _plural(demonym: str) -> str | None:
    if demonym.endswith(("ese", "sh", "ch", "s", "ss", "i", "x", "z")):
        return demonym + "s" if demonym.endswith("i") else None
    return demonym + "s"


def _split(value: str | list | None, sep: str) -> list[str]:
    values = value if isinstance(value, list) else (value or "").split(sep)
    return [v.strip() for v in values if v.strip()]


def _country_names() -> tuple[set[str], set[str], set[str]]:
    """Country names, capitals and demonyms from pycountry and countryinfo."""
    import countryinfo
    import pycountry

    countries = set(COUNTRY_ALIASES)
    for c in pycountry.countries:
        for attr in ("name", "common_name", "official_name"):
            name = getattr(c, attr, None)
            if name and "," not in name:
                countries.add(name.removeprefix("the "))
    capitals, demonyms = set(CITIES), set(DEMONYMS)
    for info in countryinfo.all_countries():
        data = info.info()
        capitals.update(_split(data.get("capital"), "/"))
        demonyms.update(_split(data.get("demonym"), ","))
    demonyms |= {p for d in list(demonyms) if (p := _plural(d))}
    skip = set(SKIP)
    return countries - skip, capitals - skip, demonyms - skip


class Gazetteer:
    """Find PERSON, ORG, GPE and NORP mentions in a sentence with one compiled regex."""

    def __init__(self) -> None:
        countries, capitals, demonyms = _country_names()
        self.labels: dict[str, str] = {}
        for names, label in ((ORGANISATIONS, ORG), (countries, GPE), (capitals, GPE),
                             (demonyms, NORP)):
            for name in names:
                self.labels.setdefault(name, label)
        stop = trie(NOT_NAMES)
        name = _NAME_TOKEN.format(stop=stop)
        org = _ORG_TOKEN.format(stop=stop)
        heads = trie(ORG_HEADS)
        connect = r"\s+(?:of|for|on)(?:\s+the)?\s+"
        title = trie(TITLES)
        name_run = rf"{name}(?:\s+{name})"
        self.alternation = Gated([
            Branch("org", rf"(?P<org>{org}(?:\s+{org})*\s+{heads}"
                          rf"(?:{connect}{org}(?:\s+(?:and\s+)?{org})*)?"
                          rf"|(?:{'|'.join(MINISTRIES)}){connect}{org}"
                          rf"(?:\s+(?:and\s+)?{org})*)", needs=ORG_HEADS),
            Branch("person", rf"(?:{title})(?:\s+(?:{title}))*\s+(?P<person>{name_run}{{0,2}})"),
            Branch("said", rf"(?:said|according\s+to)\s+(?P<said>{name_run}{{1,2}})(?=,)"),
            Branch("lit", rf"(?P<lit>{trie(self.labels)})"),
            Branch("appos", rf"(?:(?<=, )|(?<=^))(?P<appos>{name_run}{{1,2}})"
                            r"(?=,(?:\s+(?:a|an|the|who|\d+)\b)|,(?<!^))"),
            Branch("acronym", _ACRONYM.format()),
        ], head=r"(?<![\w.])", tail=r"(?!\w)", cover=f"[{_UPPER}]")
        self.acronym_stop = frozenset(ACRONYM_STOP)
        self.word_pattern = re.compile(  # the class first lets the search skip to candidates
            rf"[{_UPPER}](?<!\w.)[^\W_]*(?:-[^\W_]+|['’](?!s\b)[^\W_]+)*")

    def find(self, text: str, people: set[str] | None = None) -> list[dict]:
        """Entity spans of *text*, in order and non-overlapping.

        ``people`` holds names already seen in the document; a later mention of one of them
        (often the surname alone) is tagged PERSON, and new PERSON names are added to it.
        """
        spans = []
        labels = self.labels
        for m in self.alternation.finditer(text):
            group = m.lastgroup
            if group == "lit":
                start, end, label = m.start(), m.end(), labels[m.group()]
            elif group in ("org", "acronym"):
                start, end = m.start(), m.end()
                label = labels.get(m.group(), ORG)
                if group == "acronym" and m.group() in self.acronym_stop:
                    continue
            else:
                start, end = m.span(group)
                label = labels.get(m.group(group), PERSON)
            spans.append({"start": start, "end": end, "text": text[start:end], "label": label})
        if people is not None:
            spans = self._remember(text, spans, people)
        return spans

    def _remember(self, text: str, spans: list[dict], people: set[str]) -> list[dict]:
        if people and not people.isdisjoint(self.word_pattern.findall(text)):
            taken = [(s["start"], s["end"]) for s in spans]
            extra: list[dict] = []
            for m in self.word_pattern.finditer(text):
                word = m.group()
                if word not in people or any(a < m.end() and m.start() < b for a, b in taken):
                    continue
                last = extra[-1] if extra else None
                joined = last and text[last["start"]:m.end()]
                if last and last["end"] + 1 == m.start() and joined in people:
                    last.update(end=m.end(), text=joined)
                else:
                    extra.append({"start": m.start(), "end": m.end(), "text": word,
                                  "label": PERSON})
            if extra:
                spans = sorted(spans + extra, key=lambda s: s["start"])
        for s in spans:
            if s["label"] == PERSON:
                people.add(s["text"])
                people.update(w for w in s["text"].split() if w not in self.labels)
        return spans


@functools.cache
def gazetteer() -> Gazetteer:
    """The shared gazetteer, compiled on first use."""
    return Gazetteer()
