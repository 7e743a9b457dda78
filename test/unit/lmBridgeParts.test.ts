// Response parts → OpenAI chunks; bridge data ↔ vscode.LanguageModel* objects (with
// stand-in classes of the same shape); VS Code's errors → the chat's wording, checked against
// pi's own retry classifier.
import * as assert from "node:assert/strict";
import { lmError, type LmErrorCode } from "../../src/host/lmBridge/errors";
import { ChunkEncoder, CompletionCollector } from "../../src/host/lmBridge/openaiStream";
import type { LmModelInfo } from "../../src/host/lmBridge/types";
import { fromVscodeError, fromVscodePart, modelInfo, toVscodeMessages } from "../../src/vscode/lmBridge/vscodeParts";
import type { LmApi, LmChatModel } from "../../src/vscode/lmBridge/vscodeLm";

class TextPart {
  constructor(readonly value: string) {}
}
class ToolCallPart {
  constructor(readonly callId: string, readonly name: string, readonly input: object) {}
}
class ToolResultPart {
  constructor(readonly callId: string, readonly content: unknown[]) {}
}
class DataPart {
  constructor(readonly data: Uint8Array, readonly mimeType: string) {}
}
class ThinkingPart {
  constructor(readonly value: string | string[]) {}
}
class ChatMessage {
  constructor(readonly role: number, readonly content: unknown[]) {}
}

function fakeApi(withData = true): LmApi {
  return {
    selectChatModels: async () => [],
    onDidChangeChatModels: () => ({ dispose: () => undefined }),
    ChatMessage,
    roles: { User: 1, Assistant: 2 },
    toolModes: { Auto: 1, Required: 2 },
    TextPart,
    ToolCallPart,
    ToolResultPart,
    DataPart: withData ? DataPart : undefined,
    ThinkingPart,
  };
}

/** The JSON payloads of an SSE text. */
function events(sse: string): unknown[] {
  assert.ok(sse.endsWith("\n\n"));
  return sse
    .split("\n\n")
    .filter(Boolean)
    .map((e) => {
      assert.ok(e.startsWith("data: "), `an SSE data line: ${e}`);
      const data = e.slice(6);
      return data === "[DONE]" ? "[DONE]" : (JSON.parse(data) as unknown);
    });
}

const MODEL: LmModelInfo = { id: "m1", vendor: "acme", family: "f", name: "Acme One", version: "1", maxInputTokens: 1000 };

