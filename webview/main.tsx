// Entry of the chat page. Inside VS Code it talks through vscode-messenger; the Pi server's
// page (<body data-pi-transport="http">) talks HTTP + SSE; a host page may also provide its
// own transport (window.piChatTransport) before this runs.
import { render } from "preact";
import type { VsCodeApi } from "vscode-messenger-webview";
import { ChatStore } from "./chatStore";
import { App } from "./components/App";
import { RemoteApp } from "./components/RemoteApp";
import { HttpClient } from "./httpClient";
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
  if (!window.piChatTransport && document.body.dataset.piTransport === "http") {
    // Sign-in and the choice of session come first; RemoteApp builds the transport after them.
    render(<RemoteApp client={new HttpClient(document.body.dataset.piApi ?? "/api/v1")} />, root);
    return;
  }
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
