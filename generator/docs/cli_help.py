"""The command-line page: every command, its arguments and the exit statuses, read from the parser itself.

Built from the parser's actions rather than argparse's formatted help, whose layout changes between Python
versions: the page is byte-identical on every supported Python."""

from __future__ import annotations

import argparse
import ast
import inspect
from dataclasses import dataclass

from generator.cli import exit as errors

PROG = "infisical-redis"


@dataclass(frozen=True)
class OptionView:
    flags: str
    help: str


@dataclass(frozen=True)
class CommandView:
    name: str
    summary: str
    description: str
    usage: str
    options: tuple[OptionView, ...]


@dataclass(frozen=True)
class ExitCodeView:
    code: int
    name: str
    meaning: str


@dataclass(frozen=True)
class CliView:
    options: tuple[OptionView, ...]
    commands: tuple[CommandView, ...]
    exit_codes: tuple[ExitCodeView, ...]


def _flags(action: argparse.Action) -> str:
    metavar = action.metavar or (action.dest.upper() if action.nargs != 0 else "")
    if not action.option_strings:
        return f"{metavar} ..." if action.nargs in ("+", "*") else str(metavar)
    value = f" {metavar}" if action.nargs != 0 else ""
    if action.choices and action.nargs != 0:
        value = " {" + ",".join(str(c) for c in action.choices) + "}"
    return ", ".join(f"{flag}{value}" for flag in action.option_strings)


def _options(parser: argparse.ArgumentParser) -> tuple[OptionView, ...]:
    rows = []
    for action in parser._actions:
        if isinstance(action, argparse._HelpAction | argparse._SubParsersAction):
            continue
        text = " ".join((action.help or "").split())
        if action.default not in (None, False, [], argparse.SUPPRESS) and "default" not in text:
            text += f" (default: {action.default})"
        if action.required and action.option_strings:
            text += " (required)"
        rows.append(OptionView(_flags(action), text))
    return tuple(rows)


def _usage(name: str, parser: argparse.ArgumentParser) -> str:
    parts = [PROG, name]
    for group in parser._mutually_exclusive_groups:
        parts.append("(" + " | ".join(_flags(a) for a in group._group_actions) + ")")
    grouped = {a for g in parser._mutually_exclusive_groups for a in g._group_actions}
    for action in parser._actions:
        if isinstance(action, argparse._HelpAction) or action in grouped:
            continue
        flag = _flags(action).split(", ")[-1] if action.option_strings else _flags(action)
        parts.append(flag if action.required or not action.option_strings else f"[{flag}]")
    return " ".join(parts)


def _exit_meanings() -> dict[str, str]:
    """The docstrings under the members of `generator.cli.exit.Exit`, read from its source."""
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


def cli_view(parser: argparse.ArgumentParser) -> CliView:
    """The page's view of ``parser`` (the command's own), named as installed (``infisical-redis``)."""
    parser.prog = PROG
    commands: list[CommandView] = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            summaries = {choice.dest: choice.help or "" for choice in action._choices_actions}
            for name, sub in action.choices.items():
                description = " ".join((sub.description or "").split())
                commands.append(
                    CommandView(name, summaries.get(name, ""), description, _usage(name, sub), _options(sub))
                )
    meanings = _exit_meanings()
    exit_codes = tuple(
        ExitCodeView(int(member), member.name, meanings.get(member.name, "No errors found.")) for member in errors.Exit
    )
    return CliView(_options(parser), tuple(commands), exit_codes)
