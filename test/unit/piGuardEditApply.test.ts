// The guard's copy of pi's edit semantics (editApply.ts) against pi's own code on the same
// inputs: the user approves exactly what pi's edit tool will write. pi does not export these
// functions, so its module file is loaded by path; a pi upgrade that changes them fails here.
import * as assert from "node:assert/strict";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { applyEditsToNormalized, proposedEdit, type EditReplacement } from "../../src/piGuard/editApply";

interface PiEditDiff {
  applyEditsToNormalizedContent(content: string, edits: EditReplacement[], path: string): { baseContent: string; newContent: string };
  normalizeToLF(text: string): string;
  detectLineEnding(text: string): string;
  restoreLineEndings(text: string, ending: string): string;
}

const PI_TOOLS = path.join(__dirname, "..", "..", "node_modules", "@earendil-works", "pi-coding-agent", "dist", "core", "tools");

/** What pi's edit tool (core/tools/edit.js execute) writes for `raw`, or its error message. */
function piWrites(pi: PiEditDiff, raw: string, edits: EditReplacement[]): { ok: true; content: string } | { ok: false; error: string } {
  const bom = raw.startsWith("\uFEFF") ? "\uFEFF" : "";
  const text = bom ? raw.slice(1) : raw;
  const ending = pi.detectLineEnding(text);
  try {
    const { newContent } = pi.applyEditsToNormalizedContent(pi.normalizeToLF(text), edits, "f.txt");
    return { ok: true, content: bom + pi.restoreLineEndings(newContent, ending) };
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
}

/** A small deterministic generator (no dependency; same cases every run). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const PIECES = ["a", "b", "foo", " ", "  ", "\t", "\n", "\r\n", "\r", "x = 1;", "‘q’", "“d”", "—", "\u00A0", "é", "e\u0301", "ﬁ", "(", ")", "\uFEFF"];

describe("piGuard edit semantics = pi's edit tool", function () {
  // 3,000 generated cases: seconds on a loaded 2-core machine.
  this.timeout(60_000);
  let pi: PiEditDiff;
  before(async () => {
    pi = (await import(pathToFileURL(path.join(PI_TOOLS, "edit-diff.js")).href)) as PiEditDiff;
  });

  it("matches on hand-picked cases: exact, fuzzy, CRLF, BOM, several edits, and every error", () => {
    const cases: Array<[string, EditReplacement[]]> = [
      ["alpha\nbeta\n", [{ oldText: "beta", newText: "gamma" }]],
      ["\uFEFFone\r\ntwo\r\nthree\r\n", [{ oldText: "two\nthree", newText: "2\n3" }]],
      ["it’s here  \nnext\n", [{ oldText: "it's here\nnext", newText: "it is here\nnext" }]],
      ["a — b\nkeep   \nc\n", [{ oldText: "a - b", newText: "A" }]],
      ["one two three", [{ oldText: "one", newText: "1" }, { oldText: "three", newText: "3" }]],
      ["dup dup", [{ oldText: "dup", newText: "x" }]],
      ["abc", [{ oldText: "zzz", newText: "x" }]],
      ["abc", [{ oldText: "", newText: "x" }]],
      ["abc", [{ oldText: "b", newText: "b" }]],
      ["abcdef", [{ oldText: "abc", newText: "1" }, { oldText: "cde", newText: "2" }]],
      ["abc", [{ oldText: "a", newText: "1" }, { oldText: "zz", newText: "2" }]],
      ["mixed\r\nend\nlf\n", [{ oldText: "end", newText: "END" }]],
      ["old\rmac\r", [{ oldText: "mac", newText: "MAC" }]],
    ];
    for (const [raw, edits] of cases) assert.deepEqual(proposedEdit(raw, edits, "f.txt"), piWrites(pi, raw, edits), JSON.stringify([raw, edits]));
  });

  it("matches on 3000 generated cases", () => {
    const next = rng(11);
    const pick = () => PIECES[Math.floor(next() * PIECES.length)];
    const text = (n: number) => Array.from({ length: n }, pick).join("");
    let agreedOk = 0;
    for (let i = 0; i < 3000; i++) {
      const raw = text(5 + Math.floor(next() * 30));
      const edits: EditReplacement[] = Array.from({ length: 1 + Math.floor(next() * 3) }, () => {
        // Mostly a real slice of the file (sometimes altered), so both found and not-found paths run.
        const from = Math.floor(next() * raw.length);
        const slice = raw.slice(from, from + 1 + Math.floor(next() * 6));
        return { oldText: next() < 0.7 ? slice : slice + pick(), newText: text(Math.floor(next() * 4)) };
      });
      const mine = proposedEdit(raw, edits, "f.txt");
      assert.deepEqual(mine, piWrites(pi, raw, edits), JSON.stringify([raw, edits]));
      if (mine.ok) agreedOk++;
    }
    assert.ok(agreedOk > 300, `enough successful edits were compared (${agreedOk})`);
  });

  it("reports pi's own messages", () => {
    assert.deepEqual(applyEditsToNormalized("abc", [{ oldText: "zzz", newText: "x" }], "p.txt"), {
      ok: false,
      error: "Could not find the exact text in p.txt. The old text must match exactly including all whitespace and newlines.",
    });
  });
});
