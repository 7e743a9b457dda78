// Block splitting for incremental rendering: joined back, the blocks are the text; code
// fences and indented continuations are never cut.
import * as assert from "node:assert/strict";
import { splitMarkdownBlocks } from "../../webview/markdownBlocks";

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
