"""`audit` and `migrate-aof`: commands that talk to a running server (through redis-py)."""

from __future__ import annotations

import argparse
import os

from generator.cli.common import fail, print_run
from generator.cli.exit import Exit


def _url_args(parser: argparse.ArgumentParser, *, deployments: bool) -> None:
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--url", help="redis://[user[:password]@]host[:port] or rediss://... (TLS)")
    where.add_argument("--url-env", metavar="NAME", help="read the URL from this environment variable")
    if deployments:
        where.add_argument(
            "--sentinel",
            metavar="HOST:PORT",
            help="a Sentinel: judge the master it reports, every replica and every Sentinel (needs --master-name)",
        )
        where.add_argument(
            "--cluster", metavar="HOST:PORT", help="a cluster node: judge every node CLUSTER NODES lists"
        )
        parser.add_argument(
            "--master-name",
            metavar="NAME",
            help="the master set the Sentinels monitor (default: REDIS_SENTINEL_MASTER_NAME)",
        )
        parser.add_argument(
            "--sentinel-password-env",
            metavar="NAME",
            help="environment variable holding the Sentinels' password (default: REDIS_SENTINEL_PASSWORD)",
        )
        parser.add_argument(
            "--tls", action="store_true", help="TLS to the --sentinel / --cluster nodes (or give a rediss:// URL)"
        )
    parser.add_argument(
        "--password-env",
        metavar="NAME",
        help="environment variable holding the password when the URL has none (default: REDIS_PASSWORD)",
    )
    parser.add_argument("--ca-file", help="PEM file of the CA that signed the server's TLS certificate")
    parser.add_argument(
        "--insecure", action="store_true", help="TLS without verifying the server's certificate (testing only)"
    )


def add(sub: argparse._SubParsersAction[argparse.ArgumentParser], formats: tuple[str, ...]) -> None:
    audit = sub.add_parser(
        "audit",
        help="judge a running server or a whole Sentinel / Cluster deployment by every rule",
        description="Connect to a running server (--url), or to a Sentinel (--sentinel, --master-name) or a "
        "cluster node (--cluster) and every node they report, and judge each by every rule of scope 'server' "
        "(CONFIG GET *, ACL LIST, INFO; from INFO alone where CONFIG is refused, as on managed services). "
        "Passwords come from the URL, --password-env NAME (default REDIS_PASSWORD) and "
        "--sentinel-password-env NAME (default REDIS_SENTINEL_PASSWORD), never from a plain argument; a "
        "deployment's ACL users from REDIS_USERNAME and REDIS_SENTINEL_USERNAME, as Infisical reads them. "
        "Exit 0: no errors; 1: errors; 2: cannot connect, authenticate or reach a node.",
    )
    _url_args(audit, deployments=True)
    audit.add_argument("--timeout", type=float, default=5.0, help="seconds to wait for a server (default 5)")
    audit.add_argument("--ignore", action="append", default=[], metavar="RULE", help="do not report RULE")
    audit.add_argument("--format", choices=formats, default="text", help="format of findings")
    audit.set_defaults(func=run_audit)

    migrate = sub.add_parser(
        "migrate-aof",
        help="turn AOF on for a running server without losing the data in dump.rdb",
        description="CONFIG SET appendonly yes, wait until INFO persistence shows the AOF rewrite finished and "
        "AOF on, then CONFIG REWRITE (which also records any other CONFIG SET changes). Never put "
        "'appendonly yes' into the config file of a server with data first: it restarts EMPTY. Exit 0: done "
        "or already on; 1: failed, timed out or a manual step is needed; 2: cannot connect.",
    )
    _url_args(migrate, deployments=False)
    migrate.add_argument(
        "--timeout", type=float, default=300.0, help="seconds to wait for the AOF rewrite (default 300)"
    )
    migrate.set_defaults(func=run_migrate)


def _server_url(args: argparse.Namespace) -> str:
    """``--url``, or the URL in the variable ``--url-env`` names (keeps a password out of ``ps``)."""
    from generator.server.connection import UrlError

    if args.url is not None:
        return str(args.url)
    value = os.environ.get(args.url_env, "")
    if not value:
        raise UrlError(f"--url-env names {args.url_env}, which is not set")
    return value


def run_audit(args: argparse.Namespace) -> Exit:
    from generator.judge import Run
    from generator.server.audit import Passwords, run_cluster, run_sentinel, run_single
    from generator.server.connection import ClientOptions, RedisClientError, RedisURL, UrlError

    options = ClientOptions(args.ca_file, args.insecure, args.timeout)
    passwords = Passwords(os.environ, args.password_env, args.sentinel_password_env)
    run: Run
    try:
        if args.sentinel is not None:
            master_name = args.master_name or os.environ.get("REDIS_SENTINEL_MASTER_NAME")
            if not master_name:
                raise UrlError(
                    "--sentinel needs --master-name NAME or REDIS_SENTINEL_MASTER_NAME (SENTINEL MASTERS lists the "
                    "names)"
                )
            address = RedisURL.of_address(args.sentinel, tls=args.tls)
            run = run_sentinel(address, master_name, passwords, options, args.ignore)
        elif args.cluster is not None:
            run = run_cluster(RedisURL.of_address(args.cluster, tls=args.tls), passwords, options, args.ignore)
        else:
            if args.master_name or args.tls:
                raise UrlError("--master-name and --tls go with --sentinel or --cluster")
            run = run_single(RedisURL.parse(_server_url(args)), passwords, options, args.ignore)
    except RedisClientError as error:
        fail("audit", str(error))
        return Exit.USAGE
    print_run(run, args.format)
    return Exit(run.exit_code)


def run_migrate(args: argparse.Namespace) -> Exit:
    from generator.server.connection import ClientOptions, RedisClientError, RedisURL, ServerConnection
    from generator.server.connection import choose_password as password_for
    from generator.server.migrate_aof import MigrationError, migrate_aof

    def say(line: str) -> None:
        print(line, flush=True)

    try:
        url = RedisURL.parse(_server_url(args))
        password = password_for(url, args.password_env, os.environ)
        options = ClientOptions(args.ca_file, args.insecure, 10.0)
        with ServerConnection.open(url, password, options) as conn:
            migrate_aof(conn, timeout=args.timeout, say=say)
    except MigrationError as error:
        fail("migrate-aof", str(error))
        return Exit.FINDINGS
    except RedisClientError as error:
        fail("migrate-aof", str(error))
        return Exit.USAGE
    return Exit.OK
