"""`password` and `schema`: small commands that print one thing."""

from __future__ import annotations

import argparse
import sys

from generator.cli.common import fail
from generator.cli.exit import Exit


def add(sub: argparse._SubParsersAction[argparse.ArgumentParser], formats: tuple[str, ...]) -> None:
    password = sub.add_parser("password", help="print a password of the recommended kind")
    password.add_argument("--length", type=int, default=40)
    password.set_defaults(func=run_password)

    schema = sub.add_parser("schema", help="print the JSON Schema of the values file")
    schema.set_defaults(func=run_schema)


def run_password(args: argparse.Namespace) -> Exit:
    from generator.render.secrets import generate_password

    if args.length < 32:
        fail("password", "--length must be 32 or more")
        return Exit.USAGE
    print(generate_password(args.length))
    return Exit.OK


def run_schema(args: argparse.Namespace) -> Exit:
    from generator.render.jsonschema import values_json_schema

    sys.stdout.write(values_json_schema())
    return Exit.OK
