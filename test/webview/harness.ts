// Loads the real webview modules (main.js and its chunks, as esbuild.mjs builds them) in real
// Chromium, under the same CSP as in VS Code, with a
// stand-in for acquireVsCodeApi that records what the app posts and lets a test play the host:
// it answers each action request as the router does (`{ok, result}` or `{ok: false, error}`)
// and sends host events under the event table's method names.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as path from "node:path";
import type { Browser, Page } from "playwright-core";
import type { ChatSnapshot, PatchBatch } from "../../src/protocol/transcript";
import { eventMethod, VIEW_EVENTS, type ViewEventData, type ViewEventName } from "../../src/protocol/viewEvents";
import { launchBrowser } from "../e2e/workbench";
import { buildWebview, MODULE_NAME } from "../support/webviewBuild";
import { chatPageHtml, pagePreloads } from "../../src/host/chatPage";
import { inlineContent } from "../../src/host/inlinePage";

const ROOT = path.join(__dirname, "..", "..");
const NONCE = "dGVzdG5vbmNl";

export interface WebviewHarness {
  page: Page;
  url: string;
  /** Messages the app posted to the "host". */
  sent(): Promise<Array<{ method?: string; params?: unknown; id?: string }>>;
  /** The snapshot request (and any later resync) returns this snapshot. */
  setSnapshot(snapshot: ChatSnapshot): Promise<void>;
  patches(batch: PatchBatch): Promise<void>;
  /** A host event, as the host's notification of that event. */
  event<E extends ViewEventName>(name: E, data: ViewEventData<E>): Promise<void>;
  violations(): Promise<string[]>;
  /** Uncaught errors and console errors of the page. */
  errors(): string[];
  close(): Promise<void>;
}

/** The notification method of each host event (from the event table). */
const EVENT_METHODS = Object.fromEntries((Object.keys(VIEW_EVENTS) as ViewEventName[]).map((name) => [name, eventMethod(name)]));

// `__replies[method]` is the action's result, or a whole reply when it has a boolean `ok`
// (a refusal: `{ ok: false, error: { code, message } }`), or a function of the params that
// returns (or promises) one of those. Unlisted actions answer `{}`.
const INIT = `
  window.__sent = []; window.__violations = []; window.__state = undefined;
  const DEFAULT_REPLIES = {
    "pi/models": { models: [{ provider: "pi-demo", id: "pi-demo", name: "Pi demo", reasoning: false }], thinkingLevels: ["off"] },
    "pi/piSessions": { piSessions: [] },
  };
  const EVENT_METHODS = ${JSON.stringify(EVENT_METHODS)};
  document.addEventListener("securitypolicyviolation", (e) => window.__violations.push(e.violatedDirective + " " + e.blockedURI));
  const answer = (value) => (value && typeof value === "object" && typeof value.ok === "boolean" ? value : { ok: true, result: value });
  const reply = (m, value) => setTimeout(() => window.postMessage({ id: m.id, receiver: { type: "webview", webviewId: "t" }, sender: { type: "extension" }, result: answer(value) }, "*"));
  window.acquireVsCodeApi = () => ({
    postMessage(m) {
      window.__sent.push(JSON.parse(JSON.stringify(m)));
      if (m.id && m.method === "pi/snapshot") { if (window.__dropConnects > 0) window.__dropConnects--; else reply(m, window.__snapshot); }
      else if (m.id && m.method) {
        const replies = window.__replies || {};
        const value = m.method in replies ? replies[m.method] : m.method in DEFAULT_REPLIES ? DEFAULT_REPLIES[m.method] : {};
        if (typeof value === "function") Promise.resolve(value(m.params)).then((v) => reply(m, v));
        else reply(m, value);
      }
    },
    getState: () => window.__state,
    setState: (s) => { window.__state = s; },
  });
  window.__notify = (method, params) => window.postMessage({ method, params, receiver: { type: "webview", webviewId: "t" }, sender: { type: "extension" } }, "*");
  window.__event = (name, data) => window.__notify(EVENT_METHODS[name], data);
`;

/**
 * `initScript` runs in the page before its own scripts (to watch what it does from the start);
 * `beforeGoto` gets the page before it loads (to route its requests). `linked`: the page links
 * its files, as when a build cannot be inlined, instead of holding its first paint inline.
 */
