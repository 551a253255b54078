"""Alert delivery through apprise to real receivers on 127.0.0.1: e-mail, webhooks, routing,
failures and secrets."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from belmon.alerts.delivery import Channels, ChannelsError, DeliveryResult, redact
from belmon.alerts.messages import ArticleAlert, ClaimNews, Rendered, render_alert
from tests.support.httpserver import free_port
from tests.support.receivers import SmtpReceiver, WebhookReceiver

USER, PASSWORD = "alice", "s3cret-Pass-77"
URL = "https://news.example.org/2025/10/export-bans"
HEADLINE = "<script>alert(1)</script> EU *weighs* wider export bans"
ADDRESSES = "from=belmon@example.org&to=analyst@example.org"


@pytest.fixture(scope="module")
def smtp() -> Iterator[SmtpReceiver]:
    with SmtpReceiver(credentials=(USER, PASSWORD)) as receiver:
        yield receiver


@pytest.fixture
def hook() -> Iterator[WebhookReceiver]:
    with WebhookReceiver() as receiver:
        yield receiver


def rendered(**changes: object) -> Rendered:
    values: dict[str, object] = dict(
        doc_id="doc-9", title=HEADLINE, outlet="Policy Wire", url=URL,
        published=date(2025, 10, 2),
        claims=(ClaimNews("The bloc is readying more export bans.", ("sanctions",),
                          "Earlier export bans were extended.", 0.41),),
    )
    values.update(changes)
    return render_alert(ArticleAlert(**values))  # type: ignore[arg-type]


def mailto(port: int, password: str = PASSWORD) -> str:
    return f"mailto://{USER}:{password}@127.0.0.1:{port}?{ADDRESSES}"


def paths(hook: WebhookReceiver) -> set[str]:
    return {request.path for request in hook.requests}


def test_email_carries_a_text_and_an_html_part(smtp: SmtpReceiver) -> None:
    before = len(smtp.messages)
    message = rendered()
    result = Channels.from_settings(None, mailto(smtp.port)).send(message, ["new_claim"])
    assert result == DeliveryResult(ok=True, error=None, delivered_to=1)
    received = smtp.wait_for(before + 1)[-1]
    assert USER in smtp.logins
    assert received["Subject"] == message.title
    assert received.get_content_type() == "multipart/alternative"
    plain = received.get_body(("plain",)).get_content()
    html = received.get_body(("html",)).get_content()
    assert HEADLINE in plain and URL in plain  # plain text: the headline is just text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script" not in html
    assert f'<a href="{URL}">' in html
    assert html.index(URL) < html.index("New claims")


def test_a_webhook_gets_the_markdown_body(hook: WebhookReceiver) -> None:
    message = rendered()
    channels = Channels.from_settings(None, f"json://127.0.0.1:{hook.port}/alerts")
    assert channels.send(message, ["new_claim", "sanctions"]).ok
    (request,) = hook.requests
    assert request.path == "/alerts"
    assert request.json["message"] == message.markdown
    assert request.json["title"] == message.title


def test_a_format_in_the_url_overrides_the_default(hook: WebhookReceiver) -> None:
    message = rendered()
    channels = Channels.from_settings(None, f"json://127.0.0.1:{hook.port}/plain?format=text")
    assert channels.send(message, ["new_claim"]).ok
    assert hook.requests[0].json["message"] == message.text


def test_a_small_channel_splits_long_messages_source_first(hook: WebhookReceiver) -> None:
    channels = Channels.from_settings(None, f"json://127.0.0.1:{hook.port}/small")
    channels._channels[0].plugin.body_maxlen = 1000  # as a chat service with a small limit
    claims = tuple(ClaimNews(f"Claim {i} on the border regime and visas.", ("migration",),
                             None, None) for i in range(30))
    assert channels.send(rendered(claims=claims), ["new_claim"]).ok
    bodies = [request.json["message"] for request in hook.requests]
    assert len(bodies) > 1 and all(len(body) <= 1000 for body in bodies)
    assert URL in bodies[0]


CONFIG_YAML = """\
version: 1
urls:
  - json://127.0.0.1:{port}/sanctions:
      tag: sanctions
  - json://127.0.0.1:{port}/always:
      tag: always
  - json://127.0.0.1:{port}/all:
      tag: all
  - json://127.0.0.1:{port}/digest:
      tag: digest
  - json://127.0.0.1:{port}/untagged
