// The chat page in a VS Code webview: the page itself is src/host/chatPage.ts (strict nonce
// CSP, no remote content); here its URLs become webview URIs. The page is an ES module
// (dist/webview/main.js) that imports its chunks, preloaded with it.
import { randomBytes } from "node:crypto";
import * as vscode from "vscode";
import { chatPageHtml, pagePreloads } from "../host/chatPage";

export function chatWebviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return {
    enableScripts: true,
    enableCommandUris: false,
    // Only the page's own modules (dist/webview/: entry and chunks) and media can be loaded.
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, "dist", "webview"), vscode.Uri.joinPath(extensionUri, "media")],
  };
}

export function chatHtml(webview: vscode.Webview, extensionUri: vscode.Uri, title: string): string {
  const modules = vscode.Uri.joinPath(extensionUri, "dist", "webview");
  const uri = (base: vscode.Uri, name: string) => webview.asWebviewUri(vscode.Uri.joinPath(base, name)).toString();
  const media = vscode.Uri.joinPath(extensionUri, "media");
  return chatPageHtml({
    nonce: randomBytes(16).toString("base64"),
    resourceSource: webview.cspSource,
    title,
    // The icon font's stylesheet first; it loads media/codicon.ttf (font-src).
    styles: ["codicons.css", "chat.css", "review.css"].map((name) => uri(media, name)),
    script: uri(modules, "main.js"),
    preloads: pagePreloads(modules.fsPath, "main.js").map((name) => uri(modules, name)),
  });
}
