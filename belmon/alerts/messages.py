"""Alert messages: one neutral outline per alert, rendered as Markdown, plain text and HTML.

Article text (headlines, outlets, sentences, claims) is untrusted. It is put on one line,
stripped of control characters, cut to a length and escaped by each renderer, so markup only
ever comes from the outline's structure and links only ever point to http(s) addresses.
Every article alert starts with its source (title, outlet, date, link): when a body is too
long, whole items are dropped from its end and an ellipsis note says how many, so neither our
truncation nor a channel's (apprise splits or truncates the tail) can lose the source.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from urllib.parse import quote, urlsplit

__all__ = [
    "ArticleAlert",
    "ClaimNews",
    "FigureNews",
    "Rendered",
    "escape_markdown",
    "format_value",
    "render_alert",
    "render_digest",
    "render_test_message",
]

ELLIPSIS = "…"
TITLE_CHARS = 100
QUOTE_CHARS = 400  # longest piece of article text quoted in a message
ALERT_MAX_CHARS = 3500
DIGEST_MAX_CHARS = 20000
PERCENT_UNITS = frozenset({"percent", "%"})
LINK_SCHEMES = frozenset({"http", "https"})

_INVISIBLE = re.compile("[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]")
_MD_ANYWHERE = re.compile(r"([\\`*_\[\]()|])")
_MD_LINE_START = re.compile(r"^(\s*)([#+\-=>]|\d+(?=[.)]))")
_URL_SAFE = ":/?#@!$&*+,;=%~-._"


@dataclass(frozen=True)
class FigureNews:
    """A new figure for a tracked metric, with the figure it replaces."""

    metric: str
    metric_label: str
    value: float
    value_high: float | None
    qualifier: str | None
    unit: str
    subject: str | None
    as_of: date | None
    sentence: str
    previous_value: float | None
    previous_qualifier: str | None
    previous_as_of: date | None
    previous_source: str | None
    disagreement: str | None = None


@dataclass(frozen=True)
class ClaimNews:
    """A claim no known claim resembles closely, with the closest one for comparison."""

    text: str
    themes: tuple[str, ...]
    nearest: str | None
    similarity: float | None


@dataclass(frozen=True)
class ArticleAlert:
    """Everything new in one article, and where it was published."""

    doc_id: str
    title: str | None
    outlet: str | None
    url: str | None
    published: date | None
    figures: tuple[FigureNews, ...] = ()
    claims: tuple[ClaimNews, ...] = ()
    outlets_count: int = 1


@dataclass(frozen=True)
class Rendered:
    """One message in every shape a channel may want: chat, plain-text and HTML e-mail."""

    title: str
    markdown: str
    text: str
    html: str


# -- the outline: structure without markup ------------------------------------------------


@dataclass(frozen=True)
class _Span:
    text: str
    url: str | None = None
    strong: bool = False


_Line = tuple[_Span, ...]


@dataclass(frozen=True)
class _Entry:
    lines: tuple[_Line, ...]  # a list item and its detail lines, or a table row's cells


@dataclass(frozen=True)
class _Section:
    heading: str
    entries: tuple[_Entry, ...]
    columns: tuple[str, ...] = ()  # shown as a table (in HTML) when set


@dataclass(frozen=True)
class _Outline:
    head: tuple[_Line, ...]
    sections: tuple[_Section, ...] = ()
    foot: tuple[_Line, ...] = ()


# -- values and cleaning ------------------------------------------------------------------


def _number(value: float) -> str:
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def format_value(
    value: float, value_high: float | None = None, qualifier: str | None = None, unit: str = ""
) -> str:
    """A figure as an analyst writes it: '1,187', 'nearly 1,400', '80.1%', '5-12%'."""
    number = _number(value) if value_high is None else f"{_number(value)}-{_number(value_high)}"
    text = number + ("%" if unit in PERCENT_UNITS else "")
    return f"{qualifier} {text}" if qualifier else text


def _clean(text: str | None, limit: int = QUOTE_CHARS) -> str:
    """Untrusted text on one line, without control or direction characters, at most `limit`."""
    text = " ".join(_INVISIBLE.sub(" ", text or "").split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + ELLIPSIS


def _safe_url(url: str | None) -> str | None:
    """The URL fit for a link (http or https, no characters that break markup), else None."""
    url = _clean(url, 2000)
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in LINK_SCHEMES or not parts.netloc or url.endswith(ELLIPSIS):
        return None
    return quote(url, safe=_URL_SAFE)


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _theme(theme: str) -> str:
    return _clean(theme, 80).replace("_", " ")


def _day(value: date | None) -> str:
    return value.isoformat() if value else "date unknown"


# -- renderers ----------------------------------------------------------------------------


def escape_markdown(text: str) -> str:
    """Text that no Markdown dialect (nor an HTML converter after it) can read as markup."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_LINE_START.sub(r"\1\\\2", _MD_ANYWHERE.sub(r"\\\1", text))


