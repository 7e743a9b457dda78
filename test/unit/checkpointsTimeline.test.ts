// The pure bookkeeping of checkpoints: which stretches count as the user's edits, how pending
// checkpoints bind to pi's entries, forks, pruning, and parsing git's diff output.
import * as assert from "node:assert/strict";
import { adopt, applyPrune, bindPending, lookup, planPrune } from "../../src/host/checkpoints/sessions";
import { emptyState, type TimelineEntry } from "../../src/host/checkpoints/storeState";
import { parseRawNumstat, summarize } from "../../src/host/checkpoints/treeDiff";
import { userEditGaps } from "../../src/host/checkpoints/userEdits";

const t = (id: string, at: number, kind: TimelineEntry["kind"], chatId = "c1", sessionId = "s1"): TimelineEntry => ({ id, at, kind, chatId, sessionId });

describe("checkpoint timeline", () => {
  it("counts only the stretches when no chat was working as the user's", () => {
    const timeline = [t("s1", 1, "turn-start"), t("e1", 2, "turn-end"), t("s2", 3, "turn-start"), t("e2", 4, "turn-end")];
    assert.deepEqual(userEditGaps(timeline, "s1"), [
      { from: "e1", to: "s2" },
      { from: "e2", to: "worktree" },
    ]);
    assert.deepEqual(userEditGaps(timeline, "s2"), [{ from: "e2", to: "worktree" }]);
    assert.deepEqual(userEditGaps(timeline, "unknown"), []);
  });

  it("treats the time another chat was working as pi's, not the user's", () => {
    const timeline = [t("a1", 1, "turn-start", "A"), t("b1", 2, "turn-start", "B"), t("a2", 3, "turn-end", "A"), t("b2", 4, "turn-end", "B"), t("a3", 5, "turn-start", "A")];
    assert.deepEqual(userEditGaps(timeline, "a1"), [{ from: "b2", to: "a3" }]);
  });

  it("does not count a restore's own changes as the user's", () => {
    const timeline = [t("s1", 1, "turn-start"), t("e1", 2, "turn-end"), t("rw", 3, "rewind"), t("rs", 4, "restored"), t("s2", 5, "turn-start")];
    assert.deepEqual(userEditGaps(timeline, "s1"), [
      { from: "e1", to: "rw" },
      { from: "rs", to: "s2" },
    ]);
  });

  it("binds pending checkpoints to new user entries in order, never to older entries", () => {
    const s = emptyState();
    s.timeline.push(t("cpA", 1000, "turn-start"), t("cpEnd", 1500, "turn-end"), t("cpB", 2000, "turn-start"));
    const entries = [
      { id: "old", type: "message", timestamp: new Date(500).toISOString(), message: { role: "user" } },
      { id: "u1", type: "message", timestamp: new Date(1100).toISOString(), message: { role: "user" } },
      { id: "a1", type: "message", timestamp: new Date(1200).toISOString(), message: { role: "assistant" } },
      { id: "b1", type: "message", timestamp: new Date(2100).toISOString(), message: { role: "bashExecution" } },
    ];
    assert.deepEqual(bindPending(s, "s1", entries), [
      { entryId: "u1", checkpointId: "cpA" },
      { entryId: "b1", checkpointId: "cpB" },
    ]);
    assert.deepEqual(bindPending(s, "s1", entries), [], "binding twice changes nothing");
    assert.equal(lookup(s, "s1", "u1"), "cpA");
  });

  it("a fork finds its checkpoints, and keeps them when the parent session is pruned", () => {
    const s = emptyState();
    s.timeline.push(t("cp1", 1, "turn-start", "c", "parent"), t("cp2", 2, "turn-start", "c", "parent"));
    s.sessions.parent = { lastUsed: 10, bindings: { u1: "cp1", u2: "cp2" } };
    adopt(s, "child", "parent", ["u1"]);
    assert.equal(lookup(s, "child", "u1"), "cp1");
    assert.equal(lookup(s, "child", "u2"), "cp2", "lookup walks to the parent for entries the fork does not hold");
    s.sessions.child.lastUsed = 20;
    const plan = planPrune(s, 1);
    assert.deepEqual(plan.removedSessions, ["parent"]);
    assert.deepEqual([...plan.removedCheckpoints], ["cp2"], "cp1 is still bound in the kept child");
    applyPrune(s, plan);
    assert.deepEqual(s.timeline.map((e) => e.id), ["cp1"]);
    assert.equal(lookup(s, "child", "u1"), "cp1");
  });

  it("parses diff-tree --raw --numstat output, binary files included", () => {
    const z = [":100644 100644 aaaa bbbb M", "a.txt", ":000000 100644 0000 cccc A", "bin.png", ":100644 000000 dddd 0000 D", "gone.txt", "2\t1\ta.txt", "-\t-\tbin.png", "0\t3\tgone.txt"];
    const changes = parseRawNumstat(z);
    assert.deepEqual(changes, [
      { path: "a.txt", status: "modified", additions: 2, deletions: 1, binary: false },
      { path: "bin.png", status: "added", additions: 0, deletions: 0, binary: true },
      { path: "gone.txt", status: "deleted", additions: 0, deletions: 3, binary: false },
    ]);
    assert.equal(summarize(changes).text, "3 files changed, +2 \u22124");
    assert.equal(summarize(changes.slice(0, 1)).text, "1 file changed, +2 \u22121");
  });
});
