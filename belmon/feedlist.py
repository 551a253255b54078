"""The feed list (feeds.toml): feeds and folder sources, edited by `belmon feeds` and OPML.

feeds.toml is a user-edited file, so errors name the file, the line where TOML gives one,
and the offending entry.
"""

from __future__ import annotations

import tomllib
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from belmon.errors import ConfigError

FEED_KEYS = {"name", "url", "tags", "enabled", "comment"}
FOLDER_KEYS = {"name", "path", "tags"}


@dataclass(frozen=True)
class FeedSpec:
    name: str
    url: str
    tags: tuple[str, ...] = ()
    enabled: bool = True


@dataclass(frozen=True)
class FolderSpec:
    """A directory whose .html/.htm/.txt/.md files are ingested as articles."""

    name: str
    path: Path
    tags: tuple[str, ...] = ()


@dataclass
class FeedList:
    feeds: list[FeedSpec] = field(default_factory=list)
    folders: list[FolderSpec] = field(default_factory=list)

    def names(self) -> set[str]:
        return {f.name for f in self.feeds} | {f.name for f in self.folders}


def _check_keys(path: Path, kind: str, index: int, entry: dict, allowed: set[str]) -> None:
    unknown = set(entry) - allowed
    if unknown:
        raise ConfigError(f"{path}: [[{kind}]] #{index + 1}: unknown key(s) {sorted(unknown)}")
    for key in ("name", "url" if kind == "feed" else "path"):
        if not isinstance(entry.get(key), str) or not entry[key].strip():
            raise ConfigError(f"{path}: [[{kind}]] #{index + 1}: '{key}' must be a non-empty text")


def _feed(path: Path, index: int, entry: dict) -> FeedSpec:
    _check_keys(path, "feed", index, entry, FEED_KEYS)
    if urlsplit(entry["url"]).scheme not in ("http", "https"):
        raise ConfigError(f"{path}: feed {entry['name']!r}: url must be http(s): {entry['url']}")
    return FeedSpec(
        entry["name"], entry["url"], tuple(entry.get("tags", ())), bool(entry.get("enabled", True))
    )


def _folder(path: Path, index: int, entry: dict) -> FolderSpec:
    _check_keys(path, "folder", index, entry, FOLDER_KEYS)
    folder = Path(entry["path"]).expanduser()
    if not folder.is_absolute():
        folder = path.parent / folder
    return FolderSpec(entry["name"], folder, tuple(entry.get("tags", ())))


def load_feed_list(path: Path) -> FeedList:
    """Read feeds.toml; a missing file is an empty list, a broken one a clear error."""
    if not path.exists():
        return FeedList()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: {exc}") from exc
    unknown = set(data) - {"feed", "folder"}
    if unknown:
        raise ConfigError(
            f"{path}: unknown table(s) {sorted(unknown)}; expected [[feed]] and [[folder]]"
        )
    result = FeedList(
        feeds=[_feed(path, i, e) for i, e in enumerate(data.get("feed", []))],
        folders=[_folder(path, i, e) for i, e in enumerate(data.get("folder", []))],
    )
    names = [f.name for f in result.feeds] + [f.name for f in result.folders]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ConfigError(f"{path}: duplicate feed name(s) {duplicates}")
    return result


def _toml_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _toml_list(values: tuple[str, ...]) -> str:
    return "[" + ", ".join(_toml_string(v) for v in values) + "]"


def render_feed_list(feeds: FeedList, header: str = "") -> str:
    """feeds.toml text for a feed list (used by `feeds add/remove` and OPML import)."""
    lines = [header.rstrip()] if header else []
    for feed in feeds.feeds:
        lines += ["", "[[feed]]", f"name = {_toml_string(feed.name)}"]
        lines.append(f"url = {_toml_string(feed.url)}")
        if feed.tags:
            lines.append(f"tags = {_toml_list(feed.tags)}")
        if not feed.enabled:
            lines.append("enabled = false")
    for folder in feeds.folders:
        lines += ["", "[[folder]]", f"name = {_toml_string(folder.name)}"]
        lines.append(f"path = {_toml_string(str(folder.path))}")
        if folder.tags:
            lines.append(f"tags = {_toml_list(folder.tags)}")
    return "\n".join(lines).lstrip("\n") + "\n"


def leading_comments(path: Path) -> str:
    """The comment block at the top of an existing feeds.toml, kept when the file is rewritten."""
    if not path.exists():
        return ""
    kept = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            break
        kept.append(line)
    return "\n".join(kept)


def save_feed_list(path: Path, feeds: FeedList) -> None:
    header = leading_comments(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(render_feed_list(feeds, header), encoding="utf-8")
    tmp.replace(path)


def name_from_url(url: str, taken: set[str]) -> str:
    """A readable unique name for a feed added without one."""
    base = urlsplit(url).netloc.removeprefix("www.") or "feed"
    name, n = base, 2
    while name in taken:
        name, n = f"{base}-{n}", n + 1
    return name


def import_opml(text: str, feeds: FeedList) -> list[FeedSpec]:
    """Add the feeds of an OPML document (any nesting; folders become tags); returns new ones."""
    try:
        root = ET.fromstring(text)
    except ET.ParseError as exc:
        raise ConfigError(f"not a valid OPML file: {exc}") from exc
    known_urls = {f.url for f in feeds.feeds}
    added: list[FeedSpec] = []

    def walk(node: ET.Element, tags: tuple[str, ...]) -> None:
        for outline in node.findall("outline"):
            url = outline.get("xmlUrl")
            label = outline.get("title") or outline.get("text") or ""
            if url and url not in known_urls and urlsplit(url).scheme in ("http", "https"):
                name = label.strip() if label.strip() and label.strip() not in feeds.names() else \
                    name_from_url(url, feeds.names())
                spec = FeedSpec(name, url, tags)
                feeds.feeds.append(spec)
                known_urls.add(url)
                added.append(spec)
            elif not url:
                walk(outline, tags + ((label,) if label else ()))

    body = root.find("body")
    walk(body if body is not None else root, ())
    return added


def export_opml(feeds: FeedList, title: str = "belmon feeds") -> str:
    """OPML 2.0 with one outline per feed; the first tag becomes the folder."""
    opml = ET.Element("opml", version="2.0")
    head = ET.SubElement(opml, "head")
    ET.SubElement(head, "title").text = title
    body = ET.SubElement(opml, "body")
    folders: dict[str, ET.Element] = {}
    for feed in feeds.feeds:
        parent = body
        if feed.tags:
            tag = feed.tags[0]
            if tag not in folders:
                folders[tag] = ET.SubElement(body, "outline", text=tag, title=tag)
            parent = folders[tag]
        ET.SubElement(parent, "outline", type="rss", text=feed.name, title=feed.name,
                      xmlUrl=feed.url)
    ET.indent(opml)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(opml, encoding="unicode") + "\n"
