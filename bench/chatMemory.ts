// Extension-host memory per open chat, beyond pi's own process (goal: ≤ 10 MB per chat, flat
// from 10 to 10,000 messages). The real host — ChatHost, Chat, TranscriptBuilder, checkpoint
// stores — runs here as in the extension host; every chat resumes a pi session file through a
// real pi and gets a stand-in for a webview: its snapshot and every patch batch serialized as
// the messenger would post them, and one page of older items, as a user scrolling up asks.
// Figures are after forced GC, against the same process with no chat open (measured after a
// warm-up chat, so loading the code is not charged to the first chat). The scripted model runs
// in a child process: it keeps every request body, and those are not the host's.
// Run: npm run bench:memory   (or: bash test/env/with-node24.sh node --expose-gc --import tsx bench/chatMemory.ts [K])
import { type ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as v8 from "node:v8";
import * as vm from "node:vm";
import { offlinePiEnv, writeDemoAgentDir } from "../src/demo/demoAgentDir";
import { startScriptedModel } from "../src/demo/scriptedModel";
import type { Chat } from "../src/host/chat/chat";
import { ChatHost } from "../src/host/chatHost";
import { defaultPiCliPath } from "../src/host/piPaths";
import { waitFor } from "../test/support/piFixture";
import { writeSessionFile } from "../test/support/piSessionFile";

const SIZES = [10, 10_000] as const;
const GOAL_MB = 10;
const FLOOD = 20_000;
const MB = 1024 * 1024;

interface Memory {
  heapUsed: number;
  external: number;
  /** What V8 holds for its heap, used or not, after an ordinary full GC. */
  heapTotal: number;
  rss: number;
  /** The same two after a compacting GC (what V8's memory reducer would get back to). */
  heapTotalCompacted: number;
  rssCompacted: number;
}

type GcFunction = (options?: { type: "major"; execution: "sync"; flavor: "regular" | "last-resort" }) => void;

/** V8's gc, with or without --expose-gc (run-all runs under plain tsx). */
function gcFunction(): GcFunction {
  const exposed = (globalThis as { gc?: GcFunction }).gc;
  if (exposed) return exposed;
  v8.setFlagsFromString("--expose-gc");
  return vm.runInNewContext("gc") as GcFunction;
}
const gc = gcFunction();

/**
 * Memory after full collections (three: weak callbacks and finalizers free more on later ones),
 * then after a compacting one. An ordinary full GC frees the garbage of a resume (pi's history
 * parsed, ~20 MB for 10,000 messages) but V8 keeps the pages: heapTotal and RSS stay up, also
 * after 40 s idle (tried). The compacting GC shows what of that is live.
 */
async function settled(): Promise<Memory> {
  for (let i = 0; i < 3; i++) {
    await new Promise((r) => setTimeout(r, 50));
    gc();
  }
  // external already counts arrayBuffers (Buffers of pi's pipes).
  const { heapUsed, heapTotal, external, rss } = process.memoryUsage();
  gc({ type: "major", execution: "sync", flavor: "last-resort" });
  const compacted = process.memoryUsage();
  return { heapUsed, external, heapTotal, rss, heapTotalCompacted: compacted.heapTotal, rssCompacted: compacted.rss };
}

function piRss(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** The scripted model in its own process; resolves with its base URL. */
function startModelProcess(): Promise<{ baseUrl: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [...process.execArgv, __filename, "--model-server"], { stdio: ["ignore", "pipe", "inherit"] });
  return new Promise((resolve, reject) => {
    child.stdout?.setEncoding("utf8");
    child.stdout?.once("data", (line: string) => resolve({ baseUrl: line.trim(), child }));
    child.once("exit", (code) => reject(new Error(`the model server exited (${code})`)));
  });
}

/** What a webview costs the host: the opening snapshot, every batch and snapshot posted, one page scrolled up. */
function attachView(chat: Chat): () => void {
  const post = (value: unknown) => void JSON.stringify(value);
  const offs = [chat.onBatch(post), chat.onSnapshot(post), chat.settings.attachViewer("vscode")];
  const snapshot = chat.snapshot();
  post(snapshot);
  if (snapshot.older && snapshot.items[0]) post(chat.olderItems(snapshot.items[0].id));
  return () => offs.forEach((off) => off());
}

async function streamOne(chat: Chat, prompt: string): Promise<void> {
  let sawWorking = false;
  const off = chat.onStatus((s) => (sawWorking ||= s === "working"));
  await chat.prompt(prompt);
  await waitFor("the reply to end", () => sawWorking && chat.status === "ready", 300_000);
  off();
  // The turn's checkpoint and the info refresh come right after.
  await chat.review.idle();
  await new Promise((r) => setTimeout(r, 300));
}

export interface MemoryRow {
  label: string;
  perChat: Memory;
  piRss: number;
}

export interface MemoryReport {
  chats: number;
  baseline: Memory;
  rows: MemoryRow[];
  /** Per size: growth of the whole host after one streamed answer of FLOOD deltas in one chat. */
  streamed: Array<{ label: string; growth: Memory; messageBytes: number }>;
  /** Host memory after every chat was closed again, against the baseline. */
  afterClose: Memory;
}

/** With CHAT_MEMORY_HEAP_DIR set, a heap snapshot at each step (to see what holds the memory). */
function heapSnapshot(step: string): void {
  const dir = process.env.CHAT_MEMORY_HEAP_DIR;
  if (dir) console.log(`heap snapshot: ${v8.writeHeapSnapshot(path.join(dir, `chat-memory-${step}.heapsnapshot`))}`);
}

const MEMORY_KEYS = ["heapUsed", "external", "heapTotal", "rss", "heapTotalCompacted", "rssCompacted"] as const;

const diff = (a: Memory, b: Memory, per = 1): Memory => {
  const out = { ...a };
  for (const key of MEMORY_KEYS) out[key] = (a[key] - b[key]) / per;
  return out;
};

export async function runChatMemory(chats = 6): Promise<MemoryReport> {
  const { baseUrl, child } = await startModelProcess();
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "pi-vscode-mem-"));
  const agentDir = path.join(root, "agent");
  const workspace = path.join(root, "workspace");
  fs.mkdirSync(path.join(workspace, "src"), { recursive: true });
  for (let i = 0; i < 20; i++) fs.writeFileSync(path.join(workspace, "src", `file${i}.ts`), `export const v${i} = ${i};\n`);
  writeDemoAgentDir(agentDir, baseUrl);
  // A 10,000-message history is far past the model's window: keep pi from compacting it away.
  const settingsPath = path.join(agentDir, "settings.json");
  fs.writeFileSync(settingsPath, JSON.stringify({ ...JSON.parse(fs.readFileSync(settingsPath, "utf8")), compaction: { enabled: false } }));
  // As the extension runs it: a checkpoint store per folder (review, rewind); no process cap, so all K stay up.
  const host = new ChatHost({
    piCliPath: defaultPiCliPath(path.join(__dirname, "..")),
    env: () => offlinePiEnv(agentDir),
    log: () => undefined,
    maxProcesses: () => 0,
    checkpoints: { storesRoot: path.join(root, "checkpoints") },
  });
  const views = new Map<string, () => void>();
  const open = async (messages: number): Promise<Chat> => {
    const chat = host.createChat({ cwd: workspace, sessionFile: writeSessionFile(agentDir, workspace, messages) });
    // Fail at once when pi cannot start, with the reason the chat shows.
    await waitFor("pi to start", () => chat.status !== "starting", 180_000);
    if (chat.status !== "ready") throw new Error(`pi did not start (${chat.status}): ${JSON.stringify(chat.snapshot().items.at(-1))}`);
    views.set(chat.id, attachView(chat));
    return chat;
  };
  const closeAll = async () => {
    for (const chat of host.chats()) {
      views.get(chat.id)?.();
      views.delete(chat.id);
      await host.dispose(chat.id);
    }
  };
  // Its own function: an array of chats left in a finished loop's registers stays reachable
  // from the stack and would read as a leak after the chats were closed.
  const measureSize = async (size: number): Promise<{ row: MemoryRow; stream: MemoryReport["streamed"][number] }> => {
    const opened: Chat[] = [];
    for (let i = 0; i < chats; i++) opened.push(await open(size));
    const withChats = await settled();
    heapSnapshot(`open-${size}`);
    const pis = opened.map((c) => piRss(c.pid));
    const row = { label: `${size} messages`, perChat: diff(withChats, baseline, chats), piRss: pis.reduce((a, b) => a + b, 0) / pis.length };
    await streamOne(opened[0], `flood ${FLOOD}`);
    const after = await settled();
    const answer = [...opened[0].snapshot().items].reverse().find((item) => item.kind === "assistant");
    const stream = { label: `${size} messages`, growth: diff(after, withChats), messageBytes: answer ? Buffer.byteLength(JSON.stringify(answer)) : 0 };
    opened.length = 0;
    await closeAll();
    return { row, stream };
  };
  let baseline: Memory = { heapUsed: 0, external: 0, heapTotal: 0, rss: 0, heapTotalCompacted: 0, rssCompacted: 0 };
  try {
    // Warm-up: load and compile everything a chat uses (and open the folder's checkpoint store).
    await streamOne(await open(10), "hello");
    await closeAll();
    baseline = await settled();
    heapSnapshot("baseline");
    const rows: MemoryRow[] = [];
    const streamed: MemoryReport["streamed"] = [];
    for (const size of SIZES) {
      const { row, stream } = await measureSize(size);
      rows.push(row);
      streamed.push(stream);
    }
    const afterClose = diff(await settled(), baseline);
    heapSnapshot("closed");
    return { chats, baseline, rows, streamed, afterClose };
  } finally {
    await host.stopAll();
    child.kill();
    fs.rmSync(root, { recursive: true, force: true });
  }
}

