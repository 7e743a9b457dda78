import * as assert from "node:assert/strict";
import { MAX_PROMPT_CHARS, parseConnectParams, parseEmptyParams, parsePromptParams, ProtocolError } from "../../src/protocol/validate";

describe("webview message validation", () => {
  const hostile: unknown[] = [undefined, null, 42, "text", [], [{ text: "x" }], { text: 5 }, { text: "" }, { text: "   " }, { text: "x".repeat(MAX_PROMPT_CHARS + 1) }, { txt: "x" }];
  for (const value of hostile) {
    it(`rejects prompt params ${JSON.stringify(value)?.slice(0, 40)}`, () => {
      assert.throws(() => parsePromptParams(value), ProtocolError);
    });
  }

  it("accepts a well-formed prompt and keeps only the known field", () => {
    assert.deepEqual(parsePromptParams({ text: "hello", extra: "<script>" }), { text: "hello" });
  });

  it("checks connect params", () => {
    assert.deepEqual(parseConnectParams({ clientId: "abc" }), { clientId: "abc" });
    assert.throws(() => parseConnectParams({ clientId: "" }), ProtocolError);
    assert.throws(() => parseConnectParams({ clientId: "x".repeat(201) }), ProtocolError);
    assert.throws(() => parseConnectParams({}), ProtocolError);
  });

  it("parameterless notifications refuse parameters", () => {
    assert.deepEqual(parseEmptyParams(undefined, "abort"), {});
    assert.deepEqual(parseEmptyParams({}, "abort"), {});
    assert.throws(() => parseEmptyParams({ now: true }, "abort"), ProtocolError);
    assert.throws(() => parseEmptyParams("x", "abort"), ProtocolError);
  });
});
