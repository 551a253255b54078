"""Alert delivery through apprise: the only module that talks to apprise.

Channels come from apprise's own configuration: an apprise YAML or TEXT config file
(``BELMON_APPRISE_CONFIG``) and URLs (``BELMON_APPRISE_URLS``, separated by spaces or commas).

Routing by tag. Every alert carries tags: its kind (``new_figure``, ``new_claim``,
``digest``) and its themes (``sanctions``...). A channel receives an alert when it

- has no tags: every URL from ``BELMON_APPRISE_URLS`` and every untagged config entry;
- is tagged ``all`` or ``always``; or
- shares at least one tag with the alert (apprise's ``tag:`` / ``tags:`` in the config file).

This is apprise's own matching: untagged and ``all`` channels are given apprise's ``always``
tag when loaded. An alert sent with no tags reaches every channel. Apprise's tag priorities
(escalation chains) are not used: every matching channel gets the message.

Shapes. Each matching channel is sent to on its own, with the body that suits it: e-mail
(``mailto://``, ``mailtos://``) gets the HTML body, which apprise sends as
``multipart/alternative`` with a plain-text part it derives from the HTML; every other channel
gets the Markdown body, which apprise converts for services that want HTML. A ``format=``
(html, markdown or text) in a channel's URL or config entry overrides this. Channels that set
no ``overflow=`` get apprise's ``split`` (or ``truncate`` below 1,000 characters); messages
put their source link first, so it survives either.

Outcomes. ``send`` never raises for a failed delivery. ``ok`` is False when any matching
channel failed; ``error`` then names each failed channel and apprise's reason, taken from
its log and redacted. When no channel subscribes to the alert's tags, the result is
``ok=True, delivered_to=0`` (``unrouted``): not a failure, and nothing was sent.

Secrets. Apprise URLs carry passwords and tokens: descriptions use apprise's privacy mode,
and every error, description and exception passes through ``redact`` with the channel's
secrets. Nothing here logs a URL.
"""

from __future__ import annotations

import html
import logging
import re
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

import apprise
from apprise.common import NotifyFormat, OverflowMode
from apprise.plugins.email import NotifyEmail
from apprise.utils.parse import parse_urls
from pydantic import SecretStr

from belmon.alerts.messages import Rendered, escape_markdown
from belmon.errors import BelmonError

__all__ = ["Channels", "ChannelsError", "DeliveryResult", "redact"]

ALWAYS = "always"  # apprise's tag for services that receive everything
EVERYTHING = frozenset({"all", ALWAYS})
MIN_SPLIT_CHARS = 1000  # below this a channel's limit truncates rather than splits
MIN_SECRET_CHARS = 4  # shorter secrets would blank out ordinary words
REASON_CHARS = 500
MASK = "***"
_DETAILS = ("Socket Exception", "Loading Exception", "YAML Exception")
_CONFIG_FORMATS = {".yml": "yaml", ".yaml": "yaml", ".txt": "text", ".cfg": "text",
                   ".conf": "text"}

_URL = re.compile(r"\b[a-zA-Z][a-zA-Z0-9+.\-]*://[^\s\"'<>]+")
_USERINFO = re.compile(r"(\b[a-zA-Z][a-zA-Z0-9+.\-]*://)[^\s/?#]*@")
_SECRET_WORDS = r"[\w-]*(?:pass|pwd|token|secret|key|auth|sig|session|bearer|cookie)[\w-]*"
_SECRET_PARAM = re.compile(rf"(?i)([?&;][+\-:]?{_SECRET_WORDS}=)[^&\s#]+")
_TOKENISH = re.compile(
    r"(?<![A-Za-z0-9_\-])(?:(?=[A-Za-z_\-]*\d)(?=[\d_\-]*[A-Za-z])[A-Za-z0-9_\-]{16,}"
    r"|(?=[a-z\d_\-]*[A-Z])(?=[A-Z\d_\-]*[a-z])[A-Za-z0-9_\-]{20,})(?![A-Za-z0-9_\-])"
)
_BEARER = re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=\-]+")
_ASSIGNED = re.compile(rf"(?i)\b({_SECRET_WORDS}|password)(\s*[=:]\s*)[^\s,;&]+")
_PARENTHESISED = re.compile(r"(?i)\b((?:token|key|secret|password|id)s?\s*\()[^)\s]+(\))")
_CONFIG_SECRET = re.compile(rf"(?im)^[\s-]*{_SECRET_WORDS}\s*[:=]\s*[\"']?([^\s\"']+)")

