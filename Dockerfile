# syntax=docker/dockerfile:1
# pi-vscode-server: the browser chat for one workspace, one instance of a fleet (REDIS_URL set)
# or a single server (no REDIS_URL). Build: `docker build -t pi-vscode-server .` at the repo root.
# The root filesystem can be read-only: state lives only in the volumes (/data, /workspace) and
# in a tmpfs on /tmp. See deploy/compose.yaml and deploy/kubernetes/.

FROM node:24-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
# No install scripts run: none of the dependencies needs one at run time.
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY esbuild.mjs tsconfig.json ./
COPY src ./src
COPY webview ./webview
COPY media ./media
RUN node esbuild.mjs --production \
 && npm prune --omit=dev --no-audit --no-fund --ignore-scripts

FROM node:24-bookworm-slim
# pi's tools need git, ripgrep and bash; tini reaps the processes pi's bash tool leaves behind.
RUN apt-get update \
 && apt-get install -y --no-install-recommends git ripgrep bash ca-certificates tini \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --uid 10001 --user-group --no-create-home --home-dir /tmp --shell /bin/bash pi \
 && mkdir -p /data/agent /data/server /workspace \
 && chown -R pi:pi /data /workspace
WORKDIR /app
COPY --from=build /src/package.json ./
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/dist ./dist
COPY --from=build /src/media ./media
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    HOME=/tmp \
    PI_CODING_AGENT_DIR=/data/agent \
    PI_VSCODE_SERVER_DATA_DIR=/data/server
# /data/agent holds pi's session files: in a fleet every instance mounts the same volume.
VOLUME ["/data", "/workspace"]
USER pi
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=3s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/api/v1/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "/app/dist/server.js", "/workspace"]
