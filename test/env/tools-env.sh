# Sourced by scripts: where the project's cached tools live (installed by ensure-tools.sh).
export PI_VSCODE_TOOLS="${PI_VSCODE_TOOLS:-$HOME/.cache/pi-vscode-tools}"
NODE24_VERSION=24.21.0
CODE_SERVER_VERSION=4.139.1
export NODE24_DIR="$PI_VSCODE_TOOLS/node-$NODE24_VERSION"
export NODE24="$NODE24_DIR/bin/node"
export CODE_SERVER_DIR="$PI_VSCODE_TOOLS/code-server-$CODE_SERVER_VERSION"
export CODE_SERVER="$CODE_SERVER_DIR/node_modules/code-server/out/node/entry.js"
export CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
