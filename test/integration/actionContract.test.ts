// The contract: every action of the table, called over both transports against one real pi
// (scripted model), answers the same shape — or fails with the same code. The VS Code side is
// the real router and the real webview transport, both vscode-messenger, joined by a
// postMessage channel (what VS Code's webview bridge is); the HTTP side is the real server and
// the browser page's own client.
import * as assert from "node:assert/strict";
import pino from "pino";
import { Value } from "typebox/value";
import type { Chat } from "../../src/host/chat/chat";
import { sharedChatActions } from "../../src/host/chatActions";
import { diskEditor } from "../../src/host/review/fileEditor";
import { reviewActions } from "../../src/host/reviewActions";
import { ACTION_NAMES, ACTIONS, type ActionName, type ActionParams } from "../../src/protocol/actions";
import { configFromEnv } from "../../src/server/config";
import { createPiServer, type PiServer } from "../../src/server/httpServer";
import type { ChatItem } from "../../src/protocol/transcript";
import { ChatBridge } from "../../src/vscode/chatBridge";
import { ChatRouter } from "../../src/vscode/chatRouter";
import { viewActions } from "../../src/vscode/viewActions";
import { callOverHttp, canOverHttp } from "../../webview/httpActions";
import { HttpClient } from "../../webview/httpClient";
import type { ChatTransport } from "../../webview/transport";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { ChangesItem } from "../../src/protocol/transcript";
import { type PiFixture, startPiFixture, waitFor, waitForStatus } from "../support/piFixture";
import { connectWebview, type WebviewLink } from "../support/messengerLink";

/** A value's shape: the types of its leaves, arrays by their first element. */
function shapeOf(value: unknown): unknown {
  if (Array.isArray(value)) return value.length ? [shapeOf(value[0])] : [];
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shapeOf(v)]).sort(([a], [b]) => String(a).localeCompare(String(b))));
  return typeof value;
}

type Outcome = { ok: true; shape: unknown } | { ok: false; code: string };

async function outcome(name: ActionName, run: () => Promise<unknown>): Promise<Outcome> {
  try {
    const result = await run();
    assert.ok(Value.Check(ACTIONS[name].result, result), `${name}: the result matches the table's schema: ${JSON.stringify(result).slice(0, 300)}`);
    return { ok: true, shape: shapeOf(result) };
  } catch (err) {
    if (err instanceof assert.AssertionError) throw err;
    return { ok: false, code: String((err as { code?: unknown }).code ?? "none") };
  }
}

