// Long sessions in the chat webview, measured end to end in real Chromium:
//  (a) a 10,000-message pi session file → real pi (--session) → get_messages → TranscriptBuilder
//      → snapshot; time from the snapshot reaching the page to its last item painted;
//  (b) bytes per streamed delta the host posts (real Chat + PatchBatcher), with 10 and
//      with 10,000 prior messages;
//  (c) 50,000 deltas recorded from the real host, replayed into the page on their recorded
//      schedule: longest main-thread task (longtask API, and from a trace: bench/mainThreadTasks.ts),
//      longest gap between frames, and how long the page took to show everything vs how long
//      the host took to emit it.
// Run: bash test/env/with-node24.sh npx tsx bench/webviewLong.ts
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Browser } from "playwright-core";
import type { Chat } from "../src/host/chat/chat";
import type { ChatSnapshot, PatchBatch } from "../src/protocol/transcript";
import { startPiFixture, waitFor, waitForStatus, type PiFixture } from "../test/support/piFixture";
import { writeSessionFile } from "../test/support/piSessionFile";
import { launchBrowser, openWebview, type WebviewHarness } from "../test/webview/harness";
import { traceTasks } from "./mainThreadTasks";

const PRIOR = 10_000;
const STREAM_DELTAS = 50_000;
const PAINT_RUNS = 5;
/** About a VS Code side bar. */
const VIEWPORT = { width: 480, height: 900 };

async function resume(fx: PiFixture, messages: number): Promise<Chat> {
  const file = writeSessionFile(fx.agentDir, fx.workspace, messages);
  const session = fx.host.createChat({ cwd: fx.workspace, sessionFile: file });
  await waitForStatus(session, "ready", 120_000);
  return session;
}

// ---------- the host side ----------

interface Recorded {
  /** ms since the first batch, as the host emitted them. */
  batches: Array<{ at: number; batch: PatchBatch }>;
}

async function record(session: Chat, prompt: string): Promise<Recorded> {
  const batches: Recorded["batches"] = [];
  let first = 0;
  let sawWorking = false;
  const off = session.onBatch((batch) => {
    const now = performance.now();
    first ||= now;
    batches.push({ at: now - first, batch });
    if (batch.patches.some((p) => p.op === "status" && p.status === "working")) sawWorking = true;
  });
  await session.prompt(prompt);
  await waitFor("the reply to end", () => sawWorking && session.status === "ready", 300_000);
  // The info refresh after the turn arrives a moment later.
  await new Promise((r) => setTimeout(r, 300));
  off();
  return { batches };
}

const bytes = (v: unknown) => Buffer.byteLength(JSON.stringify(v));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Posts that carry exactly one streamed delta (the slow script sends one every 20 ms). */
function perDelta(r: Recorded): { median: number; max: number; posts: number } {
  const sizes = r.batches.filter(({ batch }) => batch.patches.length === 1 && batch.patches[0].op === "append").map(({ batch }) => bytes(batch));
  return { median: median(sizes), max: Math.max(...sizes), posts: sizes.length };
}

// ---------- the page side (plain strings: tsx would wrap named inner functions in a helper the page lacks) ----------

/** Resolves with ms from posting the snapshot to the first frame that shows its last item in view. */
const PAINT_SCRIPT = `(lastId) => new Promise((resolve) => {
  const t0 = performance.now();
  window.__event("snapshot", window.__big);
  const check = () => {
    const sc = document.querySelector('[data-testid="transcript"]');
    const el = sc && sc.querySelector('[data-id="' + lastId + '"]');
    if (el) {
      const r = el.getBoundingClientRect(), v = sc.getBoundingClientRect();
      if (r.top < v.bottom && r.bottom > v.top) return resolve({ ms: performance.now() - t0, items: sc.querySelectorAll("[data-id]").length });
    }
    requestAnimationFrame(check);
  };
  requestAnimationFrame(check);
})`;

