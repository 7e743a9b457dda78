import * as assert from "node:assert/strict";
import { PassThrough } from "node:stream";
import { PiRpcClient, PiRpcError } from "../../src/pi/rpcClient";
import type { PiEvent } from "../../src/pi/rpcTypes";

function harness(timeoutMs = 1000) {
  const stdout = new PassThrough();
  const stdin = new PassThrough();
  const written: Array<Record<string, unknown>> = [];
  let buf = "";
  stdin.setEncoding("utf8");
  stdin.on("data", (d: string) => {
    buf += d;
    let i: number;
    while ((i = buf.indexOf("\n")) >= 0) {
      written.push(JSON.parse(buf.slice(0, i)) as Record<string, unknown>);
      buf = buf.slice(i + 1);
    }
  });
  const logs: string[] = [];
  const client = new PiRpcClient(stdout, stdin, { timeoutMs, log: (_l, m) => logs.push(m) });
  const emit = (v: unknown) => stdout.write(typeof v === "string" ? v : `${JSON.stringify(v)}\n`);
  const tick = () => new Promise((r) => setImmediate(r));
  return { client, written, emit, logs, tick };
}

describe("pi RPC client", () => {
  it("correlates responses to commands by id, in any order", async () => {
    const h = harness();
    const a = h.client.send({ type: "get_state" });
    const b = h.client.send({ type: "get_messages" });
    await h.tick();
    assert.equal(h.written.length, 2);
    const [ida, idb] = h.written.map((w) => w.id);
    assert.notEqual(ida, idb);
    h.emit({ type: "response", id: idb, command: "get_messages", success: true, data: { messages: [] } });
    h.emit({ type: "response", id: ida, command: "get_state", success: true, data: { chatId: "S" } });
    assert.deepEqual(await b, { messages: [] });
    assert.deepEqual(await a, { chatId: "S" });
  });

  it("rejects with pi's error text when a command fails", async () => {
    const h = harness();
    const p = h.client.send({ type: "prompt", message: "x" });
    await h.tick();
    h.emit({ type: "response", id: h.written[0].id, command: "prompt", success: false, error: "busy" });
    await assert.rejects(p, (e: unknown) => e instanceof PiRpcError && e.kind === "failed" && e.message === "busy");
  });

  it("times out a command pi never answers, and ignores the late answer", async () => {
    const h = harness(50);
    const p = h.client.send({ type: "get_state" });
    await assert.rejects(p, (e: unknown) => e instanceof PiRpcError && e.kind === "timeout");
    h.emit({ type: "response", id: h.written[0].id, command: "get_state", success: true, data: {} });
    await h.tick();
    assert.equal(h.client.skipped.unmatchedResponse, 1);
  });

  it("rejects pending and later commands once closed", async () => {
    const h = harness();
    const p = h.client.send({ type: "get_state" });
    h.client.close("exited with code 1");
    await assert.rejects(p, (e: unknown) => e instanceof PiRpcError && e.kind === "closed");
    await assert.rejects(h.client.send({ type: "abort" }), /not running/);
  });

  it("delivers events and skips garbage lines without throwing", async () => {
    const h = harness();
    const events: PiEvent[] = [];
    h.client.onEvent((e) => events.push(e));
    h.emit("this is not json\n");
    h.emit("[1,2,3]\n");
    h.emit('{"no":"type"}\n');
    h.emit({ type: "agent_start" });
    h.emit('{"type":"agent_end","messages":[],"willRetry":false}\n');
    await h.tick();
    assert.deepEqual(
      events.map((e) => e.type),
      ["agent_start", "agent_end"],
    );
    assert.equal(h.client.skipped.nonJson, 1);
    assert.equal(h.client.skipped.unknownShape, 2);
    assert.ok(h.logs.some((l) => l.includes("this is not json")));
  });

  it("routes extension UI requests to their own listener", async () => {
    const h = harness();
    const methods: string[] = [];
    h.client.onUiRequest((r) => methods.push(r.method));
    h.emit({ type: "extension_ui_request", id: "u1", method: "confirm", title: "Sure?", message: "really" });
    await h.tick();
    assert.deepEqual(methods, ["confirm"]);
    h.client.respondToUi({ type: "extension_ui_response", id: "u1", confirmed: true });
    await h.tick();
    assert.deepEqual(h.written[0], { type: "extension_ui_response", id: "u1", confirmed: true });
  });
});
