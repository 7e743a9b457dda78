// When the checkpoint before a message may start: the answer's first piece (a moment later, so
// its batch leaves first), a tool, the run's end, pi's exit, or a wait with nothing shown.
import * as assert from "node:assert/strict";
import { AnswerStart } from "../../src/host/chat/answerStart";
import type { PiEvent } from "../../src/pi/rpcTypes";

const event = (type: string) => ({ type }) as unknown as PiEvent;
const elapsed = async (p: Promise<unknown>) => {
  const t0 = performance.now();
  const why = await p;
  return { why, ms: performance.now() - t0 };
};

describe("AnswerStart: when the answer to a message has begun", () => {
  it("waits for the first streamed piece, then a moment for its batch to leave", async () => {
    const start = new AnswerStart();
    const begun = elapsed(start.next(5_000, 40));
    start.onEvent(event("agent_start"));
    start.onEvent(event("message_start"));
    start.onEvent(event("message_update"));
    const { why, ms } = await begun;
    assert.equal(why, "first piece");
    assert.ok(ms >= 35 && ms < 2_000, `resolved ${ms.toFixed(0)} ms after the piece`);
  });

  it("a tool starting or the run ending counts as begun", async () => {
    const start = new AnswerStart();
    for (const type of ["tool_execution_start", "agent_end"]) {
      const begun = start.next(5_000, 0);
      start.onEvent(event(type));
      assert.equal(await begun, "first piece", type);
    }
  });

  it("starts anyway when pi shows nothing for a while", async () => {
    const { why, ms } = await elapsed(new AnswerStart().next(60, 0));
    assert.equal(why, "waited");
    assert.ok(ms >= 55, `waited ${ms.toFixed(0)} ms`);
  });

  it("pi's exit, or the next message, settles a wait at once", async () => {
    const start = new AnswerStart();
    const first = elapsed(start.next(5_000, 0));
    const second = elapsed(start.next(5_000, 0));
    assert.equal((await first).why, "waited");
    assert.ok((await first).ms < 1_000);
    start.settle();
    assert.equal((await second).why, "waited");
    assert.ok((await second).ms < 1_000);
    // Events after that change nothing.
    start.onEvent(event("message_update"));
  });

  it("reports each run's first streamed piece once, whether or not a checkpoint waits", () => {
    let reported = 0;
    const start = new AnswerStart(() => reported++);
    for (const type of ["agent_start", "message_start", "message_update", "message_update", "agent_end"]) start.onEvent(event(type));
    assert.equal(reported, 1, "one report for the first run");
    for (const type of ["agent_start", "tool_execution_start", "message_update", "message_update"]) start.onEvent(event(type));
    assert.equal(reported, 2, "one more for the next run, at its first piece");
  });
});