export async function openWebview(
  browser: Browser,
  snapshot: ChatSnapshot,
  initScript = "",
  beforeGoto?: (page: Page) => Promise<void>,
  { linked = false }: { linked?: boolean } = {},
): Promise<WebviewHarness> {
  const modules = buildWebview();
  const css = fs.readFileSync(path.join(ROOT, "media", "chat.css"));
  // The icon font and its stylesheet, as the extension's media/ serves them.
  const media: Record<string, [string, Buffer]> = {
    "/codicons.css": ["text/css", fs.readFileSync(path.join(ROOT, "media", "codicons.css"))],
    "/codicon.ttf": ["font/ttf", fs.readFileSync(path.join(ROOT, "media", "codicon.ttf"))],
  };
  const pageHtml = (origin: string) => {
    const preloads = pagePreloads(modules, "main.js");
    const moduleUrl = (n: string) => `${origin}/webview/${n}`;
    const styles = ["codicons.css", "chat.css"];
    const inline = linked ? undefined : inlineContent({ modulesDir: modules, entry: "main.js", chunks: preloads, moduleUrl, stylesDir: path.join(ROOT, "media"), styles, styleUrl: (n) => `${origin}/${n}` });
    assert.ok(linked || inline, "the built page can be inlined");
    return chatPageHtml({ nonce: NONCE, resourceSource: "'self'", title: "Pi", styles: styles.map((n) => `/${n}`), script: moduleUrl("main.js"), preloads: preloads.map(moduleUrl), inline });
  };
  const server = http.createServer((req, res) => {
    const asset = media[req.url ?? ""];
    const name = req.url?.startsWith("/webview/") ? req.url.slice("/webview/".length) : undefined;
    if (asset) res.writeHead(200, { "content-type": asset[0] }).end(asset[1]);
    else if (name !== undefined) {
      const file = MODULE_NAME.test(name) ? path.join(modules, name) : undefined;
      if (file && fs.existsSync(file)) res.writeHead(200, { "content-type": "text/javascript" }).end(fs.readFileSync(file));
      else res.writeHead(404).end();
    } else if (req.url === "/chat.css") res.writeHead(200, { "content-type": "text/css" }).end(css);
    else
      res
        .writeHead(200, { "content-type": "text/html" })
        // The page the extension gives its webviews, its CSP included, with this server's URLs:
        // its first paint inline (an import map of data: URLs, styles by nonce), as in VS Code.
        .end(pageHtml(`http://${req.headers.host}`));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  await page.addInitScript(`${INIT}; window.__snapshot = ${JSON.stringify(snapshot)}; ${initScript}`);
  await beforeGoto?.(page);
  await page.goto(url);
  await page.locator('[data-testid="status"]').waitFor();
  return {
    page,
    url,
    sent: () => page.evaluate(() => (window as unknown as { __sent: Array<{ method?: string; params?: unknown; id?: string }> }).__sent),
    setSnapshot: async (s) => {
      await page.evaluate((snap) => {
        (window as unknown as { __snapshot: unknown }).__snapshot = snap;
      }, s);
    },
    patches: (batch) => page.evaluate((b) => (window as unknown as { __event(name: string, data: unknown): void }).__event("patches", b), batch),
    event: (name, data) => page.evaluate(([n, d]) => (window as unknown as { __event(name: string, data: unknown): void }).__event(n as string, d), [name, data] as const),
    violations: () => page.evaluate(() => (window as unknown as { __violations: string[] }).__violations),
    errors: () => errors,
    close: async () => {
      await page.close();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

export { launchBrowser };

/**
 * A webview test file's frame: one browser for the file, and the page a test opened (`suite.w`)
 * closed and checked after it (closeAndCheck). Call inside `describe`.
 */
export function webviewSuite(): { readonly browser: Browser; w?: WebviewHarness } {
  const suite = {} as { browser: Browser; w?: WebviewHarness };
  before(async () => {
    suite.browser = await launchBrowser();
  });
  after(async () => {
    await suite.browser?.close();
  });
  afterEach(async () => {
    const w = suite.w;
    suite.w = undefined;
    await closeAndCheck(w);
  });
  return suite;
}

export function snapshotWith(items: ChatSnapshot["items"], status: ChatSnapshot["status"] = "ready", seq = 1): ChatSnapshot {
  return { info: { chatId: "s1", cwd: "/ws", title: "ws", model: "pi-demo/pi-demo" }, status, items, seq };
}

/**
 * The end of every webview test: close the page first (a failed check must not leave its
 * server holding mocha open), then require that nothing broke the CSP and nothing threw.
 */
export async function closeAndCheck(w: WebviewHarness | undefined): Promise<void> {
  if (!w) return;
  const violations = await w.violations().catch((e: unknown) => [String(e)]);
  const errors = w.errors();
  await w.close();
  assert.deepEqual(violations, [], "no CSP violation (no inline scripts, styles or handlers)");
  assert.deepEqual(errors, [], "no page errors");
}
