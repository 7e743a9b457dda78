// The page, its assets and the health check: nothing else on disk is ever served. The page's
// script is ES modules: an entry (remote.js) and the chunks it loads, all in dist/webview/
// and served only under names of one strict shape (no path, no dots but ".js").
import * as fs from "node:fs";
import * as path from "node:path";
import { API_PREFIX, HEALTH_PATH } from "../../protocol/serverPaths";
import { pagePreloads } from "../../host/chatPage";
import { HttpError, sendJson } from "../http";
import { apiRoute, type Route, type RouteContext, type RouteDeps } from "./route";

/** The static files, by URL. */
const ASSETS: Record<string, { file: string[]; type: string }> = {
  "/assets/chat.css": { file: ["media", "chat.css"], type: "text/css; charset=utf-8" },
  "/assets/review.css": { file: ["media", "review.css"], type: "text/css; charset=utf-8" },
  "/assets/codicons.css": { file: ["media", "codicons.css"], type: "text/css; charset=utf-8" },
  "/assets/codicon.ttf": { file: ["media", "codicon.ttf"], type: "font/ttf" },
  "/assets/pi.svg": { file: ["media", "pi.svg"], type: "image/svg+xml" },
  "/assets/icon.svg": { file: ["media", "icon.svg"], type: "image/svg+xml" },
  "/assets/icon-192.png": { file: ["media", "icon-192.png"], type: "image/png" },
  "/assets/icon-512.png": { file: ["media", "icon-512.png"], type: "image/png" },
  // Beside the page, not under assets/: a manifest's and a service worker's scope is their own
  // directory, and both must cover the page (whatever path prefix a proxy puts in front).
  "/manifest.webmanifest": { file: ["media", "manifest.webmanifest"], type: "application/manifest+json" },
  "/sw.js": { file: ["media", "sw.js"], type: "text/javascript; charset=utf-8" },
};

// Relative URLs: behind a path-prefix proxy (code-server's /proxy/<port>/, a reverse proxy's
// sub-path) the page still finds its assets and API.
export const indexHtml = (preloads: string[]) => `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<meta name="theme-color" content="#1e1e2e">
<link rel="stylesheet" href="assets/codicons.css">
<link rel="stylesheet" href="assets/chat.css">
<link rel="stylesheet" href="assets/review.css">
<link rel="icon" href="assets/pi.svg">
<link rel="apple-touch-icon" href="assets/icon-192.png">
<link rel="manifest" href="manifest.webmanifest">
${preloads.map((name) => `<link rel="modulepreload" href="assets/webview/${name}">\n`).join("")}<title>Pi</title>
</head>
<body data-pi-api="${API_PREFIX.slice(1)}">
<div id="app"></div>
<script type="module" src="assets/webview/remote.js"></script>
</body>
</html>
`;

/** Finds the directory holding dist/ and media/ (the repo, or the installed package). */
export function findAssetsRoot(fromDir: string = __dirname): string | undefined {
  for (let dir = fromDir; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, "media", "chat.css"))) return dir;
    if (path.dirname(dir) === dir) return undefined;
  }
}

/** The page's modules: the folder, and the only file names served from it. */
const MODULES_DIR = ["dist", "webview"];
const MODULE_NAME = /^[A-Za-z0-9_-]{1,100}\.js$/;
const JS_TYPE = "text/javascript; charset=utf-8";

async function sendFile(ctx: RouteContext, file: string, type: string, url: string): Promise<void> {
  let data: Buffer;
  try {
    data = await fs.promises.readFile(file);
  } catch {
    throw new HttpError(404, "not_found", `${url} is not built yet (run npm run build).`);
  }
  ctx.res.writeHead(200, { "Content-Type": type, "Content-Length": data.length, "Cache-Control": "no-cache" });
  ctx.res.end(data);
}

async function serveAsset(ctx: RouteContext, root: string | undefined, url: string): Promise<void> {
  const asset = ASSETS[url];
  if (!asset || !root) throw new HttpError(404, "not_found", "No such file.");
  await sendFile(ctx, path.join(root, ...asset.file), asset.type, url);
}

/** One module of the page: a plain file name in dist/webview/, nothing else. */
async function serveModule(ctx: RouteContext, root: string | undefined): Promise<void> {
  const name = ctx.params.file ?? "";
  if (!root || !MODULE_NAME.test(name)) throw new HttpError(404, "not_found", "No such file.");
  await sendFile(ctx, path.join(root, ...MODULES_DIR, name), JS_TYPE, `/assets/webview/${name}`);
}

export function staticRoutes(deps: RouteDeps): Route[] {
  const page = indexHtml(deps.assetsRoot ? pagePreloads(path.join(deps.assetsRoot, ...MODULES_DIR), "remote.js") : []);
  return [
    {
      method: "GET",
      path: "/",
      auth: false,
      body: false,
      handle: ({ res }) => {
        res.writeHead(200, { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-cache" });
        res.end(page);
      },
    },
    ...Object.keys(ASSETS).map((url): Route => ({ method: "GET", path: url, auth: false, body: false, handle: (ctx) => serveAsset(ctx, deps.assetsRoot, url) })),
    { method: "GET", path: "/assets/webview/:file", auth: false, body: false, handle: (ctx) => serveModule(ctx, deps.assetsRoot) },
    apiRoute("GET", HEALTH_PATH, { auth: false }, (ctx) =>
      deps.fleet ? deps.fleet.health(ctx, deps) : sendJson(ctx.res, 200, { status: deps.isShuttingDown() ? "shutting_down" : "ok", activeChats: deps.host.chats().length }),
    ),
  ];
}
