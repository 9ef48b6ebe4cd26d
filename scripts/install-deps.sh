#!/bin/sh
# Install everything Sheikh-Kitty needs on Debian 12, and nothing twice:
# Debian packages with apt-get (only the missing ones), npm packages with
# `npm ci` from package-lock.json (only when the lock changed).
#
#   scripts/install-deps.sh          build, run and test dependencies
#   scripts/install-deps.sh --bench  also the benchmark tools
#   scripts/install-deps.sh --fuzz   also clang and libFuzzer
set -eu

cd "$(dirname "$0")/.."

# Build and runtime.
PKGS="gcc make meson ninja-build pkg-config
      libmicrohttpd-dev libcurl4-openssl-dev libjansson-dev libseccomp-dev
      libsqlite3-dev libutf8proc-dev libgnutls28-dev
      bandit python3 nodejs npm
      curl sqlite3 openssl iproute2 nftables util-linux procps
      chromium fonts-dejavu-core"
# Benchmarks and fuzzing only.
BENCH_PKGS="hyperfine bubblewrap wrk"
FUZZ_PKGS="clang libclang-rt-14-dev"

[ "${1:-}" = "--bench" ] && PKGS="$PKGS $BENCH_PKGS"
[ "${1:-}" = "--fuzz" ] && PKGS="$PKGS $FUZZ_PKGS"

missing=""
for p in $PKGS; do
    # nodejs may come from NodeSource rather than Debian; any node >= 20 will do.
    if [ "$p" = nodejs ] || [ "$p" = npm ]; then
        command -v "$( [ "$p" = nodejs ] && echo node || echo npm)" >/dev/null 2>&1 && continue
    fi
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
        missing="$missing $p"
    fi
done

if [ -n "$missing" ]; then
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    echo "install-deps: installing Debian packages:$missing"
    $SUDO apt-get update -q
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends $missing
fi

node_major=$(node -p 'process.versions.node.split(".")[0]')
node_minor=$(node -p 'process.versions.node.split(".")[1]')
if [ "$node_major" -lt 20 ] || { [ "$node_major" -eq 20 ] && [ "$node_minor" -lt 19 ]; }; then
    echo "install-deps: node $(node --version) is too old; ESLint 10 needs node >= 20.19" >&2
    exit 1
fi

# npm packages: the tree-sitter C sources and the analysers' libraries.
# --ignore-scripts: we use the grammars' C sources, never their Node addons.
# --legacy-peer-deps: the grammars' optional peer ranges on the tree-sitter
# Node binding conflict with each other, and we do not use that binding.
lock_hash=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ "$(cat node_modules/.skitty-lock 2>/dev/null || true)" != "$lock_hash" ]; then
    echo "install-deps: npm ci"
    npm ci --no-audit --no-fund --ignore-scripts --legacy-peer-deps --loglevel=error
    echo "$lock_hash" > node_modules/.skitty-lock
fi