describe("lm bridge: streaming deltas and usage", () => {
  it("streams text, thinking and tool calls as chat.completion.chunk deltas, then finish, usage and [DONE]", () => {
    const encoder = new ChunkEncoder("acme/m1");
    let sse = encoder.part({ kind: "thinking", text: "hmm" });
    sse += encoder.part({ kind: "text", text: "Hello" });
    sse += encoder.part({ kind: "text", text: "" });
    sse += encoder.part({ kind: "toolCall", callId: "t1", name: "write", input: { path: "a", content: "é\u2028" } });
    sse += encoder.part({ kind: "toolCall", callId: "t2", name: "read", input: undefined });
    assert.equal(encoder.part({ kind: "usage", promptTokens: 120.4, completionTokens: 7 }), "", "usage waits for the end");
    sse += encoder.end(true);
    const all = events(sse) as Array<{ object: string; model: string; choices: Array<{ delta: Record<string, unknown>; finish_reason: string | null }>; usage?: unknown }>;
    assert.equal(all.pop(), "[DONE]");
    assert.ok(all.every((e) => e.object === "chat.completion.chunk" && e.model === "acme/m1"));
    assert.deepEqual(all[0].choices[0].delta, { role: "assistant", reasoning_content: "hmm" });
    assert.deepEqual(all[1].choices[0].delta, { role: "assistant", content: "Hello" });
    assert.deepEqual(all[2].choices[0].delta.tool_calls, [{ index: 0, id: "t1", type: "function", function: { name: "write", arguments: '{"path":"a","content":"é\u2028"}' } }]);
    assert.deepEqual(all[3].choices[0].delta.tool_calls, [{ index: 1, id: "t2", type: "function", function: { name: "read", arguments: "{}" } }]);
    assert.equal(all[4].choices[0].finish_reason, "tool_calls");
    assert.deepEqual(all[5], { ...all[5], choices: [], usage: { prompt_tokens: 120, completion_tokens: 7, total_tokens: 127 } });
    assert.equal(all.length, 6, "the empty text part produced no chunk");
  });

  it("ends with finish_reason stop and no usage chunk when none is known or none was asked for", () => {
    const quiet = new ChunkEncoder("m");
    quiet.part({ kind: "text", text: "x" });
    const noUsage = events(quiet.end(true)) as Array<{ choices: Array<{ finish_reason: string }> }>;
    assert.equal(noUsage.length, 2);
    assert.equal(noUsage[0].choices[0].finish_reason, "stop");
    const notAsked = new ChunkEncoder("m");
    notAsked.part({ kind: "usage", promptTokens: 1, completionTokens: 1 });
    assert.equal(events(notAsked.end(false)).length, 2);
  });

  it("reports an error after the stream started as OpenAI's in-stream error object", () => {
    const encoder = new ChunkEncoder("m");
    const [error, done] = events(encoder.error(lmError("NotFound", "Acme One").toBody()));
    assert.deepEqual(Object.keys(error as object), ["error"]);
    assert.match((error as { error: { message: string } }).error.message, /Acme One" is gone/);
    assert.equal(done, "[DONE]");
  });

  it("collects a non-streamed answer into one chat.completion", () => {
    const c = new CompletionCollector("m");
    c.add({ kind: "text", text: "a" });
    c.add({ kind: "text", text: "b" });
    c.add({ kind: "toolCall", callId: "x", name: "bash", input: { command: "ls" } });
    c.add({ kind: "usage", promptTokens: 5, completionTokens: 2 });
    const body = c.body() as { object: string; choices: Array<{ message: Record<string, unknown>; finish_reason: string }>; usage: unknown };
    assert.equal(body.object, "chat.completion");
    assert.deepEqual(body.choices[0].message, { role: "assistant", content: "ab", tool_calls: [{ id: "x", type: "function", function: { name: "bash", arguments: '{"command":"ls"}' } }] });
    assert.equal(body.choices[0].finish_reason, "tool_calls");
    assert.deepEqual(body.usage, { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 });
  });
});

describe("lm bridge: vscode.LanguageModel* parts", () => {
  it("builds User/Assistant messages with text, image data, tool-call and tool-result parts", () => {
    const image = new Uint8Array([1, 2, 3]);
    const [user, assistant, results] = toVscodeMessages(fakeApi(), [
      { role: "user", parts: [{ kind: "text", text: "hi" }, { kind: "image", mimeType: "image/png", data: image }] },
      { role: "assistant", parts: [{ kind: "toolCall", callId: "c", name: "read", input: { path: "x" } }] },
      { role: "user", parts: [{ kind: "toolResult", callId: "c", content: [{ kind: "text", text: "data" }] }, { kind: "toolResult", callId: "d", content: [] }] },
    ]) as ChatMessage[];
    assert.equal(user.role, 1);
    assert.deepEqual(user.content, [new TextPart("hi"), new DataPart(image, "image/png")]);
    assert.equal(assistant.role, 2);
    assert.deepEqual(assistant.content, [new ToolCallPart("c", "read", { path: "x" })]);
    assert.deepEqual(results.content, [new ToolResultPart("c", [new TextPart("data")]), new ToolResultPart("d", [new TextPart("")])]);
  });

  it("says in text that an image was left out when this VS Code has no data parts", () => {
    const [user] = toVscodeMessages(fakeApi(false), [{ role: "user", parts: [{ kind: "image", mimeType: "image/jpeg", data: new Uint8Array([1]) }] }]) as ChatMessage[];
    assert.ok(user.content[0] instanceof TextPart);
    assert.match((user.content[0] as TextPart).value, /image \(image\/jpeg\) was left out/);
  });

  it("reads streamed parts by their class and skips what it does not forward", () => {
    const api = fakeApi();
    assert.deepEqual(fromVscodePart(api, new TextPart("x")), { kind: "text", text: "x" });
    assert.deepEqual(fromVscodePart(api, new ToolCallPart("1", "write", { a: 1 })), { kind: "toolCall", callId: "1", name: "write", input: { a: 1 } });
    assert.deepEqual(fromVscodePart(api, new ThinkingPart(["a", "b"])), { kind: "thinking", text: "ab" });
    assert.equal(fromVscodePart(api, new ThinkingPart("")), undefined);
    assert.equal(fromVscodePart(api, new DataPart(new Uint8Array(), "application/json")), undefined);
    assert.equal(fromVscodePart(api, { value: "duck-typed text is not trusted" }), undefined);
    assert.equal(fromVscodePart(api, null), undefined);
    assert.equal(fromVscodePart(api, "text"), undefined);
  });

  it("reads a model's limits and capabilities defensively", () => {
    const chat = (extra: object) => ({ id: "i", vendor: "v", family: "f", name: "N", version: "1", maxInputTokens: 64000, ...extra }) as unknown as LmChatModel;
    assert.deepEqual(modelInfo(fakeApi(), chat({ maxOutputTokens: 4096, capabilities: { supportsToolCalling: false, supportsImageToText: true } })), {
      id: "i", vendor: "v", family: "f", name: "N", version: "1", maxInputTokens: 64000, maxOutputTokens: 4096, supportsTools: false, supportsImages: true,
    });
    const bare = modelInfo(fakeApi(false), chat({ maxInputTokens: -1, maxOutputTokens: "lots", capabilities: "?" }));
    assert.equal(bare.maxInputTokens, 0);
    assert.equal(bare.maxOutputTokens, undefined);
    assert.equal(bare.supportsTools, undefined, "unknown, not false: VS Code did not say");
    assert.equal(modelInfo(fakeApi(false), chat({ capabilities: { supportsImageToText: true } })).supportsImages, false, "no data parts, no images");
  });
});

describe("lm bridge: errors", () => {
  const vscodeError = (code: string, message: string, cause?: Error) => Object.assign(new Error(message, { cause }), { name: "LanguageModelError", code });

  it("maps LanguageModelError codes to statuses and a message that names the model and the way out", () => {
    const denied = fromVscodeError(vscodeError("NoPermissions", "Language model 'x' cannot be used by 'pi'."), MODEL);
    assert.equal(denied.status, 403);
    assert.match(denied.message, /did not allow Pi to use "Acme One".*choose Allow/);
    assert.match(denied.message, /cannot be used by 'pi'/);
    const blocked = fromVscodeError(vscodeError("Blocked", "monthly limit"), MODEL);
    assert.equal(blocked.status, 429);
    assert.match(blocked.message, /quota exceeded/);
    assert.equal(fromVscodeError(vscodeError("NotFound", "unknown"), MODEL).status, 404);
    const other = fromVscodeError(vscodeError("Unknown", "provider crashed", new Error("socket reset")), MODEL);
    assert.equal(other.status, 502);
    assert.match(other.message, /"Acme One" failed \(VS Code said: provider crashed: socket reset\)/);
    assert.equal(fromVscodeError("a string", MODEL).code, "Unknown");
  });

  it("pi retries only the failures that can heal (checked with pi's own classifier)", async () => {
    const spec = "@earendil-works/pi-ai/utils/retry";
    const { isRetryableAssistantError } = (await import(spec)) as { isRetryableAssistantError(m: { stopReason: string; errorMessage?: string }): boolean };
    // pi's OpenAI client shows an HTTP error as "<status> <message>".
    const shown = (code: LmErrorCode, detail = "") => {
      const e = lmError(code, "Acme One", detail);
      return `${e.status} ${e.message}`;
    };
    for (const code of ["BadRequest", "NoModels", "NotFound", "NoPermissions", "ToolsUnsupported"] as const) {
      assert.equal(isRetryableAssistantError({ stopReason: "error", errorMessage: shown(code, "cannot be used") }), false, code);
    }
    assert.equal(isRetryableAssistantError({ stopReason: "error", errorMessage: shown("Blocked", "rate limit reached") }), false, "quota: never retried");
    assert.equal(isRetryableAssistantError({ stopReason: "error", errorMessage: shown("Unknown", "boom") }), true, "an unknown failure is retried like a 5xx");
  });
});
