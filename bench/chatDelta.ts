// Enter → the answer's first streamed piece in a warm chat, many times over in one real VS Code
// window (code-server + Chromium, the packaged .vsix, real pi, the scripted model): a tighter
// median than bench/chatStart.ts's three per run, for changes worth a few ms. Each chat is a
// "Pi: New Session" that adopts the spare; its first message goes after a pause (BENCH_SETTLE_MS,
// the next spare warms meanwhile), its second right after the first answer.
// Two servers, interleaved chat by chat: as shipped, and with BENCH_DELTA_ENV (NAME=value) set in
// the extension host — how an experiment behind an environment switch is compared in one run —
// or with BENCH_DELTA_VSIX, another build of the extension (the baseline of a change to the page).
// It also shows which processes use the CPU in the 100 ms after Enter (bench/cpuSample.ts).
// BENCH_DELTA_FRESH=1 asks each chat in a window of its own, as bench:start does: a fresh folder
// and profile, its first chat (New Session) asked for as the workbench shows, then the measured
// chat — a young window, where VS Code still starts up beside the message.
// Beside it all, pi's own cold start (raw pi spawn → first get_state reply), twice per round.
// Run: npm run bench:delta (BENCH_CHATS=n, BENCH_CPU_WINDOW_MS=ms, BENCH_DELTA_COMMAND=editor for
// editor-tab chats instead of the sidebar's).
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Page } from "playwright-core";
import { runBench, withBenchRig } from "./benchRig";
import { type ChatTiming, fig, inFreshFolder, issue, measureDelta, median, openChat, openWindow, probedContext } from "./chatStart";
import { rawPiReady } from "./sessionStart";

const CHATS = Number(process.env.BENCH_CHATS ?? 10);
const SETTLE_MS = Number(process.env.BENCH_SETTLE_MS ?? 4_000);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** The moment after Enter whose CPU use is shown, per kind of process: about the first delta's time. */
const CPU_WINDOW_MS = Number(process.env.BENCH_CPU_WINDOW_MS ?? 100);
const EDITOR_COMMAND = "Pi: Open Chat in Editor";
/** "Pi: New Session" (the sidebar chat, replaced each time) or EDITOR_COMMAND (a tab, closed after). */
const COMMAND = process.env.BENCH_DELTA_COMMAND === "editor" ? EDITOR_COMMAND : "Pi: New Session";
const FRESH = process.env.BENCH_DELTA_FRESH === "1";

/** A VS Code of the comparison: the shipped .vsix unless `vsix`, with `env` in its extension host. */
interface Side {
  label: string;
  env: Record<string, string>;
  vsix?: string;
}

