"""Theme classification: every passage scored against every recommendation theme.

The lexical backend needs no heavy dependency. A passage is folded (transliteration variants
to one spelling, light stemming) and scored per theme from two kinds of evidence:

- cue phrases: the theme's key phrases and the weighted cues of the lexicon, matched on
  word stems, so 'jailing' finds 'jailed'; a negative phrase that signals another sense (a
  club 'sanctioned' by UEFA) damps the theme, a global one (football, album) damps them all;
- prototypes: TF-IDF cosine to the passages known to be about the theme (seeded
  recommendations and passages, passed in, so a new seed document improves them without
  code changes) and to the theme's own description.

Scores are in [0, 1]; a theme is assigned when its score passes its threshold (learned on
the tune split of eval/themes.jsonl), and a passage gets at most three themes.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from extractors.text import canonicalise, compile_aliases

MAX_THEMES = 3
DEFAULT_THRESHOLD = 0.5
NEGATIVE_DAMPING = 0.15
SNIPPET = 70
TOKEN = re.compile(r"[^\W_]+(?:[-'’.][^\W_]+)*", re.UNICODE)
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


@dataclass(frozen=True)
class ThemeSpec:
    """What a classifier needs to know about one theme."""

    id: str
    key_phrases: tuple[str, ...]
    negative_phrases: tuple[str, ...] = ()
    description: str = ""
    cues: tuple[tuple[str, float], ...] = ()  # extra weighted cue phrases (lexicon file)
    threshold: float | None = None  # learned on the tune split; None: DEFAULT_THRESHOLD


@dataclass(frozen=True)
class ThemeScore:
    """A passage's score for one theme and the evidence behind it."""

    theme: str
    score: float
    assigned: bool
    evidence: tuple[str, ...]


@dataclass(frozen=True)
class Prototype:
    """A passage known to be about a theme: seeded recommendations and passages."""

    id: str
    text: str


@dataclass(frozen=True)
class LexicalWeights:
    """Knobs of the lexical score, tuned on the tune split (see seeds/theme_thresholds.toml)."""

    default_weight: float = 0.8  # a key phrase of themes.toml with no weight in the lexicon
    prototype_weight: float = 1.2  # how much the nearest prototype's cosine adds
    description_weight: float = 0.6  # how much the cosine to the theme description adds
    prototype_floor: float = 0.12  # cosines below this are noise
    relative_floor: float = 0.0  # a theme below this share of the top score is not assigned


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


def tokens(text: str) -> list[str]:
    """Stems of the words of an already folded text, in order (stopwords kept)."""
    return [stem(w) for w in TOKEN.findall(text.lower())]


def content_terms(stems: Iterable[str]) -> list[str]:
    """Stems that carry meaning: no stopwords, no one-letter tokens."""
    return [s for s in stems if s not in STOPWORDS and len(s) > 1]


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
        for i, first in enumerate(stems):
            for cue in self._by_first.get(first, ()):
                n = len(cue.stems)
                if tuple(stems[i : i + n]) != cue.stems or covered.get(cue.theme, -1) >= i + n:
                    continue
                found.append(cue)
                covered[cue.theme] = max(covered.get(cue.theme, -1), i + n)
        return found


