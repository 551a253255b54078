"""Normalisation of converted texts, on texts written for these tests."""

from extractors.normalise import normalise
from extractors.segment import SectionRule, classify_blocks, segment

PDF_LIKE = """# A policy brief on the crisis

### Table of contents

Jane Doe
Why pressure works	3
John Roe
Why talking helps	9

# Why pressure works

The union should adopt a wider package of listings against the judges who sign the
verdicts, and it should do so before the winter. This would be a seri-

ous signal to the courts.

Restrictions on potash exports have cut a large share of the

revenue that the state budget relies on.

Comments
"""


def test_hyphenation_across_page_break_is_rejoined() -> None:
    assert "serious signal" in normalise(PDF_LIKE)


def test_paragraph_split_by_page_break_is_rejoined() -> None:
    text = normalise(PDF_LIKE)
    assert "large share of the revenue that the state budget relies on." in text


def test_table_of_contents_is_dropped() -> None:
    text = normalise(PDF_LIKE)
    assert "Table of contents" not in text
    assert "\t3" not in text and "Why talking helps" not in text


def test_trailing_comments_widget_is_dropped() -> None:
    assert "Comments" not in normalise(PDF_LIKE)


def test_site_teasers_after_article_are_dropped() -> None:
    page = "\n\n".join(
        ["An article title", "The first paragraph says something about Minsk."]
        + [f"Paragraph {n} of the article continues the argument." for n in range(4)]
        + ["Latest Blogs", "A teaser for an unrelated post about algorithms."]
    )
    text = normalise(page)
    assert "Latest Blogs" not in text and "algorithms" not in text
    assert "Paragraph 3" in text


def test_blocks_are_typed() -> None:
    text = (
        "# Heading\n\nA paragraph that ends here.\n\n"
        "- 1. First measure.\n- 2. Second measure."
    )
    kinds = [b.kind for b in classify_blocks(text)]
    assert kinds == ["heading", "paragraph", "list_item", "list_item"]


def test_bullets_in_one_block_become_separate_items() -> None:
    text = (
        "Policy must include:\n\n"
        "  • Wider listings;\n  • A fund for victims; and\n  • A conference."
    )
    passages = segment(text)
    assert [p.kind for p in passages] == ["paragraph", "list_item", "list_item", "list_item"]
    assert passages[2].text == "A fund for victims; and"


def test_sections_attribute_authors_and_skip_front_matter() -> None:
    text = (
        "Front matter line that is not part of any chapter at all.\n\n"
        "# First chapter\n\nThe first author argues for listings.\n\n"
        "### Three ways the world can engage with the crisis now\n\n"
        "The second author disagrees.\n\n"
        "### Authors\n\nShort biographies that are no recommendations.\n"
    )
    rules = (
        SectionRule("First chapter", ("Ann Author",)),
        SectionRule("Three ways the world", ("Bob Writer",), prefix=True),
        SectionRule("Authors", (), skip=True),
    )
    passages = segment(text, "Editors", rules)
    assert [(p.text[:10], p.author) for p in passages] == [
        ("The first ", "Ann Author"),
        ("The second", "Bob Writer"),
    ]


def test_contents_block_without_headings_ends_at_the_first_long_line() -> None:
    page = (
        "Contents\n\nIntroduction\nFindings\n\n"
        + "The findings of the monitoring mission are set out in full in this long paragraph "
        "so that nothing after the contents list is lost.\n\nA second paragraph follows.\n"
    )
    text = normalise(page)
    assert "findings of the monitoring mission" in text and "second paragraph" in text


def test_decode_reads_windows_1251_and_1252() -> None:
    from extractors.documents import decode

    belarusian = "Праваабаронцы налічылі 1187 палітвязняў у Беларусі."
    assert decode(belarusian.encode("cp1251")) == belarusian
    assert decode("naïve café".encode("cp1252")) == "naïve café"
    assert decode("ўсё ok".encode()) == "ўсё ok"
