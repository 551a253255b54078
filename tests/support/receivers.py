"""Real notification receivers on 127.0.0.1 for delivery tests: an SMTP server and a webhook.

Both are context managers that listen on a free local port and record what arrives::

    with SmtpReceiver() as smtp, WebhookReceiver() as hook:
        ...  # send to f"mailto://127.0.0.1:{smtp.port}?..." and hook.url
        message = smtp.wait_for(1)[0]
        assert hook.requests[0].json["message"]
"""

from __future__ import annotations

import email.policy
import http.server
import json
import threading
import time
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.parser import BytesParser
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from tests.support.httpserver import free_port

__all__ = ["ReceivedRequest", "SmtpReceiver", "WebhookReceiver"]

WAIT_SECONDS = 5.0


def _wait(condition: Any, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


class _Inbox:
    """aiosmtpd handler: parses each accepted message and keeps it."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.recipients: list[list[str]] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        message = BytesParser(policy=email.policy.default).parsebytes(envelope.content)
        with self.lock:
            self.messages.append(message)  # type: ignore[arg-type]
            self.recipients.append(list(envelope.rcpt_tos))
        return "250 Message accepted for delivery"


class SmtpReceiver:
    """A plain SMTP server (no TLS) on 127.0.0.1 that offers optional AUTH.

    Without `credentials` any login is accepted; with them, a wrong user or password is
    answered 535. Successful logins are recorded in `logins`.
    """

    def __init__(self, credentials: tuple[str, str] | None = None) -> None:
        self.credentials = credentials
        self.logins: list[str] = []
        self.port = free_port()
        self._inbox = _Inbox()
        self._controller = Controller(
            self._inbox, hostname="127.0.0.1", port=self.port, auth_require_tls=False,
            authenticator=self._authenticate,
        )

    def _authenticate(
        self, server: Any, session: Any, envelope: Any, mechanism: str, data: Any
    ) -> AuthResult:
        if not isinstance(data, LoginPassword):
            return AuthResult(success=False, handled=False)
        given = (data.login.decode(), data.password.decode())
        ok = self.credentials in (None, given)
        if ok:
            self.logins.append(given[0])
        return AuthResult(success=ok, handled=False)  # handled=False: aiosmtpd answers 535

    @property
    def messages(self) -> list[EmailMessage]:
        with self._inbox.lock:
            return list(self._inbox.messages)

    @property
    def recipients(self) -> list[list[str]]:
        with self._inbox.lock:
            return list(self._inbox.recipients)

    def wait_for(self, count: int, timeout: float = WAIT_SECONDS) -> list[EmailMessage]:
        """The messages once `count` have arrived (AssertionError after `timeout`)."""
        assert _wait(lambda: len(self.messages) >= count, timeout), self.messages
        return self.messages

    def __enter__(self) -> SmtpReceiver:
        self._controller.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._controller.stop()


@dataclass(frozen=True)
class ReceivedRequest:
    """One request as the webhook saw it."""

    method: str
    path: str
    headers: dict[str, str]  # lower-case names
    body: bytes
    status: int  # what the receiver answered

    @property
    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def form(self) -> dict[str, list[str]]:
        return parse_qs(self.body.decode())


@dataclass
class _State:
    requests: list[ReceivedRequest] = field(default_factory=list)
    failures_left: int = 0
    fail_status: int = 500
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, method: str, path: str, headers: dict[str, str], body: bytes) -> int:
        with self.lock:
            status = self.fail_status if self.failures_left > 0 else 200
            self.failures_left = max(self.failures_left - 1, 0)
            self.requests.append(ReceivedRequest(method, path, headers, body, status))
            return status


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        pass

    def do_POST(self) -> None:  # noqa: N802 - stdlib name
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        headers = {k.lower(): v for k, v in self.headers.items()}
        status = self.server.state.record(self.command, self.path, headers, body)
        answer = b'{"ok": true}' if status == 200 else b'{"error": "receiver told to fail"}'
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    do_PUT = do_POST


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    state: _State


class WebhookReceiver:
    """An HTTP endpoint on 127.0.0.1 that records POSTed bodies and can be told to fail."""

    def __init__(self) -> None:
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.state = _State()
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def requests(self) -> list[ReceivedRequest]:
        with self._server.state.lock:
            return list(self._server.state.requests)

    def fail_next(self, count: int, status: int = 500) -> None:
        """Answer the next `count` requests with `status`."""
        with self._server.state.lock:
            self._server.state.failures_left = count
            self._server.state.fail_status = status

    def __enter__(self) -> WebhookReceiver:
        self._thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
