// Edit approval (`pi.edits.approval: ask`) with a real pi: the guard holds each write/edit,
// leaves the proposal for the diff editor and asks; the dialog is answered through the chat
// (Chat.answerDialog), as any view of the session would. Reject leaves the file byte for byte.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import type { Chat } from "../../src/host/chat/chat";
import type { GuardConfig } from "../../src/host/chatHost";
import { parseEditProposal, proposalBytesMatch, proposalPath, type EditProposal } from "../../src/piGuard/editProposal";
import type { DialogItem } from "../../src/protocol/transcript";
import { finishedTool, runTool, startTool, toolPlan } from "../support/guardHarness";
import { bundleGuard } from "../support/guardBundle";
import { startPiFixture, waitFor, waitForStatus, type PiFixture } from "../support/piFixture";

describe("edit approval: proposals answered from the chat (real pi)", function () {
  this.timeout(120_000);
  let fx: PiFixture;
  let chat: Chat;
  let guardConfig: GuardConfig;
  const file = (name: string) => path.join(fx.workspace, name);

  before(async () => {
    guardConfig = { path: await bundleGuard(), bashPolicy: "ask", bashAllow: [], loadUserExtensions: false, editApproval: "ask" };
    fx = await startPiFixture({ plan: toolPlan }, { guard: () => guardConfig });
    fs.writeFileSync(file("notes.txt"), "alpha\nbeta\n");
    chat = fx.host.createChat({ cwd: fx.workspace });
    await waitForStatus(chat, "ready");
  });
  after(async () => {
    await fx.cleanup();
  });

  function openDialog(method: DialogItem["method"] = "select"): Promise<DialogItem> {
    return waitFor(`an open ${method} card`, () => {
      const d = chat.snapshot().items.find((i): i is DialogItem => i.kind === "dialog" && i.state === "open" && i.method === method);
      return d;
    });
  }

  /** Starts a tool call and returns the proposal it is held for (with the card to answer). */
  async function propose(name: string, args: Record<string, unknown>): Promise<{ id: string; card: DialogItem; proposal: EditProposal & { canAcceptAll: boolean } }> {
    const id = await startTool(chat, name, args);
    const card = await openDialog();
    const proposal = parseEditProposal(card.title, card.options ?? []);
    assert.ok(proposal, `a proposal dialog: ${card.title}`);
    return { id, card, proposal };
  }

  function side(p: EditProposal, which: "before" | "after"): Buffer {
    const dir = chat.snapshots?.dir;
    assert.ok(dir, "the chat has a snapshot dir");
    const bytes = fs.readFileSync(proposalPath(dir, p.key, which));
    assert.ok(proposalBytesMatch(bytes, p[which]), `the ${which} file matches the hash in the title`);
    return bytes;
  }

  it("Reject: the file stays byte for byte, pi's tool result says the user rejected it", async () => {
    const before = fs.readFileSync(file("notes.txt"));
    const { id, card, proposal } = await propose("edit", { path: "notes.txt", edits: [{ oldText: "beta", newText: "gamma" }] });
    assert.equal(proposal.verb, "edit");
    assert.equal(proposal.display, "notes.txt");
    assert.equal(proposal.path, fs.realpathSync(file("notes.txt")));
    assert.ok(proposal.canAcceptAll);
    assert.deepEqual(side(proposal, "before"), before);
    assert.equal(side(proposal, "after").toString(), "alpha\ngamma\n");
    assert.ok(chat.answerDialog({ id: card.id, value: "Reject" }));
    const item = await finishedTool(chat, id);
    assert.equal(item.status, "error");
    assert.match(item.output, /The user rejected this change to notes\.txt; the file was not changed\./);
    assert.deepEqual(fs.readFileSync(file("notes.txt")), before);
  });

  it("Reject with reason: pi reads the reason", async () => {
    const { id, card } = await propose("write", { path: "notes.txt", content: "replaced\n" });
    assert.ok(chat.answerDialog({ id: card.id, value: "Reject with reason…" }));
    const input = await openDialog("input");
    assert.ok(chat.answerDialog({ id: input.id, value: "keep beta, it is used" }));
    const item = await finishedTool(chat, id);
    assert.match(item.output, /rejected.*The user's reason: keep beta, it is used/s);
    assert.equal(fs.readFileSync(file("notes.txt"), "utf8"), "alpha\nbeta\n");
  });

  it("Accept: pi writes exactly the proposed content (BOM and CRLF kept, as pi's edit keeps them)", async () => {
    fs.writeFileSync(file("crlf.txt"), "\uFEFFone\r\ntwo\r\nthree\r\n");
    const { id, card, proposal } = await propose("edit", { path: "crlf.txt", edits: [{ oldText: "two\nthree", newText: "2\n3" }] });
    const after = side(proposal, "after");
    assert.ok(chat.answerDialog({ id: card.id, value: "Accept" }));
    assert.equal((await finishedTool(chat, id)).status, "done");
    assert.deepEqual(fs.readFileSync(file("crlf.txt")), after);
    assert.equal(after.toString(), "\uFEFFone\r\n2\r\n3\r\n");
  });

  it("a new file is proposed as `create`; an edit whose old text is missing is left to pi (no dialog)", async () => {
    const { id, card, proposal } = await propose("write", { path: "sub/new.txt", content: "fresh\n" });
    assert.equal(proposal.verb, "create");
    assert.equal(side(proposal, "before").toString("latin1"), "\0pi-vscode:absent\0");
    assert.ok(chat.answerDialog({ id: card.id, value: "Accept" }));
    assert.equal((await finishedTool(chat, id)).status, "done");
    assert.equal(fs.readFileSync(file("sub/new.txt"), "utf8"), "fresh\n");
    const dialogs = chat.snapshot().items.filter((i) => i.kind === "dialog").length;
    const missing = await runTool(chat, "edit", { path: "notes.txt", edits: [{ oldText: "no such text", newText: "x" }] });
    assert.equal(missing.status, "error");
    assert.match(missing.output, /Could not find the exact text in notes\.txt/);
    assert.equal(chat.snapshot().items.filter((i) => i.kind === "dialog").length, dialogs, "no dialog for an edit pi refuses anyway");
  });

  it("the file changed while the user reviewed: nothing is written, the user's text stays", async () => {
    const { id, card } = await propose("edit", { path: "notes.txt", edits: [{ oldText: "alpha", newText: "ALPHA" }] });
    fs.writeFileSync(file("notes.txt"), "alpha\nbeta\nthe user typed this\n");
    assert.ok(chat.answerDialog({ id: card.id, value: "Accept" }));
    const item = await finishedTool(chat, id);
    assert.equal(item.status, "error");
    assert.match(item.output, /changed while the user was reviewing/);
    assert.equal(fs.readFileSync(file("notes.txt"), "utf8"), "alpha\nbeta\nthe user typed this\n");
  });

  it("Accept all: no more asking in this pi process — except for a file that configures code", async () => {
    const { id, card } = await propose("write", { path: "a.txt", content: "a\n" });
    assert.ok(chat.answerDialog({ id: card.id, value: "Accept all edits in this session" }));
    assert.equal((await finishedTool(chat, id)).status, "done");
    const dialogs = chat.snapshot().items.filter((i) => i.kind === "dialog").length;
    assert.equal((await runTool(chat, "write", { path: "b.txt", content: "b\n" })).status, "done");
    assert.equal(chat.snapshot().items.filter((i) => i.kind === "dialog").length, dialogs, "b.txt was not asked about");
    const sensitive = await propose("write", { path: ".vscode/settings.json", content: "{}\n" });
    assert.ok(!sensitive.proposal.canAcceptAll, "no Accept all for .vscode/");
    assert.match(sensitive.proposal.sensitive ?? "", /VS Code/);
    assert.ok(chat.answerDialog({ id: sensitive.card.id, value: "Reject" }));
    await finishedTool(chat, sensitive.id);
    assert.ok(!fs.existsSync(file(".vscode")));
  });
});
