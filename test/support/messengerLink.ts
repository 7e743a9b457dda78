// Joins the extension side of vscode-messenger (the real ChatRouter's Messenger) to the webview
// side (the real webview transport) inside one Node process: a webview panel is, to the
// messenger, an object with `webview.postMessage` / `onDidReceiveMessage`, and the page side
// listens for `message` events on `window`. Each message is JSON-cloned on the way, as VS Code
// serialises what crosses into a webview.
import type { Messenger } from "vscode-messenger";
import type { WebviewIdMessageParticipant } from "vscode-messenger-common";
import { createVscodeTransport } from "../../webview/vscodeTransport";
import type { ChatTransport } from "../../webview/transport";

export interface WebviewLink {
  participant: WebviewIdMessageParticipant;
  transport: ChatTransport;
  close(): void;
}

type Listener = (message: unknown) => void;

let linkCount = 0;

/** One page per process at a time: the webview side of vscode-messenger listens on the global `window`. */

export function connectWebview(host: Messenger): WebviewLink {
  const page = new EventTarget();
  const toHost = new Set<Listener>();
  const disposeListeners = new Set<() => void>();
  const clone = (m: unknown): unknown => JSON.parse(JSON.stringify(m)) as unknown;
  const panel = {
    viewType: `pi.contract.${++linkCount}`,
    visible: true,
    webview: {
      postMessage: async (message: unknown) => {
        page.dispatchEvent(new MessageEvent("message", { data: clone(message) }));
        return true;
      },
      onDidReceiveMessage: (listener: Listener) => {
        toHost.add(listener);
        return { dispose: () => toHost.delete(listener) };
      },
    },
    onDidDispose: (listener: () => void) => {
      disposeListeners.add(listener);
      return { dispose: () => disposeListeners.delete(listener) };
    },
  };
  const participant = host.registerWebviewPanel(panel as unknown as Parameters<Messenger["registerWebviewPanel"]>[0]);
  // The webview side of vscode-messenger listens on `window` and posts through the VS Code API.
  const g = globalThis as unknown as { window?: EventTarget & { crypto?: Crypto } };
  const previousWindow = g.window;
  g.window = Object.assign(page, { crypto: globalThis.crypto });
  let state: unknown;
  const transport = createVscodeTransport({
    postMessage: (message: unknown) => setImmediate(() => toHost.forEach((l) => l(clone(message)))),
    getState: () => state,
    setState: (s: unknown) => {
      state = s;
    },
  });
  return {
    participant,
    transport,
    close: () => {
      // `window` stays this page's until then: the page side reads window.crypto for every request id.
      g.window = previousWindow;
      disposeListeners.forEach((l) => l());
    },
  };
}
