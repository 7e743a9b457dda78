import * as assert from "node:assert/strict";
import { TranscriptBuilder } from "../../src/host/transcriptBuilder";
import type { PiEvent } from "../../src/pi/rpcTypes";
import { applyPatch, emptyState, stateFromSnapshot, snapshotFromState, type ChatPatch } from "../../src/protocol/transcript";

const ev = (e: Record<string, unknown>) => e as unknown as PiEvent;
const delta = (text: string, contentIndex = 0, type = "text_delta") => ev({ type: "message_update", assistantMessageEvent: { type, contentIndex, delta: text } });

function build(events: PiEvent[]) {
  const patches: ChatPatch[] = [];
  const b = new TranscriptBuilder((p) => patches.push(p));
  events.forEach((e) => b.handleEvent(e));
  return { b, patches };
}

describe("transcript builder", () => {
  it("hides the system message, starts assistant text empty and rebuilds it from deltas", () => {
    const { b, patches } = build([
      ev({ type: "agent_start" }),
      ev({ type: "message_start", message: { role: "system", content: "secret prompt" } }),
      ev({ type: "message_start", message: { role: "user", content: [{ type: "text", text: "hi" }] } }),
      ev({ type: "message_start", message: { role: "assistant", content: [{ type: "text", text: "a" }] } }),
      delta("a"),
      delta("b"),
      ev({ type: "message_end", message: { role: "assistant", content: [{ type: "text", text: "ab" }], stopReason: "stop" } }),
      ev({ type: "agent_settled" }),
    ]);
    const items = b.state.items;
    assert.deepEqual(items.map((i) => i.kind), ["user", "assistant"]);
    const a = items[1];
    assert.ok(a.kind === "assistant" && a.blocks[0].type === "text" && a.blocks[0].text === "ab" && !a.streaming);
    assert.ok(!patches.some((p) => p.op === "replace"), "no whole-message resend when deltas were complete");
    assert.equal(b.state.status, "ready");
    assert.ok(!JSON.stringify(items).includes("secret prompt"));
  });

  it("keeps thinking and text in separate blocks even when pi's content index counts tool calls", () => {
    const { b } = build([
      ev({ type: "message_start", message: { role: "assistant", content: [] } }),
      delta("hmm", 0, "thinking_delta"),
      delta("answer", 1),
    ]);
    const a = b.state.items[0];
    assert.ok(a.kind === "assistant");
    assert.deepEqual(a.blocks, [
      { type: "thinking", text: "hmm" },
      { type: "text", text: "answer" },
    ]);
  });

  it("sends only new tool output when pi's cumulative partial result grows, and resets otherwise", () => {
    const part = (text: string) => ({ content: [{ type: "text", text }] });
    const { b, patches } = build([
      ev({ type: "tool_execution_start", toolCallId: "t1", toolName: "bash", args: { command: "ls" } }),
      ev({ type: "tool_execution_update", toolCallId: "t1", partialResult: part("one\n") }),
      ev({ type: "tool_execution_update", toolCallId: "t1", partialResult: part("one\ntwo\n") }),
      ev({ type: "tool_execution_end", toolCallId: "t1", result: part("replaced"), isError: true }),
    ]);
    const outs = patches.filter((p) => p.op === "toolOutput");
    assert.deepEqual(
      outs.map((p) => (p.op === "toolOutput" ? [p.delta, !!p.reset] : [])),
      [
        ["one\n", false],
        ["two\n", false],
        ["replaced", true],
      ],
    );
    const tool = b.state.items[0];
    assert.ok(tool.kind === "tool" && tool.status === "error" && tool.output === "replaced");
  });

  it("a view that applies the patches ends with the host's state", () => {
    const { b, patches } = build([
      ev({ type: "message_start", message: { role: "user", content: "q" } }),
      ev({ type: "message_start", message: { role: "assistant", content: [] } }),
      delta("x".repeat(10)),
      ev({ type: "tool_execution_start", toolCallId: "t", toolName: "read", args: { path: "a" } }),
      ev({ type: "tool_execution_end", toolCallId: "t", result: { content: [{ type: "text", text: "file" }] }, isError: false }),
    ]);
    const view = emptyState();
    patches.forEach((p) => assert.ok(applyPatch(view, p)));
    assert.deepEqual(view.items, b.state.items);
  });

  it("applyPatch reports an unknown item so the view can resync", () => {
    const s = emptyState();
    assert.equal(applyPatch(s, { op: "append", itemId: "nope", block: 0, blockType: "text", delta: "x" }), false);
    assert.equal(applyPatch(s, { op: "finish", itemId: "nope" }), false);
  });

  it("rebuilds items from history on resume, pairing tool results with their calls", () => {
    const b = new TranscriptBuilder(() => undefined);
    b.loadHistory([
      { role: "system", content: "x" },
      { role: "user", content: [{ type: "text", text: "do it" }] },
      { role: "assistant", content: [{ type: "text", text: "ok" }, { type: "toolCall", id: "c1", name: "write", arguments: { path: "f" } }], stopReason: "toolUse" },
      { role: "toolResult", toolCallId: "c1", toolName: "write", content: [{ type: "text", text: "wrote" }], isError: false },
    ]);
    assert.deepEqual(b.state.items.map((i) => i.kind), ["user", "assistant", "tool"]);
    const tool = b.state.items[2];
    assert.ok(tool.kind === "tool" && tool.output === "wrote" && tool.name === "write");
    const roundTrip = stateFromSnapshot(snapshotFromState(b.state, { chatId: "s", cwd: "/w", title: "w" }));
    assert.deepEqual(roundTrip.items, b.state.items);
    assert.equal(roundTrip.index.get(tool.id), 2);
  });
});
