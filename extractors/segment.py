"""Cut a normalised text into passages: paragraphs, list items, sections and their authors."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from extractors.normalise import split_blocks

MARKDOWN_HEADING = re.compile(r"^(#{1,6})\s+(.*)$")
LIST_MARKER = re.compile(r"^\s*(?:[-*•●▪◦]\s+)?(?:\(?\d{1,2}[.)]\s+|[a-z][.)]\s+)?")
BULLET = re.compile(r"^\s*(?:[-*•●▪◦]|\(?\d{1,2}[.)])\s+")
DATE_LINE = re.compile(r"^[\s•]*\w+ \d{1,2}, \d{4}\s*$|^[\s•]*\d{1,2} \w+ \d{4}\s*$")
MAX_HEADING_WORDS = 14


@dataclass(frozen=True)
class SectionRule:
    """A chapter of a multi-author document: heading (exact or prefix) and its authors."""

    heading: str
    authors: tuple[str, ...]
    prefix: bool = False
    skip: bool = False

    def matches(self, heading: str) -> bool:
        wanted, seen = self.heading.casefold(), heading.casefold().strip()
        return seen.startswith(wanted) if self.prefix else seen == wanted


@dataclass(frozen=True)
class Passage:
    """One paragraph or list item, with the section and author it belongs to."""

    idx: int
    kind: str
    text: str
    section: str | None
    author: str | None


@dataclass(frozen=True)
class Block:
    kind: str  # heading, paragraph or list_item
    text: str


def _looks_like_heading(block: str) -> bool:
    """Short single lines without a full stop are headings in page copies."""
    if "\n" in block.strip() or BULLET.match(block):
        return False
    text = block.strip()
    if len(text.split()) > MAX_HEADING_WORDS or text.endswith((".", ",", ";", ":")):
        return False
    return text[:1].isupper() or text[:1].isdigit()


def classify_blocks(text: str) -> list[Block]:
    """Typed blocks: markdown or plain headings, list items (one per line), paragraphs."""
    blocks: list[Block] = []
    for raw in split_blocks(text):
        heading = MARKDOWN_HEADING.match(raw.strip())
        if heading and "\n" not in raw.strip():
            blocks.append(Block("heading", heading.group(2).strip()))
        elif DATE_LINE.match(raw):
            continue
        elif BULLET.match(raw):
            blocks.extend(_list_items(raw))
        elif _looks_like_heading(raw):
            blocks.append(Block("heading", raw.strip()))
        else:
            blocks.extend(Block("paragraph", p) for p in _paragraph_lines(raw))
    return blocks


def _paragraph_lines(raw: str) -> list[str]:
    """Paragraphs of a block: wrapped lines are joined, a line that starts with a capital after
    a finished line (or an unpunctuated lede) starts a new paragraph."""
    paragraphs: list[str] = []
    for line in raw.split("\n"):
        text = " ".join(line.lstrip("> ").split())
        if not text:
            continue
        if paragraphs and (text[0].islower() or not text[0].isalnum()):
            paragraphs[-1] += " " + text
        else:
            paragraphs.append(text)
    return paragraphs


def _list_items(raw: str) -> list[Block]:
    """One block per bulleted or numbered line; wrapped lines join the item above."""
    items: list[str] = []
    for line in raw.split("\n"):
        if BULLET.match(line) or not items:
            items.append(LIST_MARKER.sub("", line, count=1).strip())
        else:
            items[-1] += " " + line.strip()
    return [Block("list_item", " ".join(item.split())) for item in items if item]


def segment(
    text: str,
    default_author: str | None = None,
    sections: Sequence[SectionRule] = (),
) -> list[Passage]:
    """Passages in order. With section rules, text before the first rule is front matter."""
    passages: list[Passage] = []
    section: str | None = None
    author = default_author
    skipping = bool(sections)
    for block in classify_blocks(text):
        if block.kind == "heading":
            rule = next((r for r in sections if r.matches(block.text)), None)
            if rule is not None:
                skipping = rule.skip
                author = ", ".join(rule.authors) or default_author
                section = block.text
            elif not sections:
                section = block.text
            continue
        if skipping or _is_title_repeat(block, passages):
            continue
        passages.append(Passage(len(passages), block.kind, block.text, section, author))
    return passages


def _is_title_repeat(block: Block, passages: list[Passage]) -> bool:
    return any(p.text == block.text for p in passages[-3:])
