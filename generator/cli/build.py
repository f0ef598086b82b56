"""`build`: render configs, .env, Helm values and the reference docs; ``--check`` compares instead of writing."""

from __future__ import annotations

import argparse
from pathlib import Path

from generator.cli.common import fail, print_run, prog_name
from generator.cli.exit import Exit


def add(sub: argparse._SubParsersAction[argparse.ArgumentParser], formats: tuple[str, ...]) -> None:
    parser = sub.add_parser("build", help="render configs, .env, Helm values and reference docs")
    parser.add_argument("-f", "--file", help="one values file to render (default: every examples/*.yaml)")
    parser.add_argument("-o", "--out", help="output directory for --file")
    parser.add_argument("--check", action="store_true", help="compare with the files on disk; exit 1 if stale")
    parser.add_argument(
        "--force", action="store_true", help="overwrite files in --out that an earlier build did not write"
    )
    parser.add_argument(
        "--resolve-secrets",
        action="store_true",
        help="write real passwords from the environment variables the values file names",
    )
    parser.add_argument("--format", choices=formats, default="text", help="format of findings")
    parser.set_defaults(func=run)


def _show(path: Path, cwd: Path) -> str:
    try:
        return path.relative_to(cwd).as_posix()
    except ValueError:
        return str(path)


def run(args: argparse.Namespace) -> Exit:
    from generator.build import InvalidValuesError, NotACheckoutError, deployment_outputs, project_outputs
    from generator.judge import Run
    from generator.render.output import UnownedFilesError, stale_files, write_outputs
    from generator.render.secrets import PLACEHOLDERS, MissingSecretError, SecretValues

    if (args.file is None) != (args.out is None):
        fail("build", "-f/--file and -o/--out go together")
        return Exit.USAGE
    if args.resolve_secrets and args.file is None:
        fail("build", "--resolve-secrets needs -f/--file and -o/--out (never for the committed examples)")
        return Exit.USAGE
    secrets = SecretValues.from_process_env() if args.resolve_secrets else PLACEHOLDERS
    try:
        if args.file is not None:
            rendered = deployment_outputs(Path(args.file), Path(args.out), secrets)
        else:
            rendered = project_outputs(args.parser)
    except InvalidValuesError as error:
        print_run(error.run, args.format)
        fail("build", "nothing written: the values file has errors")
        return Exit(max(error.run.exit_code, 1))
    except NotACheckoutError as error:
        fail("build", f"{error} (use: {prog_name()} build -f VALUES.yaml -o OUT/)")
        return Exit.USAGE
    except (MissingSecretError, ValueError) as error:
        fail("build", f"nothing written: {error}")
        return Exit.USAGE
    if rendered.warnings:
        print_run(Run(findings=rendered.warnings), args.format)
    cwd = Path.cwd()
    if args.check:
        stale = stale_files(rendered)
        for path in stale:
            print(f"stale: {_show(path, cwd)}")
        if stale:
            fix = f"{prog_name()} build" + ("" if args.file is None else f" -f {args.file} -o {args.out}")
            fail("build", f"{len(stale)} generated file(s) out of date; run: {fix}")
            return Exit.FINDINGS
        print(f"{len(rendered.files)} generated file(s) up to date")
        return Exit.OK
    try:
        changed = write_outputs(rendered, private=secrets.resolved, force=args.force)
    except UnownedFilesError as error:
        for path in error.paths:
            print(f"not written by build: {_show(path, cwd)}")
        fail("build", f"nothing written: {error} (--force overwrites them)")
        return Exit.FINDINGS
    except OSError as error:
        where = f" {Path(error.filename).parent}" if error.filename else ""
        fail("build", f"nothing written: cannot write{where}: {error.strerror or error}")
        return Exit.USAGE
    print(f"wrote {len(changed)} of {len(rendered.files)} file(s)")
    return Exit.OK
