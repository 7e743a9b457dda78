// Review hunks: ids that survive unrelated edits, Revert/Keep of one hunk, and the refusal when
// the user edited the hunk's lines after pi.
import * as assert from "node:assert/strict";
import { computeHunks, keepHunk, planFileRevert, revertHunk, splitLines } from "../../src/host/checkpoints/hunks";

const lines = (n: number) => Array.from({ length: n }, (_, i) => `line ${i + 1}\n`).join("");

describe("checkpoint hunks", () => {
  const base = lines(20);
  // pi changed line 3 and line 15 (and appended one line after 15)
  const current = base.replace("line 3\n", "line three\n").replace("line 15\n", "line fifteen\nline 15b\n");

  it("splits lines keeping their endings", () => {
    assert.deepEqual(splitLines("a\r\nb\nc"), ["a\r\n", "b\n", "c"]);
    assert.deepEqual(splitLines(""), []);
  });

  it("finds one hunk per changed region, with base and current positions", () => {
    const hunks = computeHunks(base, current);
    assert.equal(hunks.length, 2);
    assert.deepEqual([hunks[0].baseStart, hunks[0].baseLines, hunks[0].currentStart, hunks[0].currentLines], [2, ["line 3\n"], 2, ["line three\n"]]);
    assert.deepEqual([hunks[1].baseStart, hunks[1].baseLines, hunks[1].currentLines], [14, ["line 15\n"], ["line fifteen\n", "line 15b\n"]]);
    assert.notEqual(hunks[0].id, hunks[1].id);
    assert.deepEqual(computeHunks(base, base), []);
  });

  it("reverts one of two hunks and leaves the other; the edit is a minimal replacement", () => {
    const [first, second] = computeHunks(base, current);
    const r = revertHunk(base, current, second.id);
    assert.ok("text" in r);
    assert.equal(r.text, base.replace("line 3\n", "line three\n"), "only the second hunk went back");
    assert.equal(current.slice(0, r.edit.offset) + r.edit.text + current.slice(r.edit.offset + r.edit.length), r.text);
    assert.equal(r.edit.text, "line 15\n");
    const left = computeHunks(base, r.text);
    assert.deepEqual(left.map((h) => h.id), [first.id], "the other hunk keeps its id");
  });

  it("keeps a hunk id when the user edits the file elsewhere", () => {
    const [first] = computeHunks(base, current);
    const userEdited = current.replace("line 10\n", "line ten (user)\n");
    const ids = computeHunks(base, userEdited).map((h) => h.id);
    assert.ok(ids.includes(first.id));
    const r = revertHunk(base, userEdited, first.id);
    assert.ok("text" in r);
    assert.ok(r.text.includes("line ten (user)"), "the user's edit elsewhere stays");
    assert.ok(r.text.includes("line 3\n") && !r.text.includes("line three"));
  });

  it("refuses to revert or keep a hunk whose lines the user edited since, changing nothing", () => {
    const [first] = computeHunks(base, current);
    const userEdited = current.replace("line three\n", "line three, edited by the user\n");
    const r = revertHunk(base, userEdited, first);
    assert.ok("conflict" in r);
    assert.match(r.conflict, /no longer matches/);
    assert.ok("conflict" in keepHunk(base, userEdited, first.id));
  });

  it("keeping a hunk moves the review base so only the other hunk is left", () => {
    const [first, second] = computeHunks(base, current);
    const k = keepHunk(base, current, first.id);
    assert.ok("base" in k);
    const left = computeHunks(k.base, current);
    assert.equal(left.length, 1);
    assert.deepEqual(left[0].currentLines, second.currentLines);
    const k2 = keepHunk(k.base, current, left[0].id);
    assert.ok("base" in k2 && k2.base === current, "keeping every hunk makes the base the current text");
  });

  it("handles pure insertions, pure deletions, CRLF and a missing final newline", () => {
    const b = "a\r\nb\r\nc";
    const c = "a\r\nX\r\nb\r\n";
    const hunks = computeHunks(b, c);
    let text = c;
    for (const h of [...hunks].reverse()) {
      const r = revertHunk(b, text, h.id);
      assert.ok("text" in r);
      text = r.text;
    }
    assert.equal(text, b, "reverting every hunk gives back the base exactly");
    const del = computeHunks("keep\ngone\nkeep2\n", "keep\nkeep2\n");
    assert.deepEqual([del.length, del[0].currentLines, del[0].currentStart], [1, [], 1]);
  });

  it("tells identical changes in identical surroundings apart", () => {
    const b = "x\na\nx\nx\na\nx\n";
    const c = "x\nA\nx\nx\nA\nx\n";
    const hunks = computeHunks(b, c);
    assert.equal(new Set(hunks.map((h) => h.id)).size, 2);
    const r = revertHunk(b, c, hunks[1].id);
    assert.ok("text" in r && r.text === "x\nA\nx\nx\na\nx\n");
  });

  it("plans a whole-file revert: created → delete, deleted → create, changed → write", () => {
    const a = Buffer.from("a");
    assert.deepEqual(planFileRevert(undefined, a), { kind: "delete" });
    assert.deepEqual(planFileRevert(a, undefined), { kind: "create", content: a });
    assert.deepEqual(planFileRevert(a, Buffer.from("b")), { kind: "write", content: a });
    assert.deepEqual(planFileRevert(a, Buffer.from("a")), { kind: "none" });
  });
});
