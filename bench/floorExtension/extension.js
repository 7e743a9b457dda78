// The floor of bench/chatStart.ts: what any webview extension costs in this VS Code. The command
// opens an editor panel whose page is a textarea and a status pill that says "ready" from the
// start; a message sent with Enter comes back from the extension host as the "answer". The page
// uses the same test ids as Pi's chat, so the bench's probe times both alike.
const vscode = require("vscode");
const crypto = require("node:crypto");

let count = 0;

function page(nonce, chatId) {
  return `<!DOCTYPE html><html><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}';">
<style nonce="${nonce}">textarea { width: 90%; height: 4em; }</style></head><body>
<div id="log"></div>
<textarea data-testid="prompt-input"></textarea> <span data-testid="status">ready</span>
<script nonce="${nonce}">
const vscode = acquireVsCodeApi();
vscode.setState({ chatId: ${JSON.stringify(chatId)} });
const input = document.querySelector("textarea");
const log = document.getElementById("log");
const add = (testId, text) => { const p = document.createElement("p"); p.dataset.testid = testId; p.textContent = text; log.append(p); };
input.addEventListener("keydown", (e) => {
  if (e.key !== "Enter" || e.shiftKey) return;
  e.preventDefault();
  add("user-message", input.value);
  vscode.postMessage({ text: input.value });
  input.value = "";
});
window.addEventListener("message", (e) => add("assistant-message", e.data.text));
</script></body></html>`;
}

function activate(context) {
  // The sidebar's floor (Pi's first chat is its sidebar view): a webview view, opened as Pi's
  // New Session opens its own, by focusing it.
  const views = [];
  const serve = (webview) => {
    let answers = 0;
    webview.options = { enableScripts: true };
    webview.onDidReceiveMessage(() => webview.postMessage({ text: `Warm answer ${++answers}` }));
    webview.html = page(crypto.randomBytes(16).toString("base64"), `floor-view-${++count}`);
  };
  context.subscriptions.push(
    vscode.window.registerWebviewViewProvider("piFloor.view", {
      resolveWebviewView: (view) => {
        views.push(view);
        view.onDidDispose(() => views.splice(views.indexOf(view), 1));
        serve(view.webview);
      },
    }),
    vscode.commands.registerCommand("piFloor.openView", async () => {
      const open = views.length > 0;
      await vscode.commands.executeCommand("piFloor.view.focus");
      // Already there: a new page in it, as Pi's New Session shows a new chat.
      if (open) serve(views[views.length - 1].webview);
    }),
    vscode.commands.registerCommand("piFloor.open", () => {
      // Where and how Pi opens its tab ("Pi: Open Chat in Editor"): beside the active editor.
      const panel = vscode.window.createWebviewPanel("piFloor.panel", "Pi Floor", vscode.ViewColumn.Beside, { enableScripts: true, retainContextWhenHidden: false });
      // Numbered: the probe notes an answer when the last one's text changes.
      let answers = 0;
      panel.webview.onDidReceiveMessage(() => panel.webview.postMessage({ text: `Warm answer ${++answers}` }));
      panel.webview.html = page(crypto.randomBytes(16).toString("base64"), `floor-${++count}`);
    }),
  );
}

module.exports = { activate, deactivate() {} };