_APPRISE_LOG = logging.getLogger(apprise.LOGGER_NAME)
_capture_lock = threading.RLock()


class ChannelsError(BelmonError):
    """The alert channels cannot be set up (bad config file or URL); secrets redacted."""


@dataclass(frozen=True)
class DeliveryResult:
    """What apprise made of one message: the error is redacted, never raised."""

    ok: bool
    error: str | None = None
    delivered_to: int = 0  # channels that accepted the message
    failed: tuple[str, ...] = ()  # redacted descriptions of channels that did not

    @property
    def unrouted(self) -> bool:
        """True when no channel subscribes to the message's tags (nothing was sent)."""
        return self.ok and self.delivered_to == 0


@dataclass(frozen=True)
class _Channel:
    plugin: apprise.NotifyBase
    description: str
    secrets: tuple[str, ...]


# -- redaction ----------------------------------------------------------------------------


def _redact_url(match: re.Match[str]) -> str:
    url = _USERINFO.sub(rf"\1{MASK}@", match.group(0))
    url = _SECRET_PARAM.sub(rf"\1{MASK}", url)
    return _TOKENISH.sub(MASK, url)


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """`text` without credentials: given secrets, user:password@ in URLs, URL tokens, keys."""
    for secret in sorted({s for s in secrets if len(s) >= MIN_SECRET_CHARS}, key=len,
                         reverse=True):
        text = text.replace(secret, MASK)
    text = _URL.sub(_redact_url, text)
    text = _BEARER.sub(rf"\1 {MASK}", text)
    text = _ASSIGNED.sub(rf"\1\2{MASK}", text)
    return _PARENTHESISED.sub(rf"\1{MASK}\2", text)


def _url_secrets(url: str) -> list[str]:
    """Every piece of a URL that may be a credential (for errors about URLs apprise refused)."""
    pieces = [unquote(p) for p in re.split(r"[/:@?&=#,;]+", url.partition("://")[2]) if p]
    return [url, *pieces]


def _strings(value: object) -> list[str]:
    if isinstance(value, str | int) and not isinstance(value, bool):
        return [str(value)]
    if isinstance(value, list | tuple | set):
        return [s for item in value for s in _strings(item)]
    return []


def _plugin_secrets(plugin: apprise.NotifyBase) -> list[str]:
    """The credentials a loaded service holds: apprise marks them private in its templates."""
    found = _strings(getattr(plugin, "password", None))
    for name, spec in {**plugin.template_tokens, **plugin.template_args}.items():
        if spec.get("private"):
            found += _strings(getattr(plugin, spec.get("map_to", name), None))
    for extra in ("headers", "params"):  # json:// and friends: +Header=... and -param=...
        values = getattr(plugin, extra, None) or {}
        found += [v for k, v in values.items() if re.fullmatch(_SECRET_WORDS, k, re.I)]
    return found


# -- apprise's log ------------------------------------------------------------------------


class _Reasons(logging.Filter):
    """Keeps apprise's warnings and exception details; passes on only what would pass anyway."""

    def __init__(self, passes_from: int) -> None:
        super().__init__()
        self.passes_from = passes_from
        self.records: list[tuple[int, str]] = []

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if record.levelno >= logging.WARNING or message.startswith(_DETAILS):
            self.records.append((record.levelno, message))
        return record.levelno >= self.passes_from


def _apprise_loggers() -> list[logging.Logger]:
    """Apprise's logger and its existing children (e.g. apprise.xmpp), which inherit its level."""
    prefix = f"{apprise.LOGGER_NAME}."
    children = [
        logger for name, logger in logging.Logger.manager.loggerDict.items()
        if name.startswith(prefix) and isinstance(logger, logging.Logger)
    ]
    return [_APPRISE_LOG, *children]


