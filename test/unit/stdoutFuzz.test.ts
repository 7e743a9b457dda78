// 10,000 malformed, oversized and interleaved lines on pi's stdout: the client must skip them
// all, keep correlating commands, and the transcript must equal the one built from the valid
// events alone.
import * as assert from "node:assert/strict";
import { PassThrough } from "node:stream";
import { TranscriptBuilder } from "../../src/host/transcriptBuilder";
import { PiRpcClient } from "../../src/pi/rpcClient";

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

const valid = [
  { type: "agent_start" },
  { type: "message_start", message: { role: "user", content: [{ type: "text", text: "q" }] } },
  { type: "message_start", message: { role: "assistant", content: [] } },
  ...Array.from({ length: 200 }, (_, i) => ({ type: "message_update", assistantMessageEvent: { type: "text_delta", contentIndex: 0, delta: `d${i} ` } })),
  { type: "tool_execution_start", toolCallId: "t1", toolName: "bash", args: { command: "ls" } },
  { type: "tool_execution_end", toolCallId: "t1", result: { content: [{ type: "text", text: "ok" }] }, isError: false },
  { type: "agent_settled" },
];

function garbage(r: () => number, i: number): string {
  switch (i % 10) {
    case 0: return "not json at all";
    case 1: return "{\"type\":";
    case 2: return JSON.stringify({ notype: i });
    case 3: return JSON.stringify([1, 2, 3]);
    case 4: return `\u0000\u0001\u0002${String(r())}`;
    case 5: return JSON.stringify({ type: "response", id: `ghost${i}`, command: "prompt", success: true });
    case 6: return JSON.stringify({ type: 42 });
    case 7: return "x".repeat(2000 + Math.floor(r() * 5000));
    case 8: return JSON.stringify({ type: "tool_execution_update", toolCallId: "unknown-tool", partialResult: { content: [] } });
    default: return JSON.stringify({ type: "message_update", assistantMessageEvent: { type: "text_delta", contentIndex: 0 } }).slice(0, 30);
  }
}

describe("pi stdout fuzz", () => {
  it("survives 10,000 malformed lines interleaved with a real event stream", async () => {
    const r = rng(7);
    const stdout = new PassThrough();
    const stdin = new PassThrough();
    stdin.resume();
    const client = new PiRpcClient(stdout, stdin, { timeoutMs: 5000 });
    const fuzzed = new TranscriptBuilder(() => undefined);
    client.onEvent((e) => fuzzed.handleEvent(e));
    const clean = new TranscriptBuilder(() => undefined);
    valid.forEach((e) => clean.handleEvent(e as never));

    const pending = client.send({ type: "get_state" });
    let id = "";
    stdin.once("data", (d: Buffer) => (id = (JSON.parse(d.toString()) as { id: string }).id));
    await new Promise((res) => setImmediate(res));

    let text = "";
    let garbageCount = 0;
    let v = 0;
    while (garbageCount < 10_000 || v < valid.length) {
      if (v < valid.length && (garbageCount >= 10_000 || r() < 0.03)) text += `${JSON.stringify(valid[v++])}\n`;
      else text += `${garbage(r, garbageCount++)}\n`;
    }
    text += `${JSON.stringify({ type: "response", id, command: "get_state", success: true, data: { ok: 1 } })}\n`;
    // Deliver in random-sized chunks so lines split anywhere.
    for (let at = 0; at < text.length; ) {
      const n = 1 + Math.floor(r() * 4096);
      stdout.write(text.slice(at, at + n));
      at += n;
    }
    assert.deepEqual(await pending, { ok: 1 }, "the command still gets its answer");
    assert.equal(garbageCount, 10_000);
    const skipped = client.skipped.nonJson + client.skipped.unknownShape + client.skipped.unmatchedResponse;
    assert.ok(skipped >= 7_000, `most garbage was skipped at the framing layer (${skipped})`);
    const withoutIds = (items: typeof clean.state.items) => items.map(({ id: _id, ...rest }) => rest);
    assert.deepEqual(withoutIds(fuzzed.state.items), withoutIds(clean.state.items), "the transcript equals the clean one");
    assert.equal(fuzzed.state.items.length, 3);
    assert.equal(fuzzed.state.status, "ready");
    console.log(`      fuzz: 10000 garbage lines survived, ${skipped} skipped by the client, the rest ignored by the transcript`);
  });
});
