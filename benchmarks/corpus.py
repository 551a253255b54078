"""A deterministic synthetic corpus of feeds and article pages on belmon's themes.

Everything is generated from a seed with templates and word lists written for this
benchmark (no third-party text), then cached on disk under ``benchmarks/out/corpus/`` keyed by
the seed and the sizes. Layout of a corpus directory::

    manifest.json                 sizes, outlets, feeds, articles, expected counts
    feeds/base/<path>             feeds of the first cycles (half RSS 2.0, half Atom)
    feeds/incremental/<path>      the same feeds with ``new_share`` new articles on top
    pages/<path>                  article pages (50-150 KB of HTML) and their .gz twins

Feed files hold the placeholder ``@@PORT@@`` where the server's port goes: the server fills it
in when it loads them. Outlet ``i`` lives on host ``127.0.0.(i + 2)``: distinct hosts, so that
belmon's per-host politeness limit behaves as it does on the real web.

``python -m benchmarks.corpus --feeds 20 --entries 10`` builds (or finds) a corpus and prints
its directory.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import html
import json
import random
import re
import shutil
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

GENERATOR_VERSION = 5
OUT_DIR = Path(__file__).resolve().parent / "out"
PORT_TOKEN = "@@PORT@@"
ANCHOR = datetime(2025, 10, 20, 12, 0, tzinfo=UTC)  # newest base article; never "now"
MIN_PAGE, MAX_PAGE = 50_000, 150_000

# ------------------------------------------------------------------ failures (by URL)


def failure_kind(path: str) -> str | None:
    """Deterministic failures by URL path: ~1% 404, ~0.5% 500, ~1% slow, rest served."""
    if path.startswith("/__"):
        return None
    bucket = int(hashlib.sha1(path.encode()).hexdigest()[:8], 16) % 1000
    if bucket < 10:
        return "404"
    if bucket < 15:
        return "500"
    if bucket < 25:
        return "slow"
    return None


# ------------------------------------------------------------------ word lists

WESTERN = [
    "the European Union", "the Council of the EU", "the European Parliament",
    "the United States", "the US Treasury", "the State Department", "the United Kingdom",
    "the Foreign Office in London", "Canada", "Lithuania", "Poland", "Latvia", "Germany",
    "France", "the Netherlands", "Sweden", "the Baltic states", "the G7", "Norway",
    "Switzerland", "the European Commission",
]
REGIME = [
    "the authorities in Minsk", "the Lukashenka regime", "the Belarusian KGB",
    "the interior ministry", "prosecutors in Minsk", "the presidential administration",
    "regional courts", "the security services", "state television", "the information ministry",
]
OPPOSITION = [
    "the democratic forces", "the opposition office in Vilnius", "the Coordination Council",
    "exiled activists", "the United Transitional Cabinet", "diaspora groups",
    "independent trade unions", "the opposition in exile",
]
RIGHTS = [
    "Viasna", "human rights defenders", "the Belarusian Association of Journalists",
    "Reporters Without Borders", "the UN special rapporteur", "Amnesty International",
    "a Warsaw-based monitoring group", "lawyers for the families",
]
THINKTANKS = [
    "the Centre for New Ideas", "a Vilnius think tank", "a Berlin research institute",
    "the Eastern Europe Studies Centre", "economists in Warsaw", "a London policy institute",
]
NEIGHBOURS = ["Poland", "Lithuania", "Latvia", "Ukraine"]
CITIES = ["Vilnius", "Warsaw", "Riga", "Berlin", "Brussels", "Prague", "Tallinn", "Kyiv",
          "Strasbourg", "Geneva"]
TOWNS = ["Minsk", "Hrodna", "Brest", "Homel", "Mahiliou", "Vitsebsk", "Baranavichy",
         "Babruisk", "Pinsk", "Lida", "Maladziechna", "Navapolatsk", "Salihorsk"]
PRISONS = ["the detention centre on Akrestsin Street", "Penal Colony No. 3",
           "the Zhodzina pre-trial prison", "the Mahiliou prison", "the KGB remand prison",
           "a women's colony in Homel"]
GOODS = ["potash", "petroleum products", "fertilisers", "timber", "tyres", "steel wire",
         "dual-use electronics", "machine tools", "aircraft parts", "cement"]
TRANSIT = ["Russian ports", "Kazakhstan", "third countries in Central Asia",
           "shell companies in the UAE", "a chain of intermediaries in Turkey",
           "rail links through Russia"]
TARGETS = ["judges who convicted protesters", "state propagandists",
           "officials of the central election commission", "arms producers",
           "companies supplying Russian forces", "managers of the state potash exporter",
           "prison governors", "senior police officers", "bankers close to the presidency"]
FIRST = ["Alena", "Maryia", "Ihar", "Pavel", "Volha", "Andrei", "Tatsiana", "Siarhei",
         "Katsiaryna", "Dzmitry", "Hanna", "Aliaksandr", "Iryna", "Yauhen", "Nasta", "Raman",
         "Palina", "Uladzimir", "Darya", "Kiryl", "Liudmila", "Mikhas", "Veranika", "Zmitser"]
LAST = ["Kavalenka", "Shymanskaya", "Lutsevich", "Barysevich", "Zhuk", "Karpovich",
        "Sakalouski", "Dubovik", "Hrynevich", "Marozava", "Tsvirko", "Yermakovich",
        "Lapitskaya", "Navumchyk", "Sidarenka", "Astapenka", "Klimovich", "Rusetskaya",
        "Palianskaya", "Miranovich", "Charnyshou", "Vasilevich"]
PROFESSIONS = ["teacher", "doctor", "software developer", "pensioner", "student", "journalist",
               "trade union activist", "lawyer", "musician", "factory worker", "priest",
               "engineer", "blogger", "nurse", "historian"]
OFFENCES = ["donating to a strike fund", "commenting on social media", "joining a protest",
            "sending photos to an independent outlet", "insulting the president",
            "taking part in an extremist formation", "subscribing to a banned channel",
            "organising actions that grossly violate public order"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
ORDINALS = ["sixth", "seventh", "eighth", "ninth", "tenth", "eleventh", "twelfth"]
OUTLET_A = ["Minsk", "Baltic", "Eastern", "Border", "Free", "Nordic", "Vilnius", "Polesie",
            "Neman", "Continental", "Atlantic", "Danube", "Central", "Open", "Northern"]
OUTLET_B = ["Observer", "Policy Wire", "Review", "Dispatch", "Monitor", "Chronicle",
            "Bulletin", "Report", "Gazette", "Digest", "Post", "Herald", "Courier", "Ledger"]
SECTIONS = ["News", "Politics", "Economy", "Human rights", "Opinion", "Europe", "Russia",
            "Ukraine", "Society", "Culture", "Sport", "Video", "Podcasts", "Investigations",
            "Explainers", "Regions", "Diaspora", "Science", "Technology", "Photo"]

# Word-level variation applied after templates are filled, so that two articles built from
# the same template share few five-word runs (as unrelated news stories do).
VARIANTS: dict[str, list[str]] = {
    "said": ["said", "stated", "noted", "told reporters", "argued", "confirmed", "claimed"],
    "new": ["new", "fresh", "latest", "additional", "further"],
    "adopted": ["adopted", "approved", "agreed", "endorsed", "rubber-stamped"],
    "package": ["package", "round", "set", "batch", "tranche"],
    "people": ["people", "persons", "individuals", "Belarusians", "citizens"],
    "prison": ["prison", "jail", "detention", "custody"],
    "officials": ["officials", "diplomats", "ministers", "policymakers", "civil servants"],
    "country": ["country", "republic", "state", "nation"],
    "border": ["border", "frontier", "boundary line", "eastern border"],
    "now": ["now", "currently", "today", "at present", "these days"],
    "main": ["main", "principal", "largest", "key", "chief"],
    "more": ["more", "over", "upwards of", "at least"],
    "several": ["several", "a number of", "some", "a handful of", "various"],
    "help": ["help", "support", "assistance", "aid"],
    "critics": ["critics", "sceptics", "opponents", "commentators", "observers"],
    "warnings": ["warnings", "protests", "concern", "criticism", "alarm"],
    "report": ["report", "statement", "note", "briefing", "update"],
    "months": ["months", "weeks"],
    "months.": ["months.", "weeks."],
    "independent": ["independent", "free", "non-state", "exiled"],
    "families": ["families", "relatives", "loved ones", "parents"],
    "still": ["still", "nonetheless", "even so", "despite this"],
    "also": ["also", "meanwhile", "in addition", "separately", "moreover"],
    "against": ["against", "targeting", "aimed at"],
    "release": ["release", "freeing", "liberation"],
    "according": ["according", "referring"],
    "since": ["since", "from"],
    "reported": ["reported", "recorded", "registered", "documented", "counted"],
    "money": ["money", "funds", "cash", "donations"],
    "last": ["last", "previous", "past"],
    "year.": ["year.", "year, without result.", "spring.", "autumn.", "winter."],
    "Belarus": ["Belarus", "Belarus", "the country", "Belarus itself"],
    "regime": ["regime", "government", "authorities", "leadership"],
    "government": ["government", "authorities", "leadership", "administration"],
    "move": ["move", "step", "decision", "measure"],
    "list": ["list", "register", "roster", "blacklist"],
    "court": ["court", "judge", "tribunal"],
    "recent": ["recent", "latest", "past few"],
    "many": ["many", "numerous", "plenty of", "lots of"],
    "again": ["again", "once more", "anew"],
    "over": ["over", "across", "throughout"],
    "they": ["they", "these groups", "both sides"],
    "lawyers": ["lawyers", "attorneys", "advocates", "legal experts"],
    "strengthened": ["strengthened", "expanded", "enlarged", "deepened"],
    "close": ["close", "shut", "suspend operations"],
    "forced": ["forced", "obliged", "compelled", "made"],
    "widened": ["widened", "extended", "broadened", "tightened"],
}
_ALTERNATION = "|".join(re.escape(k) for k in sorted(VARIANTS, key=len, reverse=True))
_VARIABLE = re.compile(r"\b(" + _ALTERNATION + r")(?=\s|$)")

# A clause builder for most sentences: short parts combined freely, so that runs of five
# words rarely repeat between articles (templates alone would make every story look alike).
VERBS = ["criticised", "welcomed", "condemned", "questioned", "postponed", "announced",
         "rejected", "discussed", "defended", "reviewed", "challenged", "endorsed",
         "played down", "drew attention to", "demanded details of", "raised doubts about",
         "asked for clarity on", "pointed to", "warned about", "backed", "praised",
         "described", "mentioned", "downplayed", "dismissed", "documented"]
OBJECTS: dict[str, list[str]] = {
    "sanctions": ["the new listings", "the asset freezes", "the potash ban", "the delistings",
                  "the transit loophole", "the export controls", "the customs checks",
                  "the frozen accounts", "the trade figures", "the banking curbs"],
    "prisoners": ["the verdict", "the pardons", "the closed trial", "the prison conditions",
                  "the new charges", "the hunger strike", "the transfer to a colony",
                  "the ban on visits", "the sentence", "the appeal hearing"],
    "elections": ["the turnout figure", "the early voting", "the count", "the candidate list",
                  "the ban on observers", "the campaign rules", "the ballot design",
                  "the official result", "the boycott call"],
    "russia": ["the troop rotation", "the joint drills", "the gas price deal",
               "the union state decrees", "the new loans", "the missile deployment",
               "the air defence plans", "the rail contract"],
    "border": ["the border closure", "the pushbacks", "the new fence", "the asylum claims",
               "the rescue in the forest", "the lorry queues", "the balloon incursions",
               "the buffer zone", "the patrol numbers"],
    "media": ["the extremism label", "the raids on reporters", "the blocked websites",
              "the newsroom move", "the detained cameraman", "the VPN crackdown",
              "the accreditation rules", "the jailed editor", "the broadcast licence"],
    "diplomacy": ["the envoy's recall", "the summons", "the visa talks", "the joint letter",
                  "the channel to Minsk", "the prisoner deal", "the ministerial visit",
                  "the conference agenda"],
    "civil_society": ["the grant scheme", "the legal aid desk", "the scholarship round",
                      "the passport service", "the relocation programme", "the food parcels",
                      "the volunteer network", "the solidarity fund"],
}
ADJUNCTS = ["on {weekday}", "in {city}", "in {month}", "late last week", "earlier this month",
            "after a short hearing", "without further comment", "for the second time",
            "in a written reply", "at a briefing in {city}", "during a visit to {town}",
            "in an interview", "in a joint statement", "on social media", "behind closed doors",
            "ahead of the next summit", "while in {city}", "before the vote in {town}",
            "at a press conference", "in a letter to {western}"]
SUBJECTS = ["{western}", "{regime}", "{opposition}", "{rights}", "{thinktank}", "{person}",
            "a spokesperson for {western}", "a lawyer in {city}", "a former official in {town}",
            "residents of {town}", "a deputy minister", "the foreign ministry in {city}",
            "an analyst at {thinktank}", "activists in {city}"]
TAILS = ["", "", "", " and called for a response from {western}",
         " and said more information would follow", " but gave no timetable",
         " while the details remained unclear", " as pressure from {opposition} grew",
         " and urged {regime} to change course", " and promised to return to the issue"]

# Theme templates. Slots in braces are filled from the lists above or from numbers.
THEMES: dict[str, list[str]] = {
    "sanctions": [
        "{western} adopted a new package of restrictive measures aimed at {target}.",
        "The new listings add {small} individuals and {small2} companies to the sanctions list.",
        "Officials said the asset freezes and travel bans would stay in force until {regime} "
        "frees the people it holds for their views.",
        "{western} also widened export bans on {goods}, closing a route that {regime} had used "
        "to reach buyers abroad.",
        "Analysts at {thinktank} said that {goods} remained the main source of hard currency "
        "for the state budget.",
        "Customs records suggest that shipments of {goods} now travel through {transit}.",
        "Critics complained that enforcement was patchy, since {goods} still reached European "
        "buyers through {transit}.",
        "It is the {ordinal} package of sanctions since the disputed vote of 2020, agreed after "
        "{small} weeks of bargaining between member states.",
        "Sanctions lawyers in {city} expect more companies to ask for delistings in court.",
        "{western} estimated that frozen assets linked to the regime exceed {money}.",
    ],
    "prisoners": [
        "According to {rights}, there were {pp} political prisoners in Belarus as of {asof}.",
        "{rights} counted {pp} political prisoners as of {asof}, {small} of them women.",
        "{person}, a {profession} from {town}, was sentenced to {years} years in a penal colony "
        "for {offence}.",
        "Relatives say {person} has been held incommunicado since {month}, with no visits from "
        "a lawyer.",
        "{regime} pardoned {small} prisoners in {month}, yet {rights} reported that new arrests "
        "kept pace with the releases.",
        "At least {det} people were detained in {month} over posts and comments online, "
        "{rights} said.",
        "Former inmates describe crowded cells in {prison}, where the lights are never switched "
        "off.",
        "Lawyers who defended political prisoners have lost their licences or left the country.",
        "The families of several prisoners have heard nothing from them for more than a year.",
        "{rights} said {rel} people had been released after serving their full terms since "
        "{month}.",
    ],
    "elections": [
        "Observers from the OSCE were not invited to follow the vote, and no independent count "
        "was possible.",
        "{western} said it would not recognise the result of the {election}, calling the vote "
        "neither free nor fair.",
        "The central election commission announced a turnout of {pct} percent, a number "
        "{opposition} called invented.",
        "There were no televised debates, and candidates critical of the government were not "
        "allowed to register.",
        "{opposition} asked voters in {town} to photograph their ballots as a form of protest.",
        "Ballots in {town} were counted behind closed doors, {rights} reported.",
        "Early voting lasted five days, a period that critics say makes ballot stuffing easy.",
        "The vote took place with hundreds of potential candidates in prison or in exile.",
    ],
    "russia": [
        "Moscow has strengthened its military footprint in Belarus since {year}, including "
        "tactical nuclear weapons.",
        "The union state programmes signed with Russia cover {small} policy areas, from taxes "
        "to energy prices.",
        "{western} describes Belarus as a co-aggressor in Russia's war against Ukraine.",
        "Russian credits worth {money} have kept state factories afloat and tied Minsk ever "
        "closer to the Kremlin.",
        "Joint exercises close to the border with {neighbour} prompted warnings from {western}.",
        "Russian troops used Belarusian territory to attack Kyiv in the first weeks of the "
        "full-scale invasion.",
        "Energy subsidies from Moscow are worth about {pct} percent of Belarusian output, "
        "according to {thinktank}.",
        "Officials in {city} fear that integration with Russia will soon leave little of "
        "Belarusian sovereignty.",
    ],
    "border": [
        "Border guards in {neighbour} reported {mig} attempts to cross from Belarus without "
        "permission in {month}.",
        "{neighbour} extended the state of emergency along its border with Belarus for another "
        "{small} months.",
        "Aid workers said that people stuck in the forest between the fences had no food, "
        "water or medical help.",
        "{western} accused Minsk of arranging flights and visas to push migrants towards the "
        "EU border.",
        "A steel barrier topped with razor wire now runs along {km} kilometres of the frontier.",
        "{rights} criticised pushbacks at the border as a violation of the right to seek "
        "asylum.",
        "Some crossing points with {neighbour} were closed for weeks, stranding hundreds of "
        "lorries.",
        "Smuggling balloons drifting into {neighbour} forced the airport in {city} to close "
        "several times.",
    ],
    "media": [
        "{jour} journalists and media workers are currently in prison in Belarus, the "
        "Belarusian Association of Journalists said.",
        "The information ministry added {small} more websites and Telegram channels to its list "
        "of extremist materials.",
        "Readers who subscribe to an outlet labelled extremist risk up to {small} days of "
        "administrative arrest.",
        "Exiled newsrooms in {city} now produce most of the independent reporting on the "
        "country.",
        "{person}, an editor in {city}, said that the newsroom relies on anonymous "
        "correspondents inside Belarus.",
        "Blocked websites can still be reached with VPN tools, but downloads of such tools are "
        "themselves watched.",
        "Independent media lost most of their advertising income after being declared "
        "extremist.",
        "{western} announced {money} for exiled media over the next three years.",
    ],
    "diplomacy": [
        "Diplomats in {city} disagree about whether limited contacts with Minsk could secure "
        "more releases.",
        "{western} summoned the Belarusian charge d'affaires after the latest sentences.",
        "A coherent Western strategy, one official argued, must combine pressure with a "
        "credible offer to Belarusian society.",
        "Speaking in {city} on {weekday}, a senior official said that any dialogue must begin "
        "with the release of all political prisoners.",
        "{western} and {western2} agreed to coordinate visa policy for Belarusian citizens.",
        "The talks in {city} ended without a joint statement, according to people familiar "
        "with them.",
        "Several governments want the EU to speak with one voice rather than act bilaterally.",
    ],
    "civil_society": [
        "Grants from {western} support {small} independent organisations now registered abroad.",
        "Relocated NGOs in {city} offer legal help to the families of political prisoners.",
        "A scholarship programme in {neighbour} has funded {rel} students expelled for "
        "political reasons.",
        "{opposition} opened a new office in {city} to help Belarusians renew documents.",
        "More than {small2} civil society groups have been forcibly dissolved since 2021, "
        "{rights} said.",
        "Diaspora volunteers in {city} raise money for food parcels sent to prisons.",
    ],
}
FILLER = [
    "The decision follows months of pressure from {opposition}.",
    "It was not possible to verify the figures independently.",
    "A spokesperson for {regime} did not reply to a request for comment.",
    "The next review is due in {month}.",
    "{opposition} welcomed the move but said it came late.",
    "The statement was published on {weekday} evening.",
    "Similar measures were discussed in {city} last year without result.",
    "Officials declined to say how many people were affected.",
    "{person}, who follows the issue for {thinktank}, called the step overdue.",
]
HEADLINES: dict[str, list[str]] = {
    "sanctions": ["{western} adds {small} names to Belarus sanctions list",
                  "New curbs on {goods} from Belarus agreed in {city}",
                  "Sanctions on Belarusian {goods}: loopholes via {transit}",
                  "{ordinal} sanctions package targets {target}"],
    "prisoners": ["Rights group counts {pp} political prisoners in Belarus",
                  "{profession} from {town} jailed for {years} years",
                  "Families of Belarusian prisoners in {city} ask for news",
                  "{small} prisoners pardoned as arrests continue"],
    "elections": ["{western} rejects result of Belarus vote",
                  "Turnout of {pct} percent questioned by opposition",
                  "Belarus vote held without observers"],
    "russia": ["Russian forces in Belarus worry {neighbour}",
               "Minsk and Moscow sign new union state plans",
               "Kremlin credits of {money} prop up Belarusian factories"],
    "border": ["{neighbour} reports {mig} border crossing attempts",
               "State of emergency on the {neighbour} border extended",
               "Fence along the Belarus border reaches {km} km"],
    "media": ["{jour} media workers behind bars in Belarus",
              "More Telegram channels declared extremist",
              "Exiled newsrooms in {city} count the cost"],
    "diplomacy": ["{western} summons Belarusian envoy",
                  "Talks in {city} on Belarus end without statement",
                  "Diplomats debate contacts with Minsk"],
    "civil_society": ["Relocated NGOs in {city} widen legal aid",
                      "Scholarships for expelled Belarusian students",
                      "{opposition} opens office in {city}"],
}
COMMENT_BITS = [
    "Thank you for writing about this.", "Sanctions only hurt ordinary people.",
    "My cousin is still waiting for a trial.", "Why does nobody in Brussels act faster?",
    "This has been going on for years.", "Free them all!", "Fake news, as usual.",
    "Where can I donate?", "The border situation is getting worse every week.",
    "Good article, but the numbers are surely higher.", "Who pays for all of this?",
    "I left in 2021 and I am not going back soon.", "Strength to the families.",
    "Please write more about the regions, not only Minsk.", "Russia decides everything now.",
    "Interesting, I had not heard about this case.", "Long live Belarus!",
]


# ------------------------------------------------------------------ the spec


@dataclass(frozen=True)
class CorpusSpec:
    """Sizes of a corpus; the directory name is derived from all of them."""

    seed: int = 20251020
    feeds: int = 200
    entries: int = 50
    fanout: int = 5  # feeds each article appears in (syndication hubs)
    outlets: int = 40
    new_share: float = 0.05
    duplicate_share: float = 0.1  # articles that are syndicated near-copies of another

    @property
    def distinct(self) -> int:
        return self.feeds * self.entries // self.fanout

    @property
    def new_articles(self) -> int:
        return max(1, round(self.distinct * self.new_share))

    @property
    def key(self) -> str:
        return (f"s{self.seed}-f{self.feeds}-e{self.entries}-x{self.fanout}-o{self.outlets}"
                f"-n{self.new_share:g}-d{self.duplicate_share:g}-v{GENERATOR_VERSION}")

    def validate(self) -> None:
        if self.fanout > self.feeds or self.fanout < 1:
            raise ValueError("fanout must be between 1 and the number of feeds")
        if self.outlets < 1 or self.outlets > 250:
            raise ValueError("outlets must be between 1 and 250 (one loopback address each)")


def outlet_host(index: int) -> str:
    return f"127.0.0.{index + 2}"


def _slug(text: str, limit: int = 60) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:limit].strip("-")


# ------------------------------------------------------------------ prose


class Writer:
    """Fills templates from the word lists with one article's random generator."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def person(self) -> str:
        return f"{self.rng.choice(FIRST)} {self.rng.choice(LAST)}"

    def asof(self) -> str:
        day = self.rng.choice([1, 1, 1, 15, 20, 30])
        month = self.rng.randrange(1, 11)
        day = min(day, 28) if month == 2 else day
        return f"{day} {MONTHS[month - 1]} 2025"

    def slots(self) -> dict[str, Callable[[], str]]:
        r = self.rng
        western_pick = lambda: r.choice(WESTERN)  # noqa: E731 - small table of closures
        return {
            "western": western_pick, "western2": western_pick,
            "regime": lambda: r.choice(REGIME), "opposition": lambda: r.choice(OPPOSITION),
            "rights": lambda: r.choice(RIGHTS), "thinktank": lambda: r.choice(THINKTANKS),
            "neighbour": lambda: r.choice(NEIGHBOURS), "city": lambda: r.choice(CITIES),
            "town": lambda: r.choice(TOWNS), "prison": lambda: r.choice(PRISONS),
            "goods": lambda: r.choice(GOODS), "transit": lambda: r.choice(TRANSIT),
            "target": lambda: r.choice(TARGETS), "person": self.person,
            "profession": lambda: r.choice(PROFESSIONS), "offence": lambda: r.choice(OFFENCES),
            "month": lambda: r.choice(MONTHS), "weekday": lambda: r.choice(WEEKDAYS),
            "ordinal": lambda: r.choice(ORDINALS),
            "election": lambda: r.choice(["presidential election", "parliamentary election",
                                          "local elections", "referendum"]),
            "small": lambda: str(r.randrange(3, 60)),
            "small2": lambda: str(r.randrange(5, 900)),
            "years": lambda: str(r.randrange(2, 16)),
            "year": lambda: str(r.randrange(2020, 2025)),
            "pp": lambda: f"{r.randrange(1080, 1290):,}",
            "det": lambda: f"{r.randrange(40, 700):,}",
            "rel": lambda: f"{r.randrange(20, 400):,}",
            "mig": lambda: f"{r.randrange(300, 9000):,}",
            "jour": lambda: str(r.randrange(28, 45)), "km": lambda: str(r.randrange(180, 420)),
            "pct": lambda: f"{r.randrange(40, 92)}.{r.randrange(0, 10)}",
            "money": lambda: r.choice([f"EUR {r.randrange(2, 900)} million",
                                       f"${r.randrange(1, 9)}.{r.randrange(0, 10)} billion",
                                       f"{r.randrange(10, 500)} million dollars"]),
            "asof": self.asof,
        }

    def fill(self, template: str) -> str:
        slots = self.slots()
        text = re.sub(r"\{(\w+)\}", lambda m: slots[m.group(1)](), template)
        text = _VARIABLE.sub(lambda m: self.rng.choice(VARIANTS[m.group(1)]), text)
        return text[0].upper() + text[1:]

    def clause(self, theme: str) -> str:
        r = self.rng
        return self.fill(f"{r.choice(SUBJECTS)} {r.choice(VERBS)} {r.choice(OBJECTS[theme])} "
                         f"{r.choice(ADJUNCTS)}{r.choice(TAILS)}.")

    def paragraph(self, theme: str, other: str) -> str:
        count = self.rng.randrange(3, 7)
        sentences = []
        for _ in range(count):
            roll = self.rng.random()
            if roll < 0.45:
                sentences.append(self.clause(theme if roll < 0.35 else other))
            elif roll < 0.95:
                pool = THEMES[theme] if roll < 0.8 else THEMES[other]
                sentences.append(self.fill(self.rng.choice(pool)))
            else:
                sentences.append(self.fill(self.rng.choice(FILLER)))
        return " ".join(sentences)

    def comment(self) -> str:
        return " ".join(self.rng.sample(COMMENT_BITS, self.rng.randrange(1, 4)))


