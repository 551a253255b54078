"""Docs kept true by tests: every flow has a deployment, every command is in the README."""

from __future__ import annotations

import yaml

from belmon.cli import app
from belmon.settings import PROJECT_ROOT


def test_every_flow_has_a_deployment() -> None:
    config = yaml.safe_load((PROJECT_ROOT / "prefect.yaml").read_text(encoding="utf-8"))
    entrypoints = {d["entrypoint"] for d in config["deployments"]}
    flows = {
        f"flows/{path.name}" for path in (PROJECT_ROOT / "flows").glob("*.py")
        if "@flow(" in path.read_text(encoding="utf-8")
    }
    assert flows == {e.split(":")[0] for e in entrypoints}


def test_every_command_is_documented() -> None:
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    names = [c.name or c.callback.__name__ for c in app.registered_commands]
    names += [g.name for g in app.registered_groups]
    missing = [n for n in names if f"belmon {n}" not in readme]
    assert missing == []
