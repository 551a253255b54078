"""A programmable, real HTTP server for tests (standard library only).

It listens on 127.0.0.1 on a free port and serves from a daemon thread, so tests exercise
the real network stack (sockets, HTTP/1.1 keep-alive, timeouts) without touching the internet::

    with LocalServer() as server:
        url = server.route("/feed.rss", Route(body=b"<rss/>", etag='"v1"'))
        ...
        assert server.hits("/feed.rss") == 1

Responses are HTTP/1.1 with a Content-Length, except 304 answers (no body) and
``drip_forever`` answers (chunked transfer encoding, sent until the client goes away).
"""

from __future__ import annotations

import gzip as gzip_module
import hashlib
import http.server
import socket
import threading
from dataclasses import dataclass, field
from http import HTTPStatus
from pathlib import Path

__all__ = ["CONTENT_TYPES", "DRIP_CHUNK", "LAST_MODIFIED", "LocalServer", "Route", "free_port"]

#: Bytes written per chunk when a route drips its body.
DRIP_CHUNK = 16

#: The Last-Modified date given to every file served by ``mount_directory``.
LAST_MODIFIED = "Wed, 01 Oct 2025 08:00:00 GMT"

#: Content-Type by file extension for ``mount_directory``.
CONTENT_TYPES = {
    ".xml": "application/rss+xml",
    ".rss": "application/rss+xml",
    ".atom": "application/atom+xml",
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".txt": "text/plain",
    ".md": "text/markdown; charset=utf-8",
    ".json": "application/json",
}


@dataclass
class Route:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    drip: float | None = None
    drip_forever: bool = False
    etag: str | None = None
    last_modified: str | None = None
    redirect_to: str | None = None
    gzip: bool = False
    fail_times: int = 0
    fail_status: int = 503


class _Headers(dict):
    """Request headers: a plain ``dict`` with lower-case keys, looked up case-insensitively."""

    def __getitem__(self, key: str) -> str:
        return super().__getitem__(key.lower())

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and super().__contains__(key.lower())

    def get(self, key: str, default: str | None = None) -> str | None:  # type: ignore[override]
        return super().get(key.lower(), default)


def _quote_etag(etag: str) -> str:
    return etag if etag.startswith(('"', "W/")) else f'"{etag}"'


def _etag_matches(if_none_match: str, etag: str) -> bool:
    def bare(tag: str) -> str:
        tag = tag.strip()
        return tag[2:] if tag.startswith("W/") else tag

    wanted = bare(_quote_etag(etag))
    return any(t.strip() == "*" or bare(t) == wanted for t in if_none_match.split(","))


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "belmon-test"
    sys_version = ""
    server: _Server

    def setup(self) -> None:
        super().setup()
        # headers and body are written separately: without this, Nagle's algorithm plus the
        # client's delayed ACK add ~40 ms to every response
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        pass

    def do_GET(self) -> None:
        self._serve(send_body=True)

    def do_HEAD(self) -> None:
        self._serve(send_body=False)

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        self._serve(send_body=True)

    # -- plumbing ---------------------------------------------------------------------------

    def _serve(self, send_body: bool) -> None:
        owner = self.server.owner
        headers = _Headers((k.lower(), v) for k, v in self.headers.items())
        route, failing = owner._arrive(self.path, headers)
        if route is None:
            self._respond(404, {"Content-Type": "text/plain"}, b"Not Found\n", send_body)
            return
        if route.delay and owner._stopping.wait(route.delay):
            self.close_connection = True
            return
        extra = {k: v for k, v in route.headers.items() if k.lower() != "content-type"}
        if failing:
            reason = _reason(route.fail_status)
            body = f"{route.fail_status} {reason}\n".encode()
            self._respond(
                route.fail_status, {**extra, "Content-Type": "text/plain"}, body, send_body
            )
            return
        if route.redirect_to is not None:
            status = 302 if route.status == 200 else route.status
            self._respond(status, {**route.headers, "Location": route.redirect_to}, b"", send_body)
            return
        validators: dict[str, str] = {}
        if route.etag is not None:
            validators["ETag"] = _quote_etag(route.etag)
        if route.last_modified is not None:
            validators["Last-Modified"] = route.last_modified
        if route.status == 200 and self._not_modified(route, headers):
            self.send_response(304)
            for name, value in {**extra, **validators}.items():
                self.send_header(name, value)
            self.end_headers()
            return
        body = route.body
        out = {**route.headers, **validators}
        if route.gzip:
            body = gzip_module.compress(body, mtime=0)
            out["Content-Encoding"] = "gzip"
        if route.drip is not None and route.drip_forever:
            self._drip_forever(route, out, body, send_body)
        elif route.drip is not None:
            self._drip(route, out, body, send_body)
        else:
            self._respond(route.status, out, body, send_body)

    @staticmethod
    def _not_modified(route: Route, headers: _Headers) -> bool:
        if route.etag is not None and "If-None-Match" in headers:
            return _etag_matches(headers["If-None-Match"], route.etag)
        if route.last_modified is not None and "If-Modified-Since" in headers:
            return headers["If-Modified-Since"].strip() == route.last_modified
        return False

    def _start(self, status: int, headers: dict[str, str]) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()

    def _respond(self, status: int, headers: dict[str, str], body: bytes, send_body: bool) -> None:
        headers = {k: v for k, v in headers.items() if k.lower() != "content-length"}
        self._start(status, {**headers, "Content-Length": str(len(body))})
        if send_body and body:
            self.wfile.write(body)

    def _drip(self, route: Route, headers: dict[str, str], body: bytes, send_body: bool) -> None:
        self._start(route.status, {**headers, "Content-Length": str(len(body))})
        if not send_body:
            return
        stopping = self.server.owner._stopping
        try:
            for i in range(0, len(body), DRIP_CHUNK):
                if i and stopping.wait(route.drip or 0.0):
                    break
                self.wfile.write(body[i : i + DRIP_CHUNK])
                self.wfile.flush()
        except OSError:
            pass
        self.close_connection = True

    def _drip_forever(
        self, route: Route, headers: dict[str, str], body: bytes, send_body: bool
    ) -> None:
        headers = {k: v for k, v in headers.items() if k.lower() != "content-length"}
        self._start(route.status, {**headers, "Transfer-Encoding": "chunked"})
        self.close_connection = True
        if not send_body:
            return
        body = body or b" "
        stopping = self.server.owner._stopping
        offset = 0
        try:
            while not stopping.is_set():
                piece = body[offset : offset + DRIP_CHUNK]
                offset += DRIP_CHUNK
                if offset >= len(body):
                    offset = 0  # start the body again
                self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
                self.wfile.flush()
                if stopping.wait(route.drip or 0.0):
                    break
        except OSError:
            pass  # the client went away: that is how a drip_forever answer ends


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    owner: LocalServer

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # quiet: disconnecting clients are part of what the tests exercise


