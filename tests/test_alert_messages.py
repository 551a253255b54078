"""Alert rendering: what analysts read, and that article text can never become markup."""

from __future__ import annotations

import re
from datetime import date

import pytest
from apprise.conversion import markdown_to_html

from belmon.alerts.messages import (
    ArticleAlert,
    ClaimNews,
    FigureNews,
    format_value,
    render_alert,
    render_digest,
    render_test_message,
)

URL = "https://news.example.org/2025/10/prisoner-count"
HOSTILE = "<script>alert(1)</script> *loud* _quiet_ [click](javascript:evil()) # | `code`"


def figure(**changes: object) -> FigureNews:
    values: dict[str, object] = dict(
        metric="political_prisoners", metric_label="political prisoners", value=1187.0,
        value_high=None, qualifier=None, unit="people", subject=None, as_of=date(2025, 10, 1),
        sentence="Monitors said on Wednesday that 1,187 people remain jailed for their views.",
        previous_value=1372.0, previous_qualifier=None, previous_as_of=date(2024, 8, 26),
        previous_source="reference document: Notes on the release talks",
    )
    values.update(changes)
    return FigureNews(**values)  # type: ignore[arg-type]


def claim(**changes: object) -> ClaimNews:
    values: dict[str, object] = dict(
        text="Brussels is preparing to widen the list of banned exports to Minsk.",
        themes=("sanctions", "eu_policy"),
        nearest="The EU extended its export bans last spring.", similarity=0.42,
    )
    values.update(changes)
    return ClaimNews(**values)  # type: ignore[arg-type]


def article(**changes: object) -> ArticleAlert:
    values: dict[str, object] = dict(
        doc_id="doc-42", title="Count of jailed dissidents falls", outlet="Source X", url=URL,
        published=date(2025, 10, 2), figures=(figure(),), claims=(claim(),),
    )
    values.update(changes)
    return ArticleAlert(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "high", "qualifier", "unit", "expected"),
    [
        (1187, None, None, "people", "1,187"),
        (1400, None, "nearly", "people", "nearly 1,400"),
        (80.1, None, None, "percent", "80.1%"),
        (5, 12, None, "percent", "5-12%"),
        (1234.5, None, "about", "cases", "about 1,234.5"),
        (1000, 1200, None, "people", "1,000-1,200"),
    ],
)
def test_values_read_like_an_analyst_writes_them(
    value: float, high: float | None, qualifier: str | None, unit: str, expected: str
) -> None:
    assert format_value(value, high, qualifier, unit) == expected


def test_a_figure_line_says_what_changed_and_where_it_came_from() -> None:
    text = render_alert(article(claims=())).text
    assert (
        "political prisoners: 1,187 as of 2025-10-01 (Source X) — previously 1,372 as of "
        "2024-08-26 (reference document: Notes on the release talks); down 185"
    ) in text
    assert "“Monitors said on Wednesday that 1,187 people remain jailed" in text


def test_a_first_figure_and_a_disagreement_are_explained() -> None:
    news = figure(previous_value=None, previous_as_of=None, previous_source=None,
                  disagreement="Source Y reports 1,190 for the same date")
    text = render_alert(article(figures=(news,), claims=())).text
    assert "first figure on record" in text
    assert "Disagreement: Source Y reports 1,190 for the same date" in text


def test_a_claim_gives_its_themes_and_the_closest_known_claim() -> None:
    rendered = render_alert(article(figures=()))
    for body in (rendered.text, rendered.markdown, rendered.html):
        assert "similarity 0.42" in body
        assert "eu policy" in body
    assert "Themes: sanctions, eu policy" in rendered.text
    closest = "Closest known claim (similarity 0.42): “The EU extended its export bans"
    assert closest in rendered.text
    novel = render_alert(article(figures=(), claims=(claim(nearest=None, similarity=None),)))
    assert "No similar claim known before." in novel.text


def test_every_shape_starts_with_the_source() -> None:
    rendered = render_alert(article(outlets_count=3))
    for body in (rendered.text, rendered.markdown, rendered.html):
        head = body[:400]
        assert "Count of jailed dissidents falls" in head
        assert "Source X" in head and "2025-10-02" in head and URL in head
        assert "carried by 3 outlets" in head
    assert f'<a href="{URL}">' in rendered.html
    assert f"]({URL})" in rendered.markdown


def test_titles_are_short_plain_text() -> None:
    rendered = render_alert(article(outlet="An outlet with a very long name " * 5))
    assert rendered.title.startswith("New figure: political prisoners 1,187; 1 new claim on")
    assert len(rendered.title) <= 100
    assert "\n" not in render_alert(article(outlet="Line\nbreak")).title


