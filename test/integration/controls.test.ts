// Session controls against a real pi: models, thinking levels, usage, the queue, and
// dialogs answered from the chat.
import * as assert from "node:assert/strict";
import * as path from "node:path";
import { assistantText, startPiFixture, waitFor, waitForStatus, type PiFixture } from "../support/piFixture";

describe("session controls with a real pi", function () {
  this.timeout(60_000);
  let fx: PiFixture;
  beforeEach(async () => {
    fx = await startPiFixture();
  });
  afterEach(async () => {
    await fx.cleanup();
  });

  it("lists models, switches model, and validates thinking levels against the model", async () => {
    const s = fx.host.createChat({ cwd: fx.workspace });
    await waitForStatus(s, "ready");
    const models = await s.settings.models();
    assert.deepEqual(
      models.map((m) => `${m.provider}/${m.id}`).filter((m) => m.startsWith("pi-demo/")).sort(),
      ["pi-demo/pi-demo", "pi-demo/pi-demo-thinking"],
    );
    assert.equal(s.info.model, "pi-demo/pi-demo");
    assert.deepEqual(await s.settings.thinkingLevels(), ["off"], "a non-reasoning model offers only 'off'");
    await assert.rejects(s.settings.setThinkingLevel("high"), /does not support thinking level "high"/);
    await assert.rejects(s.settings.setModel("pi-demo", "no-such-model"), /Unknown model/);
    await s.settings.setModel("pi-demo", "pi-demo-thinking");
    assert.equal(s.info.model, "pi-demo/pi-demo-thinking");
    const levels = await s.settings.thinkingLevels();
    assert.ok(levels.includes("high"), `reasoning model levels: ${levels.join(",")}`);
    await s.settings.setThinkingLevel("high");
    assert.equal(s.info.thinkingLevel, "high");
    await assert.rejects(s.settings.setThinkingLevel("ultra-mega"), /does not support/);
    const last = fx.model.requests.length;
    await s.prompt("think about it");
    await waitFor("the answer", () => assistantText(s.snapshot().items).includes("about it"));
    assert.equal(fx.model.requests[last].model, "pi-demo-thinking", "the next request uses the new model");
  });

  it("reports usage after a turn", async () => {
    const s = fx.host.createChat({ cwd: fx.workspace });
    await waitForStatus(s, "ready");
    await s.prompt("hello usage");
    await waitFor("usage", () => (s.info.usage?.totalTokens ?? 0) > 0 && s.info.usage);
    const u = s.info.usage;
    assert.ok(u && u.inputTokens > 100 && u.outputTokens > 0, JSON.stringify(u));
    assert.equal(u?.contextWindow, 128000);
    assert.ok(u?.contextPercent !== undefined && u.contextPercent > 0 && u.contextPercent < 100);
  });

  it("queues messages typed while pi works, shows the queue, and clears it", async () => {
    const s = fx.host.createChat({ cwd: fx.workspace });
    await waitForStatus(s, "ready");
    await s.prompt("slow 300");
    await waitForStatus(s, "working");
    await s.prompt("queued one");
    await s.prompt("queued two");
    await waitFor("the queue", () => (s.info.queue?.followUp.length ?? 0) === 2);
    assert.deepEqual(s.info.queue?.followUp, ["queued one", "queued two"]);
    await s.clearQueue();
    await waitFor("an empty queue", () => s.info.queue?.followUp.length === 0);
    await s.steer("steer now");
    await waitFor("the steer to be delivered", () => s.snapshot().items.some((i) => i.kind === "user" && i.text === "steer now"), 20_000);
    await waitForStatus(s, "ready", 30_000);
    assert.ok(!s.snapshot().items.some((i) => i.kind === "user" && i.text.startsWith("queued")), "cleared messages never ran");
  });

  it("a second message sent before pi reports it started is queued, not refused", async () => {
    // Fails before the runPending fix (pi: "Agent is already processing"): the chat's status
    // still said "ready" because agent_start had not arrived yet.
    const s = fx.host.createChat({ cwd: fx.workspace });
    await waitForStatus(s, "ready");
    const first = s.prompt("hello first");
    await s.prompt("hello second");
    await first;
    await waitFor("both answers", () => assistantText(s.snapshot().items).includes("second"), 30_000);
    const users = s.snapshot().items.filter((i) => i.kind === "user").map((i) => (i.kind === "user" ? i.text : ""));
    assert.deepEqual(users, ["hello first", "hello second"]);
    assert.ok(!s.snapshot().items.some((i) => i.kind === "notice" && /rejected/.test(i.text)), "no refusal notice");
  });

  it("shows a pi extension's confirm dialog as a card and sends the chat's answer back", async () => {
    const s = fx.host.createChat({ cwd: fx.workspace, args: ["-e", path.join(__dirname, "..", "fixtures", "askExtension.ts")] });
    await waitForStatus(s, "ready");
    await s.prompt("bash echo ask-one");
    const card = await waitFor("the dialog card", () => s.snapshot().items.find((i) => i.kind === "dialog" && i.state === "open"));
    assert.ok(card.kind === "dialog" && card.method === "confirm" && card.title === "Run the test command?");
    assert.equal(s.answerDialog({ id: "not-a-dialog", confirmed: true }), false);
    assert.equal(s.answerDialog({ id: card.id, confirmed: false }), true);
    assert.equal(s.answerDialog({ id: card.id, confirmed: true }), false, "a card is answered once");
    await waitFor("the blocked tool", () => s.snapshot().items.find((i) => i.kind === "tool" && i.status === "error"));
    const closed = s.snapshot().items.find((i) => i.id === card.id);
    assert.ok(closed && closed.kind === "dialog" && closed.state === "answered" && closed.answer === "No");
    await waitForStatus(s, "ready");
  });

  it("abort cancels an open dialog card and returns promptly", async () => {
    const s = fx.host.createChat({ cwd: fx.workspace, args: ["-e", path.join(__dirname, "..", "fixtures", "askExtension.ts")] });
    await waitForStatus(s, "ready");
    await s.prompt("bash echo ask-two");
    const card = await waitFor("the dialog card", () => s.snapshot().items.find((i) => i.kind === "dialog" && i.state === "open"));
    const t0 = Date.now();
    await s.abort();
    await waitForStatus(s, "ready");
    assert.ok(Date.now() - t0 < 3000, "abort did not wait for the dialog to time out");
    const closed = s.snapshot().items.find((i) => i.id === card.id);
    assert.ok(closed && closed.kind === "dialog" && closed.state === "cancelled");
  });
});