@contextmanager
def _apprise_reasons() -> Iterator[list[tuple[int, str]]]:
    """Apprise's log records while the block runs: its only account of why a send failed.

    Apprise's logger is lowered to DEBUG for the block (its exception details are logged
    there); a filter keeps those records from reaching any handler that would not have seen
    them anyway, so belmon's own log level still decides what is written.
    """
    with _capture_lock:
        own_level = _APPRISE_LOG.level
        reasons = _Reasons(_APPRISE_LOG.getEffectiveLevel())
        loggers = _apprise_loggers()
        for logger in loggers:
            logger.addFilter(reasons)
        _APPRISE_LOG.setLevel(logging.DEBUG)
        try:
            yield reasons.records
        finally:
            _APPRISE_LOG.setLevel(own_level)
            for logger in loggers:
                logger.removeFilter(reasons)


def _reason(records: Sequence[tuple[int, str]], secrets: Iterable[str]) -> str:
    lines = dict.fromkeys(" ".join(message.split()) for _, message in records)
    text = redact("; ".join(lines), secrets) or "apprise gave no reason"
    return text if len(text) <= REASON_CHARS else text[: REASON_CHARS - 1] + "…"


# -- loading ------------------------------------------------------------------------------


def _asset() -> apprise.AppriseAsset:
    """Apprise settings for belmon: synchronous sends, nothing written to disk."""
    return apprise.AppriseAsset(
        app_id="belmon", app_desc="belmon alerts", async_mode=False, storage_mode="memory",
        pgp_autogen=False, pem_autogen=False,
    )


def _default_overflow(plugin: apprise.NotifyBase) -> None:
    if "overflow_mode" in vars(plugin) or plugin.body_maxlen <= 0:
        return  # chosen in the URL, or a service without a limit
    big = plugin.body_maxlen >= MIN_SPLIT_CHARS
    plugin.overflow_mode = OverflowMode.SPLIT if big else OverflowMode.TRUNCATE


def _describe(plugin: apprise.NotifyBase, secrets: Iterable[str]) -> str:
    url = plugin.url(privacy=True).split("?", 1)[0]
    tags = ", ".join(sorted({str(tag) for tag in plugin.tags}))
    return f"{redact(url, secrets)} [tags: {tags}]"


def _channel(plugin: apprise.NotifyBase) -> _Channel:
    """A loaded service made ready: routing tags, overflow, description and secrets."""
    if not {str(tag).lower() for tag in plugin.tags} - EVERYTHING:
        plugin.tags.add(apprise.AppriseTag(ALWAYS))
    _default_overflow(plugin)
    secrets = tuple(_plugin_secrets(plugin))
    return _Channel(plugin, _describe(plugin, secrets), secrets)


def _masked(url: str) -> str:
    scheme, found, _ = url.partition("://")
    return f"{scheme}://{MASK}" if found and scheme.isalnum() else MASK


def _from_urls(urls: str, asset: apprise.AppriseAsset) -> list[_Channel]:
    channels = []
    for number, url in enumerate(parse_urls(urls), start=1):
        with _apprise_reasons() as records:
            plugin = apprise.Apprise.instantiate(url, asset=asset)
        if plugin is None:
            reason = _reason(records, _url_secrets(url))
            raise ChannelsError(f"alert URL #{number} ({_masked(url)}) is not usable: {reason}")
        channels.append(_channel(plugin))
    return channels


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ChannelsError(f"apprise config file {path} does not exist") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ChannelsError(f"apprise config file {path} cannot be read: {exc}") from None


def _config_secrets(content: str) -> list[str]:
    urls = [s for url in _URL.findall(content) for s in _url_secrets(url)]
    return urls + _CONFIG_SECRET.findall(content)


def _from_config(path: Path, asset: apprise.AppriseAsset) -> list[_Channel]:
    content = _read(path)
    secrets = _config_secrets(content)
    with _apprise_reasons() as records:
        plugins, includes = apprise.ConfigBase.config_parse(
            content, asset=asset, config_format=_CONFIG_FORMATS.get(path.suffix.lower())
        )
    if any(level >= logging.ERROR for level, _ in records) or not plugins:
        reason = _reason(records, secrets) if records else "it lists no notification URL"
        raise ChannelsError(f"apprise config file {path} is not valid: {reason}")
    if includes:
        raise ChannelsError(f"apprise config file {path}: 'include' is not supported")
    return [_channel(plugin) for plugin in plugins]


# -- sending ------------------------------------------------------------------------------


