#!/usr/bin/env bash
# Runs a command with Node 24 and the project's node_modules/.bin first on PATH
# (pi needs Node >= 22.19; vsce 3 needs >= 20.18). Installs Node 24 first if needed.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=tools-env.sh
source "$here/tools-env.sh"
[ -x "$NODE24" ] || bash "$here/ensure-tools.sh" --node-only
export PATH="$NODE24_DIR/bin:$here/../../node_modules/.bin:$PATH"
exec "$@"