def test_html_escapes_every_piece_of_article_text() -> None:
    hostile = article(title=HOSTILE, outlet=HOSTILE, claims=(claim(text=HOSTILE, nearest=HOSTILE),),
                      figures=(figure(sentence=HOSTILE, previous_source=HOSTILE),))
    body = render_alert(hostile).html
    assert "<script" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "javascript:" not in re.findall(r'href="([^"]*)"', body)[0]
    assert set(re.findall(r"<(/?\w+)", body)) <= {"p", "/p", "b", "/b", "a", "/a", "h3", "/h3",
                                                   "ul", "/ul", "li", "/li", "br", "i", "/i"}


def test_markdown_keeps_article_text_inert() -> None:
    hostile = article(title=HOSTILE, claims=(claim(text="# heading? - 1. list <b>bold</b>"),))
    body = render_alert(hostile).markdown
    assert "<script" not in body and "<b>" not in body
    assert r"\*loud\*" in body and r"\_quiet\_" in body and r"\[click\]" in body
    # what an HTML-speaking chat (apprise converts Markdown for it) would show
    converted = markdown_to_html(body)
    assert "<script" not in converted and "<em>" not in converted
    assert "javascript" not in " ".join(re.findall(r'href="([^"]*)"', converted))
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in converted
    assert "<h1>" not in converted and "<ol>" not in converted


def test_links_only_point_to_web_addresses() -> None:
    rendered = render_alert(article(url="javascript:alert(document.cookie)"))
    assert "href" not in rendered.html
    assert "](" not in rendered.markdown
    assert "Link: javascript:alert(document.cookie)" in rendered.text


def test_control_characters_and_line_breaks_are_flattened() -> None:
    rendered = render_alert(article(title="Two\nlines\r\nand\x00a\u202etrick"))
    assert "Source: Two lines and a trick" in rendered.text


def test_long_bodies_keep_the_source_and_say_what_was_cut() -> None:
    claims = tuple(claim(text=f"Claim number {i} about the border. " * 8) for i in range(40))
    rendered = render_alert(article(claims=claims), max_chars=1500)
    for body in (rendered.text, rendered.markdown, rendered.html):
        assert len(body) <= 1500
        assert URL in body[:600]
        assert re.search(r"… shortened: \d+ more items not shown\.", body)
    assert rendered.html.count("<ul>") == rendered.html.count("</ul>")
    assert "Claim number 39" in render_alert(article(claims=claims), max_chars=100_000).text


def test_article_text_is_cut_to_a_readable_length() -> None:
    rendered = render_alert(article(figures=(), claims=(claim(text="word " * 500),)))
    quoted = re.search(r"“(word[^”]*)”", rendered.text)
    assert quoted and len(quoted.group(1)) <= 400 and quoted.group(1).endswith("…")


def digest_inputs() -> tuple[list, dict, dict]:
    other = article(doc_id="doc-7", outlet="Source Z", url="https://other.example.net/a")
    figures = [(figure(), article()), (figure(metric_label="vote share", subject="opposition",
                                              value=12.5, unit="percent", previous_value=10.0),
                                       other)]
    claims = {"sanctions": [(claim(), article()), (claim(text="A second new claim."), other)],
              "prisoners": [(claim(text="Releases continue in small groups."), other)]}
    return figures, claims, {"sanctions": 9, "prisoners": 4, "migration": 2}


def test_a_digest_lists_figures_as_a_table_and_claims_by_theme() -> None:
    figures, claims, counts = digest_inputs()
    rendered = render_digest(date(2025, 10, 3), figures, claims, counts)
    assert rendered is not None
    assert rendered.title == "belmon digest 2025-10-03: 2 new figures, 3 new claims"
    assert "<th>Metric</th><th>Old → new</th><th>Source</th>" in rendered.html
    assert "1,372 as of 2024-08-26 → 1,187 as of 2025-10-01; down 185" in rendered.html
    assert "10% as of 2024-08-26 → 12.5% as of 2025-10-01; up 2.5 points" in rendered.text
    assert '<a href="https://other.example.net/a">Source Z</a>' in rendered.html
    text = rendered.text
    assert text.index("NEW CLAIMS: SANCTIONS") < text.index("NEW CLAIMS: PRISONERS")
    assert "- sanctions: 9 articles, 2 new claims" in text
    assert "- migration: 2 articles, 0 new claims" in text
    assert "Source: Source Z <https://other.example.net/a>, 2025-10-02" in text


def test_a_digest_is_none_when_nothing_is_new() -> None:
    assert render_digest(date(2025, 10, 3), [], {"sanctions": []}, {"sanctions": 5}) is None


def test_a_long_digest_is_shortened_not_dropped() -> None:
    figures, claims, counts = digest_inputs()
    rendered = render_digest(date(2025, 10, 3), figures * 30, claims, counts, max_chars=2000)
    assert rendered is not None
    assert all(len(b) <= 2000 for b in (rendered.text, rendered.markdown, rendered.html))
    assert "more items not shown" in rendered.html and rendered.html.count("<table") == 1


def test_the_test_message_says_what_it_is() -> None:
    rendered = render_test_message()
    assert rendered.title == "belmon test message"
    assert "receives belmon alerts" in rendered.text
    assert "<b>belmon test message</b>" in rendered.html
