#!/usr/bin/env bash
# README command 2 (`npm test`): every suite, in order from fastest to slowest.
# Installs what the suites need (Node 24, Debian chromium, code-server) through the
# project's own script; fails loudly if anything is missing. Prints one summary line.
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p test-output

bash test/env/ensure-tools.sh || { echo "FATAL: installing the test tools failed" >&2; exit 1; }
# shellcheck source=env/tools-env.sh
source test/env/tools-env.sh
export PATH="$(dirname "$NODE24"):$PWD/node_modules/.bin:$PATH"
echo "node for tests: $(node --version)"

passed=0
failed=0
status=0
failed_suites=""
run_suite() { # name, time limit in seconds, then the command
  local name=$1 limit=$2; shift 2
  echo "=== $name"
  local log="test-output/$name.log"
  # A hung suite fails on its own instead of eating CI's 90 minutes.
  timeout -k 30 "$limit" "$@" 2>&1 | tee "$log"
  local rc=${PIPESTATUS[0]}
  local p f
  p=$(grep -Eo '^ *[0-9]+ passing' "$log" | tail -1 | grep -Eo '[0-9]+' || true)
  f=$(grep -Eo '^ *[0-9]+ failing' "$log" | tail -1 | grep -Eo '[0-9]+' || true)
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0}))
  if [ "$rc" -ne 0 ]; then
    status=1
    failed_suites="$failed_suites $name"
    # A suite that died before mocha counted anything still counts as a failure.
    [ -z "$f" ] && failed=$((failed + 1))
    [ "$rc" -eq 124 ] && echo "--- $name took longer than ${limit}s and was stopped"
    echo "--- $name FAILED (exit $rc)"
  fi
}

# Lint (Biome), the three typechecks (host, webview, tests) and the layer rule.
run_suite check 300 npm run -s check
run_suite build 300 node esbuild.mjs
run_suite unit 300 mocha --import=tsx 'test/unit/**/*.test.ts'
run_suite integration 1200 mocha --import=tsx --timeout 60000 'test/integration/**/*.test.ts'
run_suite webview 900 mocha --import=tsx --timeout 60000 'test/webview/**/*.test.ts'
run_suite server 900 mocha --import=tsx --timeout 60000 'test/server/**/*.test.ts'
run_suite fleet 600 mocha --import=tsx --timeout 60000 'test/fleet/*.test.ts'
run_suite browser 900 mocha --import=tsx --timeout 120000 'test/browser/**/*.e2e.test.ts'
run_suite package 900 npm run package
run_suite extension-host 900 mocha --import=tsx --timeout 300000 test/extension/runExtensionTests.ts
run_suite e2e 1500 mocha --import=tsx --timeout 300000 'test/e2e/**/*.e2e.test.ts'

echo
# CI shows only the end of this output: repeat each failure's report here so it is seen.
for name in $failed_suites; do
  log="test-output/$name.log"
  echo "--- failures in $name:"
  if grep -Eq '^ *[0-9]+ failing' "$log"; then
    sed -n '/^ *[0-9]* failing/,$p' "$log" | head -80
  else
    tail -40 "$log"
  fi
done
echo "tests: $passed passed, $failed failed"
exit $status
