// OpenAI chat-completions requests (what pi sends) → the Language Model API's shapes.
import * as assert from "node:assert/strict";
import { LmBridgeError } from "../../src/host/lmBridge/errors";
import { parseChatRequest } from "../../src/host/lmBridge/openaiRequest";

const PNG_BASE64 = Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]).toString("base64");

function rejects(body: unknown, pattern: RegExp): void {
  assert.throws(
    () => parseChatRequest(body),
    (err: unknown) => err instanceof LmBridgeError && err.code === "BadRequest" && err.status === 400 && pattern.test(err.message),
  );
}

describe("lm bridge: chat-completions request → Language Model API", () => {
  it("translates a whole pi turn: system prompt, user text and image, tool calls and their results", () => {
    const request = parseChatRequest({
      model: "copilot/gpt-x",
      stream: true,
      stream_options: { include_usage: true },
      messages: [
        { role: "system", content: "You are pi." },
        { role: "user", content: [{ type: "text", text: "look" }, { type: "image_url", image_url: { url: `data:image/png;base64,${PNG_BASE64}` } }] },
        {
          role: "assistant",
          content: "Reading two files.",
          tool_calls: [
            { id: "c1", type: "function", function: { name: "read", arguments: '{"path":"a.txt"}' } },
            { id: "c2", type: "function", function: { name: "read", arguments: '{"path":"b.txt"}' } },
          ],
        },
        { role: "tool", tool_call_id: "c1", content: "A" },
        { role: "tool", tool_call_id: "c2", content: "B" },
        { role: "user", content: "thanks" },
      ],
      tools: [{ type: "function", function: { name: "read", description: "Read a file", parameters: { type: "object", properties: { path: { type: "string" } } } } }],
    });
    assert.equal(request.modelId, "copilot/gpt-x");
    assert.equal(request.stream, true);
    assert.equal(request.includeUsage, true);
    assert.equal(request.toolMode, "auto");
    assert.deepEqual(request.tools, [{ name: "read", description: "Read a file", inputSchema: { type: "object", properties: { path: { type: "string" } } } }]);
    assert.deepEqual(request.messages.map((m) => m.role), ["user", "user", "assistant", "user", "user"], "no system role in VS Code: it becomes a user message");
    assert.deepEqual(request.messages[0].parts, [{ kind: "text", text: "You are pi." }]);
    const [text, image] = request.messages[1].parts;
    assert.deepEqual(text, { kind: "text", text: "look" });
    assert.ok(image.kind === "image" && image.mimeType === "image/png");
    assert.deepEqual([...image.data], [0x89, 0x50, 0x4e, 0x47, 1, 2, 3]);
    assert.equal(image.data.byteOffset, 0, "the image owns its bytes (not a view into Buffer's pool)");
    assert.equal(image.data.buffer.byteLength, 7);
    assert.deepEqual(request.messages[2].parts, [
      { kind: "text", text: "Reading two files." },
      { kind: "toolCall", callId: "c1", name: "read", input: { path: "a.txt" } },
      { kind: "toolCall", callId: "c2", name: "read", input: { path: "b.txt" } },
    ]);
    assert.deepEqual(request.messages[3].parts, [
      { kind: "toolResult", callId: "c1", content: [{ kind: "text", text: "A" }] },
      { kind: "toolResult", callId: "c2", content: [{ kind: "text", text: "B" }] },
    ], "consecutive tool results travel in one user message");
  });

  it("keeps empty and null content out, and reads developer messages like system ones", () => {
    const request = parseChatRequest({
      model: "m",
      messages: [
        { role: "developer", content: "rules" },
        { role: "assistant", content: null, tool_calls: [{ id: "x", type: "function", function: { name: "bash", arguments: "" } }] },
        { role: "tool", tool_call_id: "x", content: "" },
        { role: "assistant", content: "" },
        { role: "user", content: "go" },
      ],
    });
    assert.deepEqual(request.messages, [
      { role: "user", parts: [{ kind: "text", text: "rules" }] },
      { role: "assistant", parts: [{ kind: "toolCall", callId: "x", name: "bash", input: {} }] },
      { role: "user", parts: [{ kind: "toolResult", callId: "x", content: [] }] },
      { role: "user", parts: [{ kind: "text", text: "go" }] },
    ]);
    assert.equal(request.stream, false);
    assert.equal(request.includeUsage, false);
  });

  it("honours tool_choice: none drops the tools, required demands a call", () => {
    const body = (tool_choice: string) => ({
      model: "m",
      messages: [{ role: "user", content: "hi" }],
      tools: [{ type: "function", function: { name: "write" } }],
      tool_choice,
    });
    assert.deepEqual(parseChatRequest(body("none")).tools, []);
    assert.equal(parseChatRequest(body("none")).toolMode, "auto");
    assert.equal(parseChatRequest(body("required")).toolMode, "required");
    assert.deepEqual(parseChatRequest(body("required")).tools, [{ name: "write", description: "" }]);
  });

  it("refuses malformed bodies with a 400 that names the problem", () => {
    rejects("text", /JSON object/);
    rejects([], /JSON object/);
    rejects({ messages: [{ role: "user", content: "x" }] }, /model must be a string/);
    rejects({ model: "m" }, /messages must be a non-empty array/);
    rejects({ model: "m", messages: [] }, /messages must be a non-empty array/);
    rejects({ model: "m", messages: ["hi"] }, /messages\[0\] must be an object/);
    rejects({ model: "m", messages: [{ role: "wizard", content: "x" }] }, /role "wizard" is not one of/);
    rejects({ model: "m", messages: [{ role: "user", content: 42 }] }, /content must be a string, null or an array/);
    rejects({ model: "m", messages: [{ role: "user", content: [{ type: "audio" }] }] }, /content\[0\].type "audio" is not supported/);
    rejects({ model: "m", messages: [{ role: "user", content: [{ type: "text", text: 1 }] }] }, /content\[0\].text must be a string/);
    rejects({ model: "m", messages: [{ role: "user", content: [{ type: "image_url", image_url: { url: "https://example.com/x.png" } }] }] }, /base64 data: URL/);
    rejects({ model: "m", messages: [{ role: "system", content: [{ type: "image_url", image_url: { url: `data:image/png;base64,${PNG_BASE64}` } }] }] }, /not supported here/);
    rejects({ model: "m", messages: [{ role: "assistant", tool_calls: [{ id: "a", function: { name: "x", arguments: "{oops" } }] }] }, /arguments is not valid JSON/);
    rejects({ model: "m", messages: [{ role: "assistant", tool_calls: [{ id: "a", function: { name: "x", arguments: "[1]" } }] }] }, /arguments must be a JSON object/);
    rejects({ model: "m", messages: [{ role: "assistant", tool_calls: [{ function: { name: "x" } }] }] }, /tool_calls\[0\].id must be a string/);
    rejects({ model: "m", messages: [{ role: "assistant", tool_calls: {} }] }, /tool_calls must be an array/);
    rejects({ model: "m", messages: [{ role: "tool", content: "r" }] }, /tool_call_id must be a string/);
    rejects({ model: "m", messages: [{ role: "user", content: "" }] }, /messages has no content/);
    rejects({ model: "m", messages: [{ role: "user", content: "x" }], tools: [{ type: "function" }] }, /tools\[0\] must be/);
    rejects({ model: "m", messages: [{ role: "user", content: "x" }], tools: [{ type: "function", function: { name: "a", parameters: "schema" } }] }, /parameters must be a JSON schema object/);
    rejects({ model: "m", messages: [{ role: "user", content: "x" }], tool_choice: { type: "function", function: { name: "a" } } }, /naming one tool is not supported/);
  });
});
