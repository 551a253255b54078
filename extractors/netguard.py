"""The SSRF guard: fetches may reach only public addresses, checked before and at connect time.

Each hop is vetted before it is requested, and the connection itself is made only to addresses
vetted again at connect time, so a DNS answer that changes in between (DNS rebinding) cannot
reach an internal address either.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpcore
import httpx

from extractors.fetch_errors import FetchFailure
from extractors.fetch_types import FetchPolicy

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Classifier = Callable[[IPAddress], str | None]
Resolver = Callable[[str, int], Awaitable[list[IPAddress]]]

_ALLOWED_SCHEMES = ("http", "https")
_HINT = "set allow_private_networks to fetch it"
_KINDS = (
    ("is_unspecified", "an unspecified"),
    ("is_loopback", "a loopback"),
    ("is_link_local", "a link-local"),
    ("is_multicast", "a multicast"),
    ("is_reserved", "a reserved"),
    ("is_private", "a private"),
)


def address_problem(ip: IPAddress) -> str | None:
    """Name the kind of non-public address ``ip`` is, or None when it is safe to contact."""
    embedded: list[IPAddress] = [ip]
    if isinstance(ip, ipaddress.IPv6Address):  # judge a wrapped IPv4 by its own kind first
        embedded[:0] = [a for a in (ip.ipv4_mapped, ip.sixtofour) if a is not None]
    for candidate in embedded:
        for attribute, label in _KINDS:
            if getattr(candidate, attribute):
                return f"{label} address"
        if not candidate.is_global:
            return "a non-public address"
    return None


def parse_ip(text: str) -> IPAddress | None:
    """Parse a literal IP host (brackets and IPv6 zone ids tolerated), else None."""
    try:
        return ipaddress.ip_address(text.strip("[]").split("%", 1)[0])
    except ValueError:
        return None


async def resolve_host(host: str, port: int) -> list[IPAddress]:
    """Resolve ``host`` the way the connection will, returning every address it may use."""
    loop = asyncio.get_running_loop()
    infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    addresses = [parse_ip(str(info[4][0])) for info in infos]
    return list(dict.fromkeys(a for a in addresses if a is not None))


def check_scheme(url: httpx.URL) -> None:
    """Only plain web URLs may be fetched: file://, ftp://, gopher:// etc. are refused."""
    if url.scheme not in _ALLOWED_SCHEMES:
        raise FetchFailure(
            f"unsupported scheme '{url.scheme}'" if url.scheme else "URL has no scheme"
        )
    if not url.host:
        raise FetchFailure("URL has no host")


def default_port(url: httpx.URL) -> int:
    """The implicit port of an http(s) URL."""
    return 443 if url.scheme == "https" else 80


@dataclass(frozen=True)
class Guard:
    """Which addresses are refused and how hosts resolve; injected so tests can fake both."""

    classify: Classifier = address_problem
    resolve: Resolver = resolve_host

    async def vetted_addresses(self, host: str, port: int, timeout: float) -> list[IPAddress]:
        """Resolve a host and refuse it if ANY of its addresses is non-public."""
        literal = parse_ip(host)
        if literal is not None:
            problem = self.classify(literal)
            if problem:
                raise FetchFailure(f"refused: {literal} is {problem} ({_HINT})")
            return [literal]
        addresses = await self._lookup(host, port, timeout)
        for address in addresses:
            problem = self.classify(address)
            if problem:
                raise FetchFailure(f"refused: {host} resolves to {address}, {problem} ({_HINT})")
        return addresses

    async def _lookup(self, host: str, port: int, timeout: float) -> list[IPAddress]:
        """DNS lookup with its own timeout and readable failures (temporary ones are retried)."""
        try:
            async with asyncio.timeout(timeout):
                addresses = await self.resolve(host, port)
        except TimeoutError:
            raise FetchFailure(f"DNS lookup for {host} timed out", retry=True) from None
        except socket.gaierror as exc:
            transient = exc.errno in (socket.EAI_AGAIN, getattr(socket, "EAI_SYSTEM", None))
            reason = f"could not resolve host {host}: {exc.strerror}"
            raise FetchFailure(reason, retry=transient) from None
        if not addresses:
            raise FetchFailure(f"could not resolve host {host}: no addresses")
        return addresses

    async def check_url(self, url: httpx.URL, policy: FetchPolicy) -> None:
        """Vet one hop before it is requested: scheme always, addresses unless allowed."""
        check_scheme(url)
        if not policy.allow_private_networks:
            port = url.port or default_port(url)
            await self.vetted_addresses(url.host, port, policy.connect_timeout)


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """Connects only to vetted addresses, so a DNS answer changed after the pre-check is moot."""

    def __init__(self, guard: Guard, connect_timeout: float) -> None:
        self._inner = httpcore.AnyIOBackend()
        self._guard = guard
        self._connect_timeout = connect_timeout

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Any = None,
    ) -> httpcore.AsyncNetworkStream:
        """Resolve and vet ``host``, then connect to the first vetted address that answers."""
        vetting_timeout = timeout or self._connect_timeout
        addresses = await self._guard.vetted_addresses(host, port, vetting_timeout)
        error: Exception | None = None
        for address in addresses:
            try:
                return await self._inner.connect_tcp(
                    str(address), port, timeout, local_address, socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                error = exc
        assert error is not None
        raise error

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Any = None
    ) -> httpcore.AsyncNetworkStream:
        """Unix sockets are local by definition, hence refused."""
        raise FetchFailure("refused: unix sockets are not fetched")

    async def sleep(self, seconds: float) -> None:
        """Delegate pool housekeeping sleeps."""
        await self._inner.sleep(seconds)


class GuardedTransport(httpx.AsyncHTTPTransport):
    """httpx's transport with connections made through ``GuardedBackend``."""

    def __init__(self, policy: FetchPolicy, limits: httpx.Limits, guard: Guard) -> None:
        super().__init__(limits=limits, trust_env=False)
        # httpx 0.28 offers no public hook for the network backend; swap its (unused) pool.
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=httpx.create_ssl_context(trust_env=False),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=GuardedBackend(guard, policy.connect_timeout),
        )
