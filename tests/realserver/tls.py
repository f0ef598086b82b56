"""Throw-away TLS material made with the openssl CLI: a private CA, a server certificate for
127.0.0.1 / localhost, a client certificate, and a second, unrelated CA."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

from tests.realserver.processes import TlsClient

_DAYS = "30"
_EC = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]


@dataclass(frozen=True)
class TlsMaterial:
    """Paths of PEM files (keys are unencrypted)."""

    directory: Path
    ca_cert: Path
    ca_key: Path
    server_cert: Path
    server_key: Path
    client_cert: Path
    client_key: Path
    other_ca_cert: Path
    other_ca_key: Path

    def server_args(self, *, auth_clients: str = "no") -> list[str]:
        """redis-server arguments for TLS with this material (``tls-auth-clients`` defaults to no,
        as Infisical's Node client presents no certificate)."""
        return [
            "--tls-cert-file",
            str(self.server_cert),
            "--tls-key-file",
            str(self.server_key),
            "--tls-ca-cert-file",
            str(self.ca_cert),
            "--tls-auth-clients",
            auth_clients,
        ]

    def client(self, *, with_cert: bool = False) -> TlsClient:
        """Client settings trusting the private CA (optionally with the client certificate)."""
        if with_cert:
            return TlsClient(ca_cert=self.ca_cert, cert=self.client_cert, key=self.client_key)
        return TlsClient(ca_cert=self.ca_cert)


def _openssl(openssl: Path, cwd: Path, *args: str) -> None:
    proc = subprocess.run([str(openssl), *args], cwd=cwd, capture_output=True, text=True, timeout=60, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"openssl {' '.join(args)} failed:\n{proc.stdout}{proc.stderr}")


def _make_ca(openssl: Path, cwd: Path, name: str, cn: str) -> tuple[Path, Path]:
    key, cert = cwd / f"{name}.key", cwd / f"{name}.crt"
    _openssl(
        openssl, cwd, "req", "-x509", "-new", *_EC, "-keyout", str(key), "-out", str(cert),
        "-days", _DAYS, "-subj", f"/CN={cn}",
        "-addext", "basicConstraints=critical,CA:TRUE",
        "-addext", "keyUsage=critical,keyCertSign,cRLSign",
    )  # fmt: skip
    return cert, key


def _make_leaf(openssl: Path, cwd: Path, name: str, ca: tuple[Path, Path], extensions: str) -> tuple[Path, Path]:
    key, csr, cert = cwd / f"{name}.key", cwd / f"{name}.csr", cwd / f"{name}.crt"
    ext_file = cwd / f"{name}.ext"
    ext_file.write_text(extensions)
    _openssl(openssl, cwd, "req", "-new", *_EC, "-keyout", str(key), "-out", str(csr), "-subj", f"/CN={name}")
    _openssl(
        openssl, cwd, "x509", "-req", "-in", str(csr), "-CA", str(ca[0]), "-CAkey", str(ca[1]),
        "-CAcreateserial", "-out", str(cert), "-days", _DAYS, "-extfile", str(ext_file),
    )  # fmt: skip
    return cert, key


def make_tls_material(openssl: Path, directory: Path) -> TlsMaterial:
    """Create all files in ``directory`` (EC P-256 keys: fast to generate)."""
    directory.mkdir(parents=True, exist_ok=True)
    ca = _make_ca(openssl, directory, "ca", "infisical-redis-config test CA")
    other = _make_ca(openssl, directory, "other-ca", "unrelated test CA")
    leaf = "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\n"
    server = _make_leaf(
        openssl,
        directory,
        "server",
        ca,
        leaf + "extendedKeyUsage=serverAuth,clientAuth\nsubjectAltName=IP:127.0.0.1,DNS:localhost\n",
    )
    client = _make_leaf(openssl, directory, "client", ca, leaf + "extendedKeyUsage=clientAuth\n")
    return TlsMaterial(
        directory=directory,
        ca_cert=ca[0],
        ca_key=ca[1],
        server_cert=server[0],
        server_key=server[1],
        client_cert=client[0],
        client_key=client[1],
        other_ca_cert=other[0],
        other_ca_key=other[1],
    )