const mb = (n: number, sign = true) => `${sign && n >= 0 ? "+" : ""}${(n / MB).toFixed(2)} MB`;

export function printChatMemory(r: MemoryReport): void {
  console.log(`chat memory: the host process after GC, ${r.chats} chats per size, each with a view (snapshot, batches, one page of older items)`);
  // `compactedOnly`: the ordinary figures of the step before were taken before its compaction, so they do not compare.
  const cells = (m: Memory, sign = true, compactedOnly = false) => MEMORY_KEYS.map((key) => (compactedOnly && (key === "heapTotal" || key === "rss") ? "" : mb(m[key], sign)));
  const table: string[][] = [["", "heapUsed", "external", "heapTotal", "rss", "heapTotal¹", "rss¹", "pi's RSS", "goal"]];
  table.push(["zero chats (the baseline itself)", ...cells(r.baseline, false), "", ""]);
  for (const row of r.rows) {
    const live = row.perChat.heapUsed + row.perChat.external;
    const verdict = live <= GOAL_MB * MB && row.perChat.rssCompacted <= GOAL_MB * MB ? "ok" : "MISSED";
    table.push([`per chat, ${row.label}`, ...cells(row.perChat), mb(row.piRss, false), `heap+external, rss¹ ≤ ${GOAL_MB} MB: ${verdict}`]);
  }
  const [small, big] = r.rows;
  if (small && big) table.push(["per chat, 10,000 minus 10 messages", ...cells(diff(big.perChat, small.perChat)), "", "flat: ≈ 0"]);
  for (const s of r.streamed) table.push([`host after ${FLOOD} deltas in one chat of ${s.label}`, ...cells(s.growth, true, true), "", `≈ the message (${mb(s.messageBytes, false)})`]);
  table.push(["all chats closed, against the baseline", ...cells(r.afterClose), "", "≈ 0"]);
  const widths = table[0].map((_, i) => Math.max(...table.map((row) => row[i].length)));
  for (const row of table) console.log(`  ${row.map((c, i) => (i === 0 || i === row.length - 1 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ")}`);
  console.log("  ¹ after a compacting GC; the rest after ordinary full GCs");
}

if (require.main === module) {
  if (process.argv.includes("--model-server")) {
    void startScriptedModel().then((m) => console.log(m.baseUrl));
  } else {
    const k = Number(process.argv[2] ?? 6);
    console.log(`node ${process.version}, ${new Date().toISOString()}; ${os.cpus().length} cores`);
    runChatMemory(k).then(printChatMemory, (err: unknown) => {
      console.error(err);
      process.exit(1);
    });
  }
}
