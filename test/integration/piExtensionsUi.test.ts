// pi's own example extensions as a conformance suite for our dialogs: loaded as the user's own
// pi extensions (pi.loadPiExtensions on), every UI method they use must reach the user and the
// answers must reach the extension — including an answer given after more than a minute.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import type { Chat } from "../../src/host/chat/chat";
import { defaultGuardPath } from "../../src/host/piPaths";
import type { RpcExtensionUIRequest } from "../../src/pi/rpcTypes";
import type { DialogItem, ToolItem } from "../../src/protocol/transcript";
import { type PiFixture, startPiFixture, waitFor, waitForStatus } from "../support/piFixture";

const EXAMPLES = path.join(__dirname, "..", "..", "node_modules", "@earendil-works", "pi-coding-agent", "examples", "extensions");
const USED = ["rpc-demo.ts", "timed-confirm.ts", "permission-gate.ts"];

describe("pi's example extensions: every UI method reaches the user and back", function () {
  this.timeout(180_000);
  let fx: PiFixture;
  let chat: Chat;
  const seen: RpcExtensionUIRequest[] = [];
  const composer: string[] = [];

  const notified = (text: string) => waitFor(`the notification "${text}"`, () => seen.some((r) => r.method === "notify" && r.message.includes(text)), 30_000);
  const openCard = (method: DialogItem["method"], title: RegExp) =>
    waitFor(`an open ${method} card ${title}`, () => chat.waiting.find((d) => d.method === method && title.test(d.title)), 30_000);

  before(async () => {
    fx = await startPiFixture({}, { guard: () => ({ path: defaultGuardPath(), bashPolicy: "never-ask", bashAllow: [], loadUserExtensions: true }) });
    const dir = path.join(fx.agentDir, "extensions");
    fs.mkdirSync(dir, { recursive: true });
    for (const name of USED) fs.copyFileSync(path.join(EXAMPLES, name), path.join(dir, name));
    fx.host.uiHandler = async (_chat, request) => {
      seen.push(request);
      return undefined;
    };
    chat = fx.host.createChat({ cwd: fx.workspace });
    chat.onComposerText((text) => composer.push(text));
    await waitForStatus(chat, "ready", 60_000);
  });

  after(async () => {
    await fx?.cleanup();
  });

  it("setTitle and setWidget show in the chat, setStatus reaches the host", async () => {
    await waitFor("the extension's title", () => chat.info.title.startsWith("pi RPC Demo"));
    assert.deepEqual(chat.info.widgets?.["rpc-demo"], ["--- RPC Extension UI Demo ---", "Loaded and ready."]);
    await waitFor("a status line", () => seen.some((r) => r.method === "setStatus" && r.statusKey === "rpc-demo"));
  });

  it("input is a one-line card; an answer after more than a minute still reaches the extension", async () => {
    const prompting = chat.prompt("/rpc-input");
    const card = await openCard("input", /Enter a value/);
    assert.equal(card.placeholder, "type something...");
    // The slash command's prompt stays unanswered while the user reads: it must not time out.
    await new Promise((r) => setTimeout(r, 62_000));
    assert.ok(chat.answerDialog({ id: card.id, value: "late but here" }), "the card is still open after a minute");
    await notified("You entered: late but here");
    await prompting;
  });

  it("editor is multi-line and keeps its lines", async () => {
    const prompting = chat.prompt("/rpc-editor");
    const card = await openCard("editor", /Edit some text/);
    assert.equal(card.prefill, "Line 1\nLine 2\nLine 3");
    chat.answerDialog({ id: card.id, value: "one\ntwo" });
    await notified("Editor submitted (2 lines)");
    await prompting;
  });

  it("setEditorText fills the chat input", async () => {
    await chat.prompt("/rpc-prefill");
    await waitFor("the composer text", () => composer.includes("This text was set by the rpc-demo extension."));
    await notified("Editor prefilled");
  });

  it("a dialog with pi's timeout counts down and closes on its own", async () => {
    const started = Date.now();
    const prompting = chat.prompt("/timed");
    const card = await openCard("confirm", /Timed Confirmation/);
    assert.ok(card.until && card.until > started + 4_000 && card.until <= Date.now() + 5_000, `until ${card.until} is about 5 s ahead`);
    await notified("Cancelled or timed out");
    await waitFor("the card closed", () => !chat.waiting.some((d) => d.id === card.id));
    await prompting;
    const select = chat.prompt("/timed-select");
    const choice = await openCard("select", /Pick an option/);
    chat.answerDialog({ id: choice.id, value: "Option B" });
    await notified("Selected: Option B");
    await select;
  });

  it("two extensions gating one bash call ask in turn; Block stops it", async () => {
    const target = path.join(fx.workspace, "victim");
    fs.mkdirSync(target);
    await chat.prompt(`bash rm -rf ${target}`);
    const first = await openCard("select", /Dangerous command/);
    chat.answerDialog({ id: first.id, value: first.options?.includes("Allow") ? "Allow" : "Yes" });
    const second = await waitFor("the second gate", () => chat.waiting.find((d) => d.id !== first.id && /Dangerous command/.test(d.title)), 30_000);
    chat.answerDialog({ id: second.id, value: second.options?.includes("Block") ? "Block" : "No" });
    await waitFor("the blocked tool", () => chat.snapshot().items.some((i): i is ToolItem => i.kind === "tool" && i.name === "bash" && i.status === "error"), 30_000);
    await waitForStatus(chat, "ready");
    assert.ok(fs.existsSync(target), "the command did not run");
  });
});
