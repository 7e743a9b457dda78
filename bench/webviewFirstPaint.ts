// The chat page in real Chromium, beside the page as it shipped before the split and paging
// (bench/baselinePage.ts, built in the same run), with a stand-in host as test/webview/harness.ts:
//  (a) first paint of a 100,000-message session: from navigation to the last item in view
//      (the page gets what the host sends: today the latest page and `older`, the baseline
//      every item), beside a two-message chat on the same page (the cost of loading the page);
//  (b) a 50,000-character unbroken token in an answer: the longest main-thread task and the
//      time to paint it, posted as a snapshot to a page already open (tasks from a trace:
//      bench/mainThreadTasks.ts); on an empty page (its first markdown: the code's first run
//      counts) and on one that has shown an answer, each beside the same with a 10-char token;
//      and the same token streamed into an open answer, a batch of 500 characters a frame.
// Run: bash test/env/with-node24.sh npx tsx bench/webviewFirstPaint.ts
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as path from "node:path";
import type { Browser, Page } from "playwright-core";
import { type ChatItem, type ChatSnapshot, snapshotFromState, stateFromSnapshot } from "../src/protocol/transcript";
import { launchBrowser } from "../test/e2e/workbench";
import { chatPageHtml, pagePreloads } from "../src/host/chatPage";
import { buildWebview } from "../test/support/webviewBuild";
import { buildBaselinePage, type PageBuild } from "./baselinePage";
import { type Tasks, traceTasks } from "./mainThreadTasks";

const MESSAGES = 100_000;
const TOKEN = 50_000;
const RUNS = 3;
/** The token case is quick and noisy on a loaded machine: more runs. */
const TOKEN_RUNS = 5;
const VIEWPORT = { width: 480, height: 900 };
const ROOT = path.join(__dirname, "..");

const INIT = `
  window.__longTasks = [];
  new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__longTasks.push(e.duration); }).observe({ type: "longtask", buffered: true });
  const answer = (value) => ({ ok: true, result: value });
  const reply = (m, value) => setTimeout(() => window.postMessage({ id: m.id, receiver: { type: "webview", webviewId: "t" }, sender: { type: "extension" }, result: answer(value) }, "*"));
  window.acquireVsCodeApi = () => ({
    postMessage(m) {
      if (m.id && m.method === "pi/snapshot") reply(m, window.__snapshot);
      else if (m.id && m.method === "pi/models") reply(m, { models: [], thinkingLevels: ["off"] });
      else if (m.id && m.method === "pi/piSessions") reply(m, { piSessions: [] });
      else if (m.id) reply(m, {});
    },
    getState: () => undefined,
    setState: () => {},
  });
  window.__event = (name, data) => window.postMessage({ method: "pi/event/" + name, params: data, receiver: { type: "webview", webviewId: "t" }, sender: { type: "extension" } }, "*");
`;

/** Resolves, once the item `lastId` is in view, with ms since `t0` and the longest task so far. */
const WAIT_SCRIPT = `([lastId, t0]) => new Promise((resolve) => {
  const check = () => {
    const sc = document.querySelector('[data-testid="transcript"]');
    const el = sc && sc.querySelector('[data-id="' + lastId + '"]');
    if (el) {
      const r = el.getBoundingClientRect(), v = sc.getBoundingClientRect();
      if (r.top < v.bottom && r.bottom > v.top && r.height > 0)
        return setTimeout(() => resolve({ ms: performance.now() - t0, longest: Math.max(0, ...window.__longTasks) }), 0);
    }
    requestAnimationFrame(check);
  };
  check();
})`;

function serve(page: PageBuild): Promise<{ url: string; close(): Promise<void> }> {
  const css = fs.readFileSync(path.join(ROOT, "media", "chat.css"));
  const server = http.createServer((req, res) => {
    const name = req.url?.startsWith("/webview/") ? req.url.slice("/webview/".length) : undefined;
    if (name !== undefined) {
      const file = /^[A-Za-z0-9_-]+\.js$/.test(name) ? path.join(page.dir, name) : undefined;
      if (file && fs.existsSync(file)) res.writeHead(200, { "content-type": "text/javascript" }).end(fs.readFileSync(file));
      else res.writeHead(404).end();
    } else if (req.url === "/chat.css") res.writeHead(200, { "content-type": "text/css" }).end(css);
    else if (page.module)
      // Today's page as the extension writes it (CSP, modulepreload links and all).
      res
        .writeHead(200, { "content-type": "text/html" })
        .end(chatPageHtml({ nonce: "bench", resourceSource: "'self'", title: "Pi", styles: ["/chat.css"], script: `/webview/${page.entry}`, preloads: pagePreloads(page.dir, page.entry).map((n) => `/webview/${n}`) }));
    else
      res
        .writeHead(200, { "content-type": "text/html" })
        .end(`<!DOCTYPE html><html><head><link rel="stylesheet" href="/chat.css"></head><body><div id="app"></div><script src="/webview/${page.entry}"></script></body></html>`);
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () =>
      resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, close: () => new Promise<void>((r) => server.close(() => r())) }),
    ),
  );
}

