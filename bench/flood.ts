// The scripted model floods N one-character deltas; we time pi's own emission (its
// message_update events as they arrive on stdout) and what the host relays to views
// (coalesced patch batches), in the same run. Prints rates and the ratio.
import type { PatchBatch } from "../src/protocol/transcript";
import { startPiFixture, waitFor, waitForStatus } from "../test/support/piFixture";

export interface FloodResult {
  deltas: number;
  piEmitMs: number;
  hostRelayMs: number;
  posts: number;
  bytesPosted: number;
}

export async function runFlood(deltas: number): Promise<FloodResult> {
  const fx = await startPiFixture();
  try {
    const session = fx.host.createChat({ cwd: fx.workspace });
    await waitForStatus(session, "ready", 30_000);
    // Watch pi's stdout events directly (same process, same clock); the process lives in the chat's core.
    const proc = (session as unknown as { core: { process: { rpc: { onEvent(l: (e: { type: string; assistantMessageEvent?: { type: string } }) => void): void } } } }).core.process;
    let firstPi = 0;
    let lastPi = 0;
    let piDeltas = 0;
    proc.rpc.onEvent((e) => {
      if (e.type !== "message_update" || e.assistantMessageEvent?.type !== "text_delta") return;
      const now = performance.now();
      if (!firstPi) firstPi = now;
      lastPi = now;
      piDeltas++;
    });
    let relayed = 0;
    let lastPost = 0;
    let posts = 0;
    let bytes = 0;
    session.onBatch((batch: PatchBatch) => {
      posts++;
      bytes += JSON.stringify(batch).length;
      for (const p of batch.patches) if (p.op === "append") relayed += p.delta.length;
      lastPost = performance.now();
    });
    await session.prompt(`flood ${deltas}`);
    await waitFor("all deltas relayed", () => relayed >= deltas, 120_000);
    await waitForStatus(session, "ready", 30_000);
    if (piDeltas !== deltas) throw new Error(`pi emitted ${piDeltas} deltas, expected ${deltas}`);
    return { deltas, piEmitMs: lastPi - firstPi, hostRelayMs: lastPost - firstPi, posts, bytesPosted: bytes };
  } finally {
    await fx.cleanup();
  }
}

export function printFlood(r: FloodResult): void {
  const piRate = r.deltas / (r.piEmitMs / 1000);
  const hostRate = r.deltas / (r.hostRelayMs / 1000);
  console.log(`flood ${r.deltas} deltas:`);
  console.log(`  pi emit:     ${r.piEmitMs.toFixed(1)} ms  (${Math.round(piRate)} deltas/s)`);
  console.log(`  host relay:  ${r.hostRelayMs.toFixed(1)} ms  (${Math.round(hostRate)} deltas/s relayed in ${r.posts} posts, ${(r.posts / (r.hostRelayMs / 1000)).toFixed(0)} posts/s)`);
  console.log(`  ratio relay/emit time: ${(r.hostRelayMs / r.piEmitMs).toFixed(3)}x; bytes posted ${r.bytesPosted} (${(r.bytesPosted / r.deltas).toFixed(1)} B/delta)`);
}

if (require.main === module) {
  const n = Number(process.argv[2] ?? 20000);
  runFlood(n).then(printFlood, (err) => {
    console.error(err);
    process.exit(1);
  });
}
