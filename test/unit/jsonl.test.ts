import * as assert from "node:assert/strict";
import { JsonlSplitter } from "../../src/pi/jsonl";

function split(chunks: string[], maxLine?: number): { lines: string[]; overflows: number } {
  const lines: string[] = [];
  let overflows = 0;
  const s = new JsonlSplitter((l) => lines.push(l), () => overflows++, maxLine);
  chunks.forEach((c) => s.push(c));
  s.end();
  return { lines, overflows };
}

describe("JSONL framing", () => {
  it("joins a line split across many chunks", () => {
    const line = JSON.stringify({ type: "x", text: "hello world" });
    const chunks = line.split("").concat("\n");
    assert.deepEqual(split(chunks).lines, [line]);
  });

  it("splits several lines in one chunk and keeps the remainder", () => {
    assert.deepEqual(split(['{"a":1}\n{"b":2}\n{"c"', ":3}\n"]).lines, ['{"a":1}', '{"b":2}', '{"c":3}']);
  });

  it("does not split on U+2028 / U+2029 inside JSON strings", () => {
    const line = JSON.stringify({ text: "before\u2028middle\u2029after" });
    const { lines } = split([`${line}\n`]);
    assert.equal(lines.length, 1);
    assert.equal((JSON.parse(lines[0]) as { text: string }).text, "before\u2028middle\u2029after");
  });

  it("strips a trailing CR and skips empty lines", () => {
    assert.deepEqual(split(['{"a":1}\r\n\n\n{"b":2}\n']).lines, ['{"a":1}', '{"b":2}']);
  });

  it("emits an unterminated last line at end of stream", () => {
    assert.deepEqual(split(['{"a":1}\n{"b":2}']).lines, ['{"a":1}', '{"b":2}']);
  });

  it("drops an oversized line and resynchronizes at the next newline", () => {
    const { lines, overflows } = split(["x".repeat(50), "y".repeat(60), "tail\n", '{"ok":true}\n'], 100);
    assert.equal(overflows, 1);
    assert.deepEqual(lines, ['{"ok":true}']);
  });
});
