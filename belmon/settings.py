"""One typed settings object, built when a command or flow starts (never at import).

Precedence, highest first: command-line flags (passed as keyword arguments), environment
variables with the ``BELMON_`` prefix, ``belmon.toml`` in the working directory, defaults.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import Field, SecretStr, ValidationError
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from belmon.errors import ConfigError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
CONFIG_FILE = "belmon.toml"


class Settings(BaseSettings):
    """Everything belmon can be told; see the README's configuration table."""

    model_config = SettingsConfigDict(
        env_prefix="BELMON_", toml_file=CONFIG_FILE, extra="forbid", validate_default=True
    )

    db: Path = Field(Path("data/belmon.duckdb"), description="DuckDB warehouse file.")
    seed_dir: Path = Field(Path("seeds/documents"), description="Reference texts to seed from.")
    catalog_dir: Path = Field(
        PROJECT_ROOT / "seeds", description="Curated manifest, themes and metrics (seeds/)."
    )
    feeds: Path = Field(Path("feeds.toml"), description="Feed list.")
    lock_timeout: float = Field(30.0, ge=0, description="Seconds to wait for the DB lock.")
    run_lock_wait: float = Field(60.0, ge=0, description="Seconds a run waits for another run.")
    classifier: Literal["lexical", "embeddings"] = "lexical"
    embedding_model: str = "all-MiniLM-L6-v2"
    theme_threshold: float = Field(0.0, ge=0, description="Extra floor on theme scores.")
    # Monitoring
    user_agent: str = "belmon/0.1"
    contact_url: str = "https://github.com/belmon-project/belmon"
    max_concurrency: int = Field(16, ge=1)
    per_host: int = Field(2, ge=1)
    connect_timeout: float = Field(10.0, gt=0)
    read_timeout: float = Field(20.0, gt=0)
    total_timeout: float = Field(60.0, gt=0)
    max_bytes: int = Field(5_000_000, ge=1024)
    max_redirects: int = Field(5, ge=0)
    retries: int = Field(3, ge=0)
    feed_retries: int = Field(1, ge=0, description="Retries of a feed within one cycle.")
    backoff_base: float = Field(0.5, ge=0)
    backoff_max: float = Field(30.0, ge=0)
    allow_private_networks: bool = False
    unhealthy_after: int = Field(5, ge=1, description="Failed runs before a feed is unhealthy.")
    schedule_minutes: int = Field(30, ge=1)
    dedup_window_days: int = Field(30, ge=1)
    article_batch_size: int = Field(
        125, ge=1, description="Articles per batch: up to three are in memory at once."
    )
    analysis_workers: int = Field(
        0, ge=0, description="Processes for extraction and analysis (0: one per core)."
    )
    parallel_min_articles: int = Field(
        40, ge=1, description="Smallest batch worth starting worker processes for."
    )
    # Alerts
    apprise_config: Path | None = Field(None, description="apprise YAML or text config file.")
    apprise_urls: SecretStr | None = Field(None, description="apprise URLs, space/comma separated.")
    alert_mode: Literal["per_article", "digest"] = "per_article"
    alert_min_theme_score: float = Field(0.5, ge=0, le=1)
    alert_min_novelty: float = Field(0.3, ge=0, le=1, description="1 - similarity to nearest.")
    alert_retry_base_seconds: float = Field(60.0, ge=0)
    alert_retry_max_seconds: float = Field(6 * 3600.0, ge=0)
    alert_throttle_seconds: float | None = Field(
        None, ge=0, description="Pause between sends to one channel (default: apprise's)."
    )
    alert_max_chars: int = Field(3500, ge=500, description="Body limit before truncation.")

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Flags beat environment, environment beats belmon.toml."""
        return (init_settings, env_settings, TomlConfigSettingsSource(settings_cls))


def load_settings(**overrides: Any) -> Settings:
    """Build settings, dropping flags the user did not give, and turn errors into one line."""
    given = {key: value for key, value in overrides.items() if value is not None}
    try:
        return Settings(**given)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or 'settings'}: {err['msg']}"
            for err in exc.errors()
        )
        raise ConfigError(f"invalid configuration ({CONFIG_FILE} or BELMON_*): {problems}") from exc
    except ValueError as exc:  # e.g. a TOML syntax error in belmon.toml
        raise ConfigError(f"cannot read {CONFIG_FILE}: {exc}") from exc