def _md_span(span: _Span) -> str:
    text = escape_markdown(span.text)
    if span.url:
        text = f"[{text}]({span.url})"
    return f"**{text}**" if span.strong else text


def _md_line(line: _Line) -> str:
    return "".join(_md_span(span) for span in line)


def _md_entry(entry: _Entry, table: bool) -> str:
    if table:
        return "- " + _row_text(entry, _md_line)
    return "- " + "\n  ".join(_md_line(line) for line in entry.lines)


def _to_markdown(outline: _Outline) -> str:
    blocks = [_md_line(line) for line in outline.head]
    for section in outline.sections:
        items = "\n".join(_md_entry(e, bool(section.columns)) for e in section.entries)
        blocks.append(f"**{escape_markdown(section.heading)}**\n\n{items}")
    blocks += [_md_line(line) for line in outline.foot]
    return "\n\n".join(blocks)


def _row_text(entry: _Entry, line: Callable[[_Line], str]) -> str:
    """A table row outside HTML: 'first cell: second cell — third cell'."""
    first, *rest = [line(cell) for cell in entry.lines]
    return f"{first}: {' — '.join(rest)}" if rest else first


def _text_span(span: _Span) -> str:
    if span.url and span.url != span.text:
        return f"{span.text} <{span.url}>"
    return span.text


def _text_line(line: _Line) -> str:
    return "".join(_text_span(span) for span in line)


def _text_entry(entry: _Entry, table: bool) -> str:
    if table:
        return "- " + _row_text(entry, _text_line)
    return "- " + "\n  ".join(_text_line(line) for line in entry.lines)


def _to_text(outline: _Outline) -> str:
    blocks = ["\n".join(_text_line(line) for line in outline.head)]
    for section in outline.sections:
        items = "\n".join(_text_entry(e, bool(section.columns)) for e in section.entries)
        blocks.append(f"{section.heading.upper()}\n{items}")
    if outline.foot:
        blocks.append("\n".join(_text_line(line) for line in outline.foot))
    return "\n\n".join(blocks)


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def _html_span(span: _Span) -> str:
    text = _esc(span.text)
    if span.url:
        text = f'<a href="{_esc(span.url)}">{text}</a>'
    return f"<b>{text}</b>" if span.strong else text


def _html_line(line: _Line) -> str:
    return "".join(_html_span(span) for span in line)


def _html_table(section: _Section) -> str:
    head = "".join(f"<th>{_esc(c)}</th>" for c in section.columns)
    rows = "".join(
        "<tr>" + "".join(f"<td>{_html_line(cell)}</td>" for cell in e.lines) + "</tr>"
        for e in section.entries
    )
    return f'<table border="1" cellpadding="4" cellspacing="0"><tr>{head}</tr>{rows}</table>'


def _html_section(section: _Section) -> str:
    heading = f"<h3>{_esc(section.heading)}</h3>"
    if section.columns:
        return heading + _html_table(section)
    items = "".join(
        "<li>" + "<br>".join(_html_line(line) for line in e.lines) + "</li>"
        for e in section.entries
    )
    return f"{heading}<ul>{items}</ul>"


def _to_html(outline: _Outline) -> str:
    parts = [f"<p>{_html_line(line)}</p>" for line in outline.head]
    parts += [_html_section(section) for section in outline.sections]
    parts += [f"<p><i>{_html_line(line)}</i></p>" for line in outline.foot]
    return "\n".join(parts)


# -- fitting into a length ----------------------------------------------------------------


def _entry_count(outline: _Outline) -> int:
    return sum(len(section.entries) for section in outline.sections)


def _first_entries(outline: _Outline, count: int) -> _Outline:
    """The outline with its first `count` entries and a note on how many were left out."""
    kept, left = [], count
    for section in outline.sections:
        entries = section.entries[: max(left, 0)]
        left -= len(entries)
        if entries:
            kept.append(replace(section, entries=entries))
    dropped = _entry_count(outline) - count
    note = (_Span(f"{ELLIPSIS} shortened: {_plural(dropped, 'more item')} not shown."),)
    return replace(outline, sections=tuple(kept), foot=(note, *outline.foot))


