// Entry of the chat page in VS Code webviews: it talks through vscode-messenger; a host page
// may also provide its own transport (window.piChatTransport) before this runs. The Pi
// server's browser page has its own entry (remote.tsx); both share their chunks.
import { render } from "preact";
import type { VsCodeApi } from "vscode-messenger-webview";
import { ChatStore } from "./chatStore";
import { App } from "./components/App";
import type { EarlySnapshot } from "../src/protocol/earlySnapshot";
import type { ChatTransport } from "./transport";
import { createVscodeTransport } from "./vscodeTransport";

declare global {
  interface Window {
    acquireVsCodeApi?: () => VsCodeApi;
    piChatTransport?: ChatTransport;
    piEarlySnapshot?: EarlySnapshot<VsCodeApi>;
  }
}

function start(): void {
  const root = document.getElementById("app");
  if (!root) return;
  // The page's HTML acquired the VS Code API and asked for the snapshot already (earlySnapshot.ts).
  const early = window.piEarlySnapshot;
  const api = early?.api ?? window.acquireVsCodeApi?.();
  if (window.piChatTransport) early?.release();
  const transport = window.piChatTransport ?? (api ? createVscodeTransport(api, early) : undefined);
  if (!transport) {
    root.textContent = "This page must be opened from VS Code or the Pi server.";
    return;
  }
  const store = new ChatStore(transport);
  render(<App store={store} transport={transport} />, root);
  void store.connect();
}

start();
