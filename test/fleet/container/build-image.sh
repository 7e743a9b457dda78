#!/usr/bin/env bash
# Builds the repo's Dockerfile with Debian's podman, with no container registry: the base image
# `node:24-bookworm-slim` is assembled locally from Debian bookworm (mmdebstrap, minbase) plus
# the same Node 24 the tests use and npm from the npm registry, then tagged with the official
# name, so the Dockerfile is built unchanged. Cached in the tools folder after the first run.
# Usage: build-image.sh <tag>. Needs root, podman, runc, mmdebstrap (test/env/ensure-tools.sh).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
# shellcheck source=../../env/tools-env.sh
source "$repo/test/env/tools-env.sh"
tag="${1:?usage: build-image.sh <tag>}"
say() { echo "[build-image] $*" >&2; }
for tool in podman runc mmdebstrap; do
  command -v "$tool" >/dev/null 2>&1 || { say "needs $tool: apt-get install -y podman runc mmdebstrap"; exit 1; }
done
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
# This machine's crun cannot set up cgroups (hybrid mode); runc can. Without CAP_SYS_RESOURCE a
# container may only lower its limits, never set podman's defaults: pass explicit lower ones.
podman_() { podman --runtime runc "$@"; }
limits=(--ulimit nofile=4096:4096 --ulimit nproc=4096:4096)
base="docker.io/library/node:24-bookworm-slim"
npm_version="11.21.2"
cache="$PI_VSCODE_TOOLS/fleet-image"
mkdir -p "$cache"

if ! podman_ image exists "$base"; then
  if [ ! -f "$cache/bookworm-minbase.tar" ]; then
    say "assembling Debian bookworm (minbase) with mmdebstrap"
    mmdebstrap --quiet --format=tar --variant=minbase --include=ca-certificates bookworm "$cache/bookworm-minbase.tar.part" http://deb.debian.org/debian
    mv "$cache/bookworm-minbase.tar.part" "$cache/bookworm-minbase.tar"
  fi
  podman_ import --quiet "$cache/bookworm-minbase.tar" localhost/pi-test/bookworm-minbase >/dev/null
  ctx="$tmp/base"
  mkdir -p "$ctx/node"
  cp -a "$NODE24_DIR/bin" "$NODE24_DIR/include" "$ctx/node/"
  (cd "$ctx" && npm pack --silent "npm@$npm_version" >/dev/null && mkdir npm && tar -xzf npm-*.tgz -C npm --strip-components=1)
  cat > "$ctx/Containerfile" <<'CF'
FROM localhost/pi-test/bookworm-minbase
COPY node /usr/local
COPY npm /usr/local/lib/node_modules/npm
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \
 && node --version && npm --version
CMD ["node"]
CF
  say "building the stand-in for $base"
  podman_ build --quiet --pull=never --network host "${limits[@]}" -t "$base" "$ctx" >/dev/null
fi

# The build's npm and apt reach their registries through this machine's network, so they must
# trust what the machine trusts (a TLS-inspecting egress proxy here, as behind many corporate
# proxies): the host's CA bundle is mounted over the image's, and npm is told to use it.
npmrc="$tmp/npmrc"
echo "cafile=/etc/ssl/certs/ca-certificates.crt" > "$npmrc"
say "building $tag from $repo/Dockerfile"
podman_ build --format docker --pull=never --network host "${limits[@]}" \
  -v /etc/ssl/certs/ca-certificates.crt:/etc/ssl/certs/ca-certificates.crt:ro -v "$npmrc:/root/.npmrc:ro" \
  -t "$tag" -f "$repo/Dockerfile" "$repo"
