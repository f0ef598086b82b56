"""A guide page's shell commands, taken and run as a reader would copy them: `infisical-redis` is this checkout's
`python -m generator`, nothing else is installed for them, and no REDIS_* variable leaks in from the outer shell."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def page_commands(page: str, prefix: str) -> list[str]:
    """Every command of the page's ``sh`` blocks that starts with ``prefix``: comments dropped, lines continued
    with a trailing backslash joined into one."""
    found = []
    for block in re.findall(r"^ *```sh\n(.*?)^ *```", page, flags=re.MULTILINE | re.DOTALL):
        joined = ""
        for line in block.splitlines():
            part = line.split("  #")[0].rstrip()
            if part.endswith("\\"):
                joined += part[:-1].rstrip() + " "
                continue
            command = (joined + part.strip()).strip()
            joined = ""
            if command.startswith(prefix):
                found.append(command)
    return found


def _environment(cwd: Path, env: Mapping[str, str] | None) -> dict[str, str]:
    bindir = cwd / ".bin"
    bindir.mkdir(exist_ok=True)
    shim = bindir / "infisical-redis"
    shim.write_text(f'#!/bin/sh\nPYTHONPATH={ROOT} exec {sys.executable} -m generator "$@"\n')
    shim.chmod(0o755)
    base = {k: v for k, v in os.environ.items() if not k.startswith("REDIS_")}
    return {**base, **(env or {}), "PATH": f"{bindir}{os.pathsep}{os.environ.get('PATH', '')}"}


def run_page_command(command: str, cwd: Path, env: Mapping[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run a command from a page with bash in ``cwd``; ``env`` adds variables (as an earlier ``export`` would)."""
    return subprocess.run(
        ["bash", "-c", command], cwd=cwd, env=_environment(cwd, env), capture_output=True, text=True, timeout=120
    )


def shell_words(command: str, cwd: Path, env: Mapping[str, str] | None = None) -> list[str]:
    """The arguments bash would pass for ``command`` (quotes removed, variables and ``$(...)`` expanded), without
    running it: for the `helm` and `kubectl` lines, whose programs the tests replace."""
    done = run_page_command(f"printf '%s\\0' {command}", cwd, env)
    assert done.returncode == 0, done.stderr
    return done.stdout.split("\0")[:-1]


def exported(command: str, cwd: Path, env: Mapping[str, str] | None = None) -> tuple[str, str]:
    """``export NAME="..."``: run it and return (NAME, its value)."""
    match = re.match(r"export (\w+)=", command)
    assert match, command
    name = match.group(1)
    done = run_page_command(f'{command}\nprintf "%s" "${name}"', cwd, env)
    assert done.returncode == 0 and done.stdout, done.stderr
    return name, done.stdout
