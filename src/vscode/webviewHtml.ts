// The chat page in a VS Code webview: the page itself is src/host/chatPage.ts (strict nonce
// CSP, no remote content); here its URLs become webview URIs. The page is an ES module
// (dist/webview/main.js) that imports its chunks; the entry, the chunks it imports statically and
// the stylesheets travel inside the HTML (src/host/inlinePage.ts), the rest load on demand.
import { randomBytes } from "node:crypto";
import * as vscode from "vscode";
import { chatPageHtml, pagePreloads } from "../host/chatPage";
import { inlineContent } from "../host/inlinePage";

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
  // The icon font's stylesheet first; it loads media/codicon.ttf (font-src).
  const styles = ["codicons.css", "chat.css", "review.css"];
  const preloads = pagePreloads(modules.fsPath, "main.js");
  const moduleUrl = (name: string) => uri(modules, name);
  const styleUrl = (name: string) => uri(media, name);
  return chatPageHtml({
    nonce: randomBytes(16).toString("base64"),
    resourceSource: webview.cspSource,
    title,
    styles: styles.map(styleUrl),
    script: moduleUrl("main.js"),
    preloads: preloads.map(moduleUrl),
    // PI_VSCODE_INLINE_PAGE=0: the page links its files instead (to compare the two, bench:first).
    inline:
      process.env.PI_VSCODE_INLINE_PAGE === "0"
        ? undefined
        : inlineContent({ modulesDir: modules.fsPath, entry: "main.js", chunks: preloads, moduleUrl, stylesDir: media.fsPath, styles, styleUrl }),
  });
}