describe("action table contract: both transports, one real pi", function () {
  this.timeout(120_000);
  let fx: PiFixture;
  let server: PiServer;
  let http: HttpClient;
  let link: WebviewLink;
  let view: ChatTransport;
  let chat: Chat;
  let stores: string;

  before(async () => {
    // Checkpoints on (stores beside the workspace, not in it): the review actions have turns to act on.
    stores = fs.mkdtempSync(path.join(os.tmpdir(), "pi-contract-stores-"));
    fx = await startPiFixture({}, { checkpoints: { storesRoot: stores } });
    const config = configFromEnv({}, { port: 0, host: "127.0.0.1", dataDir: `${fx.workspace}-data` });
    server = createPiServer({ host: fx.host, workspace: fx.workspace, config, log: pino({ level: "silent" }) });
    http = new HttpClient(`${await server.listen()}/api/v1`);
    const router = new ChatRouter({
      log: () => undefined,
      handlers: { ...sharedChatActions(), ...reviewActions(diskEditor), ...viewActions(), ...vscodeOnlyRefusals() },
      defaultFolder: () => fx.workspace,
    });
    link = connectWebview(router.messenger);
    chat = fx.host.createChat({ cwd: fx.workspace });
    const bridge = new ChatBridge(router.messenger, link.participant, { create: async () => fx.host.createChat({ cwd: fx.workspace }) }, () => "idle");
    router.add(bridge);
    bridge.attach(chat);
    view = link.transport;
    await waitForStatus(chat, "ready", 30_000);
  });

  after(async () => {
    link?.close();
    await server?.close();
    await fx?.cleanup();
    if (stores) fs.rmSync(stores, { recursive: true, force: true });
  });

  /** Calls an action over both transports and requires the same outcome. */
  async function both<K extends ActionName>(name: K, params: ActionParams<K>, settle?: () => Promise<unknown>): Promise<Outcome> {
    const overView = await outcome(name, () => view.call(name, params));
    await settle?.();
    const overHttp = await outcome(name, () => callOverHttp(http, name, params, chat.id));
    await settle?.();
    assert.deepEqual(overHttp, overView, `${name}: the same outcome over HTTP as over vscode-messenger`);
    return overView;
  }

  it("every action answers the same shape over both transports", async () => {
    const seen = new Set<ActionName>();
    const check = async <K extends ActionName>(name: K, params: ActionParams<K>, expectOk: boolean, settle?: () => Promise<unknown>) => {
      const result = await both(name, params, settle);
      assert.equal(result.ok, expectOk, `${name}: ${JSON.stringify(result)}`);
      seen.add(name);
    };
    await check("snapshot", {}, true);
    let prompts = 0;
    const nextAnswer = () => {
      prompts++;
      return waitFor(`answer ${prompts}`, () => chat.snapshot().items.filter((i) => i.kind === "assistant" && !i.streaming).length >= prompts).then(() => waitForStatus(chat, "ready"));
    };
    await check("prompt", { text: "hello contract" }, true, nextAnswer);
    await check("followUp", { text: "later" }, true, nextAnswer);
    // The items before one the view holds (here: the chat's first item, before its second), and an unknown one.
    const [first, second] = JSON.parse(JSON.stringify(chat.snapshot().items)) as ChatItem[];
    await check("olderItems", { before: second.id }, true);
    assert.deepEqual((await view.call("olderItems", { before: second.id })).items, [first], "the item before it");
    assert.deepEqual((await callOverHttp(http, "olderItems", { before: second.id }, chat.id)).items, [first], "the same over HTTP");
    await check("olderItems", { before: "no-such-item" }, false);
    // Review: a turn that writes a file gives a changes card to act on.
    const file = path.join(fx.workspace, "contract.txt");
    await chat.prompt("write contract.txt reviewed text");
    await nextAnswer();
    await chat.review.idle();
    const card = await waitFor("a changes card", () => chat.snapshot().items.find((i): i is ChangesItem => i.kind === "changes"));
    const { turnId } = card;
    const entryId = (await waitFor("the message's entry id", () => chat.snapshot().items.find((i) => i.kind === "user" && i.text.startsWith("write contract") && i.entryId))) as { entryId: string };
    const rewrite = async () => fs.writeFileSync(file, "reviewed text\n");
    await check("sessionChanges", {}, true);
    await check("fileDiff", { turnId, path: "contract.txt" }, true);
    await check("keepHunk", { turnId, path: "contract.txt", hunkId: "no-such-hunk" }, false);
    await check("revertHunk", { turnId, path: "contract.txt", hunkId: "no-such-hunk" }, false);
    await check("keepFile", { turnId, path: "contract.txt" }, true);
    await check("revertFile", { turnId, path: "contract.txt", overwrite: true }, true, rewrite);
    await check("keepTurn", { turnId }, true);
    await check("revertTurn", { turnId, overwrite: true }, true, rewrite);
    await check("rewindPreview", { entryId: entryId.entryId }, true);
    await check("rewind", { entryId: entryId.entryId, mode: "files", overwrite: true }, true, rewrite);
    await check("undoRewind", { undoId: "0".repeat(40) }, false);
    await check("editProposal", { dialogId: "no-such-dialog" }, false);
    await check("models", {}, true);
    await check("setModel", { provider: "pi-demo", modelId: "pi-demo" }, true);
    await check("setThinking", { level: "off" }, true);
    await check("commands", {}, true);
    await check("findFiles", { query: "" }, true);
    await check("piSessions", {}, true);
    await check("forkPoints", {}, true);
    await check("rename", { name: "contract" }, true);
    await check("clearQueue", {}, true);
    await check("abort", {}, true);
    await check("steer", { text: "now" }, true);
    // Refusals carry the same code on both transports.
    await check("answerDialog", { id: "no-such-dialog", cancelled: true }, false);
    await check("resumePiSession", { file: "/etc/passwd" }, false);
    await check("fork", { entryId: "no-such-entry" }, false);
    const own = chat.piSessionFile as string;
    await check("resumePiSession", { file: own }, true);
    const points = await view.call("forkPoints", {});
    // A fork moves the chat to a new pi session file: back to the original before the second call.
    await check("fork", { entryId: points.points[0].entryId }, true, () => view.call("resumePiSession", { file: own }));
    await check("restart", {}, true, () => waitForStatus(chat, "ready", 30_000));
    // Both start a chat with its own pi (VS Code shows it in the view; the page follows it).
    const before = fx.host.chats().length;
    const overView = await outcome("newChat", () => view.call("newChat", {}));
    const overHttp = await outcome("newChat", () => callOverHttp(http, "newChat", {}));
    assert.deepEqual(overHttp, overView);
    assert.equal(fx.host.chats().length, before + 2, "each made one new chat");
    seen.add("newChat");

    // One face only: VS Code's editor actions have no HTTP route; the browser's chat list no messenger request.
    for (const name of ACTION_NAMES.filter((n) => !seen.has(n))) {
      const spec = ACTIONS[name] as { http?: unknown; vscode?: false };
      if (spec.http === undefined) {
        assert.equal(canOverHttp(name), false, `${name} is VS Code only`);
        await assert.rejects(callOverHttp(http, name, {} as never, chat.id), /not available in the browser/);
      } else if (spec.vscode === false) {
        assert.equal(view.can(name), false, `${name} is browser only`);
        const reply = await outcome(name, () => callOverHttp(http, name, {}, name === "closeChat" ? fx.host.chats().filter((c) => c !== chat).at(-1)?.id : undefined));
        assert.equal(reply.ok, true, `${name} over HTTP: ${JSON.stringify(reply)}`);
      } else assert.fail(`${name} is on both faces but the contract does not call it: add it above`);
    }
  });

  it("malformed params are refused with the same code on both", async () => {
    for (const [name, params] of [
      ["prompt", { text: 5 }],
      ["prompt", { text: "x", extra: true }],
      ["setModel", { provider: "" }],
      ["answerDialog", { id: "d", value: "a", confirmed: true }],
    ] as const) {
      const overView = await outcome(name, () => view.call(name, params as never));
      const overHttp = await outcome(name, () => callOverHttp(http, name, params as never, chat.id));
      assert.deepEqual(overView, { ok: false, code: "invalid_params" }, `${name} ${JSON.stringify(params)}`);
      assert.deepEqual(overHttp, overView);
    }
  });
});

/** The editor actions need VS Code; here they refuse, so the router stays total (they are tested in code-server). */
function vscodeOnlyRefusals() {
  const refuse = async (): Promise<never> => {
    throw new Error("needs VS Code");
  };
  return { exportHtml: refuse, openPiSessionFile: refuse, openFile: refuse, openDiff: refuse, openChange: refuse, openProposal: refuse, copyText: refuse, insertText: refuse, problems: refuse };
}
