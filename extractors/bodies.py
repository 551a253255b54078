"""Bounded reading of response bodies, undoing gzip/deflate without risking compression bombs.

The cap applies on the wire and after every decoding layer, so a small hostile body cannot
inflate into gigabytes of memory.
"""

from __future__ import annotations

import zlib

import httpx

from extractors.fetch_errors import FetchFailure

ACCEPT_ENCODING = "gzip, deflate"  # only what Decoder can bound; never br/zstd
_GZIP_WBITS = zlib.MAX_WBITS | 16


def _too_big(max_bytes: int, coding: str) -> FetchFailure:
    """The failure for a body that inflates past the cap."""
    return FetchFailure(f"body larger than {max_bytes} bytes (after {coding} decoding)")


class Inflater:
    """One gzip/deflate layer that never emits more than the remaining byte budget."""

    def __init__(self, coding: str) -> None:
        self.coding = coding
        self._raw_deflate_fallback = coding == "deflate"
        self._obj = zlib.decompressobj(zlib.MAX_WBITS if coding == "deflate" else _GZIP_WBITS)

    def feed(self, data: bytes, budget: int, max_bytes: int) -> bytes:
        """Inflate a chunk; ``max_length`` stops a bomb after budget + 1 bytes."""
        if not data:
            return b""
        try:
            out = self._obj.decompress(data, budget + 1)
        except zlib.error:
            if not self._raw_deflate_fallback:
                raise
            # Some servers send raw deflate without the zlib header (httpx tolerates it too).
            self._obj = zlib.decompressobj(-zlib.MAX_WBITS)
            out = self._obj.decompress(data, budget + 1)
        self._raw_deflate_fallback = False
        if len(out) > budget:
            raise _too_big(max_bytes, self.coding)
        return out

    def flush(self, budget: int, max_bytes: int) -> bytes:
        """Emit whatever the decompressor still buffers, within budget."""
        out = self._obj.flush()
        if len(out) > budget:
            raise _too_big(max_bytes, self.coding)
        return out


class Decoder:
    """Undo a Content-Encoding chain incrementally, bounding every layer's output."""

    def __init__(self, header: str | None, max_bytes: int) -> None:
        codings = [c.strip().lower() for c in (header or "").split(",")]
        codings = [c for c in codings if c and c != "identity"]
        for coding in codings:
            if coding not in ("gzip", "x-gzip", "deflate"):
                raise FetchFailure(f"unsupported content-encoding '{coding}'")
        self._layers = [Inflater(c) for c in reversed(codings)]
        self._max = max_bytes
        self.size = 0

    def feed(self, data: bytes) -> bytes:
        """Decode one raw chunk and count it against max_bytes."""
        for layer in self._layers:
            data = layer.feed(data, self._max - self.size, self._max)
        return self._count(data)

    def flush(self) -> bytes:
        """Drain the buffered tail of every layer, innermost last."""
        data = b""
        for layer in self._layers:
            budget = self._max - self.size
            data = layer.feed(data, budget, self._max) + layer.flush(budget, self._max)
        return self._count(data)

    def _count(self, data: bytes) -> bytes:
        """Enforce the decoded-size cap (the wire cap is enforced by the reader)."""
        self.size += len(data)
        if self.size > self._max:
            raise FetchFailure(f"body larger than {self._max} bytes")
        return data


def _check_declared_length(headers: httpx.Headers, max_bytes: int) -> None:
    """Refuse before downloading when the server already admits the body is too big."""
    declared = headers.get("content-length", "").strip()
    if declared.isdigit() and int(declared) > max_bytes:
        raise FetchFailure(f"body larger than {max_bytes} bytes (Content-Length {int(declared)})")


async def read_body(response: httpx.Response, max_bytes: int) -> bytes:
    """Stream the body, bounded on the wire and after decoding."""
    _check_declared_length(response.headers, max_bytes)
    decoder = Decoder(response.headers.get("content-encoding"), max_bytes)
    chunks: list[bytes] = []
    wire = 0
    try:
        async for chunk in response.aiter_raw():
            wire += len(chunk)
            if wire > max_bytes:
                raise FetchFailure(f"body larger than {max_bytes} bytes")
            chunks.append(decoder.feed(chunk))
        chunks.append(decoder.flush())
    except zlib.error as exc:
        coding = response.headers.get("content-encoding", "")
        raise FetchFailure(f"could not decode {coding} body: {exc}") from None
    return b"".join(chunks)