def _body(plugin: apprise.NotifyBase, rendered: Rendered) -> tuple[str, NotifyFormat]:
    """HTML for e-mail, Markdown for the rest, unless the channel asked for a format.

    A shape left empty (e.g. an outbox row without HTML) falls back to Markdown, then text.
    """
    shapes = {NotifyFormat.HTML: rendered.html, NotifyFormat.MARKDOWN: rendered.markdown,
              NotifyFormat.TEXT: rendered.text}
    wanted = vars(plugin).get("notify_format")
    if wanted not in shapes:
        wanted = NotifyFormat.HTML if isinstance(plugin, NotifyEmail) else NotifyFormat.MARKDOWN
    for shape in (wanted, NotifyFormat.MARKDOWN, NotifyFormat.TEXT):
        if shapes[shape].strip():
            return shapes[shape], shape
    return shapes[wanted], wanted


def _title(plugin: apprise.NotifyBase, title: str, body_format: NotifyFormat) -> str:
    """The plain title, escaped where apprise merges it into the body (no title field)."""
    title = " ".join(title.split())  # one line: it may become an e-mail Subject header
    if plugin.title_maxlen > 0:
        return title
    if body_format == NotifyFormat.HTML:
        return html.escape(title)
    return escape_markdown(title) if body_format == NotifyFormat.MARKDOWN else title


def _combined(results: Sequence[DeliveryResult]) -> DeliveryResult:
    failed = tuple(name for result in results for name in result.failed)
    errors = [result.error for result in results if result.error]
    return DeliveryResult(
        ok=not failed, error="; ".join(errors) or None,
        delivered_to=sum(result.delivered_to for result in results), failed=failed,
    )


class Channels:
    """The configured apprise services, each with its tags, description and secrets."""

    def __init__(self, channels: Sequence[_Channel], asset: apprise.AppriseAsset) -> None:
        self._channels = list(channels)
        self._asset = asset
        self._all = apprise.Apprise(asset=asset)
        self._all.add([channel.plugin for channel in self._channels])

    @classmethod
    def from_settings(
        cls, config_path: Path | None, urls: str | SecretStr | None,
        throttle: float | None = None,
    ) -> Channels:
        """Channels from an apprise config file and URLs; ChannelsError names what is wrong.

        `throttle` overrides apprise's pause between two sends to one service (5.5 s for
        e-mail and most chat services, which protects against their rate limits)."""
        asset = _asset()
        channels = _from_config(Path(config_path), asset) if config_path else []
        raw = urls.get_secret_value() if isinstance(urls, SecretStr) else urls
        if raw and raw.strip():
            channels += _from_urls(raw, asset)
        if throttle is not None:
            for channel in channels:
                channel.plugin.request_rate_per_sec = throttle
        return cls(channels, asset)

    def is_empty(self) -> bool:
        """True when no channel is configured (alerts wait in the outbox)."""
        return not self._channels

    def describe(self) -> list[str]:
        """One redacted line per channel, safe to print."""
        return [channel.description for channel in self._channels]

    def send(self, rendered: Rendered, tags: Sequence[str]) -> DeliveryResult:
        """Send to every channel subscribed to any of `tags` (all channels when none)."""
        wanted = [tag.strip().lower() for tag in tags if tag.strip()] or "all"
        matching = {id(plugin) for plugin in self._all.find(tag=wanted)}
        chosen = [c for c in self._channels if id(c.plugin) in matching]
        return _combined([self._send_one(channel, rendered) for channel in chosen])

    def send_each(self, rendered: Rendered) -> list[tuple[str, DeliveryResult]]:
        """Send to every channel, whatever its tags, one result each (`belmon alerts test`)."""
        return [(c.description, self._send_one(c, rendered)) for c in self._channels]

    def _send_one(self, channel: _Channel, rendered: Rendered) -> DeliveryResult:
        body, body_format = _body(channel.plugin, rendered)
        title = _title(channel.plugin, rendered.title, body_format)
        single = apprise.Apprise(asset=self._asset)
        single.add(channel.plugin)
        with _apprise_reasons() as records:
            try:
                sent = single.notify(body=body, title=title, body_format=body_format)
            except Exception as exc:  # a plugin bug must not lose the alert
                records.append((logging.ERROR, f"{type(exc).__name__}: {exc}"))
                sent = False
        if sent:
            return DeliveryResult(ok=True, delivered_to=1)
        error = f"{channel.description}: {_reason(records, channel.secrets)}"
        return DeliveryResult(ok=False, error=error, failed=(channel.description,))
