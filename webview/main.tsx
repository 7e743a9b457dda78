// Entry of the chat page. Inside VS Code it talks through vscode-messenger; the remote
// browser page provides its own transport (window.piChatTransport) before this runs.
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
  const transport = window.piChatTransport ?? (window.acquireVsCodeApi ? createVscodeTransport(window.acquireVsCodeApi()) : undefined);
  const root = document.getElementById("app");
  if (!root) return;
  if (!transport) {
    root.textContent = "This page must be opened from VS Code or the Pi server.";
    return;
  }
  const store = new ChatStore(transport);
  render(<App store={store} transport={transport} />, root);
  void store.connect();
}

start();
