// The VS Code page asks for its chat's snapshot from a small script in its HTML, the moment the
// page is parsed, instead of after its modules have loaded and run (100–250 ms in a new editor
// tab, up to a second in a window that is still starting): the answer travels meanwhile. The
// script keeps what the host sends until the page's transport takes over (webview/vscodeTransport.ts)
// and then hands it over in order, so nothing sent early is lost. A snapshot or patches that came
// before the answer are already in it, and are dropped.
import { messengerMethod } from "./actions";
import { eventMethod } from "./viewEvents";

/** The early request's id (vscode-messenger's own ids start with "req_"). */
export const EARLY_SNAPSHOT_ID = "pi-early-snapshot";

/** What the script leaves for the page's modules, as `window.piEarlySnapshot`. */
export interface EarlySnapshot<Api> {
  /** The page's VS Code API: acquireVsCodeApi() may be called only once. */
  api: Api;
  /** Calls `f` with the snapshot's answer (a vscode-messenger response): at once if it is in. */
  answer(f: (response: unknown) => void): void;
  /** Ends the script's watch: what came that the page must still see, in order. */
  release(): unknown[];
}

/** The script's source, for a nonce-tagged inline script (it must not depend on any module). */
export function earlySnapshotScript(): string {
  const id = JSON.stringify(EARLY_SNAPSHOT_ID);
  const method = JSON.stringify(messengerMethod("snapshot"));
  const superseded = JSON.stringify([eventMethod("snapshot"), eventMethod("patches")]);
  // It takes itself out of the DOM: the page holds no inline script once it has run.
  return `(() => {
  document.currentScript?.remove();
  if (typeof acquireVsCodeApi !== "function") return;
  const api = acquireVsCodeApi();
  const superseded = ${superseded}, kept = [];
  let answer, onAnswer;
  const listen = (e) => {
    const m = e.data;
    if (m && m.id === ${id} && ("result" in m || "error" in m)) {
      answer = m;
      if (onAnswer) onAnswer(m);
    } else if (answer || !m || !superseded.includes(m.method)) kept.push(m);
  };
  window.addEventListener("message", listen);
  api.postMessage({ id: ${id}, method: ${method}, receiver: { type: "extension" }, params: {} });
  window.piEarlySnapshot = {
    api,
    answer(f) { if (answer) f(answer); else onAnswer = f; },
    release() { window.removeEventListener("message", listen); return kept.splice(0); },
  };
})();`;
}
