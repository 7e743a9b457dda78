// Review and rewind through the real Chat (issue 10): a real pi with the workspace guard, the
// scripted model, real git. Each turn is checkpointed by the chat itself; the actions are the
// ones both faces run (here with the server's disk editor, through the table's param checks).
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import type { Chat } from "../../src/host/chat/chat";
import type { ActionContext } from "../../src/host/chatActions";
import { runAction } from "../../src/host/chatActions";
import { diskEditor } from "../../src/host/review/fileEditor";
import { reviewActions } from "../../src/host/reviewActions";
import type { ActionName, ActionParams, ActionResult } from "../../src/protocol/actions";
import { assistantText, waitForStatus } from "../support/piFixture";
import { hashTree } from "./checkpointsFixture";
import { cards, notices, read, type ReviewWorld, script, startReviewWorld, turn, userEntry, users, write } from "./reviewFixture";

describe("review and rewind through the chat (real pi, real git)", function () {
  this.timeout(120_000);
  let w: ReviewWorld;
  let chat: Chat;
  const handlers = reviewActions(diskEditor);
  const act = <K extends keyof typeof handlers & ActionName>(name: K, params: ActionParams<K>): Promise<ActionResult<K>> => {
    const ctx: ActionContext = { chat: () => chat, ensureChat: async () => chat, folder: () => chat.cwd };
    return runAction(handlers, name, params, ctx);
  };
  const refused = (code: string, message: RegExp) => (err: unknown) => (err as { code?: string }).code === code && message.test((err as Error).message);

  before(async () => {
    w = await startReviewWorld();
    write(w.workspace, "c.txt", "one\ntwo\nthree\nfour\nfive\nsix\nseven\neight\nnine\nten\n");
    write(w.workspace, "keep/notes.md", "# notes\n");
    chat = w.host.createChat({ cwd: w.workspace });
    await waitForStatus(chat, "ready", 30_000);
  });
  after(async () => {
    await w?.cleanup();
  });

  it("a turn that writes two files, edits a third in two places and creates a fourth through bash: one card; its checkpoint restores the folder byte for byte", async () => {
    assert.ok(!fs.existsSync(path.join(w.workspace, ".git")), "the folder is not a git repository, and checkpoints work there");
    const before = hashTree(w.workspace);
    const prompt = script("four files please", [
      { name: "write", arguments: { path: "a.txt", content: "alpha\n" } },
      { name: "write", arguments: { path: "sub/b.txt", content: "beta\n" } },
      { name: "edit", arguments: { path: "c.txt", edits: [{ oldText: "two", newText: "TWO" }, { oldText: "nine", newText: "NINE" }] } },
      { name: "bash", arguments: { command: "printf 'made by bash\\n' > d.txt" } },
    ]);
    await turn(chat, prompt);
    assert.equal(read(w.workspace, "d.txt"), "made by bash\n");
    const [card] = cards(chat);
    assert.ok(card, "the turn's changes card is in the transcript");
    assert.deepEqual(
      card.files.map((f) => [f.path, f.status, f.additions, f.deletions]),
      [
        ["a.txt", "added", 1, 0],
        ["c.txt", "modified", 2, 2],
        ["d.txt", "added", 1, 0],
        ["sub/b.txt", "added", 1, 0],
      ],
    );
    assert.equal(card.summary, "4 files changed, +5 \u22122");
    const entryId = await userEntry(chat, prompt);

    const preview = await act("rewindPreview", { entryId });
    assert.ok(preview.files.available);
    assert.deepEqual(preview.files.available && preview.files.userEdits, [], "nothing changed outside pi");
    const rewound = await act("rewind", { entryId, mode: "files" });
    assert.deepEqual(hashTree(w.workspace), before, "every file as it was before the message (content, kind, mode)");
    assert.ok(rewound.undoId);
    const notice = notices(chat).find((n) => n.undoRewind === rewound.undoId);
    assert.match(notice?.text ?? "", /Rewound the files to before “four files please”/);

    await act("undoRewind", { undoId: rewound.undoId });
    assert.equal(read(w.workspace, "a.txt"), "alpha\n");
    assert.equal(read(w.workspace, "d.txt"), "made by bash\n", "Undo rewind brings back bash's file too");
  });

  it("Revert of one of two hunks leaves the other; a hunk the user edited since is refused and nothing changes", async () => {
    const { turnId } = cards(chat)[0];
    const diff = await act("fileDiff", { turnId, path: "c.txt" });
    assert.equal(diff.hunks.length, 2);
    assert.deepEqual([diff.hunks[0].removed, diff.hunks[0].added, diff.hunks[0].baseLine], [["two"], ["TWO"], 2]);
    await act("revertHunk", { turnId, path: "c.txt", hunkId: diff.hunks[0].id });
    assert.equal(read(w.workspace, "c.txt"), "one\ntwo\nthree\nfour\nfive\nsix\nseven\neight\nNINE\nten\n");
    const left = await act("fileDiff", { turnId, path: "c.txt" });
    assert.deepEqual(left.hunks.map((h) => h.id), [diff.hunks[1].id], "the other hunk is still there, with the same id");

    write(w.workspace, "c.txt", "one\ntwo\nthree\nfour\nfive\nsix\nseven\neight\nNINE!\nten\n");
    await assert.rejects(act("revertHunk", { turnId, path: "c.txt", hunkId: diff.hunks[1].id }), refused("refused", /no longer matches the file/));
    assert.equal(read(w.workspace, "c.txt"), "one\ntwo\nthree\nfour\nfive\nsix\nseven\neight\nNINE!\nten\n", "nothing was changed");

    // Keep: the hunk is no longer offered; Keep file and Revert file (a created file is deleted).
    const again = await act("fileDiff", { turnId, path: "c.txt" });
    await act("keepHunk", { turnId, path: "c.txt", hunkId: again.hunks[0].id });
    assert.deepEqual((await act("fileDiff", { turnId, path: "c.txt" })).hunks, []);
    const reverted = await act("revertFile", { turnId, path: "a.txt" });
    assert.deepEqual(reverted.files, ["a.txt"]);
    assert.ok(!fs.existsSync(path.join(w.workspace, "a.txt")), "reverting a file pi created deletes it");
  });

  it("rewind both after three turns restores the files and forks the transcript at that message", async () => {
    const t1 = script("turn one", [{ name: "write", arguments: { path: "x.txt", content: "one\n" } }]);
    const t2 = script("turn two", [{ name: "edit", arguments: { path: "x.txt", edits: [{ oldText: "one", newText: "two" }] } }]);
    const t3 = script("turn three", [{ name: "write", arguments: { path: "y.txt", content: "why\n" } }]);
    for (const t of [t1, t2, t3]) await turn(chat, t);
    assert.equal(read(w.workspace, "x.txt"), "two\n");
    const session = chat.history.sessionId;
    const entryId = await userEntry(chat, t2);
    const result = await act("rewind", { entryId, mode: "both" });
    assert.equal(result.text, t2, "the forked message comes back for the composer");
    assert.equal(read(w.workspace, "x.txt"), "one\n");
    assert.ok(!fs.existsSync(path.join(w.workspace, "y.txt")));
    assert.notEqual(chat.history.sessionId, session, "a fork is a new pi session");
    const texts = users(chat).map((u) => u.text);
    assert.equal(texts.at(-1), t1, "the transcript ends before the message rewound to");
    assert.ok(!texts.includes(t2) && !texts.includes(t3));
    assert.ok(users(chat).every((u) => u.entryId), "the rebuilt history knows its entry ids");
    assert.ok(cards(chat).some((c) => c.files.some((f) => f.path === "x.txt")), "the cards of earlier runs come back with the history");
    // The fork found its checkpoints: rewinding to turn one still works from the new session.
    const p1 = await act("rewindPreview", { entryId: await userEntry(chat, t1) });
    assert.ok(p1.files.available, JSON.stringify(p1.files));
  });

  it("conversation only leaves the files alone", async () => {
    const t4 = script("turn four", [{ name: "write", arguments: { path: "z.txt", content: "zed\n" } }]);
    await turn(chat, t4);
    const before = hashTree(w.workspace);
    const result = await act("rewind", { entryId: await userEntry(chat, t4), mode: "conversation" });
    assert.equal(result.undoId, undefined);
    assert.deepEqual(hashTree(w.workspace), before, "not a byte changed");
    assert.ok(!users(chat).some((u) => u.text === t4));
    // The chat goes on from the fork.
    await turn(chat, "hello after the fork");
    assert.match(assistantText(chat.snapshot().items), /You said: \*\*hello after the fork\*\*/);
  });

  it("asks before overwriting the user's own edits, and a rewind while pi works asks to stop first", async () => {
    const t5 = script("turn five", [{ name: "write", arguments: { path: "u.txt", content: "pi\n" } }]);
    write(w.workspace, "keep/notes.md", "# notes\nthe user's line\n"); // before the message: in its checkpoint
    await turn(chat, t5);
    write(w.workspace, "u.txt", "pi, then the user\n");
    const entryId = await userEntry(chat, t5);
    const preview = await act("rewindPreview", { entryId });
    assert.deepEqual(preview.files.available && preview.files.userEdits, ["u.txt"], "only the files the restore would touch");
    await assert.rejects(act("rewind", { entryId, mode: "files" }), refused("refused", /changed outside pi since that message: u\.txt/));
    assert.equal(read(w.workspace, "u.txt"), "pi, then the user\n", "refused: nothing touched");
    const done = await act("rewind", { entryId, mode: "files", overwrite: true });
    assert.ok(!fs.existsSync(path.join(w.workspace, "u.txt")));
    assert.equal(read(w.workspace, "keep/notes.md"), "# notes\nthe user's line\n", "the user's edit from before the message stays");
    await act("undoRewind", { undoId: done.undoId as string });
    assert.equal(read(w.workspace, "u.txt"), "pi, then the user\n", "Undo rewind gives the user's text back");

    const slow = "slow 400";
    await chat.prompt(slow);
    await waitForStatus(chat, "working");
    const target = await userEntry(chat, t5);
    assert.equal((await act("rewindPreview", { entryId: target })).working, true);
    await assert.rejects(act("rewind", { entryId: target, mode: "files", overwrite: true }), refused("refused", /pi is working\. Stop the run first/));
    const stopped = await act("rewind", { entryId: target, mode: "files", overwrite: true, stop: true });
    assert.equal(chat.status, "ready");
    assert.ok(stopped.undoId);
  });
});
