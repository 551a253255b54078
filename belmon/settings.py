"""One typed settings object, built when a command or flow starts (never at import).

Precedence, highest first: command-line flags (passed as keyword arguments), environment
variables with the ``BELMON_`` prefix, ``belmon.toml`` in the working directory, defaults.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import Field, ValidationError
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
    classifier: Literal["lexical", "embeddings"] = "lexical"
    embedding_model: str = "all-MiniLM-L6-v2"
    theme_threshold: float = Field(0.0, ge=0, description="Extra floor on theme scores.")

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
