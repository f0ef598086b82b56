"""The command-line page: the help of every command and the exit statuses."""

from __future__ import annotations

import argparse
import ast
import inspect
from dataclasses import dataclass

from generator import errors
from generator.cli import build_parser

HELP_WIDTH = 88
"""Column width of the CLI help printed on the cli page; fixed so the page does not depend on the terminal."""


class _DocsHelpFormatter(argparse.HelpFormatter):
    def __init__(self, prog: str) -> None:
        super().__init__(prog, width=HELP_WIDTH, max_help_position=30)


@dataclass(frozen=True)
class CommandView:
    name: str
    summary: str
    help: str


@dataclass(frozen=True)
class ExitCodeView:
    code: int
    name: str
    meaning: str


@dataclass(frozen=True)
class CliView:
    help: str
    commands: tuple[CommandView, ...]
    exit_codes: tuple[ExitCodeView, ...]


def _help(parser: argparse.ArgumentParser) -> str:
    parser.formatter_class = _DocsHelpFormatter
    return parser.format_help().rstrip() + "\n"


def _exit_meanings() -> dict[str, str]:
    """The docstrings under the members of `generator.errors.Exit`, read from its source."""
    meanings: dict[str, str] = {}
    tree = ast.parse(inspect.getsource(errors))
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef) and node.name == errors.Exit.__name__:
            body = node.body
            for stmt, following in zip(body, [*body[1:], None], strict=True):
                if (
                    isinstance(stmt, ast.Assign)
                    and isinstance(stmt.targets[0], ast.Name)
                    and isinstance(following, ast.Expr)
                    and isinstance(following.value, ast.Constant)
                    and isinstance(following.value.value, str)
                ):
                    meanings[stmt.targets[0].id] = " ".join(following.value.value.split())
    return meanings


def cli_view() -> CliView:
    parser = build_parser()
    commands: list[CommandView] = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            summaries = {choice.dest: choice.help or "" for choice in action._choices_actions}
            for name, sub in action.choices.items():
                commands.append(CommandView(name, summaries.get(name, ""), _help(sub)))
    meanings = _exit_meanings()
    exit_codes = tuple(
        ExitCodeView(int(member), member.name, meanings.get(member.name, "No errors found.")) for member in errors.Exit
    )
    return CliView(_help(parser), tuple(commands), exit_codes)
