"""Bad input gets one clear line on stderr and exit status 2, never a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest


def _belmon(*args: str, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "belmon.cli", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize(
    ("args", "files", "expected"),
    [
        (("seed", "--seed-dir", "missing-dir"), {}, "seed directory missing-dir does not exist"),
        (("run", "--feeds", "feeds.toml"), {"feeds.toml": "[[feed]\n"}, "feeds.toml"),
        (("run", "--feeds", "feeds.toml"),
         {"feeds.toml": '[[feed]]\nname = "x"\nurl = "ftp://x"\n'}, "must be http"),
        (("sql", "select 1", "--db", "absent.duckdb"), {}, "run `belmon seed` first"),
        (("status",), {"belmon.toml": "lock_timeout = 'soon'\n"}, "lock_timeout"),
        (("feeds", "add", "not a url"), {}, "not an http(s) feed URL"),
        (("feeds", "import-opml", "list.opml"), {"list.opml": "<opml><body>"}, "OPML"),
    ],
)
def test_one_line_errors(tmp_path: Path, args: tuple, files: dict, expected: str) -> None:
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    result = _belmon(*args, cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert expected in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_sql_error_is_one_line(tmp_path: Path) -> None:
    from warehouse import db

    with db.writer(tmp_path / "w.duckdb"):
        pass
    result = _belmon("sql", "selec 1", "--db", "w.duckdb", cwd=tmp_path)
    assert result.returncode == 2 and "query failed" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
