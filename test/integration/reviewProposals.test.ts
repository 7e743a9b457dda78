// Edit approval (`pi.edits.approval: ask`) answered through the chat's actions, the way a view
// does it: the card carries the proposal, `editProposal` gives its before/after and hunks (a
// side only when its file hashes to what pi sent), `answerDialog` answers. Real pi, real guard.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import type { Chat } from "../../src/host/chat/chat";
import { type ActionContext, runAction, sharedChatActions } from "../../src/host/chatActions";
import { diskEditor } from "../../src/host/review/fileEditor";
import { reviewActions } from "../../src/host/reviewActions";
import { proposalPath } from "../../src/piGuard/editProposal";
import type { ActionName, ActionParams, ActionResult } from "../../src/protocol/actions";
import type { DialogItem, ToolItem } from "../../src/protocol/transcript";
import { waitFor, waitForStatus } from "../support/piFixture";
import { items, read, type ReviewWorld, script, startReviewWorld, write } from "./reviewFixture";

describe("edit proposals through the chat's actions (real pi, pi.edits.approval: ask)", function () {
  this.timeout(120_000);
  let w: ReviewWorld;
  let chat: Chat;
  const handlers = { ...sharedChatActions(), ...reviewActions(diskEditor) };
  const act = <K extends keyof typeof handlers & ActionName>(name: K, params: ActionParams<K>): Promise<ActionResult<K>> => {
    const ctx: ActionContext = { chat: () => chat, ensureChat: async () => chat, folder: () => chat.cwd };
    return runAction(handlers, name, params, ctx);
  };
  const openCard = () => waitFor("an open proposal card", () => items(chat).find((i): i is DialogItem => i.kind === "dialog" && i.state === "open" && !!i.proposal));
  const tool = (id: string) =>
    waitFor(`tool ${id} finished`, () => {
      const t = items(chat).find((i): i is ToolItem => i.kind === "tool" && i.id === id);
      return t && t.status !== "running" ? t : undefined;
    });

  before(async () => {
    w = await startReviewWorld({ editApproval: "ask" });
    write(w.workspace, "notes.txt", "alpha\nbeta\n");
    chat = w.host.createChat({ cwd: w.workspace });
    await waitForStatus(chat, "ready", 30_000);
  });
  after(async () => {
    await w?.cleanup();
  });

  it("Reject: the card shows the diff, the file stays byte for byte, pi's tool result says the user rejected it", async () => {
    const before = fs.readFileSync(`${w.workspace}/notes.txt`);
    await act("prompt", { text: script("propose an edit", [{ name: "edit", arguments: { path: "notes.txt", edits: [{ oldText: "beta", newText: "gamma" }] } }]) });
    const card = await openCard();
    assert.deepEqual(card.proposal, { display: "notes.txt", verb: "edit", canAcceptAll: true });
    const view = await act("editProposal", { dialogId: card.id });
    assert.deepEqual([view.before, view.after], [
      { state: "text", text: "alpha\nbeta\n" },
      { state: "text", text: "alpha\ngamma\n" },
    ]);
    assert.deepEqual(view.hunks.map((h) => [h.removed, h.added]), [[["beta"], ["gamma"]]]);
    await act("answerDialog", { id: card.id, value: "Reject" });
    const result = await tool((items(chat).find((i) => i.kind === "tool") as ToolItem).id);
    assert.equal(result.status, "error");
    assert.match(result.output, /The user rejected this change to notes\.txt; the file was not changed\./);
    assert.deepEqual(fs.readFileSync(`${w.workspace}/notes.txt`), before);
    await waitForStatus(chat, "ready");
  });

  it("Accept: pi writes exactly what the card showed", async () => {
    await act("prompt", { text: script("propose a new file", [{ name: "write", arguments: { path: "sub/new.txt", content: "fresh\n" } }]) });
    const card = await openCard();
    assert.equal(card.proposal?.verb, "create");
    const view = await act("editProposal", { dialogId: card.id });
    assert.deepEqual([view.before.state, view.after], ["absent", { state: "text", text: "fresh\n" }]);
    await act("answerDialog", { id: card.id, value: "Accept" });
    await waitFor("the file", () => fs.existsSync(`${w.workspace}/sub/new.txt`));
    assert.equal(read(w.workspace, "sub/new.txt"), "fresh\n");
    await waitForStatus(chat, "ready");
  });

  it("a side whose file does not hash to what pi sent is not shown (pi's bash could have swapped it)", async () => {
    await act("prompt", { text: script("propose another edit", [{ name: "edit", arguments: { path: "notes.txt", edits: [{ oldText: "alpha", newText: "ALPHA" }] } }]) });
    const card = await openCard();
    const dir = chat.snapshots?.dir ?? assert.fail("a snapshot dir");
    const key = JSON.parse(card.title.split("\n").at(-1)?.replace(/^pi-edit-proposal: /, "") ?? "{}").key as string;
    fs.writeFileSync(proposalPath(dir, key, "after"), "something else entirely\n");
    fs.rmSync(proposalPath(dir, key, "before"));
    fs.symlinkSync(`${w.workspace}/notes.txt`, proposalPath(dir, key, "before"));
    const view = await act("editProposal", { dialogId: card.id });
    assert.deepEqual([view.before.state, view.after.state, view.hunks], ["unavailable", "unavailable", []]);
    await act("answerDialog", { id: card.id, value: "Reject" });
    await waitForStatus(chat, "ready");
    assert.equal(read(w.workspace, "notes.txt"), "alpha\nbeta\n");
    await assert.rejects(act("editProposal", { dialogId: "no-such-dialog" }), (e: Error & { code?: string }) => e.code === "not_found");
  });
});