def _fit(outline: _Outline, render: Callable[[_Outline], str], max_chars: int) -> str:
    """The rendering with as many entries as fit in `max_chars` (the head always stays)."""
    full = render(outline)
    if len(full) <= max_chars:
        return full
    low, high = 0, _entry_count(outline) - 1
    best = render(_first_entries(outline, 0))
    while low <= high:
        middle = (low + high) // 2
        candidate = render(_first_entries(outline, middle))
        if len(candidate) <= max_chars:
            best, low = candidate, middle + 1
        else:
            high = middle - 1
    return best


def _rendered(title: str, outline: _Outline, max_chars: int) -> Rendered:
    return Rendered(
        title=_clean(title, TITLE_CHARS),
        markdown=_fit(outline, _to_markdown, max_chars),
        text=_fit(outline, _to_text, max_chars),
        html=_fit(outline, _to_html, max_chars),
    )


# -- content ------------------------------------------------------------------------------


def _as_of(day: date | None) -> str:
    return f" as of {day.isoformat()}" if day else ""


def _change(figure: FigureNews) -> str:
    if figure.previous_value is None or figure.value_high is not None:
        return ""
    delta = figure.value - figure.previous_value
    points = " points" if figure.unit in PERCENT_UNITS else ""
    if delta == 0:
        return "; unchanged"
    return f"; {'up' if delta > 0 else 'down'} {_number(abs(delta))}{points}"


def _previously(figure: FigureNews) -> str:
    if figure.previous_value is None:
        return "first figure on record for this metric"
    value = format_value(figure.previous_value, None, figure.previous_qualifier, figure.unit)
    source = f" ({_clean(figure.previous_source, 200)})" if figure.previous_source else ""
    return f"previously {value}{_as_of(figure.previous_as_of)}{source}{_change(figure)}"


def _label(figure: FigureNews) -> str:
    subject = f" ({_clean(figure.subject, 80)})" if figure.subject else ""
    return _clean(figure.metric_label, 120) + subject


def _value(figure: FigureNews) -> str:
    return format_value(figure.value, figure.value_high, figure.qualifier, figure.unit)


def _figure_entry(figure: FigureNews, source: str) -> _Entry:
    line = (
        _Span(f"{_label(figure)}:", strong=True),
        _Span(f" {_value(figure)}{_as_of(figure.as_of)} ({source}) — {_previously(figure)}"),
    )
    lines: list[_Line] = [line, (_Span(f"“{_clean(figure.sentence)}”"),)]
    if figure.disagreement:
        lines.append((_Span(f"Disagreement: {_clean(figure.disagreement, 300)}"),))
    return _Entry(tuple(lines))


def _nearest(claim: ClaimNews) -> _Line:
    if not claim.nearest:
        return (_Span("No similar claim known before."),)
    score = f" (similarity {claim.similarity:.2f})" if claim.similarity is not None else ""
    return (_Span(f"Closest known claim{score}: “{_clean(claim.nearest, 300)}”"),)


def _themes(claim: ClaimNews) -> _Line:
    names = ", ".join(_theme(t) for t in claim.themes) or "none"
    return (_Span(f"Themes: {names}"),)


def _claim_entry(claim: ClaimNews, source: _Line = ()) -> _Entry:
    lines = [(_Span(f"“{_clean(claim.text)}”", strong=True),), _themes(claim)]
    if source:
        lines.append(source)
    return _Entry((*lines, _nearest(claim)))


def _outlet(alert: ArticleAlert) -> str:
    return _clean(alert.outlet, 120) or "unknown outlet"


def _link_line(url: str | None) -> _Line:
    safe = _safe_url(url)
    shown = _clean(url, 300)
    return (_Span("Link: "), _Span(shown, url=safe) if safe else _Span(shown or "none"))


def _article_head(alert: ArticleAlert) -> tuple[_Line, ...]:
    carried = f"; carried by {alert.outlets_count} outlets" if alert.outlets_count > 1 else ""
    return (
        (_Span("Source:", strong=True), _Span(f" {_clean(alert.title, 300) or '(untitled)'}")),
        (_Span(f"{_outlet(alert)}, published {_day(alert.published)}{carried}"),),
        _link_line(alert.url),
    )


def _alert_title(alert: ArticleAlert) -> str:
    parts = []
    if alert.figures:
        first = alert.figures[0]
        more = f" (+{len(alert.figures) - 1} more)" if len(alert.figures) > 1 else ""
        parts.append(f"New figure: {_label(first)} {_value(first)}{more}")
    if alert.claims:
        themes = sorted({_theme(t) for c in alert.claims for t in c.themes})
        on = f" on {', '.join(themes)}" if themes else ""
        parts.append(f"{_plural(len(alert.claims), 'new claim')}{on}")
    return f"{'; '.join(parts) or 'New article'} — {_outlet(alert)}"


