"""The command line. Each command imports what it needs when it runs, so `validate` starts fast."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from generator.errors import Exit

FORMATS = ("text", "json", "github")
FIX_COMMAND = "python -m generator build"


def _print_findings(findings: Sequence[object], fmt: str) -> None:
    from generator.findings import Finding
    from generator.reporters import REPORTERS

    report = REPORTERS[fmt]([f for f in findings if isinstance(f, Finding)])
    if report:
        sys.stdout.write(report)


def cmd_validate(args: argparse.Namespace) -> Exit:
    from generator.findings import Finding, has_errors
    from generator.validate import UnreadableFileError, validate_file

    findings: list[Finding] = []
    unreadable = False
    for name in args.files:
        try:
            findings.extend(validate_file(Path(name), name).findings)
        except UnreadableFileError as error:
            print(error, file=sys.stderr)
            unreadable = True
    _print_findings(findings, args.format)
    if unreadable:
        return Exit.USAGE
    return Exit.FINDINGS if has_errors(findings) else Exit.OK


def cmd_build(args: argparse.Namespace) -> Exit:
    from generator.build import InvalidValuesError, deployment_outputs, project_outputs, stale_files, write_outputs
    from generator.secrets import PLACEHOLDERS, MissingSecretError, SecretValues
    from generator.validate import UnreadableFileError

    if (args.file is None) != (args.out is None):
        print("build: -f/--file and -o/--out go together", file=sys.stderr)
        return Exit.USAGE
    if args.resolve_secrets and args.file is None:
        print(
            "build: --resolve-secrets needs -f/--file and -o/--out (never for the committed examples)",
            file=sys.stderr,
        )
        return Exit.USAGE
    secrets = SecretValues.from_process_env() if args.resolve_secrets else PLACEHOLDERS
    try:
        if args.file is not None:
            rendered = deployment_outputs(Path(args.file), Path(args.out), secrets)
        else:
            rendered = project_outputs()
    except InvalidValuesError as error:
        _print_findings(error.findings, args.format)
        print("build: nothing written: the values file has errors", file=sys.stderr)
        return Exit.FINDINGS
    except (UnreadableFileError, MissingSecretError, ValueError) as error:
        print(f"build: nothing written: {error}", file=sys.stderr)
        return Exit.USAGE
    cwd = Path.cwd()
    if args.check:
        stale = stale_files(rendered)
        for path in stale:
            print(f"stale: {_show(path, cwd)}")
        if stale:
            fix = FIX_COMMAND if args.file is None else f"{FIX_COMMAND} -f {args.file} -o {args.out}"
            print(f"{len(stale)} generated file(s) out of date; run: {fix}", file=sys.stderr)
            return Exit.FINDINGS
        print(f"{len(rendered.files)} generated file(s) up to date")
        return Exit.OK
    changed = write_outputs(rendered, private=secrets.resolved)
    print(f"wrote {len(changed)} of {len(rendered.files)} file(s)")
    return Exit.OK


def _show(path: Path, cwd: Path) -> str:
    try:
        return path.relative_to(cwd).as_posix()
    except ValueError:
        return str(path)


def cmd_password(args: argparse.Namespace) -> Exit:
    from generator.secrets import generate_password

    if args.length < 32:
        print("password: --length must be 32 or more", file=sys.stderr)
        return Exit.USAGE
    print(generate_password(args.length))
    return Exit.OK


def cmd_schema(args: argparse.Namespace) -> Exit:
    from generator.artifacts import values_json_schema

    sys.stdout.write(values_json_schema())
    return Exit.OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m generator",
        description="Generate, validate and audit the Redis behind a self-hosted Infisical.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    build = sub.add_parser("build", help="render configs, .env, Helm values and reference docs")
    build.add_argument("-f", "--file", help="one values file to render (default: every examples/*.yaml)")
    build.add_argument("-o", "--out", help="output directory for --file")
    build.add_argument("--check", action="store_true", help="compare with the files on disk; exit 1 if stale")
    build.add_argument(
        "--resolve-secrets",
        action="store_true",
        help="write real passwords from the environment variables the values file names",
    )
    build.add_argument("--format", choices=FORMATS, default="text", help="format of findings")
    build.set_defaults(func=cmd_build)

    validate = sub.add_parser("validate", help="check values files against the schema and every rule")
    validate.add_argument("files", nargs="+", metavar="FILE")
    validate.add_argument("--format", choices=FORMATS, default="text")
    validate.set_defaults(func=cmd_validate)

    password = sub.add_parser("password", help="print a password of the recommended kind")
    password.add_argument("--length", type=int, default=40)
    password.set_defaults(func=cmd_password)

    schema = sub.add_parser("schema", help="print the JSON Schema of the values file")
    schema.set_defaults(func=cmd_schema)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0) and Exit.USAGE
    result: Exit = args.func(args)
    return int(result)