async function main(): Promise<void> {
  const [name, value] = (process.env.BENCH_DELTA_ENV ?? "").split("=");
  const otherVsix = process.env.BENCH_DELTA_VSIX;
  const requests: number[] = [];
  const rawMs: number[] = [];
  await withBenchRig("chatdelta", { requests, more: [" streams", " on."], delayMs: 100 }, async ({ root, agentDir, browser, startServer }) => {
    const sides: Side[] = [
      { label: "as shipped", env: {} },
      ...(name ? [{ label: `${name}=${value ?? ""}`, env: { [name]: value ?? "" } }] : []),
      ...(otherVsix ? [{ label: path.basename(otherVsix), env: {}, vsix: otherVsix }] : []),
    ];
    const windows = [];
    for (const [i, side] of sides.entries()) {
      const logFile = path.join(root, `side-${i}.log`);
      const folder = path.join(root, `side-${i}`);
      fs.mkdirSync(folder);
      const server = await startServer(logFile, side.env, side.vsix ? [side.vsix] : undefined);
      const page = FRESH ? undefined : await openWindow(await probedContext(browser), server, folder);
      windows.push({
        side,
        server,
        folder,
        page,
        logFile,
        first: [] as number[],
        painted: [] as number[],
        secondPainted: [] as number[],
        logs: [] as Array<{ first: string[]; second?: string[] }>,
        second: [] as number[],
        request: [] as number[],
        opened: [] as ChatTiming[],
        cpuFirst: new Map<string, number[]>(),
        cpuSecond: new Map<string, number[]>(),
      });
    }
    const rawDir = path.join(root, "raw");
    fs.mkdirSync(rawDir);
    for (let c = 0; c < CHATS; c++) {
      for (const w of windows) {
        // A young window of its own, or the one window of this side.
        const inWindow = async (body: (page: Page) => Promise<void>) => {
          if (w.page) return body(w.page);
          await inFreshFolder(browser, path.join(w.folder, `chat-${c}`), async (context) => {
            const page = await openWindow(context, w.server, path.join(w.folder, `chat-${c}`));
            await openChat(page, "Pi: New Session", w.logFile);
            await sleep(SETTLE_MS);
            await body(page);
          });
        };
        await inWindow(async (page) => {
          const chat = await openChat(page, COMMAND, w.logFile);
          w.opened.push(chat);
          await sleep(SETTLE_MS);
          const first = await measureDelta(page, chat.chatId, requests, w.logFile, CPU_WINDOW_MS);
          const second = await measureDelta(page, chat.chatId, requests, w.logFile, CPU_WINDOW_MS);
          if (first) w.first.push(first.ms);
          if (first?.paintedMs !== undefined) w.painted.push(first.paintedMs);
          if (second?.paintedMs !== undefined) w.secondPainted.push(second.paintedMs);
          // Beside w.first, index for index: a median first message's timeline and its second's.
          if (first) w.logs.push({ first: first.log, second: second?.log });
          if (first?.requestMs !== undefined) w.request.push(first.requestMs);
          if (second) w.second.push(second.ms);
          for (const [cpu, of] of [
            [first?.cpu, w.cpuFirst],
            [second?.cpu, w.cpuSecond],
          ] as const) {
            for (const [kind, ms] of cpu ?? []) of.set(kind, [...(of.get(kind) ?? []), ms]);
          }
          // A tab chat is closed again (its pi with it): the next one is as much a first tab.
          if (COMMAND === EDITOR_COMMAND && w.page) {
            await issue(page, "View: Close All Editors");
            await sleep(1_000);
          }
        });
      }
      for (let k = 0; k < 2; k++) rawMs.push(await rawPiReady(rawDir, agentDir));
    }
    console.log(`node ${process.version}, ${os.cpus().length} cpus, ${CHATS} chats a side (${COMMAND}${FRESH ? ", each in a young window" : ""}), ${new Date().toISOString()}`);
    console.log(`${"pi's own cold start".padEnd(28)} ${fig(rawMs)} (raw pi spawn → first get_state reply)`);
    for (const w of windows) {
      const ratio = (median(w.first) / median(rawMs)).toFixed(2);
      console.log(`${w.side.label.padEnd(28)} first message ${fig(w.first).padEnd(26)} ${ratio}× pi's start (model's request ${fig(w.request)})  second ${fig(w.second)}`);
      const paintedRatio = (median(w.painted) / median(rawMs)).toFixed(2);
      console.log(`${"".padEnd(28)} … on screen  ${fig(w.painted).padEnd(26)} ${paintedRatio}× (the frame showing it painted)  second ${fig(w.secondPainted)}`);
    }
    // How long each chat took to open (the spare adopted): the command's Enter → its parts.
    console.log(`\nopening each chat (${COMMAND}, the spare adopted), Enter →`);
    for (const w of windows) {
      const of = (f: (c: ChatTiming) => number | undefined) => fig(w.opened.map(f));
      console.log(
        `  ${w.side.label.padEnd(26)} ready ${of((c) => c.ready)}; webview element ${of((c) => c.view)}; page frame ${of((c) => c.born)}; composer ${of((c) => c.input)}`,
      );
    }
    console.log(`\nCPU ms per kind of process in the ${CPU_WINDOW_MS} ms after Enter (median of ${CHATS}), first / second message:`);
    for (const w of windows) {
      const kinds = [...new Set([...w.cpuFirst.keys(), ...w.cpuSecond.keys()])].sort();
      const cell = (m: Map<string, number[]>, k: string) => median(m.get(k) ?? [0]).toFixed(1);
      console.log(`  ${w.side.label}: ${kinds.map((k) => `${k} ${cell(w.cpuFirst, k)} / ${cell(w.cpuSecond, k)}`).join("; ")}`);
    }
    // Where the time of a median first message went, beside a second message's (the host's log and the page's).
    for (const w of windows) {
      const at = w.first.indexOf([...w.first].sort((a, b) => a - b)[Math.floor(w.first.length / 2)]);
      console.log(`\n${w.side.label}: the median first message (${w.first[at]?.toFixed(0)} ms), Enter →\n  ${(w.logs[at]?.first ?? []).join("\n  ")}`);
      console.log(`its second message, Enter →\n  ${(w.logs[at]?.second ?? []).join("\n  ")}`);
    }
    if (windows.length === 2) console.log(`difference of the first-message medians: ${(median(windows[1].first) - median(windows[0].first)).toFixed(0)} ms`);
  });
}

runBench(main);
