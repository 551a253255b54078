"""Theme classification: every passage scored against every recommendation theme.

The lexical backend needs no heavy dependency. A passage is folded (transliteration variants
to one spelling, Porter stems) and scored per theme from two kinds of evidence:

- cue phrases: the theme's key phrases and the weighted cues of the lexicon, matched on
  Porter stems (British spellings folded to American ones first), so 'jailing' finds
  'jailed' and 'imprisonment' finds 'imprisoned'; a negative phrase that signals another
  sense (a club 'sanctioned' by UEFA) damps the theme, and off-topic vocabulary (football,
  album, weather; strong phrases on their own, weak ones adding up) damps them all;
- prototypes: TF-IDF cosine to the passages known to be about the theme (seeded
  recommendations and passages, passed in, so a new seed document improves them without
  code changes), to the labelled examples of the tune split (stored with the learned
  thresholds) and to the theme's own description;
- learned terms: when a term model is given (theme_terms.py, fitted on labelled passages),
  its probability for the theme is blended in with the learned `term_weight`.

Scores are in [0, 1]. Only a passage in policy context (a word such as Belarus, regime or
EU, or several cue phrases) gets themes; a theme is assigned when its score passes its
threshold and comes near enough to the best theme's, at most three per passage; when none
passes, the best theme still does if it reaches a lower fallback floor. Thresholds and
floors are learned from cross-validated scores of the tune split of eval/themes.jsonl (see
belmon/theme_learning.py).
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Protocol

import numpy as np

from extractors.text import AliasFolder, canonicalise, compile_aliases
from extractors.theme_terms import TermModel, TermScores, term_features

MAX_THEMES = 3
DEFAULT_THRESHOLD = 0.5
NEGATIVE_DAMPING = 0.15
CONTEXT_CUES = 3  # distinct cue phrases that put a passage in policy context without a
# context word
SNIPPET = 70
STOPWORDS = frozenset((
    "a", "an", "the", "and", "or", "but", "of", "to", "in", "on", "at", "by", "for", "with",
    "from", "as", "is", "are", "was", "were", "be", "been", "being", "it", "its", "this",
    "that", "these", "those", "their", "there", "they", "them", "he", "she", "his", "her",
    "we", "our", "you", "your", "i", "not", "no", "so", "if", "than", "then", "also",
    "which", "who", "whom", "whose", "what", "when", "where", "while", "has", "have", "had",
    "do", "does", "did", "will", "would", "can", "could", "may", "might", "shall", "should",
    "must", "into", "over", "under", "about", "after", "before", "between", "during",
    "more", "most", "other", "some", "such", "only", "own", "same", "very", "just", "any",
    "each", "all", "both", "few", "out", "up", "down", "off", "again", "further", "once",
    "here", "how", "why", "one", "two",
))

# Words that put a passage in the context of Belarus and Western policy; only such a passage
# (or one with several cue phrases) gets themes, and the fallback theme (the best one, when
# none passed its threshold).
POLICY_CONTEXT = (
    "belarus", "belarusian", "minsk", "lukashenka", "regime", "opposition", "tsikhanouskaya",
    "european union", "eu", "brussels", "washington", "united states", "the west", "western",
    "nato", "kremlin", "authorities", "government", "policy", "political", "politically",
    "democratic", "democracy", "human rights", "exile", "exiled", "dictator", "dictatorship",
    "repression", "protest", "protests", "protesters", "officials", "minister", "ministry",
    "president",
)


@dataclass(frozen=True)
class Prototype:
    """A passage known to be about a theme: seeded recommendations and passages."""

    id: str
    text: str


@dataclass(frozen=True)
class ThemeSpec:
    """What a classifier needs to know about one theme."""

    id: str
    key_phrases: tuple[str, ...]
    negative_phrases: tuple[str, ...] = ()
    description: str = ""
    cues: tuple[tuple[str, float], ...] = ()  # extra weighted cue phrases (lexicon file)
    threshold: float | None = None  # learned on the tune split; None: DEFAULT_THRESHOLD
    examples: tuple[Prototype, ...] = ()  # labelled passages about the theme (tune split)


@dataclass(frozen=True)
class ThemeScore:
    """A passage's score for one theme and the evidence behind it."""

    theme: str
    score: float
    assigned: bool
    evidence: tuple[str, ...]


