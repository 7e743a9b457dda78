// Entry of the chat page in VS Code webviews: it talks through vscode-messenger; a host page
// may also provide its own transport (window.piChatTransport) before this runs. The Pi
// server's browser page has its own entry (remote.tsx); both share their chunks.
import { render } from "preact";
import type { VsCodeApi } from "vscode-messenger-webview";
import { ChatStore } from "./chatStore";
import { App } from "./components/App";
import type { ChatTransport } from "./transport";
import { createVscodeTransport } from "./vscodeTransport";

declare global {
  interface Window {
    acquireVsCodeApi?: () => VsCodeApi;
    piChatTransport?: ChatTransport;
  }
}

function start(): void {
  const root = document.getElementById("app");
  if (!root) return;
  const transport = window.piChatTransport ?? (window.acquireVsCodeApi ? createVscodeTransport(window.acquireVsCodeApi()) : undefined);
  if (!transport) {
    root.textContent = "This page must be opened from VS Code or the Pi server.";
    return;
  }
  const store = new ChatStore(transport);
  render(<App store={store} transport={transport} />, root);
  void store.connect();
}

start();