# ------------------------------------------------------------------ articles and pages


@dataclass
class ArticleSpec:
    index: int
    outlet: int
    path: str
    headline: str
    author: str
    published: str  # ISO 8601
    theme: str
    paragraphs: list[str]
    duplicate_of: int | None = None

    @property
    def summary(self) -> str:
        return self.paragraphs[0]


def _published(index: int, distinct: int, rng: random.Random) -> datetime:
    """Base articles spread over the 14 days before ANCHOR (higher index = newer);
    incremental ones after it."""
    if index < distinct:
        seconds = (distinct - 1 - index) * (14 * 86400 / max(distinct, 1))
        return ANCHOR - timedelta(seconds=seconds + rng.randrange(0, 60))
    return ANCHOR + timedelta(minutes=10 * (index - distinct + 1))


def make_article(spec: CorpusSpec, index: int, outlets: list[str],
                 originals: dict[int, ArticleSpec]) -> ArticleSpec:
    rng = random.Random(f"{spec.seed}:article:{index}")
    writer = Writer(rng)
    themes = list(THEMES)
    theme, other = rng.sample(themes, 2)
    published = _published(index, spec.distinct, rng)
    source = None
    if index >= 5 and rng.random() < spec.duplicate_share:
        pool = [i for i in originals if i < index and originals[i].duplicate_of is None]
        source = originals[rng.choice(pool[-200:])] if pool else None
    if source is not None:  # a syndicated copy: same body, other headline, one more paragraph
        theme = source.theme
        headline = writer.fill(rng.choice(HEADLINES[theme]))
        note = (f"This report first appeared on {outlets[source.outlet]} and is republished "
                f"with permission. {writer.fill(rng.choice(FILLER))}")
        paragraphs = list(source.paragraphs) + [note]
        outlet = (source.outlet + 1 + rng.randrange(len(outlets) - 1)) % len(outlets) \
            if len(outlets) > 1 else source.outlet
    else:
        headline = writer.fill(rng.choice(HEADLINES[theme]))
        paragraphs = [writer.paragraph(theme, other) for _ in range(rng.randrange(5, 16))]
        outlet = rng.randrange(len(outlets))
    path = (f"/{_slug(outlets[outlet], 30)}/{published:%Y/%m}/"
            f"{_slug(headline)}-{index:05d}.html")
    return ArticleSpec(index, outlet, path, headline, writer.person(), published.isoformat(),
                       theme, paragraphs, source.index if source else None)


