"""`belmon demo`: a whole cycle on this machine, with no network: a local copy of a small news
site, a seeded warehouse, one monitoring cycle, and alerts delivered to a local webhook."""

from __future__ import annotations

import http.server
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path

from belmon.settings import PROJECT_ROOT

SITE = PROJECT_ROOT / "tests" / "fixtures" / "site"


class _SiteHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the demo site with `{base}` replaced by the server's address."""

    def __init__(self, *args: object, base: str, **kwargs: object) -> None:
        self.base = base
        super().__init__(*args, directory=str(SITE), **kwargs)  # type: ignore[arg-type]

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        return

    def send_head(self):  # type: ignore[no-untyped-def] - stdlib override
        path = Path(self.translate_path(self.path))
        if not path.is_file():
            return super().send_head()
        body = path.read_bytes().replace(b"{base}", self.base.encode())
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        from io import BytesIO

        return BytesIO(body)


class _Inbox(http.server.BaseHTTPRequestHandler):
    """Receives apprise json:// posts and keeps them."""

    received: list[dict] = []

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        return

    def do_POST(self) -> None:  # noqa: N802 - stdlib name
        length = int(self.headers.get("Content-Length", 0))
        self.server.received.append(json.loads(self.rfile.read(length) or b"{}"))  # type: ignore[attr-defined]
        self.send_response(200)
        self.end_headers()


@contextmanager
def _serve(handler: type, **kwargs: object) -> Iterator[http.server.ThreadingHTTPServer]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), partial(handler, **kwargs)
                                             if kwargs else handler)
    server.received = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def demo_site() -> Iterator[tuple[str, str, list[dict]]]:
    """(site base URL, apprise URL of the local inbox, received messages)."""
    with _serve(_Inbox) as inbox:
        port = inbox.server_address[1]
        with _serve(_SiteHandler, base="") as site:
            base = f"http://127.0.0.1:{site.server_address[1]}"
            site.RequestHandlerClass = partial(_SiteHandler, base=base)  # type: ignore[assignment]
            yield base, f"json://127.0.0.1:{port}/inbox", inbox.received  # type: ignore[attr-defined]


def feeds_toml(base: str) -> str:
    return "\n".join(
        f'[[feed]]\nname = "{name}"\nurl = "{base}/feeds/{path}"\n'
        for name, path in (("Belarus Weekly Monitor", "belarus-news.rss"),
                           ("Policy Watch Europe", "policy-watch.atom"))
    )