@dataclass(frozen=True)
class LexicalWeights:
    """Knobs of the lexical score, tuned on the tune split (see seeds/theme_thresholds.toml)."""

    default_weight: float = 0.8  # a key phrase of themes.toml with no weight in the lexicon
    prototype_weight: float = 1.2  # how much the nearest prototype's cosine adds
    example_weight: float = 1.2  # how much the nearest labelled example's cosine adds
    description_weight: float = 0.6  # how much the cosine to the theme description adds
    prototype_floor: float = 0.12  # cosines below this are noise
    relative_floor: float = 0.0  # a theme below this share of the top score is not assigned
    fallback_floor: float = 0.0  # best theme of an unassigned policy passage (0: off)
    term_weight: float = 0.0  # share of the learned term model in the score (0: unused)


class ThemeClassifier(Protocol):
    """Backends (lexical, embeddings) share this interface."""

    def classify(self, texts: Sequence[str]) -> list[list[ThemeScore]]:
        """For each text, the non-zero theme scores, highest first."""
        ...


def stem(word: str) -> str:
    """A light suffix stripper: enough to make 'jailing', 'jailed' and 'jails' one token."""
    word = word.lower().replace("’", "'")
    if word.endswith("'s"):
        word = word[:-2]
    if len(word) <= 3 or not word.isalpha():
        return word
    for suffix, replacement in (("ies", "y"), ("sses", "ss"), ("ied", "y")):
        if word.endswith(suffix) and len(word) > len(suffix) + 2:
            return word[: -len(suffix)] + replacement
    for suffix in ("ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            if suffix == "s" and word.endswith(("ss", "us", "is")):
                return word
            base = word[: -len(suffix)]
            if suffix in ("ing", "ed") and len(base) > 3 and base[-1] == base[-2] not in "lsz":
                base = base[:-1]
            return base.rstrip("e") if suffix == "es" else base.rstrip("e") or base
    return word.rstrip("e") if len(word) > 4 else word


# ---------------------------------------------------------------------------- stemming
# Porter's (1980) algorithm, after folding British spellings (-ise, -isation, -our) to the
# American ones, with a few words protected from over-stemming ('news' is not 'new',
# 'independence' is not 'independent media', 'university' is not 'universal').

_VOWELS = frozenset("aeiou")
_BRITISH = re.compile(r"(?<=[a-z]{3})is(e|ed|es|ing|ation|ations|er|ers)$")
_OUR = frozenset(("labour", "neighbour", "neighbours", "favour", "behaviour", "honour",
                  "colour", "harbour", "rumour", "rumours", "endeavour", "labours"))
_PROTECTED = {
    "news": "news", "independence": "independence", "university": "university",
    "universities": "university", "community": "community", "communities": "community",
    "communist": "communist", "communists": "communist", "general": "general",
    "generals": "general", "generous": "generous", "united": "united", "unit": "unit",
    "organ": "organ", "organs": "organ", "nation": "nation", "nations": "nation",
    "national": "national", "nationals": "national", "nationality": "national",
    "policy": "policy", "policies": "policy", "police": "police", "polices": "police",
    "media": "media", "data": "data", "press": "press", "pressure": "pressure",
    "pressures": "pressure", "election": "election", "elections": "election",
    "elect": "elect", "elected": "elect", "electing": "elect", "elects": "elect",
    "arms": "arms", "army": "army", "armies": "army", "states": "state",
}



def _cons(w: str, i: int) -> bool:
    c = w[i]
    if c in _VOWELS:
        return False
    if c == "y":
        return i == 0 or not _cons(w, i - 1)
    return True


def _m(w: str) -> int:
    """Porter's measure: the number of vowel-consonant sequences."""
    n, i, length = 0, 0, len(w)
    while i < length and _cons(w, i):
        i += 1
    while i < length:
        while i < length and not _cons(w, i):
            i += 1
        if i >= length:
            break
        while i < length and _cons(w, i):
            i += 1
        n += 1
    return n


def _has_vowel(w: str) -> bool:
    return any(not _cons(w, i) for i in range(len(w)))


def _double(w: str) -> bool:
    return len(w) >= 2 and w[-1] == w[-2] and _cons(w, len(w) - 1)


def _cvc(w: str) -> bool:
    return (len(w) >= 3 and _cons(w, len(w) - 3) and not _cons(w, len(w) - 2)
            and _cons(w, len(w) - 1) and w[-1] not in "wxy")


_STEP2 = (("ational", "ate"), ("tional", "tion"), ("enci", "ence"), ("anci", "ance"),
          ("izer", "ize"), ("abli", "able"), ("alli", "al"), ("entli", "ent"), ("eli", "e"),
          ("ousli", "ous"), ("ization", "ize"), ("ation", "ate"), ("ator", "ate"),
          ("alism", "al"), ("iveness", "ive"), ("fulness", "ful"), ("ousness", "ous"),
          ("aliti", "al"), ("iviti", "ive"), ("biliti", "ble"))
_STEP3 = (("icate", "ic"), ("ative", ""), ("alize", "al"), ("iciti", "ic"), ("ical", "ic"),
          ("ful", ""), ("ness", ""))
_STEP4 = ("al", "ance", "ence", "er", "ic", "able", "ible", "ant", "ement", "ment", "ent",
          "ion", "ou", "ism", "ate", "iti", "ous", "ive", "ize")


def _porter(w: str) -> str:
    if len(w) <= 2:
        return w
    # step 1a
    if w.endswith(("sses", "ies")):
        w = w[:-2]
    elif w.endswith("s") and not w.endswith("ss"):
        w = w[:-1]
    # step 1b
    flag = False
    if w.endswith("eed"):
        if _m(w[:-3]) > 0:
            w = w[:-1]
    elif w.endswith("ed") and _has_vowel(w[:-2]):
        w, flag = w[:-2], True
    elif w.endswith("ing") and _has_vowel(w[:-3]):
        w, flag = w[:-3], True
    if flag:
        if w.endswith(("at", "bl", "iz")):
            w += "e"
        elif _double(w) and w[-1] not in "lsz":
            w = w[:-1]
        elif _m(w) == 1 and _cvc(w):
            w += "e"
    # step 1c
    if w.endswith("y") and _has_vowel(w[:-1]):
        w = w[:-1] + "i"
    # step 2
    for suffix, rep in _STEP2:
        if w.endswith(suffix):
            if _m(w[: -len(suffix)]) > 0:
                w = w[: -len(suffix)] + rep
            break
    # step 3
    for suffix, rep in _STEP3:
        if w.endswith(suffix):
            if _m(w[: -len(suffix)]) > 0:
                w = w[: -len(suffix)] + rep
            break
    # step 4
    for suffix in sorted(_STEP4, key=len, reverse=True):
        if w.endswith(suffix):
            base = w[: -len(suffix)]
            if _m(base) > 1 and (suffix != "ion" or base.endswith(("s", "t"))):
                w = base
            break
    # step 5
    if w.endswith("e"):
        base = w[:-1]
        m = _m(base)
        if m > 1 or (m == 1 and not _cvc(base)):
            w = base
    if _double(w) and w.endswith("l") and _m(w) > 1:
        w = w[:-1]
    return w


@lru_cache(maxsize=1 << 16)
def theme_stem(word: str) -> str:
    """The stem the theme classifier matches on: Porter's, British spellings folded first."""
    word = word.lower().replace("’", "'")
    if word.endswith("'s"):
        word = word[:-2]
    word = word.strip("'")
    if word in _PROTECTED:
        return _PROTECTED[word]
    if not word.isalpha():
        return word
    if word in _OUR:
        word = word[:-2] + "r"
    word = _BRITISH.sub(r"iz\1", word)
    return _porter(word)


THEME_TOKEN = re.compile(r"[^\W_]+(?:['’.][^\W_]+)*", re.UNICODE)


def tokens(text: str) -> list[str]:
    """Stems of the words of an already folded text, in order (stopwords kept).

    Hyphenated words are split, so 'self-determination' and 'self determination' match.
    """
    return [theme_stem(w) for w in THEME_TOKEN.findall(text.lower())]


_STOP_STEMS = frozenset(STOPWORDS | {theme_stem(w) for w in STOPWORDS})


def content_terms(stems: Iterable[str]) -> list[str]:
    """Stems that carry meaning: no stopwords, no one-letter tokens."""
    return [s for s in stems if s not in _STOP_STEMS and len(s) > 1]


def learned_features(text: str, aliases: AliasFolder) -> list[str]:
    """The features the learned term model sees: folded content stems and their pairs."""
    folded = canonicalise(text, aliases).lower()
    return term_features(content_terms(tokens(folded)))


@dataclass(frozen=True)
class _Cue:
    """One cue phrase compiled to stems."""

    theme: str
    stems: tuple[str, ...]
    text: str
    weight: float  # negative weights are negative phrases (damping, not adding)


class _CueIndex:
    """Cue phrases by first stem, matched longest-first along a token list."""

    def __init__(self, cues: Iterable[_Cue]) -> None:
        self._by_first: dict[str, list[_Cue]] = defaultdict(list)
        for cue in cues:
            if cue.stems:
                self._by_first[cue.stems[0]].append(cue)
        for bucket in self._by_first.values():
            bucket.sort(key=lambda c: -len(c.stems))

    def matches(self, stems: Sequence[str]) -> list[_Cue]:
        """Every cue found; per theme, a shorter cue inside a longer match is not counted."""
        found: list[_Cue] = []
        covered: dict[str, int] = {}
        stems = tuple(stems)
        for i, first in enumerate(stems):
            for cue in self._by_first.get(first, ()):
                n = len(cue.stems)
                if stems[i : i + n] != cue.stems or covered.get(cue.theme, -1) >= i + n:
                    continue
                found.append(cue)
                covered[cue.theme] = max(covered.get(cue.theme, -1), i + n)
        return found


class _TfIdf:
    """Sparse TF-IDF vectors and cosine search over a fixed set of documents. Postings are
    numpy arrays, so a query costs a few vector operations per query term rather than a
    Python loop over postings (the same float operations, in the same order)."""

    def __init__(self, documents: Sequence[list[str]]) -> None:
        df: dict[str, int] = defaultdict(int)
        for terms in documents:
            for term in set(terms):
                df[term] += 1
        n = len(documents) + 1
        self.size = len(documents)
        self._idf = {t: math.log(n / c) + 1.0 for t, c in df.items()}
        postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for index, terms in enumerate(documents):
            for term, weight in self.vector(terms).items():
                postings[term].append((index, weight))
        self._postings = {
            term: (np.array([i for i, _ in items], dtype=np.int64),
                   np.array([w for _, w in items], dtype=np.float64))
            for term, items in postings.items()
        }

    def vector(self, terms: Iterable[str]) -> dict[str, float]:
        """Unit-length TF-IDF vector (sublinear tf); unknown terms are dropped."""
        counts: dict[str, int] = defaultdict(int)
        for term in terms:
            if term in self._idf:
                counts[term] += 1
        raw = {t: (1.0 + math.log(c)) * self._idf[t] for t, c in counts.items()}
        norm = math.sqrt(sum(v * v for v in raw.values())) or 1.0
        return {t: v / norm for t, v in raw.items()}

    def cosines(self, terms: Iterable[str]) -> np.ndarray:
        """Cosine of the query to every document (0 where no term is shared)."""
        sims = np.zeros(self.size, dtype=np.float64)
        for term, weight in self.vector(terms).items():
            indexes, weights = self._postings[term]
            sims[indexes] += weight * weights
        return sims


def _spans(themes: Sequence[str], offset: int = 0) -> list[tuple[str, int, int]]:
    """(theme, start, end) of each run of one theme in a list grouped by theme."""
    spans: list[tuple[str, int, int]] = []
    for index, theme in enumerate(themes, start=offset):
        if spans and spans[-1][0] == theme and spans[-1][2] == index:
            spans[-1] = (theme, spans[-1][1], index + 1)
        else:
            spans.append((theme, index, index + 1))
    return spans


def _best_in_spans(sims: np.ndarray, spans: Sequence[tuple[str, int, int]],
                   items: Sequence[tuple[str, Prototype]], offset: int
                   ) -> dict[str, tuple[float, Prototype]]:
    """Per theme, its most similar item (the first of equals) when that shares a term."""
    best: dict[str, tuple[float, Prototype]] = {}
    for theme, start, end in spans:
        index = start + int(np.argmax(sims[start:end]))
        sim = float(sims[index])
        if sim > best.get(theme, (0.0, None))[0]:
            best[theme] = (sim, items[index - offset][1])
    return best


def _snippet(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= SNIPPET else text[: SNIPPET - 1].rstrip() + "…"


def _normalise_prototypes(
    prototypes: Mapping[str, Sequence[Prototype | str]] | None,
) -> dict[str, list[Prototype]]:
    """Accept plain strings too (ids are then <theme>:<n>)."""
    result: dict[str, list[Prototype]] = {}
    for theme, items in (prototypes or {}).items():
        result[theme] = [
            p if isinstance(p, Prototype) else Prototype(f"{theme}:{n}", p)
            for n, p in enumerate(items)
        ]
    return result


@dataclass
class _Evidence:
    """What one theme collected for one passage."""

    cue_weight: float = 0.0
    cues: list[str] = field(default_factory=list)
    negative: list[str] = field(default_factory=list)


class LexicalThemeClassifier:
    """Weighted cue phrases plus TF-IDF similarity to theme prototypes, per-theme thresholds."""

    def __init__(
        self,
        themes: Sequence[ThemeSpec],
        aliases: dict[str, list[str]] | None = None,
        threshold: float = 0.0,
        prototypes: Mapping[str, Sequence[Prototype | str]] | None = None,
        global_negatives: Sequence[str | tuple[str, float]] = (),
        weights: LexicalWeights | None = None,
        terms: TermModel | None = None,
    ) -> None:
        self.themes = list(themes)
        self.floor = threshold
        self.weights = weights or LexicalWeights()
        self._terms = terms if self.weights.term_weight > 0 else None
        self._aliases = compile_aliases(aliases or {})
        self._cues = _CueIndex(self._compile_cues())
        self._global_negatives = _CueIndex(
            _Cue("*", tuple(tokens(p)), p, -w) for p, w in map(negative_entry, global_negatives)
            if p.strip()
        )
        self._context = _CueIndex(
            _Cue("*", tuple(tokens(p)), p, 1.0) for p in POLICY_CONTEXT
        )
        self._prototypes = self._flatten(_normalise_prototypes(prototypes))
        self._examples = [(t.id, e) for t in self.themes for e in t.examples]
        documents = [content_terms(tokens(self._fold(p.text)))
                     for _, p in self._prototypes + self._examples]
        self._descriptions = [content_terms(tokens(self._fold(_theme_document(t))))
                              for t in self.themes]
        self._index = _TfIdf(documents + self._descriptions)
        self._prototype_spans = _spans([theme for theme, _ in self._prototypes])
        self._example_spans = _spans([theme for theme, _ in self._examples],
                                     len(self._prototypes))

    def _fold(self, text: str) -> str:
        return canonicalise(text, self._aliases).lower()

    def _compile_cues(self) -> list[_Cue]:
        """Key phrases (default weight, unless the lexicon weighs them), cues and negatives."""
        cues = []
        for theme in self.themes:
            weighted: dict[tuple[str, ...], tuple[str, float]] = {}
            for phrase in theme.key_phrases:
                stems = tuple(tokens(self._fold(phrase.strip().lower())))
                weighted[stems] = (phrase, self.weights.default_weight)
            for phrase, weight in theme.cues:  # the lexicon overrides key phrase weights
                stems = tuple(tokens(self._fold(phrase.strip().lower())))
                weighted[stems] = (phrase, weight)
            for stems, (phrase, weight) in weighted.items():
                cues.append(_Cue(theme.id, stems, phrase, weight))
            for phrase in theme.negative_phrases:
                cues.append(_Cue(theme.id, tuple(tokens(self._fold(phrase))), phrase, -1.0))
        return [c for c in cues if c.weight != 0 and c.stems]

    def _flatten(self, prototypes: dict[str, list[Prototype]]) -> list[tuple[str, Prototype]]:
        known = {t.id for t in self.themes}
        return [(theme, p) for theme, items in prototypes.items() if theme in known
                for p in items]

    def _cue_evidence(self, stems: Sequence[str]) -> dict[str, _Evidence]:
        evidence: dict[str, _Evidence] = defaultdict(_Evidence)
        for cue in self._cues.matches(stems):
            item = evidence[cue.theme]
            if cue.weight < 0:
                item.negative.append(cue.text)
            elif cue.text not in item.cues:
                item.cues.append(cue.text)
                item.cue_weight += cue.weight
        return evidence

    def _nearest(
        self, terms: list[str]
    ) -> tuple[dict[str, tuple[float, Prototype]], dict[str, tuple[float, Prototype]],
               list[float]]:
        """Per theme, the most similar prototype and example; the cosine to each description."""
        sims = self._index.cosines(terms)
        offset = len(self._prototypes)
        nearest = _best_in_spans(sims, self._prototype_spans, self._prototypes, 0)
        examples = _best_in_spans(sims, self._example_spans, self._examples, offset)
        offset += len(self._examples)
        return nearest, examples, sims[offset:offset + len(self.themes)].tolist()

    def _score_one(self, text: str) -> list[ThemeScore]:
        stems = tokens(self._fold(text))
        evidence = self._cue_evidence(stems)
        damp_all = self._off_topic(stems)
        content = content_terms(stems)
        nearest, examples, described = self._nearest(content)
        learned = self._terms.score(term_features(content)) if self._terms else None
        probabilities = dict(zip(self._terms.themes, learned.probabilities.tolist(),
                                 strict=True)) if self._terms and learned else {}
        scored = []
        for theme, description_sim in zip(self.themes, described, strict=True):
            lexical, reasons = self._lexical_score(
                evidence.get(theme.id, _Evidence()), nearest.get(theme.id, (0.0, None)),
                examples.get(theme.id, (0.0, None)), description_sim, bool(damp_all))
            score = blend(lexical, probabilities.get(theme.id), self.weights.term_weight)
            if score is None:
                continue
            reasons += tuple(f"negative: {c.text}" for c in damp_all)
            scored.append((score, theme, reasons))
        return self._assign(scored, self._in_context(stems, evidence, damp_all), learned)

    def _lexical_score(
        self, item: _Evidence, nearest: tuple[float, Prototype | None],
        example: tuple[float, Prototype | None], description_sim: float, damped: bool,
    ) -> tuple[float, tuple[str, ...]]:
        """Cue phrases plus prototype, example and description similarity, in [0, 1)."""
        w = self.weights
        proto_sim, proto = nearest
        example_sim, closest = example
        proto_part = max(0.0, proto_sim - w.prototype_floor) * w.prototype_weight
        example_part = max(0.0, example_sim - w.prototype_floor) * w.example_weight
        desc_part = max(0.0, description_sim - w.prototype_floor) * w.description_weight
        raw = item.cue_weight + proto_part + example_part + desc_part
        if raw <= 0:
            return 0.0, ()
        score = 1.0 - math.exp(-raw)
        if item.negative or damped:
            score *= NEGATIVE_DAMPING
        reasons = [f"phrase: {c}" for c in item.cues]
        best = max(((proto_part, proto_sim, proto), (example_part, example_sim, closest)),
                   key=lambda b: b[0])
        if best[2] is not None and best[0] > 0:
            reasons.append(f"nearest: {best[2].id} ({best[1]:.2f}) {_snippet(best[2].text)}")
        if desc_part > 0 and not reasons:
            reasons.append(f"description ({description_sim:.2f})")
        reasons += [f"negative: {n}" for n in item.negative]
        return score, tuple(reasons)

    def _off_topic(self, stems: Sequence[str]) -> list[_Cue]:
        """The global negatives found, when they add up to an off-topic passage (else none)."""
        found = {c.text: c for c in self._global_negatives.matches(stems)}
        weight = -sum(c.weight for c in found.values())
        return list(found.values()) if weight >= 1.0 - 1e-9 else []

    def _in_context(
        self, stems: Sequence[str], evidence: Mapping[str, _Evidence], damp_all: Sequence[_Cue]
    ) -> bool:
        """Belarus or Western policy is the subject: a context word, or cue phrases of
        several kinds (a lone theme word such as 'sanctioned' or 'elected' is not enough:
        hard negatives use exactly such words in another sense)."""
        if damp_all:
            return False
        phrases = {c for e in evidence.values() if not e.negative for c in e.cues}
        return len(phrases) >= CONTEXT_CUES or bool(self._context.matches(stems))

    def _limit(self, theme: ThemeSpec) -> float:
        return max(self.floor, DEFAULT_THRESHOLD if theme.threshold is None else theme.threshold)

    def _assign(
        self, scored: list[tuple[float, ThemeSpec, tuple[str, ...]]], in_context: bool = False,
        learned: TermScores | None = None,
    ) -> list[ThemeScore]:
        """Choose the themes; an assigned theme's evidence names the learned terms behind it
        (only assigned ones: naming them costs a sort per theme)."""
        scored.sort(key=lambda s: (-s[0], s[1].id))
        ranked = [(theme.id, score, has_phrase(reasons)) for score, theme, reasons in scored]
        limits = {theme.id: self._limit(theme) for _, theme, _ in scored}
        chosen = choose_themes(ranked, limits, self.weights.relative_floor,
                               max(self.weights.fallback_floor, self.floor), in_context)
        result = []
        for score, theme, reasons in scored:
            if learned is not None and theme.id in chosen.themes:
                terms = learned.top_terms(theme.id)
                reasons += (f"learned terms: {', '.join(terms)}",) if terms else ()
            if theme.id == chosen.fallback:
                reasons = (*reasons, "fallback: best theme in policy context")
            result.append(ThemeScore(theme.id, round(score, 4), theme.id in chosen.themes, reasons))
        return result

    def cue_matches(self, text: str) -> list[tuple[str, str]]:
        """(theme, phrase) of every lexicon cue found, and ("*", phrase) of global negatives."""
        stems = tokens(self._fold(text))
        found = [(c.theme, c.text) for c in self._cues.matches(stems)]
        return found + [("*", c.text) for c in self._global_negatives.matches(stems)]

    def in_policy_context(self, text: str) -> bool:
        """Does the passage speak of Belarus or Western policy (and of no off-topic subject)?"""
        stems = tokens(self._fold(text))
        return self._in_context(stems, self._cue_evidence(stems),
                                self._off_topic(stems))

    def classify(self, texts: Sequence[str]) -> list[list[ThemeScore]]:
        return [self._score_one(text) for text in texts]


@dataclass(frozen=True)
class Choice:
    """The themes assigned to one passage; `fallback` names the one the fallback chose."""

    themes: tuple[str, ...]
    fallback: str | None = None


def choose_themes(
    ranked: Sequence[tuple[str, float, bool]],
    limits: Mapping[str, float],
    relative_floor: float = 0.0,
    fallback_floor: float = 0.0,
    in_context: bool = True,
) -> Choice:
    """Which themes a passage gets, from its (theme, score, has_phrase) rows, best first.

    Only a passage in policy context gets themes at all (see `_in_context`). A theme is
    assigned when its score passes its threshold and is at least relative_floor times the
    best score, at most MAX_THEMES of them. When none passes, the best theme is still
    assigned if it reaches the fallback floor (0: no fallback) and has a cue phrase of its
    own: similarity alone never triggers it.
    """
    if not ranked or not in_context:
        return Choice(())
    top = ranked[0][1]
    themes = [
        theme for theme, score, _ in ranked
        if score >= limits.get(theme, DEFAULT_THRESHOLD) and score >= relative_floor * top
    ][:MAX_THEMES]
    if themes or fallback_floor <= 0:
        return Choice(tuple(themes))
    theme, score, phrase = ranked[0]
    if score >= fallback_floor and phrase:
        return Choice((theme,), theme)
    return Choice(())


MIN_LEARNED_SCORE = 0.1  # below this, a theme with no lexical evidence is not listed


def blend(lexical: float, learned: float | None, term_weight: float) -> float | None:
    """A theme's score from its lexical score and the term model's probability; None when
    the theme is not worth listing (no lexical evidence and a negligible probability)."""
    if learned is None or term_weight <= 0:
        return lexical if lexical > 0 else None
    score = (1.0 - term_weight) * lexical + term_weight * learned
    return score if lexical > 0 or score >= MIN_LEARNED_SCORE else None


def has_phrase(reasons: Sequence[str]) -> bool:
    """Does a theme's evidence include a cue phrase (not only similarity)?"""
    return any(r.startswith("phrase: ") for r in reasons)


def negative_entry(item: str | tuple[str, float]) -> tuple[str, float]:
    """A global negative: a phrase (damps on its own) or a (phrase, weight) pair; weights of
    the phrases found add up, and a passage is off-topic from a total of 1."""
    if isinstance(item, str):
        return item, 1.0
    phrase, weight = item
    return str(phrase), float(weight)


def _theme_document(theme: ThemeSpec) -> str:
    """The theme's own words: description and key phrases, a prototype that always exists."""
    return " ".join([theme.description, *theme.key_phrases, *(p for p, w in theme.cues if w > 0)])


@dataclass(frozen=True)
class ThemeModel:
    """The tuned part of a backend: cues and negatives (lexicon), thresholds, knobs, examples."""

    cues: dict[str, tuple[tuple[str, float], ...]] = field(default_factory=dict)
    global_negatives: tuple[str | tuple[str, float], ...] = ()
    thresholds: dict[str, float] = field(default_factory=dict)
    weights: LexicalWeights = field(default_factory=LexicalWeights)
    examples: dict[str, tuple[Prototype, ...]] = field(default_factory=dict)
    terms: TermModel | None = None  # learned term weights (lexical backend)


def examples_from_toml(table: Mapping) -> dict[str, tuple[Prototype, ...]]:
    """[<backend>.examples]: id = { themes = [...], text = "..." } -> examples per theme."""
    result: dict[str, list[Prototype]] = defaultdict(list)
    for example_id, item in table.items():
        for theme in item.get("themes", ()):
            result[str(theme)].append(Prototype(f"example:{example_id}", str(item["text"])))
    return {theme: tuple(items) for theme, items in result.items()}


def global_negatives_from_toml(table: Mapping) -> tuple[str | tuple[str, float], ...]:
    """[negative]: `global` phrases damp on their own, `weak` ones (phrase = weight) add up."""
    strong: tuple[str | tuple[str, float], ...] = tuple(str(p) for p in table.get("global", ()))
    weak = tuple((str(p), float(w)) for p, w in table.get("weak", {}).items())
    return strong + weak


def theme_model_from_toml(lexicon: Mapping, learned: Mapping) -> ThemeModel:
    """Parsed seeds/theme_lexicon.toml and one backend's table of theme_thresholds.toml."""
    cues = {
        theme: tuple((str(p), float(w)) for p, w in table.items())
        for theme, table in lexicon.get("cues", {}).items()
    }
    known = set(LexicalWeights.__dataclass_fields__)
    knobs = {k: float(v) for k, v in learned.get("weights", {}).items() if k in known}
    return ThemeModel(
        cues=cues,
        global_negatives=global_negatives_from_toml(lexicon.get("negative", {})),
        thresholds={t: float(v) for t, v in learned.get("thresholds", {}).items()},
        weights=LexicalWeights(**knobs),
        examples=examples_from_toml(learned.get("examples", {})),
    )


def with_model(specs: Iterable[ThemeSpec], model: ThemeModel) -> list[ThemeSpec]:
    """Theme specs with the model's cues, thresholds and labelled examples filled in."""
    return [
        ThemeSpec(
            s.id, s.key_phrases, s.negative_phrases, s.description,
            s.cues + model.cues.get(s.id, ()), model.thresholds.get(s.id, s.threshold),
            s.examples + model.examples.get(s.id, ()),
        )
        for s in specs
    ]


def prototypes_from_rows(
    rows: Iterable[tuple[str, str, Sequence[str]]],
) -> dict[str, list[Prototype]]:
    """(id, text, themes) rows of the warehouse -> prototypes per theme."""
    result: dict[str, list[Prototype]] = defaultdict(list)
    for row_id, text, themes in rows:
        for theme in themes or ():
            result[theme].append(Prototype(row_id, text))
    return dict(result)
