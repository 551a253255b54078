"""Normalise raw reference texts: undo PDF conversion damage and drop page furniture.

Reference texts arrive as PDF conversions or page copies: words hyphenated across page
breaks, paragraphs cut in two by a page break, a table of contents, site teasers and stray
widgets at the end. None of that may become a passage.
"""

from __future__ import annotations

import re
import unicodedata

# A line that, standing alone, marks the start of site furniture after the article.
TAIL_MARKERS = re.compile(
    r"^\s*(latest blogs?|related (posts|articles|stories)|read more|more from [\w ]+|"
    r"comments?|share this( article)?|recommended|you may also like|tags?:?)\s*$",
    re.IGNORECASE,
)
TOC_HEADING = re.compile(r"^#*\s*(table of contents|contents)\s*$", re.IGNORECASE)
HEADING = re.compile(r"^#{1,6}\s")
TOC_LINE = re.compile(r"\t\s*\d+\s*$|\.{3,}\s*\d+\s*$")
PROVENANCE_LINE = re.compile(r"^\s*(original article|source|first published)\s*:", re.IGNORECASE)
TOC_ENTRY_MAX = 90
SENTENCE_FINAL = tuple(".!?:;\"”’)…")


def clean_characters(text: str) -> str:
    """Unicode NFC, unified newlines, no-break spaces as spaces, no markdown emphasis."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u00a0", " ").replace("\u202f", " ").replace("\u2009", " ")
    text = text.replace("\u00ad", "")  # soft hyphens
    return re.sub(r"\*\*(.+?)\*\*", r"\1", text)


def drop_table_of_contents(lines: list[str]) -> list[str]:
    """Remove a 'Table of contents' heading and its entries: up to the next heading, or to the
    first line too long to be an entry (pages without markdown headings have no end marker)."""
    kept: list[str] = []
    in_toc = False
    for line in lines:
        if TOC_HEADING.match(line.strip()):
            in_toc = True
            continue
        if in_toc and (HEADING.match(line) or len(line.strip()) > TOC_ENTRY_MAX):
            in_toc = False
        if not in_toc and not TOC_LINE.search(line):
            kept.append(line)
    return kept


def drop_tail_furniture(lines: list[str]) -> list[str]:
    """Cut at the first furniture marker in the last part of the text (teasers, 'Comments')."""
    total = len(lines)
    for index, line in enumerate(lines):
        if index >= total * 0.5 and TAIL_MARKERS.match(line):
            return lines[:index]
    return lines


def split_blocks(text: str) -> list[str]:
    """Blocks separated by blank lines, each stripped."""
    return [block.strip("\n") for block in re.split(r"\n\s*\n", text) if block.strip()]


def _continues(previous: str, following: str) -> bool:
    """True when a page break cut one paragraph in two."""
    if HEADING.match(following) or HEADING.match(previous):
        return False
    head = following.lstrip()
    if not head or not head[0].islower():
        return False
    return not previous.rstrip().endswith(SENTENCE_FINAL) or previous.rstrip().endswith("-")


def rejoin_blocks(blocks: list[str]) -> list[str]:
    """Glue blocks split by page breaks, including words hyphenated across them."""
    joined: list[str] = []
    for block in blocks:
        if joined and _continues(joined[-1], block):
            previous = joined[-1].rstrip()
            if re.search(r"[^\W\d_]-$", previous):
                joined[-1] = previous[:-1] + block.lstrip()
            else:
                joined[-1] = previous + " " + block.lstrip()
        else:
            joined.append(block)
    return joined


def normalise(raw: str) -> str:
    """The normalised text: clean characters, no TOC, no furniture, paragraphs rejoined."""
    lines = clean_characters(raw).split("\n")
    lines = drop_tail_furniture(drop_table_of_contents(lines))
    lines = [line for line in lines if not PROVENANCE_LINE.match(line)]
    text = "\n".join(line.rstrip() for line in lines)
    text = re.sub(r"([^\W\d_])-\n(?=[a-z])", r"\1", text)  # hyphenation inside a block
    return "\n\n".join(rejoin_blocks(split_blocks(text))).strip() + "\n"
