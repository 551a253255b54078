"""Settings precedence: flags > environment > belmon.toml > defaults."""

from pathlib import Path

import pytest

from belmon.errors import ConfigError
from belmon.settings import load_settings


def test_defaults(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("BELMON_DB", raising=False)
    monkeypatch.delenv("BELMON_SEED_DIR", raising=False)
    settings = load_settings()
    assert settings.db == Path("data/belmon.duckdb")
    assert settings.seed_dir == Path("seeds/documents")


def test_precedence(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "belmon.toml").write_text('db = "from-toml.duckdb"\nlock_timeout = 3\n')
    assert load_settings().db == Path("from-toml.duckdb")
    monkeypatch.setenv("BELMON_DB", "from-env.duckdb")
    assert load_settings().db == Path("from-env.duckdb")
    assert load_settings(db=Path("from-flag.duckdb")).db == Path("from-flag.duckdb")
    assert load_settings().lock_timeout == 3


def test_unknown_key_and_bad_type_are_named(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "belmon.toml").write_text('lock_timeout = "soon"\n')
    with pytest.raises(ConfigError, match="lock_timeout"):
        load_settings()
    (tmp_path / "belmon.toml").write_text("colour = 'blue'\n")
    with pytest.raises(ConfigError, match="colour"):
        load_settings()


def test_toml_syntax_error_is_reported(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "belmon.toml").write_text("db = \n")
    with pytest.raises(ConfigError, match="belmon.toml"):
        load_settings()


def test_without_a_prefect_server_belmon_starts_one_and_stops_it() -> None:
    """A temporary server in its own process (Prefect's client would import the whole
    server stack into the flow's process to start one), no heartbeats nobody reads, and
    a configured server is used as it is."""
    import httpx
    from prefect.settings import PREFECT_API_URL, get_current_settings, temporary_settings

    from belmon.local_prefect import local_prefect_api

    with temporary_settings(restore_defaults={PREFECT_API_URL}):
        with local_prefect_api(120):
            url = PREFECT_API_URL.value()
            assert url.startswith("http://127.0.0.1:")
            assert httpx.get(f"{url}/health", trust_env=False).status_code == 200
            assert get_current_settings().flows.heartbeat_frequency is None
        with pytest.raises(httpx.ConnectError):
            httpx.get(f"{url}/health", trust_env=False)
    with (temporary_settings(updates={PREFECT_API_URL: "http://127.0.0.1:9/api"}),
          local_prefect_api(120)):
        assert PREFECT_API_URL.value() == "http://127.0.0.1:9/api"
        assert get_current_settings().flows.heartbeat_frequency is not None
