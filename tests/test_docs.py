"""The docs stay true: the CLI reference matches --help, and the README's commands exist.

Regenerate the CLI reference after changing an option with:
``LOADWATCH_UPDATE_DOCS=1 python -m pytest tests/test_docs.py``
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import click
from click.testing import CliRunner

from loadwatch.cli import cli

ROOT = Path(__file__).resolve().parent.parent
CLI_REFERENCE = ROOT / "docs" / "cli.md"


def _commands() -> dict[str, click.Command]:
    """Every command of the group, each imported (the group imports them only when used)."""
    assert isinstance(cli, click.Group)
    with click.Context(cli) as ctx:
        found = {name: cli.get_command(ctx, name) for name in cli.list_commands(ctx)}
    return {name: command for name, command in found.items() if command is not None}


def _help(args: list[str]) -> str:
    result = CliRunner().invoke(cli, [*args, "--help"], prog_name="loadwatch", terminal_width=80)
    assert result.exit_code == 0, result.output
    return result.output


def cli_reference() -> str:
    """The CLI reference page: every command's --help, in order."""
    parts = [
        "# Command-line reference\n",
        "Generated from `loadwatch --help`; `tests/test_docs.py` checks that it is current.\n",
        "## loadwatch\n",
        "```\n" + _help([]) + "```\n",
    ]
    for name in sorted(_commands()):
        parts.append(f"## loadwatch {name}\n")
        parts.append("```\n" + _help([name]) + "```\n")
    return "\n".join(parts)


def test_cli_reference_is_current() -> None:
    """docs/cli.md is what --help prints today."""
    expected = cli_reference()
    if os.environ.get("LOADWATCH_UPDATE_DOCS"):
        CLI_REFERENCE.write_text(expected, encoding="utf-8")
    assert CLI_REFERENCE.read_text(encoding="utf-8") == expected, (
        "docs/cli.md is out of date: regenerate it as this module's docstring says"
    )


def test_readme_commands_are_real() -> None:
    """Every `loadwatch ...` command in the README names a real command and real options."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = re.findall(r"(?:^\$ |&& )loadwatch (\w+)([^\n#]*)", readme, flags=re.MULTILINE)
    assert commands, "the README shows no loadwatch command"
    known = _commands()
    for name, rest in commands:
        assert name in known, f"README uses unknown command {name!r}"
        command = known[name]
        if isinstance(command, click.Group):  # loadwatch log pain ...: the subcommand's options
            sub = rest.split()[0]
            assert sub in command.commands, f"README uses unknown command {name} {sub}"
            command = command.commands[sub]
        options = {opt for param in command.params for opt in param.opts}
        for option in re.findall(r"(--[\w-]+)", rest):
            assert option in options, f"README uses unknown option {option} of {name}"
