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
    try:
        changed = write_outputs(rendered, private=secrets.resolved)
    except OSError as error:
        where = f" {error.filename}" if error.filename else ""
        print(f"build: nothing written: cannot write{where}: {error.strerror or error}", file=sys.stderr)
        return Exit.USAGE
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


def cmd_check(args: argparse.Namespace) -> Exit:
    from generator.check import check_path
    from generator.findings import Finding, has_errors
    from generator.validate import UnreadableFileError
    from schema.versions import SUPPORTED_TARGETS, parse_target

    target = None
    if args.redis_version is not None:
        known = {t.spelling: t for t in SUPPORTED_TARGETS}
        try:
            target = known[parse_target(args.redis_version).spelling]
        except (ValueError, KeyError):
            print(f"check: --redis-version must be one of {', '.join(known)}", file=sys.stderr)
            return Exit.USAGE
    findings: list[Finding] = []
    unreadable = False
    for name in args.files:
        try:
            result = check_path(Path(name), name, target)
        except UnreadableFileError as error:
            print(error, file=sys.stderr)
            unreadable = True
            continue
        findings += result.findings
        for note in result.notes:
            print(note, file=sys.stderr)
    _print_findings(findings, args.format)
    if unreadable:
        return Exit.USAGE
    return Exit.FINDINGS if has_errors(findings) else Exit.OK


def _server_url(args: argparse.Namespace) -> str:
    """``--url``, or the URL in the variable ``--url-env`` names (keeps a password out of ``ps``)."""
    import os

    from generator.resp import UrlError

    if args.url is not None:
        return str(args.url)
    value = os.environ.get(args.url_env, "")
    if not value:
        raise UrlError(f"--url-env names {args.url_env}, which is not set")
    return value


def cmd_audit(args: argparse.Namespace) -> Exit:
    import os

    from generator.audit import audit_url
    from generator.findings import has_errors
    from generator.resp import RedisClientError

    try:
        result = audit_url(
            _server_url(args),
            environ=os.environ,
            password_env=args.password_env,
            ca_file=args.ca_file,
            insecure=args.insecure,
            timeout=args.timeout,
        )
    except RedisClientError as error:
        print(f"audit: {error}", file=sys.stderr)
        return Exit.USAGE
    for note in result.notes:
        print(f"note: {note}", file=sys.stderr)
    _print_findings(result.findings, args.format)
    return Exit.FINDINGS if has_errors(result.findings) else Exit.OK


def cmd_migrate_aof(args: argparse.Namespace) -> Exit:
    import os

    from generator.migrate_aof import MigrationError, migrate_aof
    from generator.resp import RedisClientError, RedisURL, RespConnection, choose_password

    def say(line: str) -> None:
        print(line, flush=True)

    try:
        url = RedisURL.parse(_server_url(args))
        password = choose_password(url, args.password_env, os.environ)
        with RespConnection.open(
            url, password=password, ca_file=args.ca_file, insecure=args.insecure, timeout=10.0
        ) as conn:
            migrate_aof(conn, timeout=args.timeout, say=say)
    except MigrationError as error:
        print(f"migrate-aof: {error}", file=sys.stderr)
        return Exit.FINDINGS
    except RedisClientError as error:
        print(f"migrate-aof: {error}", file=sys.stderr)
        return Exit.USAGE
    return Exit.OK


def _add_connection_args(parser: argparse.ArgumentParser) -> None:
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--url", help="redis://[user[:password]@]host[:port] or rediss://... (TLS)")
    where.add_argument("--url-env", metavar="NAME", help="read the URL from this environment variable")
    parser.add_argument(
        "--password-env",
        metavar="NAME",
        help="environment variable holding the password when the URL has none (default: REDIS_PASSWORD)",
    )
    parser.add_argument("--ca-file", help="PEM file of the CA that signed the server's TLS certificate")
    parser.add_argument(
        "--insecure", action="store_true", help="TLS without verifying the server's certificate (testing only)"
    )


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

    check = sub.add_parser(
        "check",
        help="judge existing redis.conf / sentinel.conf, Infisical .env and Helm values files by every rule",
        description="Judge redis.conf / sentinel.conf files by every rule of scope 'conf'. Files named .env, "
        "*.env or .env.* are judged as Infisical env files; *.yaml / *.yml as Helm values of the Bitnami "
        "redis or redis-cluster chart, Infisical's chart (its bundled Redis), or a Kubernetes Secret with "
        "Infisical's variables. Includes with an absolute path are followed when readable here; others are "
        "reported as notes on stderr. Exit 0: no errors; 1: errors; 2: a file cannot be read or parsed.",
    )
    check.add_argument("files", nargs="+", metavar="FILE")
    check.add_argument("--redis-version", metavar="VERSION", help="target server line, e.g. 6.2, 7.0, valkey-8.0")
    check.add_argument("--format", choices=FORMATS, default="text")
    check.set_defaults(func=cmd_check)

    audit = sub.add_parser(
        "audit",
        help="judge a running server (CONFIG GET *, ACL LIST, INFO) by every rule",
        description="Connect to a running server and judge its effective settings by every rule of scope "
        "'server'. The password comes from the URL, --password-env NAME or REDIS_PASSWORD, never from a "
        "plain argument. Exit 0: no errors; 1: errors; 2: cannot connect or authenticate.",
    )
    _add_connection_args(audit)
    audit.add_argument("--timeout", type=float, default=5.0, help="seconds to wait for the server (default 5)")
    audit.add_argument("--format", choices=FORMATS, default="text")
    audit.set_defaults(func=cmd_audit)

    migrate = sub.add_parser(
        "migrate-aof",
        help="turn AOF on for a running server without losing the data in dump.rdb",
        description="CONFIG SET appendonly yes, wait until INFO persistence shows the AOF rewrite finished and "
        "AOF on, then CONFIG REWRITE (which also records any other CONFIG SET changes). Never put "
        "'appendonly yes' into the config file of a server with data first: it restarts EMPTY. Exit 0: done "
        "or already on; 1: failed, timed out or a manual step is needed; 2: cannot connect.",
    )
    _add_connection_args(migrate)
    migrate.add_argument(
        "--timeout", type=float, default=300.0, help="seconds to wait for the AOF rewrite (default 300)"
    )
    migrate.set_defaults(func=cmd_migrate_aof)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0) and Exit.USAGE
    result: Exit = args.func(args)
    return int(result)
