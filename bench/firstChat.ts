// The first chat after a window opens, many times over: the figure bench/chatStart.ts measures
// three times per run, here BENCH_RUNS (default 5) times for Pi and for the floor extension (a
// webview that does nothing else: an editor panel, and a sidebar view as Pi's first chat is), in
// one code-server, in fresh windows and browser profiles, the order rotated each round so
// neither side always goes first.
// BENCH_FIRST_ENV=NAME=value adds a side: Pi in a second code-server with that variable set in
// its extension host (an A/B in one run, as bench:delta does it).
// BENCH_FIRST_POLL=1 also measures the instrument: each side watched by the probe as the benches
// use it (a MutationObserver) and by the 4 ms DOM poll they used before 2026-12-03.
// Each side twice (BENCH_FIRST_WAIT): Enter as soon as the workbench shows, and once the window
// has started (onStartupFinished fired; see WAITS).
// Run: npm run bench:first
import * as path from "node:path";
import type { Browser, Page } from "playwright-core";
import type { CodeServer } from "../test/e2e/codeServer";
import { runBench, VSIX, withBenchRig } from "./benchRig";
import { readLog } from "./chatStartHost";
import { type ChatTiming, type FirstWait, fig, frameOf, inFreshFolder, median, windowAndFirstChat } from "./chatStart";
import { type ProbeMode, probeScript } from "./chatStartProbe";
import { FLOOR_COMMAND, FLOOR_VIEW_COMMAND, packageFloorVsix } from "./floorExtension/packageVsix";

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const WITH_POLL = process.env.BENCH_FIRST_POLL === "1";
/** When the palette's Enter comes (chatStart.ts FirstWait): BENCH_FIRST_WAIT=painted|started|both (default both). */
const WAITS: FirstWait[] = process.env.BENCH_FIRST_WAIT === "painted" || process.env.BENCH_FIRST_WAIT === "started" ? [process.env.BENCH_FIRST_WAIT] : ["painted", "started"];
const [ENV_NAME, ENV_VALUE] = (process.env.BENCH_FIRST_ENV ?? "").split("=");
/** Pi's first chat, as a user opens it; every other side is a floor. */
const PI_COMMAND = "Pi: New Session";

interface Side {
  label: string;
  server: CodeServer;
  logFile: string;
  command: string;
  probe: ProbeMode;
  wait: FirstWait;
  /** startedAfter: "started", how long after the workbench showed the window had started (ms). */
  runs: Array<ChatTiming & { loads: string[]; piReady?: number; startedAfter?: number }>;
}

/**
 * What the chat page loaded and when, in ms after the palette's Enter (`t0`, epoch ms): its
 * document, then each file (the browser's resource timing), as "start–end name".
 */
async function pageLoads(page: Page, chatId: string, t0: number): Promise<string[]> {
  const frame = await frameOf(page, chatId).catch(() => undefined);
  if (!frame) return [];
  const entries = await frame.evaluate(() => {
    const origin = performance.timeOrigin;
    const nav = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming | undefined;
    const list = (performance.getEntriesByType("resource") as PerformanceResourceTiming[]).map((e) => ({ name: e.name.split("/").pop() ?? e.name, start: origin + e.startTime, end: origin + e.responseEnd }));
    return [{ name: "(frame's time origin)", start: origin, end: origin + (nav?.domContentLoadedEventEnd ?? 0) }, ...list];
  });
  return entries.map((e) => `${(e.start - t0).toFixed(0)}–${(e.end - t0).toFixed(0)} ${e.name.slice(0, 60)}`);
}

/** A fresh folder in a fresh window and browser profile, and its first chat by `side.command`. */
function firstChatIn(browser: Browser, side: Side, folder: string): Promise<Side["runs"][number]> {
  return inFreshFolder(
    browser,
    folder,
    async (context) => {
      const { page, chat, startedAfter } = await windowAndFirstChat(context, side.server, folder, side.command, side.logFile, side.wait);
      // When the chat's pi (its own, or the spare it took) said it was ready, after Enter.
      const piLine = readLog(side.logFile).find((l) => l.t >= chat.enter && l.text.includes(`chat ${chat.chatId}: pi ready`));
      return { ...chat, loads: await pageLoads(page, chat.chatId, chat.enter), piReady: piLine ? piLine.t - chat.enter : undefined, startedAfter };
    },
    probeScript(side.probe),
  );
}

