// Block splitting for incremental rendering: joined back, the blocks are the text; code
// fences and indented continuations are never cut.
import * as assert from "node:assert/strict";
import { hasRun, LONG_RUN, plainChunks, splitMarkdownBlocks } from "../../webview/markdownBlocks";

describe("markdown block splitting", () => {
  const cases: Array<[string, string, number]> = [
    ["paragraphs", "one\n\ntwo\n\nthree", 3],
    ["a fenced block with blank lines stays whole", "intro\n\n```ts\na\n\nb\n```\n\nafter", 3],
    ["an unclosed fence (still streaming) stays whole", "intro\n\n```\ncode\n\nmore", 2],
    ["tilde fences", "~~~\nx\n\ny\n~~~\n\nz", 2],
    ["a list item's indented continuation stays with it", "- item\n\n  continued\n- next\n\nend", 2],
    ["leading blank lines", "\n\nhello", 1],
    ["a single line", "hello", 1],
    ["empty", "", 1],
  ];
  for (const [name, text, count] of cases) {
    it(name, () => {
      const blocks = splitMarkdownBlocks(text);
      assert.equal(blocks.join("\n"), text, "nothing lost or added");
      assert.equal(blocks.length, count, JSON.stringify(blocks));
    });
  }
  it("appending text changes only the last block", () => {
    const a = splitMarkdownBlocks("p1\n\np2\n\np3 par");
    const b = splitMarkdownBlocks("p1\n\np2\n\np3 partial more");
    assert.deepEqual(a.slice(0, -1), b.slice(0, -1));
  });
});

describe("plain text chunks", () => {
  it("joined back, the chunks are the text; none is over the size", () => {
    for (const text of ["", "short", "x".repeat(50_000), `${"a line of prose\n".repeat(3_000)}tail`, "no newline ".repeat(5_000)]) {
      const chunks = plainChunks(text, 2_000);
      assert.equal(chunks.join(""), text);
      assert.ok(chunks.every((c) => c.length <= 2_000), "within the size");
    }
  });
  it("cuts after a line break when the chunk's second half has one", () => {
    const chunks = plainChunks(`${"a".repeat(1_500)}\n${"b".repeat(1_500)}`, 2_000);
    assert.deepEqual(chunks.map((c) => c.length), [1_501, 1_500]);
    assert.ok(chunks[0].endsWith("\n"));
  });
  it("appending text never changes an earlier chunk", () => {
    let text = "";
    let before: string[] = [];
    for (let i = 0; i < 300; i++) {
      text += i % 7 ? "x".repeat(97) : "\n".padStart(40, "y");
      const now = plainChunks(text, 2_000);
      assert.deepEqual(now.slice(0, before.length - 1), before.slice(0, -1));
      before = now;
    }
  });
  it("hasRun finds an unbroken run, not prose or code", () => {
    assert.ok(hasRun(`intro ${"Q".repeat(10_000)} outro`, LONG_RUN));
    assert.ok(!hasRun("word ".repeat(10_000), LONG_RUN));
    assert.ok(!hasRun(`intro ${"Q".repeat(9_999)} outro`, LONG_RUN));
  });
  it("hasRun counts a run at either end and stops at any whitespace", () => {
    assert.ok(hasRun("abcd", 4));
    assert.ok(!hasRun("abc", 4));
    assert.ok(hasRun("x abcd", 4));
    assert.ok(hasRun("abcd x", 4));
    assert.ok(!hasRun("ab\tcd ab\ncd ab\u00a0cd ab\u2028cd", 3));
    assert.ok(!hasRun("", 1));
    // What the regex it replaces answered, on runs around the length.
    for (const text of ["a".repeat(9), `${"a".repeat(10)} b`, `b ${"a".repeat(11)}`, " a ".repeat(5)]) assert.equal(hasRun(text, 10), /\S{10}/.test(text), text);
  });
});
