"""The README documents every command, every option of it, and every seed key."""

from __future__ import annotations

from pathlib import Path

import click
import pytest

from crawler.seeds import Seed
from scheduler.cli.main import COMMANDS, main

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_and_option_is_documented(name: str) -> None:
    command = main.get_command(click.Context(main), name)
    assert command is not None
    assert f"gongkai {name}" in README
    for param in command.params:
        if isinstance(param, click.Option):
            assert any(opt in README for opt in param.opts), f"{name} {param.opts}"


@pytest.mark.parametrize("key", sorted(k for k in Seed.model_fields if k != "path"))
def test_every_seed_key_is_documented(key: str) -> None:
    assert f"`{key}`" in README or f"\n{key}:" in README