def render_alert(alert: ArticleAlert, max_chars: int = ALERT_MAX_CHARS) -> Rendered:
    """One article's news: source first, then each new figure and claim, explained."""
    source = _outlet(alert)
    sections = []
    if alert.figures:
        entries = tuple(_figure_entry(f, source) for f in alert.figures)
        sections.append(_Section("New figures", entries))
    if alert.claims:
        sections.append(_Section("New claims", tuple(_claim_entry(c) for c in alert.claims)))
    foot = ((_Span(f"belmon · document {_clean(alert.doc_id, 100)}"),),)
    outline = _Outline(_article_head(alert), tuple(sections), foot)
    return _rendered(_alert_title(alert), outline, max_chars)


# -- digest -------------------------------------------------------------------------------


def _source_cell(article: ArticleAlert) -> _Line:
    name = _clean(article.outlet, 120) or _clean(article.title, 120) or "source"
    return (_Span(name, url=_safe_url(article.url)), _Span(f", {_day(article.published)}"))


def _figure_row(figure: FigureNews, article: ArticleAlert) -> _Entry:
    old = "none"
    if figure.previous_value is not None:
        old = format_value(figure.previous_value, None, figure.previous_qualifier, figure.unit)
        old += _as_of(figure.previous_as_of)
    change = f"{old} → {_value(figure)}{_as_of(figure.as_of)}{_change(figure)}"
    if figure.disagreement:
        change += f"; disagreement: {_clean(figure.disagreement, 300)}"
    return _Entry(((_Span(_label(figure)),), (_Span(change),), _source_cell(article)))


def _theme_count(theme: str, articles: int, claims: int) -> _Entry:
    text = f"{_theme(theme)}: {_plural(articles, 'article')}, {_plural(claims, 'new claim')}"
    return _Entry(((_Span(text),),))


def _theme_counts(
    claims_by_theme: Mapping[str, Sequence[object]], articles_per_theme: Mapping[str, int]
) -> _Section:
    themes = set(articles_per_theme) | {t for t, c in claims_by_theme.items() if c}
    order = sorted(themes, key=lambda t: (-articles_per_theme.get(t, 0), t))
    entries = tuple(
        _theme_count(t, articles_per_theme.get(t, 0), len(claims_by_theme.get(t, ())))
        for t in order
    )
    return _Section("Articles per theme", entries)


def _claim_sections(
    claims_by_theme: Mapping[str, Sequence[tuple[ClaimNews, ArticleAlert]]],
) -> list[_Section]:
    order = sorted((t for t, c in claims_by_theme.items() if c),
                   key=lambda t: (-len(claims_by_theme[t]), t))
    return [
        _Section(
            f"New claims: {_theme(theme)}",
            tuple(
                _claim_entry(claim, (_Span("Source: "), *_source_cell(article)))
                for claim, article in claims_by_theme[theme]
            ),
        )
        for theme in order
    ]


def render_digest(
    day: date,
    figures: Sequence[tuple[FigureNews, ArticleAlert]],
    claims_by_theme: Mapping[str, Sequence[tuple[ClaimNews, ArticleAlert]]],
    articles_per_theme: Mapping[str, int],
    max_chars: int = DIGEST_MAX_CHARS,
) -> Rendered | None:
    """The day's news in one message (None when nothing is new): figures, claims by theme."""
    claim_count = len({(c.text, a.doc_id) for pairs in claims_by_theme.values() for c, a in pairs})
    if not figures and not claim_count:
        return None
    summary = f"{_plural(len(figures), 'new figure')}, {_plural(claim_count, 'new claim')}"
    head = ((_Span(f"belmon digest for {day.isoformat()}", strong=True),), (_Span(summary),))
    sections = [_theme_counts(claims_by_theme, articles_per_theme)]
    if figures:
        rows = tuple(_figure_row(f, a) for f, a in figures)
        sections.append(_Section("New figures", rows, ("Metric", "Old → new", "Source")))
    sections += _claim_sections(claims_by_theme)
    outline = _Outline(head, tuple(s for s in sections if s.entries))
    return _rendered(f"belmon digest {day.isoformat()}: {summary}", outline, max_chars)


def render_test_message() -> Rendered:
    """What `belmon alerts test` sends to every channel."""
    outline = _Outline((
        (_Span("belmon test message", strong=True),),
        (_Span("If you can read this, this channel receives belmon alerts."),),
        (_Span("Nothing needs doing."),),
    ))
    return _rendered("belmon test message", outline, ALERT_MAX_CHARS)