/** Replays recorded batches on their schedule; watches long tasks and frame gaps until the end shows. */
const STREAM_SCRIPT = `({ liveId }) => new Promise((resolve) => {
  const batches = window.__batches;
  const longTasks = [];
  const po = new PerformanceObserver((list) => { for (const e of list.getEntries()) longTasks.push(e.duration); });
  po.observe({ type: "longtask" });
  let last = 0, maxGap = 0, frames = 0, posted = 0, slow = 0;
  const t0 = performance.now();
  for (const { at, batch } of batches) setTimeout(() => { window.__event("patches", batch); posted++; }, at);
  const frame = (ts) => {
    if (last) { maxGap = Math.max(maxGap, ts - last); if (ts - last > 50) slow++; }
    last = ts;
    frames++;
    if (posted === batches.length) {
      const msg = document.querySelector('[data-id="' + liveId + '"] [data-testid="assistant-message"]');
      const status = document.querySelector('[data-testid="status"]');
      if (msg && msg.getAttribute("aria-busy") === "false" && status && status.textContent === "ready") {
        po.disconnect();
        const items = document.querySelectorAll('[data-testid="transcript"] [data-id]').length;
        return setTimeout(() => resolve({ ms: performance.now() - t0, longest: Math.max(0, ...longTasks), longTasks: longTasks.length, maxGap, frames, slow, items }), 0);
      }
    }
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
})`;

async function pageWith(browser: Browser, snapshot: ChatSnapshot): Promise<WebviewHarness> {
  const w = await openWebview(browser, snapshot);
  await w.page.setViewportSize(VIEWPORT);
  return w;
}

async function firstPaint(browser: Browser, snapshot: ChatSnapshot): Promise<Array<{ ms: number; items: number }>> {
  const lastId = snapshot.items[snapshot.items.length - 1].id;
  const runs: Array<{ ms: number; items: number }> = [];
  for (let i = 0; i < PAINT_RUNS; i++) {
    // A fresh page each run: nothing measured, nothing cached.
    const w = await pageWith(browser, { ...snapshot, items: [], seq: 0 });
    await w.page.evaluate((s) => ((window as unknown as { __big: unknown }).__big = s, 0), snapshot);
    runs.push(await w.page.evaluate(`(${PAINT_SCRIPT})(${JSON.stringify(lastId)})`));
    await w.close();
  }
  return runs;
}

/**
 * The same batches on the same schedule with the scripted flood's letters turned into prose
 * (words, paragraphs; same length): a 50,000-letter single word is not what a model writes,
 * and laying one out is a text-shaping stress test of its own.
 */
function asProse(rec: Recorded): Recorded {
  let j = 0;
  const prose = (delta: string) =>
    Array.from(delta, (c) => {
      const k = j++ % 600;
      return k >= 598 ? "\n" : k % 7 === 6 ? " " : c;
    }).join("");
  return {
    batches: rec.batches.map(({ at, batch }) => ({
      at,
      batch: { ...batch, patches: batch.patches.map((p) => (p.op === "append" ? { ...p, delta: prose(p.delta) } : p)) },
    })),
  };
}

async function stream(browser: Browser, snapshot: ChatSnapshot, rec: Recorded) {
  const add = rec.batches.flatMap(({ batch }) => batch.patches).find((p) => p.op === "add" && p.item.kind === "assistant");
  if (add?.op !== "add") throw new Error("no assistant message in the recorded stream");
  const w = await pageWith(browser, snapshot);
  const page = w.page;
  await page.locator(`[data-id="${snapshot.items[snapshot.items.length - 1].id}"]`).waitFor();
  await page.evaluate((b) => ((window as unknown as { __batches: unknown }).__batches = b, 0), rec.batches);
  const stop = await traceTasks(page);
  const result: { ms: number; longest: number; longTasks: number; maxGap: number; frames: number; slow: number; items: number } = await page.evaluate(
    `(${STREAM_SCRIPT})(${JSON.stringify({ liveId: add.item.id })})`,
  );
  const tasks = await stop();
  await w.close();
  return { ...result, tasks };
}

function streamRows(title: string, s: Awaited<ReturnType<typeof stream>>, emitMs: number): Array<[string, string, string, boolean]> {
  return [
    [title, "", "", true],
    ["    longest main-thread task (longtask)", `${s.longest.toFixed(0)} ms (${s.longTasks} over 50 ms)`, "≤ 50 ms", s.longest <= 50],
    [
      "    longest main-thread task (trace)",
      `${s.tasks.longest.toFixed(0)} ms, ${s.tasks.longestCpu.toFixed(0)} ms CPU (most CPU in a task ${s.tasks.maxCpu.toFixed(0)} ms; ${s.tasks.over16} over 16 ms)`,
      "≤ 16 ms",
      s.tasks.longest <= 16,
    ],
    ["    longest gap between frames", `${s.maxGap.toFixed(0)} ms (${s.slow} of ${s.frames} gaps over 50 ms)`, "≤ 50 ms", s.maxGap <= 50],
    ["    page stream time / host emit time", `${s.ms.toFixed(0)} / ${emitMs.toFixed(0)} ms = ${(s.ms / emitMs).toFixed(3)}x`, "≈ 1x", s.ms / emitMs <= 1.1],
    ["    item elements in the DOM at the end", String(s.items), "< 200", s.items < 200],
  ];
}

