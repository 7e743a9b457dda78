// The guards in front of marked's costliest block rules (webview/markdownRules.ts) must never
// change a token: every document here is lexed by a second, untouched copy of marked (its UMD
// build: rule tables of its own) and by the guarded one, and the tokens compared.
import * as assert from "node:assert/strict";
import * as path from "node:path";
import { Lexer } from "marked";
import { guardBlockRules } from "../../webview/markdownRules";

const stock: typeof import("marked") = require(path.join(path.dirname(require.resolve("marked/package.json")), "lib", "marked.umd.js"));

const OPTIONS = { gfm: true, breaks: false };
const tokens = (lexer: typeof Lexer, text: string) => JSON.stringify(lexer.lex(text, { ...OPTIONS }));

/** Lines that start, end or interrupt each block the guards stand in front of. */
const LINES = [
  "Plain words",
  "Some **bold** and `code`",
  "",
  "   ",
  "\t",
  "===",
  "---",
  "  -- ",
  "= not an underline",
  "- item",
  "* item",
  "1. first",
  "2) second",
  "> quoted",
  "   > quoted, indented",
  ">",
  "    indented code",
  "```",
  "```js",
  "~~~",
  "# Heading",
  "###### six",
  "***",
  "| a | b |",
  "|---|---|",
  "a | b",
  "  a | b",
  "  | a | b |",
  "--- | ---",
  ":-: | -:",
  "| 1 | 2 |",
  "<div>",
  "</div>",
  "<div class=\"x\">inside</div>",
  "<span>inline</span> text",
  "<custom-tag>",
  "<!-- a comment -->",
  "<?php echo 1; ?>",
  "<!DOCTYPE html>",
  "<![CDATA[ x ]]>",
  "<pre>",
  "</pre>",
  "<script>",
  "<Button onClick={go}>",
  "[ref]: https://example.com \"Title\"",
  "[ref]",
  "Text ending in two spaces  ",
  "a\\",
  "x".repeat(300),
];

/** A deterministic pseudo-random sequence (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CASES = [
  "One line",
  "One line\n",
  "One line\n\nAnother",
  "Two lines\nof one paragraph",
  "Heading\n===",
  "Heading\n---\n\nText",
  "Not\n\n===",
  "a\nb\nc\n---",
  "- one\n- two\nlazy\n===",
  "| a | b |\n|---|---|\n| 1 | 2 |",
  "a | b\n--- | ---\n1 | 2\n\nafter",
  "| a |\n| - |",
  "  a | b\n  --- | ---",
  "not | a table\nat all",
  "> quote\nlazy line\n\n> again",
  "<div>\n*raw*\n</div>\n\n*after*",
  "text\n<div>\nmore",
  "text\n<span>\nmore",
  "<!-- c -->\ntext",
  "Line\n   \nNext",
  `${"word ".repeat(50)}\n${"=".repeat(5)}`,
  `${Array.from({ length: 250 }, (_, i) => `line ${i}`).join("\n")}\n---`,
  "",
  "\n\n\n",
];

describe("guarded markdown block rules", () => {
  before(() => guardBlockRules());

  it("are in place, and leave marked's own copy untouched", () => {
    assert.ok(!(Lexer.rules.block.gfm.paragraph instanceof RegExp), "the paragraph rule is guarded");
    assert.ok(stock.Lexer.rules.block.gfm.paragraph instanceof RegExp, "the reference copy is not");
  });

  it("lex chosen documents to exactly marked's tokens", () => {
    for (const text of CASES) assert.equal(tokens(Lexer, text), tokens(stock.Lexer, text), JSON.stringify(text));
  });

  it("lex 3,000 random documents of tricky lines to exactly marked's tokens", () => {
    const next = random(13);
    for (let n = 0; n < 3000; n++) {
      const count = 1 + Math.floor(next() * 8);
      const lines = Array.from({ length: count }, () => LINES[Math.floor(next() * LINES.length)]);
      const text = lines.join("\n") + (next() < 0.3 ? "\n" : "");
      assert.equal(tokens(Lexer, text), tokens(stock.Lexer, text), JSON.stringify(text));
    }
  });

  it("lex a setext heading found only by marked's rule (past the lines the guard reads)", () => {
    const text = `${Array.from({ length: 240 }, (_, i) => `line ${i}`).join("\n")}\n===`;
    const [first] = Lexer.lex(text, { ...OPTIONS });
    assert.equal(first.type, "heading");
  });
});