async function main(): Promise<void> {
  await withBenchRig("firstchat", { requests: [], more: [], delayMs: 100 }, async ({ root, browser, startServer }) => {
    const logFile = path.join(root, "pi.log");
    const server = await startServer(logFile, {}, [VSIX, packageFloorVsix(path.join(root, "pi-floor.vsix"))]);
    const envLog = path.join(root, "pi-env.log");
    const envServer = ENV_NAME ? await startServer(envLog, { [ENV_NAME]: ENV_VALUE ?? "" }, [VSIX]) : undefined;
    const modes: ProbeMode[] = WITH_POLL ? ["observe", "poll"] : ["observe"];
    const sides: Side[] = modes.flatMap((probe) =>
      WAITS.flatMap((wait) => {
        const tag = [WITH_POLL ? `probe: ${probe}` : "", WAITS.length > 1 ? `Enter when ${wait}` : ""].filter(Boolean).join(", ");
        const label = (name: string) => (tag ? `${name} (${tag})` : name);
        const side = (name: string, s: CodeServer, log: string, command: string): Side => ({ label: label(name), server: s, logFile: log, command, probe, wait, runs: [] });
        return [
          side("Pi", server, logFile, PI_COMMAND),
          ...(envServer ? [side(`Pi, ${ENV_NAME}=${ENV_VALUE ?? ""}`, envServer, envLog, PI_COMMAND)] : []),
          side("floor", server, logFile, FLOOR_COMMAND),
          // Pi's first chat is its sidebar view: the same floor in a sidebar view.
          side("floor, sidebar", server, logFile, FLOOR_VIEW_COMMAND),
        ];
      }),
    );
    // One window per code-server first, not measured: the first webview a fresh code-server
    // shows took ~5 s to get its page frame (4 runs of 4), whichever side it was.
    for (const side of [...new Map(sides.map((s) => [s.server, s])).values()]) await firstChatIn(browser, side, path.join(root, `warm-up-${sides.indexOf(side)}`));
    for (let i = 0; i < RUNS; i++) {
      const order = sides.map((_, k) => sides[(k + i) % sides.length]);
      for (const [k, side] of order.entries()) {
        side.runs.push(await firstChatIn(browser, side, path.join(root, `w-${i}-${k}`)));
      }
      console.log(`round ${i + 1}/${RUNS}: ${order.map((s) => `${s.label} ${s.runs[s.runs.length - 1].ready.toFixed(0)}`).join(", ")} ms`);
    }
    console.log(`\nthe first chat after the window opens (palette Enter → ${"webview"} shows it ready), n=${RUNS} each`);
    const cols: Array<[string, (r: Side["runs"][number]) => number | undefined]> = [
      ["ready", (r) => r.ready],
      ["composer visible", (r) => r.input],
      ["webview element", (r) => r.view],
      ["page frame", (r) => r.born],
      // The page's own part, whatever VS Code and pi took: its frame → its composer shown.
      ["page frame → composer", (r) => (r.input === undefined || r.born === undefined ? undefined : r.input - r.born)],
      ["pi ready (its log)", (r) => r.piReady],
    ];
    console.log(`${"side".padEnd(44)} ${cols.map(([name]) => name.padEnd(26)).join(" ")}`);
    for (const s of sides) console.log(`${s.label.padEnd(44)} ${cols.map(([, of]) => fig(s.runs.map(of)).padEnd(26)).join(" ")}`);
    // Where the time went in the median window of each side.
    for (const s of sides) {
      const byReady = [...s.runs].sort((a, b) => a.ready - b.ready);
      const mid = byReady[Math.floor(byReady.length / 2)];
      if (!mid) continue;
      console.log(`\n${s.label}, median window: element ${mid.view?.toFixed(0)}, page frame ${mid.born?.toFixed(0)}, composer ${mid.input?.toFixed(0)}, ready ${mid.ready.toFixed(0)} ms after Enter`);
      for (const line of [...mid.loads, ...mid.log]) console.log(`    ${line}`);
    }
    console.log("");
    const ready = (s: Side) => median(s.runs.map((r) => r.ready));
    for (const s of sides.filter((x) => x.wait === "started")) console.log(`${s.label}: the window had started ${fig(s.runs.map((r) => r.startedAfter))} after its workbench showed`);
    for (const probe of modes) {
      for (const wait of WAITS) {
        const mine = sides.filter((s) => s.probe === probe && s.wait === wait);
        const floors = mine.filter((s) => s.command !== PI_COMMAND);
        for (const pi of mine.filter((s) => s.command === PI_COMMAND)) {
          const over = floors.map((f) => `${(ready(pi) - ready(f)).toFixed(0)} ms over ${f.label}`).join(", ");
          console.log(`${pi.label}: ${ready(pi).toFixed(0)} ms, ${over}; goal: ≤ 1500 ms median: ${ready(pi) <= 1500 ? "met" : "MISSED"}`);
        }
      }
    }
    if (WITH_POLL) {
      // Sides of the two probes come in the same order (waits, then Pi, the A/B side, the floors).
      for (const [k, observe] of sides.filter((s) => s.probe === "observe").entries()) {
        const poll = sides.filter((s) => s.probe === "poll")[k];
        console.log(`what the 4 ms poll cost ${observe.label}'s first chat, medians: ${(ready(poll) - ready(observe)).toFixed(0)} ms`);
      }
    }
  });
}

runBench(main);
