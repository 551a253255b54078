"""The `belmon` command line: thin wrappers over flows/ and warehouse/."""

from __future__ import annotations

import gc
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import click
import typer

from belmon.cli_alerts import register as register_alert_commands
from belmon.cli_analysis import register as register_analysis_commands
from belmon.cli_monitor import register as register_monitor_commands
from belmon.cli_seed import run_seed
from belmon.errors import BelmonError, ConfigError
from belmon.output import console, table, write_rows
from belmon.settings import load_settings

app = typer.Typer(
    help="Monitor Western policy towards Belarus: seed, monitor, analyse, alert.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

DbOption = Annotated[Path | None, typer.Option("--db", help="DuckDB file (BELMON_DB).")]
SeedDirOption = Annotated[
    Path | None, typer.Option("--seed-dir", help="Reference texts (BELMON_SEED_DIR).")
]


class Format(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


@app.command()
def seed(db: DbOption = None, seed_dir: SeedDirOption = None) -> None:
    """Seed the warehouse from the reference documents (idempotent)."""
    settings = load_settings(db=db, seed_dir=seed_dir)
    if not settings.seed_dir.is_dir():
        raise ConfigError(f"seed directory {settings.seed_dir} does not exist (--seed-dir, "
                          "BELMON_SEED_DIR)")
    run_seed(str(settings.db), str(settings.seed_dir))


@app.command()
def status(db: DbOption = None) -> None:
    """Row counts per table, documents seeded and the last runs."""
    from warehouse import db as warehouse_db
    from warehouse import status as queries
    from warehouse.monitor import feed_health

    settings = load_settings(db=db)
    with warehouse_db.reader(settings.db, settings.lock_timeout) as conn:
        counts = queries.table_counts(conn)
        documents = queries.documents_overview(conn)
        runs = queries.recent_runs(conn)
        feeds = feed_health(conn, settings.unhealthy_after)
    out = console()
    out.print(table(f"warehouse {settings.db}", ["table", "rows"], list(counts.items())))
    references = [d for d in documents if d[1] == "reference"]
    out.print(table("reference documents", ["id", "kind", "title", "published", "passages"],
                    references))
    out.print(table("last runs", ["run", "flow", "started", "finished", "status"], runs))
    if feeds:
        rows = [(n, "UNHEALTHY" if bad else s, fails, err) for n, _, s, fails, bad, err, _ in feeds]
        out.print(table("feeds", ["feed", "status", "failures in a row", "last problem"], rows))


@app.command()
def themes(db: DbOption = None) -> None:
    """The recommendation themes with their counts of recommendations and passages."""
    from warehouse import db as warehouse_db
    from warehouse import status as queries

    settings = load_settings(db=db)
    with warehouse_db.reader(settings.db, settings.lock_timeout) as conn:
        rows = queries.list_themes(conn)
    console().print(table("themes", ["id", "label", "recommendations", "passages"], rows))


@app.command("sql")
def sql_command(
    query: Annotated[str, typer.Argument(help="SQL to run (read-only).")],
    db: DbOption = None,
    fmt: Annotated[Format, typer.Option("--format", help="Output format.")] = Format.table,
) -> None:
    """Run an ad hoc read-only query; the schema is documented in the README."""
    import duckdb

    from belmon.errors import QueryError
    from warehouse import db as warehouse_db
    from warehouse.status import run_query

    settings = load_settings(db=db)
    with warehouse_db.reader(settings.db, settings.lock_timeout) as conn:
        try:
            columns, rows = run_query(conn, query)
        except duckdb.Error as exc:
            raise QueryError(f"query failed: {str(exc).splitlines()[0]}") from exc
    write_rows(columns, rows, fmt.value)


@app.command()
def schema(
    update: Annotated[
        Path | None, typer.Option("--update", help="Rewrite the schema block of this file.")
    ] = None,
) -> None:
    """Print the documented schema (tables, views, columns) as Markdown."""
    from warehouse.schema_doc import replace_schema_block, schema_markdown

    block = schema_markdown()
    if update is None:
        print(block)
        return
    update.write_text(replace_schema_block(update.read_text(encoding="utf-8"), block))
    print(f"updated the schema reference in {update}")


register_monitor_commands(app)
register_alert_commands(app)
register_analysis_commands(app)


def main() -> None:
    """Entry point: user errors become one line on stderr and exit code 2."""
    try:
        app(standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        print("belmon: aborted", file=sys.stderr)
        sys.exit(130)
    except BelmonError as exc:
        print(f"belmon: error: {exc}", file=sys.stderr)
        sys.exit(2)
    except KeyboardInterrupt:
        print("belmon: interrupted", file=sys.stderr)
        sys.exit(130)
    finally:
        gc.collect()  # free DuckDB objects held in reference cycles before the interpreter exits


if __name__ == "__main__":
    main()
