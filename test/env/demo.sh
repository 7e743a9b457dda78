#!/usr/bin/env bash
# README command 1 (`npm run demo`): builds the .vsix, installs it into a local VS Code
# (code-server, installed with Node 24 and Chromium by ensure-tools.sh), opens a sample
# workspace and prints the address. There, "Pi: Try Demo Session" runs the built-in
# scripted model: no API key needed. `--check`: start, prove it serves, stop.
set -euo pipefail
cd "$(dirname "$0")/../.."
bash test/env/ensure-tools.sh
# shellcheck source=tools-env.sh
source test/env/tools-env.sh
npm run package </dev/null

demo="$PI_VSCODE_TOOLS/demo"
workspace="$demo/workspace"
mkdir -p "$demo/data/User" "$demo/extensions" "$workspace"
[ -f "$workspace/README.md" ] || printf '# Pi demo workspace\n\nRun **Pi: Try Demo Session** from the command palette (F1).\n' >"$workspace/README.md"
cat >"$demo/data/User/settings.json" <<'JSON'
{ "telemetry.telemetryLevel": "off", "update.mode": "none", "workbench.startupEditor": "readme",
  "extensions.autoCheckUpdates": false, "chat.disableAIFeatures": true, "security.workspace.trust.enabled": false }
JSON
cs() { EXTENSIONS_GALLERY='{}' "$NODE24" "$CODE_SERVER" --user-data-dir "$demo/data" --extensions-dir "$demo/extensions" "$@"; }
cs --install-extension dist/pi-vscode.vsix --force >/dev/null

port="${PORT:-8080}"
url="http://127.0.0.1:$port/?folder=$workspace"
cs --bind-addr "127.0.0.1:$port" --auth none --disable-telemetry --disable-update-check \
  --disable-workspace-trust --disable-getting-started-override --ignore-last-opened >"$demo/code-server.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  kill -0 $pid 2>/dev/null || { cat "$demo/code-server.log"; echo "code-server did not start" >&2; exit 1; }
  sleep 0.3
done
echo
echo "Pi for VS Code is running in a local VS Code:"
echo "  $url"
echo "Open it in a browser, then run “Pi: Try Demo Session” from the command palette (F1)."
if [ "${1:-}" = "--check" ]; then
  curl -fsS "$url" | grep -q "workbench" && echo "check: the workbench is served" || { echo "check: the workbench was not served" >&2; exit 1; }
  exit 0
fi
echo "(Ctrl+C stops it.)"
wait $pid