// ---------- run ----------

async function main(): Promise<void> {
  console.log(`node ${process.version}, ${new Date().toISOString()}; viewport ${VIEWPORT.width}x${VIEWPORT.height}; ${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(1)}`);
  const fx = await startPiFixture();
  // A 10,000-message history is far past the model's window: keep pi from compacting it away.
  const settingsPath = path.join(fx.agentDir, "settings.json");
  fs.writeFileSync(settingsPath, JSON.stringify({ ...JSON.parse(fs.readFileSync(settingsPath, "utf8")), compaction: { enabled: false } }));
  let browser: Browser | undefined;
  try {
    const small = await resume(fx, 10);
    const smallDelta = perDelta(await record(small, "slow 60"));
    await fx.host.dispose(small.id);

    const t0 = performance.now();
    const big = await resume(fx, PRIOR);
    const resumeMs = performance.now() - t0;
    const snapshot = big.snapshot();
    const bigDelta = perDelta(await record(big, "slow 60"));
    const before = big.snapshot();
    const flood = await record(big, `flood ${STREAM_DELTAS}`);
    const emitMs = flood.batches[flood.batches.length - 1].at;
    const floodBytes = flood.batches.reduce((sum, { batch }) => sum + bytes(batch), 0);

    browser = await launchBrowser();
    const paints = await firstPaint(browser, snapshot);
    const s = await stream(browser, before, flood);
    const prose = asProse(flood);
    const p = await stream(browser, before, prose);
    // The same stream over a 10-item chat: what is left is the streamed message's own cost.
    const p10 = await stream(browser, { ...before, items: before.items.slice(-10) }, prose);

    const paintMs = paints.map((p) => p.ms);
    const rows: Array<[string, string, string, boolean]> = [
      [`(a) snapshot → last item painted (${snapshot.items.length} items, median of ${PAINT_RUNS})`, `${median(paintMs).toFixed(0)} ms (max ${Math.max(...paintMs).toFixed(0)})`, "≤ 300 ms", median(paintMs) <= 300],
      ["    snapshot size (JSON)", `${(bytes(snapshot) / 1024 / 1024).toFixed(2)} MB`, "", true],
      ["    item elements in the DOM after first paint", String(paints[0].items), "< 200", paints[0].items < 200],
      ["(b) bytes per streamed delta, 10 prior messages", `${smallDelta.median} B (max ${smallDelta.max}, ${smallDelta.posts} posts)`, "≤ 1 KB", smallDelta.max <= 1024],
      [`    bytes per streamed delta, ${PRIOR} prior messages`, `${bigDelta.median} B (max ${bigDelta.max}, ${bigDelta.posts} posts)`, "≤ 1 KB, same", bigDelta.max <= 1024 && Math.abs(bigDelta.median - smallDelta.median) <= 16],
      [`    flood of ${STREAM_DELTAS} deltas as posted`, `${flood.batches.length} posts, ${(floodBytes / STREAM_DELTAS).toFixed(2)} B/delta`, "", true],
      ...streamRows(`(c) ${STREAM_DELTAS} deltas as recorded (one 50,000-letter word)`, s, emitMs),
      ...streamRows(`(c') the same batches as prose (words, paragraphs), ${before.items.length} prior items`, p, emitMs),
      ...streamRows("    the same prose stream over only 10 prior items (for comparison)", p10, emitMs),
    ];
    const w0 = Math.max(...rows.map((r) => r[0].length));
    const w1 = Math.max(...rows.map((r) => r[1].length));
    console.log(`(resume of the ${PRIOR}-message session through pi: ${resumeMs.toFixed(0)} ms; load at the end ${os.loadavg()[0].toFixed(1)})`);
    console.log(`${"measure".padEnd(w0)}  ${"result".padEnd(w1)}  goal`);
    for (const [name, value, goal, ok] of rows) console.log(`${name.padEnd(w0)}  ${value.padEnd(w1)}  ${goal}${goal ? (ok ? "  ok" : "  MISSED") : ""}`);
  } finally {
    await browser?.close();
    await fx.cleanup();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