"""
CONFIG_TEXT = """\
sanctions=json://127.0.0.1:{port}/sanctions
always=json://127.0.0.1:{port}/always
all=json://127.0.0.1:{port}/all
digest=json://127.0.0.1:{port}/digest
json://127.0.0.1:{port}/untagged
"""


@pytest.mark.parametrize(("name", "template"), [("apprise.yml", CONFIG_YAML),
                                                ("apprise.txt", CONFIG_TEXT)])
def test_channels_receive_only_what_they_subscribe_to(
    hook: WebhookReceiver, tmp_path: Path, name: str, template: str
) -> None:
    config = tmp_path / name
    config.write_text(template.format(port=hook.port), encoding="utf-8")
    channels = Channels.from_settings(config, f"json://127.0.0.1:{hook.port}/env")
    everyone = {"/always", "/all", "/untagged", "/env"}

    result = channels.send(rendered(), ["new_claim", "sanctions"])
    assert result.ok and result.delivered_to == 5
    assert paths(hook) == everyone | {"/sanctions"}

    before = len(hook.requests)
    assert channels.send(rendered(), ["new_figure"]).delivered_to == 4
    assert {r.path for r in hook.requests[before:]} == everyone


def test_no_subscriber_is_reported_but_is_not_a_failure(
    hook: WebhookReceiver, tmp_path: Path
) -> None:
    config = tmp_path / "apprise.yml"
    config.write_text(f"urls:\n  - json://127.0.0.1:{hook.port}/sanctions:\n"
                      "      tag: sanctions\n", encoding="utf-8")
    result = Channels.from_settings(config, None).send(rendered(), ["digest"])
    assert result == DeliveryResult(ok=True, error=None, delivered_to=0)
    assert result.unrouted and hook.requests == []


def test_a_failing_webhook_gives_a_redacted_error(hook: WebhookReceiver) -> None:
    token = "Zq8v2LmN4pRt6xYb"
    channels = Channels.from_settings(
        None, f"json://{USER}:{PASSWORD}@127.0.0.1:{hook.port}/fail?-apikey={token}"
    )
    hook.fail_next(1)
    result = channels.send(rendered(), ["new_claim"])
    assert not result.ok and result.delivered_to == 0
    assert result.error and "500" in result.error
    assert result.failed == (f"json://***@127.0.0.1:{hook.port}/fail [tags: always]",)
    assert PASSWORD not in result.error and token not in result.error
    assert channels.send(rendered(), ["new_claim"]).ok  # the receiver recovered


def test_refused_connections_fail_without_raising_or_leaking(
    caplog: pytest.LogCaptureFixture,
) -> None:
    urls = (f"json://bob:{PASSWORD}@127.0.0.1:{free_port()}/gone "
            f"mailto://{USER}:{PASSWORD}@127.0.0.1:{free_port()}?{ADDRESSES}")
    channels = Channels.from_settings(None, urls)
    level = logging.getLogger("apprise").level
    with caplog.at_level(logging.INFO, logger="apprise"):
        result = channels.send(rendered(), ["sanctions"])
    assert not result.ok and len(result.failed) == 2
    assert result.error and result.error.lower().count("refused") == 2
    assert PASSWORD not in result.error
    assert PASSWORD not in caplog.text
    assert all(record.levelno >= logging.INFO for record in caplog.records)
    assert logging.getLogger("apprise").level == level


def test_a_wrong_smtp_password_is_a_redacted_failure(smtp: SmtpReceiver) -> None:
    wrong = "not-the-Pass-99"
    result = Channels.from_settings(None, mailto(smtp.port, wrong)).send(rendered(), ["x"])
    assert not result.ok and result.error and "535" in result.error
    assert wrong not in result.error


def test_one_failed_channel_does_not_hide_the_others(hook: WebhookReceiver) -> None:
    urls = f"json://127.0.0.1:{hook.port}/ok json://127.0.0.1:{free_port()}/down"
    result = Channels.from_settings(None, urls).send(rendered(), ["new_claim"])
    assert not result.ok and result.delivered_to == 1 and len(result.failed) == 1
    assert "/down" in result.failed[0] and paths(hook) == {"/ok"}


def test_the_test_command_reaches_every_channel_separately(
    hook: WebhookReceiver, tmp_path: Path
) -> None:
    config = tmp_path / "apprise.txt"
    config.write_text(f"digest=json://127.0.0.1:{hook.port}/digest\n", encoding="utf-8")
    channels = Channels.from_settings(config, f"json://127.0.0.1:{free_port()}/down")
    results = channels.send_each(rendered())
    assert [(name, result.ok) for name, result in results] == [
        (f"json://127.0.0.1:{hook.port}/digest [tags: digest]", True),
        (results[1][0], False),
    ]
    assert paths(hook) == {"/digest"}


def test_descriptions_hide_credentials(smtp: SmtpReceiver) -> None:
    urls = (f"{mailto(smtp.port)} "
            "slack://T1JJ3T3L2/A1BRTD4JD/TIiajkdnlazkcOXrIdevi7FQ/#general")
    described = Channels.from_settings(None, urls).describe()
    assert described[0].startswith(f"mailto://***@127.0.0.1:{smtp.port}")
    assert described[0].endswith("[tags: always]")
    text = " ".join(described)
    assert PASSWORD not in text and "TIiajkdnlazkcOXrIdevi7FQ" not in text
    assert "A1BRTD4JD" not in text


def test_no_settings_means_no_channels() -> None:
    assert Channels.from_settings(None, None).is_empty()
    assert Channels.from_settings(None, "  ").is_empty()
    assert not Channels.from_settings(None, "json://127.0.0.1:9/x").is_empty()


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("connect to smtp://mary:Pa55word!@mail.example.org:587 failed", "Pa55word!"),
        ("POST https://hooks.example.com/x?token=abc123def&room=5 gave 403", "abc123def"),
        ("slack://T1JJ3T3L2/A1BRTD4JD/TIiajkdnlazkcOXrIdevi7FQ/", "TIiajkdnlazkcOXrIdevi7FQ"),
        ("tgram://123456789:AABBccddEEffgg_hhIIjj-kkLLmmNNoo/42", "AABBccddEEffgg_hhIIjj"),
        ("header Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.e30.x", "eyJhbGciOiJIUzI1NiJ9"),
        ("An invalid Slack Token (plainwordsonly) was specified.", "plainwordsonly"),
        ("password=hunter2 rejected", "hunter2"),
    ],
)
def test_redact_removes_credentials(text: str, secret: str) -> None:
    assert secret not in redact(text)


def test_redact_removes_given_secrets_and_keeps_ordinary_text() -> None:
    assert redact("login as bob with opensesame failed", ["opensesame"]) == (
        "login as bob with *** failed"
    )
    ordinary = "political prisoners: 1,187 as of 2025-10-01 (error=500, host 127.0.0.1)"
    assert redact(ordinary) == ordinary


def test_a_missing_config_file_is_named(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.yml"
    with pytest.raises(ChannelsError, match="nowhere.yml"):
        Channels.from_settings(missing, None)


def test_an_invalid_config_file_is_named_and_redacted(tmp_path: Path) -> None:
    config = tmp_path / "broken.yml"
    config.write_text("version: 1\nurls:\n  - slack://badtoken_secretvalue:\n      tag: x\n")
    with pytest.raises(ChannelsError, match="broken.yml") as caught:
        Channels.from_settings(config, None)
    assert "badtoken_secretvalue" not in str(caught.value)
    garbled = tmp_path / "garbled.yml"
    garbled.write_text("version: 1\nurls: [\n  - : :\n")
    with pytest.raises(ChannelsError, match="garbled.yml is not valid"):
        Channels.from_settings(garbled, None)


@pytest.mark.parametrize("url", ["foo://user:topsecret42@host.example", "slack://badtoken_secret"])
def test_an_unusable_url_is_rejected_redacted(url: str) -> None:
    with pytest.raises(ChannelsError, match=r"alert URL #2 \(\w+://\*\*\*\)") as caught:
        Channels.from_settings(None, f"json://127.0.0.1:9/fine, {url}")
    assert "topsecret42" not in str(caught.value) and "badtoken_secret" not in str(caught.value)


def test_an_alert_without_html_still_reaches_email(smtp: SmtpReceiver) -> None:
    before = len(smtp.messages)
    message = rendered()
    stored = Rendered(title=message.title, markdown=message.markdown, text=message.text, html="")
    assert Channels.from_settings(None, mailto(smtp.port)).send(stored, ["new_claim"]).ok
    assert URL in smtp.wait_for(before + 1)[-1].get_body(("plain",)).get_content()
