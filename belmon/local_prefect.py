"""Prefect for flows run in this process when no Prefect server is configured.

Without an API URL, Prefect's client starts a temporary API server in a subprocess, but to
do so it imports the whole server stack (FastAPI, SQLAlchemy, the server's models: about
1,100 modules, 85 MB) into this process, which then runs the cycle beside it. belmon starts
the same server itself, as a plain subprocess, and points the client at it: the flow's
process stays 85 MB smaller. The server dies with this process, even when it is killed.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from importlib.util import find_spec
from pathlib import Path

import httpx

from belmon.errors import BelmonError
from belmon.quiet import one_line_user_errors

# Set "die with the parent" (Linux), then become the server: survives the exec, and needs
# no preexec_fn in a process that may already run threads.
_LAUNCHER = (
    "import ctypes, os, signal, sys\n"
    "parent = int(sys.argv[1])\n"
    "try:\n"
    "    ctypes.CDLL(None).prctl(1, signal.SIGTERM)\n"
    "except (AttributeError, OSError):\n"
    "    pass\n"
    "if os.getppid() != parent:\n"
    "    sys.exit(0)\n"
    "os.execv(sys.executable, [sys.executable] + sys.argv[2:])\n"
)


@contextmanager
def local_prefect() -> Iterator[None]:
    """Flows run in this process (belmon's commands, the benchmark): user errors in one
    line, and a Prefect server, the configured one or a temporary one, given time to start
    on slow machines (Prefect's default is 20 s). Nested blocks share one server."""
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    one_line_user_errors()
    with local_prefect_api(float(os.environ["PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"])):
        yield


@contextmanager
def local_prefect_api(startup_timeout: float) -> Iterator[None]:
    """Flows in this block talk to a Prefect server: the configured one, or a temporary one
    started here; without a configured server, no flow-run heartbeats either (see
    `_settings_for`)."""
    from prefect.settings import PREFECT_API_URL, temporary_settings

    if PREFECT_API_URL.value():
        yield
        return
    with _temporary_server(startup_timeout) as url, temporary_settings(
        updates=_settings_for(url)
    ):
        yield


def _settings_for(url: str) -> dict:
    """The API URL, and no heartbeats: they let a long-lived server notice crashed runs,
    nobody reads them on a server that ends with this process, and Prefect 3.8 ends every
    flow run by joining the heartbeat thread, which notices the end only after its current
    1-second sleep (up to a second more for a cycle of 2-3 s)."""
    from prefect.settings import PREFECT_API_URL, PREFECT_FLOWS_HEARTBEAT_FREQUENCY

    return {PREFECT_API_URL: url, PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}


@contextmanager
def _temporary_server(startup_timeout: float) -> Iterator[str]:
    """Prefect's API server on a free loopback port, as Prefect itself would start it."""
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-c", _LAUNCHER, str(os.getpid()), *_server_command(port)],
        env={**os.environ, "PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1",
             "PREFECT__SERVER_FINAL": "1"},
        stdin=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/api"
    try:
        _wait_until_healthy(url, process, startup_timeout)
        yield url
        _flush_to_server()
    finally:
        _stop(process)


def _flush_to_server() -> None:
    """Flow-run logs and events still queued go to the server before it stops (else
    Prefect reports them lost when this process exits)."""
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker

    for service in (APILogWorker, EventsWorker):
        service.drain_all(timeout=5)


def _server_command(port: int) -> list[str]:
    spec = find_spec("prefect")
    if spec is None or spec.origin is None:
        raise BelmonError("prefect is not installed")
    return ["-m", "uvicorn", "--app-dir", str(Path(spec.origin).parent.parent), "--factory",
            "prefect.server.api.server:create_app", "--host", "127.0.0.1", "--port",
            str(port), "--log-level", "error", "--lifespan", "on"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_until_healthy(url: str, process: subprocess.Popen, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    with httpx.Client(trust_env=False, timeout=2.0) as client:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise BelmonError(f"Prefect's temporary server exited ({process.returncode})")
            try:
                if client.get(f"{url}/health").status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
    raise BelmonError(f"Prefect's temporary server did not start within {timeout:.0f} s "
                      "(PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS)")


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
