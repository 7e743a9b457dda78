// Every action's params are checked against the action table before a handler runs: hostile
// values from a webview or a browser are refused with a readable reason.
import * as assert from "node:assert/strict";
import { ActionError } from "../../src/protocol/actionError";
import { ACTION_NAMES, ACTIONS } from "../../src/protocol/actions";
import { checkParams } from "../../src/protocol/checkParams";
import { MAX_CODE_TEXT, MAX_PROMPT_CHARS } from "../../src/protocol/schemas/chat";

const invalid = (run: () => unknown, pattern?: RegExp) =>
  assert.throws(run, (e: unknown) => e instanceof ActionError && e.code === "invalid_params" && (!pattern || pattern.test(e.message)));

describe("action params validation", () => {
  const hostile: unknown[] = [42, "text", [], [{ text: "x" }], { text: 5 }, { text: "" }, { text: "   " }, { text: "x".repeat(MAX_PROMPT_CHARS + 1) }, { txt: "x" }, { text: "x", extra: "<script>" }];
  for (const value of hostile) {
    it(`rejects prompt params ${JSON.stringify(value)?.slice(0, 40)}`, () => invalid(() => checkParams("prompt", value)));
  }

  it("accepts a well-formed prompt as it is", () => {
    assert.deepEqual(checkParams("prompt", { text: "hello" }), { text: "hello" });
  });

  it("actions without params take nothing or {} and refuse anything else", () => {
    const empty = ACTION_NAMES.filter((n) => Object.keys((ACTIONS[n].params as { properties?: object }).properties ?? {}).length === 0);
    assert.ok(empty.includes("abort") && empty.includes("snapshot"));
    for (const name of empty) {
      assert.deepEqual(checkParams(name, undefined), {});
      assert.deepEqual(checkParams(name, {}), {});
      invalid(() => checkParams(name, { now: true }), /additional properties/);
      invalid(() => checkParams(name, "x"));
    }
  });

  it("a dialog answer carries exactly one of value, confirmed, cancelled", () => {
    assert.deepEqual(checkParams("answerDialog", { id: "d1", confirmed: true }), { id: "d1", confirmed: true });
    invalid(() => checkParams("answerDialog", { id: "d1" }), /exactly one/);
    invalid(() => checkParams("answerDialog", { id: "d1", value: "a", confirmed: true }), /exactly one/);
    invalid(() => checkParams("answerDialog", { id: "d1", cancelled: false }));
    invalid(() => checkParams("answerDialog", { id: "", value: "a" }));
  });

  it("code text for Copy / Insert: one string, empty allowed, bounded", () => {
    assert.deepEqual(checkParams("insertText", { text: "" }), { text: "" });
    for (const bad of [1, "x", [], {}, { text: 1 }, { text: "x", extra: true }, { text: "x".repeat(MAX_CODE_TEXT + 1) }]) invalid(() => checkParams("copyText", bad));
    // Absent params count as {}: refused for want of a text; null is not an object.
    invalid(() => checkParams("copyText", undefined), /text/);
    invalid(() => checkParams("abort", null));
  });

  it("an unknown action is not available", () => {
    assert.throws(() => checkParams("rmRf" as "abort", {}), (e: unknown) => e instanceof ActionError && e.code === "not_available");
  });
});
