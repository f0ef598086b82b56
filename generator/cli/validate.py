"""`validate FILE...`: values files -> findings with the line and column of the offending key or value."""

from __future__ import annotations

import argparse
from functools import partial
from pathlib import Path

from generator.cli.common import print_run
from generator.cli.exit import Exit


def add(sub: argparse._SubParsersAction[argparse.ArgumentParser], formats: tuple[str, ...]) -> None:
    parser = sub.add_parser("validate", help="check values files against the schema and every rule")
    parser.add_argument("files", nargs="+", metavar="FILE", help="values files to validate")
    parser.add_argument("--format", choices=formats, default="text", help="format of findings")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> Exit:
    from generator.judge import Run, judge_input
    from generator.sources.values import read_values

    total = Run()
    for name in args.files:
        path = Path(name)
        total.add(judge_input(name, partial(read_values, path, name)))
    print_run(total, args.format)
    return Exit(total.exit_code)
