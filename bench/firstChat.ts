// The first chat after a window opens, many times over: the figure bench/chatStart.ts measures
// three times per run, here BENCH_RUNS (default 5) times for Pi and for the floor extension (a
// webview that does nothing else), in one code-server, in fresh windows and browser profiles,
// the order rotated each round so neither side always goes first.
// It also measures the instrument: each window is watched either by the probe as the benches use
// it (a MutationObserver) or by the 4 ms DOM poll they used before 2026-12-03 (BENCH_FIRST_POLL=0
// leaves that side out): what the poll itself cost a window that was starting.
// Run: npm run bench:first
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { offlinePiEnv, writeDemoAgentDir } from "../src/demo/demoAgentDir";
import { startCodeServer, type CodeServer } from "../test/e2e/codeServer";
import { launchBrowser } from "../test/e2e/workbench";
import { processesInCwd } from "../test/support/processes";
import type { Page } from "playwright-core";
import { type ChatTiming, fig, frameOf, median, openChat, openWindow, probedContext, startDeltaModel } from "./chatStart";
import { type ProbeMode, probeScript } from "./chatStartProbe";
import { FLOOR_COMMAND, packageFloorVsix } from "./floorExtension/packageVsix";

const VSIX = path.join(__dirname, "..", "dist", "pi-vscode.vsix");
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const WITH_POLL = process.env.BENCH_FIRST_POLL !== "0";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Side {
  label: string;
  command: string;
  probe: ProbeMode;
  runs: Array<ChatTiming & { loads: string[] }>;
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

async function main(): Promise<void> {
  if (!fs.existsSync(VSIX)) throw new Error(`${VSIX} is missing: run 'npm run package' first`);
  const model = await startDeltaModel([], [], 100);
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "pi-vscode-firstchat-"));
  const agentDir = path.join(root, "agent");
  writeDemoAgentDir(agentDir, model.baseUrl);
  const logFile = path.join(root, "pi.log");
  let server: CodeServer | undefined;
  const browser = await launchBrowser();
  try {
    server = await startCodeServer({
      workspace: root,
      vsixPath: [VSIX, packageFloorVsix(path.join(root, "pi-floor.vsix"))],
      env: { ...offlinePiEnv(agentDir), PI_VSCODE_LOG_FILE: logFile },
      machineSettings: {},
    });
    const modes: ProbeMode[] = WITH_POLL ? ["observe", "poll"] : ["observe"];
    const sides: Side[] = modes.flatMap((probe) => [
      { label: `Pi (probe: ${probe})`, command: "Pi: New Session", probe, runs: [] },
      { label: `floor (probe: ${probe})`, command: FLOOR_COMMAND, probe, runs: [] },
    ]);
    for (let i = 0; i < RUNS; i++) {
      const order = sides.map((_, k) => sides[(k + i) % sides.length]);
      for (const [k, side] of order.entries()) {
        const folder = path.join(root, `w-${i}-${k}`);
        fs.mkdirSync(folder);
        fs.writeFileSync(path.join(folder, "README.md"), `# ${i}-${k}\n`);
        const context = await probedContext(browser, probeScript(side.probe));
        try {
          const page = await openWindow(context, server, folder);
          const chat = await openChat(page, side.command, logFile);
          side.runs.push({ ...chat, loads: await pageLoads(page, chat.chatId, chat.enter) });
        } finally {
          await context.close();
          const deadline = Date.now() + 20_000;
          while (processesInCwd(folder).length && Date.now() < deadline) await sleep(250);
        }
      }
      console.log(`round ${i + 1}/${RUNS}: ${order.map((s) => `${s.label} ${s.runs[s.runs.length - 1].ready.toFixed(0)}`).join(", ")} ms`);
    }
    console.log(`\nthe first chat after the window opens (palette Enter → ${"webview"} shows it ready), n=${RUNS} each`);
    console.log(`${"side".padEnd(26)} ${"ready".padEnd(26)} ${"composer visible".padEnd(26)} ${"webview element".padEnd(26)} page frame`);
    for (const s of sides) {
      console.log(`${s.label.padEnd(26)} ${fig(s.runs.map((r) => r.ready)).padEnd(26)} ${fig(s.runs.map((r) => r.input)).padEnd(26)} ${fig(s.runs.map((r) => r.view)).padEnd(26)} ${fig(s.runs.map((r) => r.born))}`);
    }
    // Where the time went in the median window of each side.
    for (const s of sides) {
      const byReady = [...s.runs].sort((a, b) => a.ready - b.ready);
      const mid = byReady[Math.floor(byReady.length / 2)];
      if (!mid) continue;
      console.log(`\n${s.label}, median window: element ${mid.view?.toFixed(0)}, page frame ${mid.born?.toFixed(0)}, composer ${mid.input?.toFixed(0)}, ready ${mid.ready.toFixed(0)} ms after Enter`);
      for (const line of [...mid.loads, ...mid.log]) console.log(`    ${line}`);
    }
    console.log("");
    for (const probe of modes) {
      const [pi, floor] = sides.filter((s) => s.probe === probe);
      console.log(`Pi − floor (probe: ${probe}), medians: ${(median(pi.runs.map((r) => r.ready)) - median(floor.runs.map((r) => r.ready))).toFixed(0)} ms; goal: Pi ≤ 1500 ms median: ${median(pi.runs.map((r) => r.ready)) <= 1500 ? "met" : "MISSED"}`);
    }
    if (WITH_POLL) {
      for (const kind of ["Pi", "floor"]) {
        const [observe, poll] = sides.filter((s) => s.label.startsWith(kind));
        console.log(`what the 4 ms poll cost ${kind}'s first chat, medians: ${(median(poll.runs.map((r) => r.ready)) - median(observe.runs.map((r) => r.ready))).toFixed(0)} ms`);
      }
    }
  } finally {
    await browser.close();
    await server?.stop();
    await model.close();
    fs.rmSync(root, { recursive: true, force: true, maxRetries: 3 });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