class LocalServer:
    """A real HTTP server on 127.0.0.1 (free port), started on construction.

    Use as a context manager (``with LocalServer() as server:``) or call ``close()``.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._routes: dict[str, Route] = {}
        self._hits: dict[str, int] = {}
        self._failures: dict[str, int] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        self._httpd = _Server(("127.0.0.1", 0), _Handler)
        self._httpd.owner = self
        host, port = self._httpd.server_address[:2]
        self.base_url = f"http://{host}:{port}"
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"LocalServer:{port}",
            daemon=True,
        )
        self._thread.start()

    # -- context manager --------------------------------------------------------------------

    def __enter__(self) -> LocalServer:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop serving: pending delays and drips end at once, the port is released."""
        if self._stopping.is_set():
            return
        self._stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    # -- programming the server -------------------------------------------------------------

    def url(self, path: str) -> str:
        return self.base_url + (path if path.startswith("/") else "/" + path)

    def route(self, path: str, route: Route) -> str:
        """Register (or replace) the answer for ``path``; returns its full URL.

        ``path`` may carry a query string: a request whose path and query match exactly is
        preferred, otherwise the route registered for the bare path answers.
        """
        path = path if path.startswith("/") else "/" + path
        with self._lock:
            self._routes[path] = route
            self._failures[path] = 0
        return self.url(path)

    def hits(self, path: str) -> int:
        """Requests that reached ``path`` (any query string counts, unless ``path`` has one)."""
        path = path if path.startswith("/") else "/" + path
        with self._lock:
            return self._hits.get(path, 0)

    def reset_counts(self) -> None:
        """Forget hits, recorded requests and the ``fail_times`` already used up."""
        with self._lock:
            self._hits.clear()
            self.requests.clear()
            for key in self._failures:
                self._failures[key] = 0

    def mount_directory(
        self, folder: Path, prefix: str = "/", replacements: dict[str, str] | None = None
    ) -> None:
        """Serve every file below ``folder`` at ``prefix`` + its relative path.

        The files are read now (later edits on disk are not seen). Every key of
        ``replacements`` is replaced by its value in the bytes (UTF-8 encoded, so ASCII
        placeholders such as ``{base}`` work in single-byte encodings too).
        """
        folder = Path(folder)
        prefix = "/" + prefix.strip("/")
        prefix = prefix if prefix == "/" else prefix + "/"
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            body = path.read_bytes()
            for old, new in (replacements or {}).items():
                body = body.replace(old.encode("utf-8"), new.encode("utf-8"))
            content_type = CONTENT_TYPES.get(path.suffix.lower(), "application/octet-stream")
            self.route(
                prefix + path.relative_to(folder).as_posix(),
                Route(
                    body=body,
                    headers={"Content-Type": content_type},
                    etag=hashlib.sha256(body).hexdigest()[:32],
                    last_modified=LAST_MODIFIED,
                ),
            )

    # -- used by the handler ----------------------------------------------------------------

    def _arrive(self, raw_path: str, headers: dict[str, str]) -> tuple[Route | None, bool]:
        """Record a request; return its route and whether it must fail (``fail_times``)."""
        bare = raw_path.split("?", 1)[0].split("#", 1)[0] or "/"
        with self._lock:
            self.requests.append((raw_path, headers))
            self._hits[bare] = self._hits.get(bare, 0) + 1
            if raw_path != bare:
                self._hits[raw_path] = self._hits.get(raw_path, 0) + 1
            key = raw_path if raw_path in self._routes else bare
            route = self._routes.get(key)
            if route is None:
                return None, False
            used = self._failures.get(key, 0)
            if used < route.fail_times:
                self._failures[key] = used + 1
                return route, True
            return route, False


def free_port() -> int:
    """A port nobody listens on (for connection-refused tests)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
