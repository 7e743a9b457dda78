// The chat page: strict CSP (nonce'd script, styles only from the bundle), no remote content.
// The page is an ES module (dist/webview/main.js) that imports its chunks; a module script's
// nonce carries over to every module it imports, statically or with import() (HTML's script
// fetch options), so `script-src 'nonce-…'` alone admits our chunks and nothing else —
// no host source, no 'strict-dynamic', no 'unsafe-inline' / 'unsafe-eval'.
import { randomBytes } from "node:crypto";
import * as vscode from "vscode";

export function chatWebviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return {
    enableScripts: true,
    enableCommandUris: false,
    // Only the page's own modules (dist/webview/: entry and chunks) and media can be loaded.
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, "dist", "webview"), vscode.Uri.joinPath(extensionUri, "media")],
  };
}

export function chatHtml(webview: vscode.Webview, extensionUri: vscode.Uri, title: string): string {
  const nonce = randomBytes(16).toString("base64");
  const script = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, "dist", "webview", "main.js"));
  const style = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, "media", "chat.css"));
  const reviewStyle = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, "media", "review.css"));
  // The icon font's stylesheet; it loads media/codicon.ttf (font-src below).
  const icons = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, "media", "codicons.css"));
  const csp = [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${webview.cspSource}`,
    `img-src ${webview.cspSource} data:`,
    `font-src ${webview.cspSource}`,
  ].join("; ");
  const escapedTitle = title.replace(/[<>&"]/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${icons}">
<link rel="stylesheet" href="${style}">
<link rel="stylesheet" href="${reviewStyle}">
<title>${escapedTitle}</title>
</head>
<body>
<div id="app"></div>
<script type="module" nonce="${nonce}" src="${script}"></script>
</body>
</html>`;
}