async function open(browser: Browser, url: string, snapshot: ChatSnapshot): Promise<Page> {
  const page = await browser.newPage({ viewport: VIEWPORT });
  await page.addInitScript(`${INIT}; window.__snapshot = ${JSON.stringify(snapshot)};`);
  await page.goto(url);
  return page;
}

const info = { chatId: "s1", cwd: "/ws", title: "ws", model: "pi-demo/pi-demo" };
const snapshotOf = (items: ChatItem[]): ChatSnapshot => ({ info, status: "ready", items, seq: 1 });

function session(n: number): ChatItem[] {
  const items: ChatItem[] = [];
  for (let i = 0; i < n; i++)
    items.push(
      i % 2 === 0
        ? { kind: "user", id: `m${i}`, text: `Question ${i}: what does line ${i} of the file do?` }
        : { kind: "assistant", id: `m${i}`, blocks: [{ type: "text", text: `Line ${i - 1} **sets** \`x\` to ${i}; the next one reads it back.` }], streaming: false },
    );
  return items;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function firstPaint(browser: Browser, url: string, snapshot: ChatSnapshot): Promise<{ ms: number; longest: number }> {
  const ms: number[] = [];
  const longest: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const page = await open(browser, url, snapshot);
    const r = (await page.evaluate(`(${WAIT_SCRIPT})(${JSON.stringify([snapshot.items[snapshot.items.length - 1].id, 0])})`)) as { ms: number; longest: number };
    ms.push(r.ms);
    longest.push(r.longest);
    await page.close();
  }
  return { ms: median(ms), longest: median(longest) };
}

/** An answer the page has already shown: its markdown code has run before (not the first answer of a fresh page). */
const EARLIER: ChatItem = { kind: "assistant", id: "a0", blocks: [{ type: "text", text: "An **earlier** answer with `code`:\n\n- one\n- two" }], streaming: false };

/**
 * An answer holding a token of `length` characters, posted in a snapshot to an open page:
 * `warm`, a page that has shown an answer before; else an empty one (its first markdown).
 */
async function hugeToken(browser: Browser, url: string, length: number, warm: boolean): Promise<{ ms: number; longest: number; tasks: Tasks }> {
  const runs: Array<{ ms: number; longest: number; tasks: Tasks }> = [];
  const text = `Here it is:\n\n${"x".repeat(length)}\n\nThat was it.`;
  const before: ChatItem[] = warm ? [EARLIER] : [];
  const snap = {
    ...snapshotOf([
      ...before,
      { kind: "user", id: "u1", text: "Send a long token" },
      { kind: "assistant", id: "a1", blocks: [{ type: "text", text }], streaming: false },
    ]),
    seq: 2,
  };
  for (let i = 0; i < TOKEN_RUNS; i++) {
    const page = await open(browser, url, snapshotOf(before));
    await page.locator('[data-testid="status"]').waitFor();
    // Handed over first, so the trace holds the page's work and not the harness's 50 KB script.
    await page.evaluate((s) => ((window as unknown as { __tokenSnap: unknown }).__tokenSnap = s, 0), snap);
    await page.waitForTimeout(300);
    const stop = await traceTasks(page);
    const r = (await page.evaluate(`(() => {
      window.__longTasks.length = 0;
      const t0 = performance.now();
      window.__event("snapshot", window.__tokenSnap);
      return (${WAIT_SCRIPT})(["a1", t0]);
    })()`)) as { ms: number; longest: number };
    // Long tasks are reported after they end, and idle work may follow: give it a moment.
    await page.waitForTimeout(500);
    r.longest = Math.max(r.longest, ...((await page.evaluate("window.__longTasks")) as number[]));
    runs.push({ ...r, tasks: await stop() });
    await page.close();
  }
  const mid = (f: (r: (typeof runs)[number]) => number) => median(runs.map(f));
  return {
    ms: mid((r) => r.ms),
    longest: mid((r) => r.longest),
    tasks: { longest: mid((r) => r.tasks.longest), longestCpu: mid((r) => r.tasks.longestCpu), maxCpu: mid((r) => r.tasks.maxCpu), over16: mid((r) => r.tasks.over16) },
  };
}

/** How much of the token each streamed batch carries: one batch a frame, as the host batches deltas. */
const STREAM_PIECE = 500;

/**
 * The same token streamed: an answer open on the page gets it in batches of STREAM_PIECE
 * characters, one a frame (50,000 characters in 100 frames). The longest task while it streams,
 * and how long the page took to show all of it.
 */
