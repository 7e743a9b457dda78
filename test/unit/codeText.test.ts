// Copy / Insert requests from a webview carry one string and nothing else.
import * as assert from "node:assert/strict";
import { MAX_CODE_TEXT, parseCodeText, ProtocolError } from "../../src/protocol/validate";

describe("code block Copy/Insert validation", () => {
  it("accepts { text } including an empty string", () => {
    assert.deepEqual(parseCodeText({ text: "x = 1" }, "insertText"), { text: "x = 1" });
    assert.deepEqual(parseCodeText({ text: "" }, "copyText"), { text: "" });
  });
  for (const bad of [undefined, null, 1, "x", [], {}, { text: 1 }, { text: "x", extra: true }, { text: "x".repeat(MAX_CODE_TEXT + 1) }]) {
    it(`rejects ${JSON.stringify(bad)?.slice(0, 40)}`, () => {
      assert.throws(() => parseCodeText(bad, "insertText"), ProtocolError);
    });
  }
});