CSS_PROPS = ["margin", "padding", "color", "font-size", "line-height", "border", "display",
             "background", "max-width", "grid-template-columns", "letter-spacing"]


def _css(rng: random.Random, rules: int) -> str:
    out = []
    for i in range(rules):
        props = ";".join(f"{rng.choice(CSS_PROPS)}:{rng.randrange(0, 40)}px"
                         for _ in range(rng.randrange(2, 6)))
        out.append(f".c{i}-{rng.choice(['nav', 'card', 'wgt', 'ftr', 'hdr'])}{{{props}}}")
    return "\n".join(out)


def _links(rng: random.Random, count: int, base: str, cls: str) -> str:
    items = []
    for _ in range(count):
        label = f"{rng.choice(SECTIONS)} {rng.choice(TOWNS)}"
        items.append(f'<li class="{cls}-item"><a href="{base}/{_slug(label)}">'
                     f'{html.escape(label)}</a></li>')
    return "".join(items)


def render_page(article: ArticleSpec, outlets: list[str], teasers: list[str],
                seed: int) -> bytes:
    """An article page with header, navigation, sidebars, comments and footer."""
    rng = random.Random(f"{seed}:page:{article.index}")
    writer = Writer(rng)
    site = outlets[article.outlet]
    slug = _slug(site, 30)
    target = rng.randrange(MIN_PAGE, MAX_PAGE)
    esc = html.escape
    date = article.published[:10]
    nav = "".join(
        f'<li class="menu-item has-children"><a href="/{slug}/{_slug(s)}">{s}</a>'
        f'<ul class="sub-menu">{_links(rng, rng.randrange(4, 12), "/" + slug, "sub")}</ul></li>'
        for s in SECTIONS
    )
    ld = json.dumps({"@context": "https://schema.org", "@type": "NewsArticle",
                     "headline": article.headline, "datePublished": article.published,
                     "author": {"@type": "Person", "name": article.author},
                     "publisher": {"@type": "Organization", "name": site}})
    head = (
        f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<title>{esc(article.headline)} | {esc(site)}</title>\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta name="description" content="{esc(article.summary[:160])}">\n'
        f'<meta property="og:title" content="{esc(article.headline)}">\n'
        f'<meta property="og:site_name" content="{esc(site)}">\n'
        f'<meta property="og:type" content="article">\n'
        f'<meta property="article:published_time" content="{article.published}">\n'
        f'<meta name="author" content="{esc(article.author)}">\n'
        f'<link rel="canonical" href="{article.path}">\n'
        f'<link rel="stylesheet" href="/{slug}/static/site.css">\n'
        f'<style>{_css(rng, rng.randrange(60, 200))}</style>\n'
        f'<script type="application/ld+json">{ld}</script>\n</head>\n'
    )
    header = (
        f'<body class="single single-post"><div id="page" class="site">'
        f'<header id="masthead" class="site-header"><div class="site-branding">'
        f'<a class="logo" href="/{slug}/">{esc(site)}</a>'
        f'<p class="tagline">Independent news about Belarus</p></div>'
        f'<nav id="site-navigation" class="main-navigation" aria-label="Main">'
        f'<ul id="primary-menu" class="menu">{nav}</ul></nav>'
        f'<div class="breaking-ticker"><span>Breaking:</span> '
        f'{"".join(f"<a href=/{slug}/t{i}>{esc(t)}</a> " for i, t in enumerate(teasers[:5]))}'
        f'</div></header><div id="content" class="site-content">'
    )
    body_parts = []
    for i, para in enumerate(article.paragraphs):
        if i and i % 4 == 0:
            body_parts.append(f"<h2>{esc(writer.fill(rng.choice(HEADLINES[article.theme])))}</h2>")
        body_parts.append(f"<p>{esc(para)}</p>")
        if i == 1:
            body_parts.append(
                '<div class="inline-related"><strong>Read also:</strong> '
                f'<a href="/{slug}/related/{i}">{esc(rng.choice(teasers))}</a></div>')
    tags = "".join(f'<a rel="tag" href="/{slug}/tag/{_slug(t)}">{esc(t)}</a>'
                   for t in rng.sample(TOWNS + CITIES, 5))
    article_html = (
        f'<main id="main" class="site-main"><article class="post type-post">'
        f'<header class="entry-header"><h1 class="entry-title">{esc(article.headline)}</h1>'
        f'<div class="entry-meta">By <span class="author vcard">{esc(article.author)}</span> '
        f'<time class="published" datetime="{article.published}">{date}</time></div></header>'
        f'<figure class="wp-block-image"><img src="/{slug}/img/{article.index}.jpg" '
        f'alt="Illustration"><figcaption>Photo: {esc(writer.person())}</figcaption></figure>'
        f'<div class="entry-content">{"".join(body_parts)}</div>'
        f'<footer class="entry-footer"><div class="tags-links">{tags}</div>'
        f'<div class="share"><a href="#">Share on X</a> <a href="#">Facebook</a> '
        f'<a href="#">Telegram</a> <a href="#">E-mail</a></div></footer></article>'
    )
    sidebar = (
        '<aside id="secondary" class="widget-area">'
        '<section class="widget widget_most_read"><h2 class="widget-title">Most read</h2><ol>'
        + "".join(f'<li><a href="/{slug}/mr/{i}">{esc(t)}</a></li>'
                  for i, t in enumerate(rng.sample(teasers, min(10, len(teasers)))))
        + '</ol></section><section class="widget widget_newsletter"><h2>Newsletter</h2>'
        '<form><input type="email" placeholder="Your e-mail"><button>Subscribe</button></form>'
        '</section><section class="widget widget_tag_cloud"><h2>Topics</h2>'
        + _links(rng, rng.randrange(30, 80), f"/{slug}/topic", "tag")
        + '</section><section class="widget widget_archive"><h2>Archive</h2><ul>'
        + "".join(f'<li><a href="/{slug}/{y}/{m:02d}/">{MONTHS[m - 1]} {y}</a></li>'
                  for y in (2023, 2024, 2025) for m in range(1, 13))
        + "</ul></section></aside>"
    )
    footer = (
        '</div><footer id="colophon" class="site-footer"><div class="footer-columns">'
        + "".join(f'<div class="col"><h3>{s}</h3><ul>{_links(rng, 8, "/" + slug, "f")}</ul></div>'
                  for s in SECTIONS[:6])
        + f'</div><p class="legal">&copy; 2025 {esc(site)}. Reuse with attribution. '
        'Cookies help us count readers; see our privacy policy.</p></footer></div>'
        '<script>window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments)}'
        "gtag('js',new Date());</script></body></html>"
    )
    related_parts, comment_parts = [], []
    fixed = len(head) + len(header) + len(article_html) + len(sidebar) + len(footer) + 400
    budget = target - fixed
    related_budget = max(budget // 4, 0)
    while related_budget > 0:
        t = esc(rng.choice(teasers))
        card = (f'<div class="card"><a href="/{slug}/rel/{rng.randrange(99999)}">'
                f'<img src="/{slug}/thumb/{rng.randrange(9999)}.jpg" alt=""><h3>{t}</h3></a>'
                f'<p class="excerpt">{esc(writer.fill(rng.choice(FILLER)))}</p></div>')
        related_parts.append(card)
        related_budget -= len(card)
    budget -= sum(map(len, related_parts))
    comment_budget = max(budget * 2 // 3, 0)
    number = 0
    while comment_budget > 0:
        number += 1
        c = (f'<li id="comment-{number}" class="comment"><article class="comment-body">'
             f'<footer class="comment-meta"><b class="fn">{esc(writer.person())}</b> '
             f'<time>{date}</time></footer><div class="comment-content"><p>'
             f'{esc(writer.comment())}</p></div><div class="reply"><a href="#">Reply</a></div>'
             f'</article></li>')
        comment_parts.append(c)
        comment_budget -= len(c)
    comments = (f'<section id="comments" class="comments-area"><h2 class="comments-title">'
                f'{number} comments</h2><ol class="comment-list">{"".join(comment_parts)}</ol>'
                '<div id="respond"><form class="comment-form"><textarea></textarea>'
                '<button>Post comment</button></form></div></section>')
    related = (f'<section class="related-posts"><h2>Related</h2>{"".join(related_parts)}'
               f'</section></main>')
    page = head + header + article_html + related + comments + sidebar + footer
    pad = target - len(page.encode())
    if pad > 0:  # analytics and consent scripts make up the rest, as on many news sites
        blob = json.dumps({"consent": [hashlib.sha1(f"{seed}{article.index}{i}".encode())
                                       .hexdigest() for i in range(pad // 44 + 1)]})
        page = page.replace("</body>", f"<script>var __cfg={blob[:pad]};</script></body>", 1)
    return page.encode()


# ------------------------------------------------------------------ feeds


def _feed_layout(spec: CorpusSpec) -> list[int]:
    """Offsets c_j: article a is listed in feeds (a + c_j) mod F, j < fanout."""
    rng = random.Random(f"{spec.seed}:layout")
    return rng.sample(range(spec.feeds), spec.fanout)


def _feed_names(spec: CorpusSpec, outlets: list[str]) -> list[dict]:
    feeds = []
    for f in range(spec.feeds):
        outlet = f % len(outlets)
        section = SECTIONS[(f // len(outlets)) % len(SECTIONS)]
        kind = "rss" if f % 2 == 0 else "atom"
        path = f"/{_slug(outlets[outlet], 30)}/feeds/{_slug(section)}-{f:03d}.{kind}"
        feeds.append({"index": f, "name": f"{outlets[outlet]} - {section} ({f:03d})",
                      "outlet": outlet, "kind": kind, "path": path,
                      "url": f"http://{outlet_host(outlet)}:{PORT_TOKEN}{path}"})
    return feeds


def article_url(article: ArticleSpec, feed_index: int) -> str:
    url = f"http://{outlet_host(article.outlet)}:{PORT_TOKEN}{article.path}"
    if feed_index % 7 == 3:  # hubs add tracking parameters, which canonical URLs drop
        url += f"?utm_source=hub{feed_index}&amp;utm_medium=rss"
    return url


def _rss(feed: dict, items: list[ArticleSpec], outlets: list[str]) -> str:
    esc = html.escape
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/">\n<channel>\n',
        f"<title>{esc(feed['name'])}</title>\n<link>http://{outlet_host(feed['outlet'])}:"
        f"{PORT_TOKEN}/</link>\n<description>News about Belarus</description>\n"
        f"<language>en</language>\n",
    ]
    if items:
        newest = datetime.fromisoformat(items[0].published)
        out.append(f"<lastBuildDate>{format_datetime(newest)}</lastBuildDate>\n")
    for a in items:
        url = article_url(a, feed["index"])
        out.append(
            f"<item><title>{esc(a.headline)}</title><link>{url}</link>"
            f'<guid isPermaLink="true">{url}</guid>'
            f"<pubDate>{format_datetime(datetime.fromisoformat(a.published))}</pubDate>"
            f"<dc:creator>{esc(a.author)}</dc:creator><category>{a.theme}</category>"
            f"<description>{esc('<p>' + esc(a.summary) + '</p>')}</description></item>\n")
    out.append("</channel>\n</rss>\n")
    return "".join(out)


def _atom(feed: dict, items: list[ArticleSpec], outlets: list[str]) -> str:
    esc = html.escape
    updated = items[0].published if items else ANCHOR.isoformat()
    out = [
        '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">\n',
        f"<title>{esc(feed['name'])}</title>\n<id>tag:belmon-bench,2025:feed-{feed['index']}"
        f"</id>\n<updated>{updated}</updated>\n"
        f'<link rel="self" href="{feed["url"]}"/>\n',
    ]
    for a in items:
        url = article_url(a, feed["index"])
        out.append(
            f"<entry><title>{esc(a.headline)}</title>"
            f'<link rel="alternate" type="text/html" href="{url}"/>'
            f"<id>tag:belmon-bench,2025:f{feed['index']}:a{a.index}</id>"
            f"<published>{a.published}</published><updated>{a.published}</updated>"
            f"<author><name>{esc(a.author)}</name></author>"
            f'<summary type="html">{esc("<p>" + esc(a.summary) + "</p>")}</summary></entry>\n')
    out.append("</feed>\n")
    return "".join(out)


def _feed_items(spec: CorpusSpec, offsets: list[int], articles: list[ArticleSpec]
                ) -> dict[int, list[ArticleSpec]]:
    per_feed: dict[int, list[ArticleSpec]] = {f: [] for f in range(spec.feeds)}
    for a in articles:
        for c in offsets:
            per_feed[(a.index + c) % spec.feeds].append(a)
    for f, items in per_feed.items():
        items.sort(key=lambda a: (a.published, a.index), reverse=True)
        per_feed[f] = items[: spec.entries]
    return per_feed


# ------------------------------------------------------------------ build and cache


def _write(path: Path, data: bytes, with_gzip: bool) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    if with_gzip:
        path.with_name(path.name + ".gz").write_bytes(gzip.compress(data, 6, mtime=0))
    return '"' + hashlib.sha1(data).hexdigest()[:20] + '"'


def build(spec: CorpusSpec, root: Path | None = None, log: Callable[[str], None] = print) -> Path:
    """Generate the corpus for ``spec`` unless a complete one is cached; return its directory."""
    spec.validate()
    folder = (root or OUT_DIR / "corpus") / spec.key
    if (folder / "manifest.json").exists():
        return folder
    tmp = folder.with_name(folder.name + ".partial")
    shutil.rmtree(tmp, ignore_errors=True)
    rng = random.Random(f"{spec.seed}:outlets")
    names = sorted({f"{a} {b}" for a in OUTLET_A for b in OUTLET_B})
    outlets = rng.sample(names, spec.outlets)
    total = spec.distinct + spec.new_articles
    log(f"generating corpus {spec.key}: {spec.feeds} feeds, {total} article pages ...")
    articles: list[ArticleSpec] = []
    by_index: dict[int, ArticleSpec] = {}
    for i in range(total):
        a = make_article(spec, i, outlets, by_index)
        articles.append(a)
        by_index[i] = a
    teasers = [a.headline for a in articles[:400]]
    page_rows = []
    for a in articles:
        data = render_page(a, outlets, teasers, spec.seed)
        etag = _write(tmp / "pages" / a.path.lstrip("/"), data, with_gzip=True)
        page_rows.append({**asdict(a), "paragraphs": len(a.paragraphs), "bytes": len(data),
                          "etag": etag, "failure": failure_kind(a.path),
                          "in_base": a.index < spec.distinct})
    offsets = _feed_layout(spec)
    feeds = _feed_names(spec, outlets)
    states = {}
    for state, pool in (("base", articles[: spec.distinct]), ("incremental", articles)):
        items = _feed_items(spec, offsets, pool)
        for feed in feeds:
            render = _rss if feed["kind"] == "rss" else _atom
            text = render(feed, items[feed["index"]], outlets)
            (tmp / "feeds" / state / feed["path"].lstrip("/")).parent.mkdir(
                parents=True, exist_ok=True)
            (tmp / "feeds" / state / feed["path"].lstrip("/")).write_text(text, "utf-8")
        states[state] = {str(f): [a.index for a in items[f]] for f in items}
    base_ids = {i for ids in states["base"].values() for i in ids}
    inc_ids = {i for ids in states["incremental"].values() for i in ids}
    manifest = {
        "spec": asdict(spec), "key": spec.key, "generator_version": GENERATOR_VERSION,
        "outlets": outlets, "feeds": feeds, "offsets": offsets, "articles": page_rows,
        "states": states,
        "expected": {
            "distinct_base": len(base_ids), "new_in_incremental": len(inc_ids - base_ids),
            "entries_base": sum(len(v) for v in states["base"].values()),
            "duplicates_base": sum(1 for a in articles[: spec.distinct]
                                   if a.duplicate_of is not None),
            "failing_feeds": sum(1 for f in feeds if failure_kind(f["path"])),
            "failing_articles_base": sum(1 for r in page_rows
                                         if r["in_base"] and r["failure"] in ("404", "500")),
            "slow_articles_base": sum(1 for r in page_rows
                                      if r["in_base"] and r["failure"] == "slow"),
            "page_bytes_mean": round(sum(r["bytes"] for r in page_rows) / len(page_rows)),
        },
    }
    (tmp / "manifest.json").write_text(json.dumps(manifest, indent=1), "utf-8")
    shutil.rmtree(folder, ignore_errors=True)
    tmp.rename(folder)
    return folder


def load_manifest(folder: Path) -> dict:
    return json.loads((folder / "manifest.json").read_text("utf-8"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=CorpusSpec.seed)
    parser.add_argument("--feeds", type=int, default=CorpusSpec.feeds)
    parser.add_argument("--entries", type=int, default=CorpusSpec.entries)
    parser.add_argument("--fanout", type=int, default=CorpusSpec.fanout)
    parser.add_argument("--outlets", type=int, default=CorpusSpec.outlets)
    args = parser.parse_args()
    spec = CorpusSpec(args.seed, args.feeds, args.entries, args.fanout, args.outlets)
    folder = build(spec)
    print(folder)
    print(json.dumps(load_manifest(folder)["expected"], indent=1))


if __name__ == "__main__":
    main()