async function streamedToken(browser: Browser, url: string, length: number): Promise<{ ms: number; tasks: Tasks }> {
  const runs: Array<{ ms: number; tasks: Tasks }> = [];
  const items: ChatItem[] = [EARLIER, { kind: "user", id: "u1", text: "Send a long token" }, { kind: "assistant", id: "a1", blocks: [{ type: "text", text: "Here it is:\n\n" }], streaming: true }];
  for (let i = 0; i < TOKEN_RUNS; i++) {
    const page = await open(browser, url, { ...snapshotOf(items), status: "working" });
    await page.locator('[data-id="a1"]').waitFor();
    await page.waitForTimeout(300);
    const stop = await traceTasks(page);
    const ms = (await page.evaluate(`new Promise((resolve) => {
      const t0 = performance.now();
      let sent = 0, seq = 1;
      const step = () => {
        if (sent < ${length}) {
          const n = Math.min(${STREAM_PIECE}, ${length} - sent);
          sent += n;
          window.__event("patches", { chatId: "s1", seq: ++seq, patches: [{ op: "append", itemId: "a1", block: 0, blockType: "text", delta: "x".repeat(n) }] });
          return requestAnimationFrame(step);
        }
        const check = () => {
          const el = document.querySelector('[data-id="a1"]');
          if (el && el.textContent.split("x").length - 1 >= ${length}) return resolve(performance.now() - t0);
          requestAnimationFrame(check);
        };
        check();
      };
      requestAnimationFrame(step);
    })`)) as number;
    await page.waitForTimeout(300);
    runs.push({ ms, tasks: await stop() });
    await page.close();
  }
  const mid = (f: (r: (typeof runs)[number]) => number) => median(runs.map(f));
  return { ms: mid((r) => r.ms), tasks: { longest: mid((r) => r.tasks.longest), longestCpu: mid((r) => r.tasks.longestCpu), maxCpu: mid((r) => r.tasks.maxCpu), over16: mid((r) => r.tasks.over16) } };
}

export async function runWebviewFirstPaint(): Promise<void> {
  const current: PageBuild = { dir: buildWebview(), entry: "main.js", module: true };
  const baseline = await buildBaselinePage();
  const all = session(MESSAGES);
  const paged = snapshotFromState(stateFromSnapshot(snapshotOf(all)), info);
  const full = snapshotOf(all);
  const browser = await launchBrowser();
  try {
    for (const [name, page, snap] of [
      ["now", current, paged],
      ["baseline", baseline, full],
    ] as const) {
      const server = await serve(page);
      const fp = await firstPaint(browser, server.url, snap);
      // The floor: the same page opening a two-message chat (what loading the page costs here).
      const floor = await firstPaint(browser, server.url, snapshotOf(all.slice(-2)));
      const mb = (Buffer.byteLength(JSON.stringify(snap)) / 1e6).toFixed(2);
      console.log(
        `${name.padEnd(8)} ${MESSAGES.toLocaleString("en")}-message session: first paint ${fp.ms.toFixed(0)} ms, longest task ${fp.longest.toFixed(0)} ms (snapshot ${snap.items.length} items, ${mb} MB); a 2-message chat: ${floor.ms.toFixed(0)} ms`,
      );
      // Beside each token, the same snapshot with a 10-character one: what any such snapshot costs.
      for (const warm of [false, true])
        for (const length of [TOKEN, 10]) {
          const tok = await hugeToken(browser, server.url, length, warm);
          const t = tok.tasks;
          const what = `${length.toLocaleString("en")}-char token${warm ? ", page warm" : ", first answer"}`;
          console.log(
            `${name.padEnd(8)} ${what.padEnd(33)} painted in ${tok.ms.toFixed(0)} ms, longest task ${t.longest.toFixed(0)} ms (${t.longestCpu.toFixed(0)} ms CPU; most CPU in a task ${t.maxCpu.toFixed(0)} ms; ${t.over16} over 16 ms; longtask API ${tok.longest.toFixed(0)} ms)`,
          );
        }
      const st = await streamedToken(browser, server.url, TOKEN);
      console.log(
        `${name.padEnd(8)} ${`${TOKEN.toLocaleString("en")}-char token, streamed`.padEnd(33)} shown in ${st.ms.toFixed(0)} ms, longest task ${st.tasks.longest.toFixed(0)} ms (${st.tasks.longestCpu.toFixed(0)} ms CPU; most CPU in a task ${st.tasks.maxCpu.toFixed(0)} ms; ${st.tasks.over16} over 16 ms)`,
      );
      await server.close();
    }
    console.log(`(medians of ${RUNS} runs, ${TOKEN_RUNS} for the token; streamed ${STREAM_PIECE} characters a frame; viewport ${VIEWPORT.width}×${VIEWPORT.height})`);
  } finally {
    await browser.close();
  }
}

if (require.main === module) void runWebviewFirstPaint();
