"""A local HTTP/1.1 server for a benchmark corpus, run in its own process.

asyncio streams, keep-alive, no threads: the per-request latency is an ``asyncio.sleep``, so
hundreds of requests can wait at once and the server itself stays far from being the
bottleneck (``python -m benchmarks.server --selftest`` measures its capacity).

It listens on 127.0.0.1 (control) and on 127.0.0.2 ... 127.0.0.(outlets + 1), one loopback
address per outlet, all on one port: belmon limits concurrency per host, so a corpus spread
over many outlets needs many hosts, as on the real web. Served:

- feeds of the current state (``base`` or ``incremental``), gzip when asked, with ETag and
  Last-Modified; conditional requests get 304;
- article pages (and their pre-compressed twins), with ETag and Last-Modified too;
- failures by URL (``corpus.failure_kind``): 404, 500, or ``slow`` (extra delay);
- ``/__bench/state?name=...``, ``/__bench/stats[?reset=1]``, ``/__bench/ping``: control
  endpoints, answered at once.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gzip
import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import datetime
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from benchmarks.corpus import PORT_TOKEN, failure_kind, load_manifest, outlet_host

REASONS = {200: "OK", 304: "Not Modified", 400: "Bad Request", 404: "Not Found",
           500: "Internal Server Error"}
MAX_HEADER_LINES = 100


class Resource:
    """One servable body with its validators."""

    __slots__ = ("body", "gz", "path_on_disk", "etag", "last_modified", "modified_at",
                 "content_type", "kind")

    def __init__(self, *, kind: str, content_type: str, etag: str, modified_at: datetime,
                 body: bytes | None = None, gz: bytes | None = None,
                 path_on_disk: Path | None = None) -> None:
        self.kind, self.content_type, self.etag = kind, content_type, etag
        self.modified_at = modified_at.replace(microsecond=0)
        self.last_modified = format_datetime(self.modified_at, usegmt=True)
        self.body, self.gz, self.path_on_disk = body, gz, path_on_disk

    def payload(self, want_gzip: bool) -> tuple[bytes, bool]:
        if self.path_on_disk is not None:
            if want_gzip:
                packed = self.path_on_disk.with_name(self.path_on_disk.name + ".gz")
                return packed.read_bytes(), True
            return self.path_on_disk.read_bytes(), False
        if want_gzip and self.gz is not None:
            return self.gz, True
        return self.body or b"", False


class CorpusSite:
    """The corpus as URL paths -> resources, per feed state."""

    def __init__(self, folder: Path, port: int) -> None:
        import hashlib

        manifest = load_manifest(folder)
        self.states: dict[str, dict[str, Resource]] = {}
        for state in ("base", "incremental"):
            feeds = {}
            for feed in manifest["feeds"]:
                file = folder / "feeds" / state / feed["path"].lstrip("/")
                text = file.read_text("utf-8").replace(PORT_TOKEN, str(port)).encode()
                items = manifest["states"][state][str(feed["index"])]
                newest = max((manifest["articles"][i]["published"] for i in items),
                             default="2025-01-01T00:00:00+00:00")
                ctype = ("application/rss+xml" if feed["kind"] == "rss"
                         else "application/atom+xml") + "; charset=utf-8"
                feeds[feed["path"]] = Resource(
                    kind="feed", content_type=ctype,
                    etag='"' + hashlib.sha1(text).hexdigest()[:20] + '"',
                    modified_at=datetime.fromisoformat(newest), body=text,
                    gz=gzip.compress(text, 6, mtime=0))
            self.states[state] = feeds
        self.pages = {
            a["path"]: Resource(kind="page", content_type="text/html; charset=utf-8",
                                etag=a["etag"], modified_at=datetime.fromisoformat(a["published"]),
                                path_on_disk=folder / "pages" / a["path"].lstrip("/"))
            for a in manifest["articles"]
        }
        self.hosts = ["127.0.0.1"] + [outlet_host(i) for i in range(len(manifest["outlets"]))]
        self.state = "base"

    def lookup(self, path: str) -> Resource | None:
        return self.states[self.state].get(path) or self.pages.get(path)


def _not_modified(resource: Resource, headers: dict[str, str]) -> bool:
    tags = headers.get("if-none-match")
    if tags is not None:
        return resource.etag in [t.strip() for t in tags.split(",")] or tags.strip() == "*"
    since = headers.get("if-modified-since")
    if since:
        try:
            return resource.modified_at <= parsedate_to_datetime(since)
        except (TypeError, ValueError):
            return False
    return False


class Handler:
    """Serves one corpus with a fixed latency; counts what it served."""

    def __init__(self, site: CorpusSite | None, latency: float, slow: float) -> None:
        self.site, self.latency, self.slow = site, latency, slow
        self.stats: Counter[str] = Counter()
        self.started = time.monotonic()

    def control(self, path: str, query: dict[str, list[str]]) -> tuple[int, bytes]:
        if path == "/__bench/state":
            name = query.get("name", ["base"])[0]
            if name not in self.site.states:
                return 400, b"unknown state"
            self.site.state = name
            return 200, name.encode()
        if path == "/__bench/stats":
            body = json.dumps(dict(self.stats)).encode()
            if query.get("reset"):
                self.stats.clear()
            return 200, body
        return 200, b"pong"

    async def respond(self, method: str, target: str, headers: dict[str, str]
                      ) -> tuple[int, dict[str, str], bytes]:
        split = urlsplit(target)
        path = split.path
        if path.startswith("/__bench/"):
            status, body = self.control(path, parse_qs(split.query))
            return status, {"Content-Type": "text/plain"}, body
        failure = failure_kind(path)
        delay = self.latency + (self.slow if failure == "slow" else 0.0)
        if delay:
            self.stats["delay_ms"] += round(delay * 1000)
            await asyncio.sleep(delay)
        resource = self.site.lookup(path)
        kind = resource.kind if resource else "other"
        if failure in ("404", "500") or resource is None:
            status = 500 if failure == "500" else 404
            self.stats[f"{kind}:{status}"] += 1
            return status, {"Content-Type": "text/plain"}, REASONS[status].encode()
        common = {"ETag": resource.etag, "Last-Modified": resource.last_modified,
                  "Cache-Control": "max-age=0", "Vary": "Accept-Encoding"}
        if _not_modified(resource, headers):
            self.stats[f"{kind}:304"] += 1
            return 304, common, b""
        want_gzip = "gzip" in headers.get("accept-encoding", "").lower()
        body, gz = resource.payload(want_gzip)
        self.stats[f"{kind}:200"] += 1
        self.stats[f"{kind}:bytes"] += len(body)
        out = {"Content-Type": resource.content_type, **common}
        if gz:
            out["Content-Encoding"] = "gzip"
        return 200, out, b"" if method == "HEAD" else body

    async def connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
                         ) -> None:
        try:
            while True:
                line = await reader.readline()
                if not line:
                    break
                try:
                    method, target, version = line.decode("latin-1").split()
                except ValueError:
                    await self._send(writer, 400, {}, b"bad request", close=True)
                    break
                headers: dict[str, str] = {}
                for _ in range(MAX_HEADER_LINES):
                    raw = await reader.readline()
                    if raw in (b"\r\n", b"\n", b""):
                        break
                    name, _, value = raw.decode("latin-1").partition(":")
                    headers[name.strip().lower()] = value.strip()
                close = (headers.get("connection", "").lower() == "close"
                         or version == "HTTP/1.0")
                status, out, body = await self.respond(method, target, headers)
                await self._send(writer, status, out, body, close=close)
                if close:
                    break
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            with contextlib.suppress(Exception):
                writer.close()

    @staticmethod
    async def _send(writer: asyncio.StreamWriter, status: int, headers: dict[str, str],
                    body: bytes, close: bool) -> None:
        lines = [f"HTTP/1.1 {status} {REASONS.get(status, 'OK')}"]
        lines += [f"{k}: {v}" for k, v in headers.items()]
        if status != 304:
            lines.append(f"Content-Length: {len(body)}")
        lines.append("Connection: close" if close else "Connection: keep-alive")
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)
        await writer.drain()


async def _listen(handler: Handler, hosts: list[str], port: int) -> tuple[list, int]:
    """Bind every host on one port (picked on the first host when port is 0)."""
    for _attempt in range(20):
        first = await asyncio.start_server(handler.connection, hosts[0], port, backlog=1024)
        chosen = first.sockets[0].getsockname()[1]
        servers = [first]
        try:
            for host in hosts[1:]:
                servers.append(await asyncio.start_server(
                    handler.connection, host, chosen, backlog=1024))
            return servers, chosen
        except OSError:
            for s in servers:
                s.close()
            if port:
                raise
    raise OSError("could not bind one port on every loopback address")


async def serve(folder: Path, latency: float, slow: float, port: int) -> None:
    # the port is needed to fill in the feeds, so bind first, then load, then report ready
    handler = Handler(None, latency, slow)
    hosts = ["127.0.0.1"] + [outlet_host(i) for i in range(len(load_manifest(folder)["outlets"]))]
    servers, chosen = await _listen(handler, hosts, port)
    handler.site = CorpusSite(folder, chosen)
    print(json.dumps({"port": chosen, "hosts": len(hosts), "pid": os.getpid()}), flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    for s in servers:
        s.close()


class BenchServer:
    """Runs ``serve`` in a child process; ``with BenchServer(folder) as server: ...``."""

    def __init__(self, folder: Path, latency: float = 0.05, slow: float = 2.0) -> None:
        self.folder, self.latency, self.slow = folder, latency, slow
        self.port = 0
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> BenchServer:
        root = Path(__file__).resolve().parent.parent
        self.process = subprocess.Popen(
            [sys.executable, "-m", "benchmarks.server", "--corpus", str(self.folder),
             "--latency", str(self.latency), "--slow", str(self.slow)],
            cwd=root, stdout=subprocess.PIPE, text=True,
        )
        line = self.process.stdout.readline() if self.process.stdout else ""
        if not line:
            raise RuntimeError("benchmark server did not start")
        self.port = json.loads(line)["port"]
        return self

    def __exit__(self, *exc: object) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    def _get(self, path: str) -> bytes:
        import urllib.request

        with urllib.request.urlopen(self.url(path), timeout=10) as response:  # noqa: S310
            return response.read()

    def set_state(self, name: str) -> None:
        self._get(f"/__bench/state?name={name}")

    def stats(self, reset: bool = False) -> dict[str, int]:
        return json.loads(self._get("/__bench/stats" + ("?reset=1" if reset else "")))

    def cpu_seconds(self) -> float:
        """CPU time the server process has used so far (Linux /proc)."""
        from benchmarks.measure import process_cpu

        return process_cpu(self.process.pid) if self.process else 0.0


def selftest(folder: Path, requests: int = 3000, clients: int = 32) -> dict[str, float]:
    """Capacity of the server at zero latency, from a threaded keep-alive client."""
    import http.client
    import threading

    manifest = load_manifest(folder)
    paths = [a["path"] for a in manifest["articles"] if not a["failure"]]
    with BenchServer(folder, latency=0.0) as server:
        done = Counter()
        lock = threading.Lock()

        def worker(k: int) -> None:
            conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
            count = 0
            for i in range(k, requests, clients):
                conn.request("GET", paths[i % len(paths)], headers={"Accept-Encoding": "gzip"})
                conn.getresponse().read()
                count += 1
            conn.close()
            with lock:
                done["n"] += count

        cpu0 = server.cpu_seconds()
        started = time.perf_counter()
        threads = [threading.Thread(target=worker, args=(k,)) for k in range(clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.perf_counter() - started
        cpu = server.cpu_seconds() - cpu0
    return {"requests": done["n"], "seconds": round(wall, 3),
            "requests_per_second": round(done["n"] / wall), "server_cpu_seconds": round(cpu, 3),
            "server_cpu_ms_per_request": round(cpu / max(done["n"], 1) * 1000, 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--latency", type=float, default=0.05, help="seconds per request")
    parser.add_argument("--slow", type=float, default=2.0, help="extra seconds for slow URLs")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--selftest", action="store_true", help="measure capacity and exit")
    args = parser.parse_args()
    if args.selftest:
        print(json.dumps(selftest(args.corpus)))
        return
    asyncio.run(serve(args.corpus, args.latency, args.slow, args.port))


if __name__ == "__main__":
    main()