class _TfIdf:
    """Sparse TF-IDF vectors and cosine search over a fixed set of documents."""

    def __init__(self, documents: Sequence[list[str]]) -> None:
        df: dict[str, int] = defaultdict(int)
        for terms in documents:
            for term in set(terms):
                df[term] += 1
        n = len(documents) + 1
        self._idf = {t: math.log(n / c) + 1.0 for t, c in df.items()}
        self._postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for index, terms in enumerate(documents):
            for term, weight in self.vector(terms).items():
                self._postings[term].append((index, weight))

    def vector(self, terms: Iterable[str]) -> dict[str, float]:
        """Unit-length TF-IDF vector (sublinear tf); unknown terms are dropped."""
        counts: dict[str, int] = defaultdict(int)
        for term in terms:
            if term in self._idf:
                counts[term] += 1
        raw = {t: (1.0 + math.log(c)) * self._idf[t] for t, c in counts.items()}
        norm = math.sqrt(sum(v * v for v in raw.values())) or 1.0
        return {t: v / norm for t, v in raw.items()}

    def cosines(self, terms: Iterable[str]) -> dict[int, float]:
        """Cosine of the query to every document sharing a term with it."""
        sims: dict[int, float] = defaultdict(float)
        for term, weight in self.vector(terms).items():
            for index, doc_weight in self._postings.get(term, ()):
                sims[index] += weight * doc_weight
        return sims


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
        global_negatives: Sequence[str] = (),
        weights: LexicalWeights | None = None,
    ) -> None:
        self.themes = list(themes)
        self.floor = threshold
        self.weights = weights or LexicalWeights()
        self._aliases = compile_aliases(aliases or {})
        self._cues = _CueIndex(self._compile_cues())
        self._global_negatives = _CueIndex(
            _Cue("*", tuple(tokens(p)), p, -1.0) for p in global_negatives if p.strip()
        )
        self._prototypes = self._flatten(_normalise_prototypes(prototypes))
        documents = [content_terms(tokens(self._fold(p.text))) for _, p in self._prototypes]
        self._descriptions = [content_terms(tokens(self._fold(_theme_document(t))))
                              for t in self.themes]
        self._index = _TfIdf(documents + self._descriptions)

    def _fold(self, text: str) -> str:
        return canonicalise(text, self._aliases).lower()

    def _compile_cues(self) -> list[_Cue]:
        """Key phrases (default weight, unless the lexicon weighs them), cues and negatives."""
        cues = []
        for theme in self.themes:
            weighted = {p.strip().lower(): w for p, w in theme.cues}
            for phrase in theme.key_phrases:
                weighted.setdefault(phrase.strip().lower(), self.weights.default_weight)
            for phrase, weight in weighted.items():
                cues.append(_Cue(theme.id, tuple(tokens(self._fold(phrase))), phrase, weight))
            for phrase in theme.negative_phrases:
                cues.append(_Cue(theme.id, tuple(tokens(self._fold(phrase))), phrase, -1.0))
        return [c for c in cues if c.weight != 0]

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

    def _nearest(self, terms: list[str]) -> tuple[dict[str, tuple[float, Prototype]], list[float]]:
        """Per theme, the most similar prototype; and the cosine to each theme description."""
        sims = self._index.cosines(terms)
        nearest: dict[str, tuple[float, Prototype]] = {}
        for index, (theme, proto) in enumerate(self._prototypes):
            sim = sims.get(index, 0.0)
            if sim > nearest.get(theme, (0.0, proto))[0]:
                nearest[theme] = (sim, proto)
        offset = len(self._prototypes)
        return nearest, [sims.get(offset + i, 0.0) for i in range(len(self.themes))]

    def _score_one(self, text: str) -> list[ThemeScore]:
        stems = tokens(self._fold(text))
        evidence = self._cue_evidence(stems)
        damp_all = self._global_negatives.matches(stems)
        nearest, described = self._nearest(content_terms(stems))
        w = self.weights
        scored = []
        for theme, description_sim in zip(self.themes, described, strict=True):
            item = evidence.get(theme.id, _Evidence())
            proto_sim, proto = nearest.get(theme.id, (0.0, None))
            proto_part = max(0.0, proto_sim - w.prototype_floor) * w.prototype_weight
            desc_part = max(0.0, description_sim - w.prototype_floor) * w.description_weight
            raw = item.cue_weight + proto_part + desc_part
            if raw <= 0:
                continue
            score = 1.0 - math.exp(-raw)
            if item.negative or damp_all:
                score *= NEGATIVE_DAMPING
            reasons = [f"phrase: {c}" for c in item.cues]
            if proto is not None and proto_part > 0:
                reasons.append(f"nearest: {proto.id} ({proto_sim:.2f}) {_snippet(proto.text)}")
            if desc_part > 0 and not reasons:
                reasons.append(f"description ({description_sim:.2f})")
            reasons += [f"negative: {n}" for n in item.negative + [c.text for c in damp_all]]
            scored.append((score, theme, tuple(reasons)))
        return self._assign(scored)

    def _assign(self, scored: list[tuple[float, ThemeSpec, tuple[str, ...]]]) -> list[ThemeScore]:
        scored.sort(key=lambda s: (-s[0], s[1].id))
        top = scored[0][0] if scored else 0.0
        result = []
        for score, theme, reasons in scored:
            limit = max(self.floor, DEFAULT_THRESHOLD if theme.threshold is None
                        else theme.threshold)
            taken = sum(r.assigned for r in result)
            assigned = (taken < MAX_THEMES and score >= limit
                        and score >= self.weights.relative_floor * top)
            result.append(ThemeScore(theme.id, round(score, 4), assigned, reasons))
        return result

    def classify(self, texts: Sequence[str]) -> list[list[ThemeScore]]:
        return [self._score_one(text) for text in texts]


def _theme_document(theme: ThemeSpec) -> str:
    """The theme's own words: description and key phrases, a prototype that always exists."""
    return " ".join([theme.description, *theme.key_phrases, *(p for p, _ in theme.cues)])


@dataclass(frozen=True)
class ThemeModel:
    """The tuned part of a backend: cues and negatives (lexicon), thresholds and knobs."""

    cues: dict[str, tuple[tuple[str, float], ...]] = field(default_factory=dict)
    global_negatives: tuple[str, ...] = ()
    thresholds: dict[str, float] = field(default_factory=dict)
    weights: LexicalWeights = field(default_factory=LexicalWeights)


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
        global_negatives=tuple(str(p) for p in lexicon.get("negative", {}).get("global", ())),
        thresholds={t: float(v) for t, v in learned.get("thresholds", {}).items()},
        weights=LexicalWeights(**knobs),
    )


def with_model(specs: Iterable[ThemeSpec], model: ThemeModel) -> list[ThemeSpec]:
    """Theme specs with the model's cues and thresholds filled in."""
    return [
        ThemeSpec(
            s.id, s.key_phrases, s.negative_phrases, s.description,
            s.cues + model.cues.get(s.id, ()), model.thresholds.get(s.id, s.threshold),
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
