// The bridge's HTTP face: the secret, the Host check, streaming, errors before and after the
// first delta, cancellation, limits. The backend here is a programmable stand-in of the
// LmBackend interface (the real one is vscode.lm, tested in the extension host).
import * as assert from "node:assert/strict";
import * as http from "node:http";
import { startBridgeServer, type BridgeServer } from "../../src/host/lmBridge/bridgeServer";
import { lmError } from "../../src/host/lmBridge/errors";
import type { LmBackend, LmModelInfo, LmRequest, LmResponsePart } from "../../src/host/lmBridge/types";

const MODEL: LmModelInfo = { id: "m1", vendor: "acme", family: "one", name: "Acme One", version: "1", maxInputTokens: 1000, supportsTools: true };
const NO_TOOLS: LmModelInfo = { ...MODEL, id: "plain", name: "Plain", supportsTools: false };

type Script = (request: LmRequest, signal: AbortSignal) => AsyncIterable<LmResponsePart>;

class Backend implements LmBackend {
  list = [MODEL, NO_TOOLS];
  script: Script = async function* () {
    yield { kind: "text", text: "hi" };
  };
  sendError: Error | undefined;
  signals: AbortSignal[] = [];
  counted: string[] = [];
  async models() {
    return this.list;
  }
  async send(_model: LmModelInfo, request: LmRequest, signal: AbortSignal) {
    this.signals.push(signal);
    if (this.sendError) throw this.sendError;
    return this.script(request, signal);
  }
  async countTokens(_model: LmModelInfo, text: string) {
    this.counted.push(text);
    return text.length;
  }
}

interface Reply {
  status: number;
  body: string;
  headers: http.IncomingHttpHeaders;
}

function call(server: BridgeServer, options: { path?: string; method?: string; body?: unknown; headers?: Record<string, string>; raw?: string }): Promise<Reply> {
  const url = new URL(server.baseUrl);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: "127.0.0.1",
        port: url.port,
        path: options.path ?? "/v1/chat/completions",
        method: options.method ?? "POST",
        headers: { authorization: `Bearer ${server.apiKey}`, "content-type": "application/json", ...options.headers },
      },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (d: string) => (body += d));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
      },
    );
    req.on("error", reject);
    req.end(options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body)));
  });
}

const chat = (extra: Record<string, unknown> = {}) => ({ model: "acme/m1", stream: true, stream_options: { include_usage: true }, messages: [{ role: "user", content: "hello" }], ...extra });
/** HTTP errors are plain text (see sendError), with the bridge's code in a header. */
const errorOf = (reply: Reply) => {
  assert.match(String(reply.headers["content-type"]), /^text\/plain/);
  return { message: reply.body, code: String(reply.headers["x-lm-bridge-error"]) };
};
const dataLines = (body: string) => body.split("\n\n").filter(Boolean).map((l) => l.replace(/^data: /, ""));

describe("lm bridge: the loopback endpoint", () => {
  let backend: Backend;
  let server: BridgeServer;

  beforeEach(async () => {
    backend = new Backend();
    server = await startBridgeServer({ backend });
  });
  afterEach(() => server.close());

  it("listens on 127.0.0.1 and refuses requests without the secret or addressed to another host", async () => {
    assert.match(server.baseUrl, /^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    assert.ok(server.apiKey.length >= 40);
    assert.equal((await call(server, { body: chat(), headers: { authorization: "" } })).status, 401);
    assert.equal((await call(server, { body: chat(), headers: { authorization: `Bearer ${server.apiKey}x` } })).status, 401);
    assert.equal((await call(server, { body: chat(), headers: { authorization: `Bearer ${server.apiKey.slice(1)}` } })).status, 401);
    const rebound = await call(server, { body: chat(), headers: { host: `evil.example:${new URL(server.baseUrl).port}` } });
    assert.equal(rebound.status, 401, "a page that reached the port through DNS rebinding is refused");
    assert.equal(backend.signals.length, 0, "no refused request reached the model");
    const other = await startBridgeServer({ backend });
    assert.notEqual(other.apiKey, server.apiKey, "a new secret per bridge");
    await other.close();
  });

  it("lists the models under the bridge's ids", async () => {
    const reply = await call(server, { method: "GET", path: "/v1/models" });
    assert.equal(reply.status, 200);
    const ids = (JSON.parse(reply.body) as { data: Array<{ id: string; owned_by: string }> }).data.map((m) => `${m.owned_by}:${m.id}`);
    assert.deepEqual(ids, ["acme:acme/m1", "acme:acme/plain"]);
    assert.equal((await call(server, { method: "GET", path: "/v1/nothing" })).status, 400);
  });

  it("streams each part as a delta, then finish, usage counted by the model's tokenizer, [DONE]", async () => {
    backend.script = async function* () {
      yield { kind: "text", text: "Hel" };
      yield { kind: "text", text: "lo" };
      yield { kind: "toolCall", callId: "c1", name: "write", input: { path: "a.txt" } };
    };
    const reply = await call(server, { body: chat({ tools: [{ type: "function", function: { name: "write", parameters: { type: "object" } } }] }) });
    assert.equal(reply.status, 200);
    const lines = dataLines(reply.body);
    assert.equal(lines.at(-1), "[DONE]");
    const chunks = lines.slice(0, -1).map((l) => JSON.parse(l) as { choices: Array<{ delta: { content?: string; tool_calls?: unknown[] }; finish_reason: string | null }>; usage?: { prompt_tokens: number; completion_tokens: number } });
    assert.deepEqual(chunks.slice(0, 2).map((c) => c.choices[0].delta.content), ["Hel", "lo"]);
    assert.equal(chunks[2].choices[0].delta.tool_calls?.length, 1);
    assert.equal(chunks[3].choices[0].finish_reason, "tool_calls");
    assert.deepEqual(backend.counted, [`hello\nwrite\n\n{"type":"object"}`, "Hello"]);
    assert.equal(chunks[4].usage?.prompt_tokens, backend.counted[0].length);
    assert.equal(chunks[4].usage?.completion_tokens, 5);
  });

  it("lets usage a provider reported win over counting", async () => {
    backend.script = async function* () {
      yield { kind: "text", text: "x" };
      yield { kind: "usage", promptTokens: 900, completionTokens: 3 };
    };
    const lines = dataLines((await call(server, { body: chat() })).body);
    const usage = JSON.parse(lines[lines.length - 2]) as { usage: { prompt_tokens: number } };
    assert.equal(usage.usage.prompt_tokens, 900);
  });

  it("answers a request that did not ask for a stream with one chat.completion", async () => {
    const reply = await call(server, { body: chat({ stream: false, stream_options: undefined }) });
    assert.equal(reply.status, 200);
    const body = JSON.parse(reply.body) as { object: string; choices: Array<{ message: { content: string } }>; usage: { prompt_tokens: number } };
    assert.equal(body.object, "chat.completion");
    assert.equal(body.choices[0].message.content, "hi");
    assert.equal(body.usage.prompt_tokens, "hello".length);
  });

  it("turns a failure before the first delta into an HTTP error pi shows (consent declined → 403)", async () => {
    backend.sendError = lmError("NoPermissions", "Acme One", "Language model 'm1' cannot be used by 'pi'.");
    const reply = await call(server, { body: chat() });
    assert.equal(reply.status, 403);
    assert.equal(errorOf(reply).code, "NoPermissions");
    assert.match(errorOf(reply).message, /did not allow Pi to use "Acme One"/);
    backend.sendError = undefined;
    // biome-ignore lint/correctness/useYield: a stream that fails before its first part
    backend.script = async function* () {
      throw new Error("upstream exploded");
    };
    const failed = await call(server, { body: chat() });
    assert.equal(failed.status, 502, "nothing streamed yet: still a real HTTP error");
    assert.match(errorOf(failed).message, /upstream exploded/);
  });

  it("ends a stream that fails midway with OpenAI's in-stream error", async () => {
    backend.script = async function* () {
      yield { kind: "text", text: "partial" };
      throw lmError("NotFound", "Acme One", "the model disappeared while it was answering");
    };
    const reply = await call(server, { body: chat() });
    assert.equal(reply.status, 200);
    const lines = dataLines(reply.body);
    assert.match(lines[0], /partial/);
    const error = JSON.parse(lines[1]) as { error: { code: string; message: string } };
    assert.equal(error.error.code, "NotFound");
    assert.match(error.error.message, /disappeared while it was answering/);
  });

  it("keeps a stream waiting on a consent prompt alive with SSE comments, then reports its outcome in-stream", async () => {
    const patient = await startBridgeServer({ backend, keepAliveMs: 40 });
    try {
      const original = backend.send.bind(backend);
      backend.send = async (model, request, signal) => {
        await new Promise((r) => setTimeout(r, 200));
        backend.sendError = lmError("NoPermissions", "Acme One", "declined");
        return original(model, request, signal);
      };
      const reply = await call(patient, { body: chat() });
      assert.equal(reply.status, 200, "the headers went out while VS Code was asking");
      const events = reply.body.split("\n\n").filter(Boolean);
      assert.ok(events.length >= 3 && events.slice(0, -2).every((e) => e === ": waiting for the VS Code model"), reply.body);
      const error = JSON.parse(events.at(-2)?.replace(/^data: /, "") ?? "") as { error: { code: string; message: string } };
      assert.equal(error.error.code, "NoPermissions");
      assert.equal(events.at(-1), "data: [DONE]");
    } finally {
      await patient.close();
    }
  });

  it("says which model is missing, that none exist, or that a model cannot call tools", async () => {
    const unknown = await call(server, { body: chat({ model: "acme/nope" }) });
    assert.equal(unknown.status, 404);
    assert.match(errorOf(unknown).message, /"acme\/nope" is gone/);
    const tools = await call(server, { body: chat({ model: "acme/plain", tools: [{ type: "function", function: { name: "bash" } }] }) });
    assert.equal(tools.status, 400);
    assert.match(errorOf(tools).message, /"Plain" cannot call tools/);
    backend.list = [];
    const none = await call(server, { body: chat() });
    assert.equal(none.status, 404);
    assert.match(errorOf(none).message, /No VS Code language models are available/);
  });

  it("rejects malformed and oversized bodies without calling the model", async function () {
    this.timeout(20_000);
    const junk = await call(server, { raw: "{not json" });
    assert.equal(junk.status, 400);
    assert.match(errorOf(junk).message, /not valid JSON/);
    const wrong = await call(server, { body: { model: "acme/m1", messages: "hi" } });
    assert.equal(wrong.status, 400);
    assert.match(errorOf(wrong).message, /messages must be a non-empty array/);
    const huge = await call(server, { raw: JSON.stringify(chat({ pad: "x".repeat(65 * 1024 * 1024) })) });
    assert.equal(huge.status, 413);
    assert.match(errorOf(huge).message, /larger than 64 MB/);
    assert.equal(backend.signals.length, 0);
  });

  it("cancels the model's request when the client goes away (pi's abort)", async () => {
    let yielded = 0;
    backend.script = async function* (_request, signal) {
      while (!signal.aborted) {
        yield { kind: "text", text: `w${yielded++} ` };
        await new Promise((r) => setTimeout(r, 5));
      }
    };
    const url = new URL(server.baseUrl);
    await new Promise<void>((resolve, reject) => {
      const req = http.request({ host: "127.0.0.1", port: url.port, path: "/v1/chat/completions", method: "POST", headers: { authorization: `Bearer ${server.apiKey}` } }, (res) => {
        res.once("data", () => {
          req.destroy();
          resolve();
        });
      });
      req.on("error", () => undefined);
      req.end(JSON.stringify(chat()));
      setTimeout(() => reject(new Error("no delta")), 2000);
    });
    const deadline = Date.now() + 2000;
    while (!backend.signals[0]?.aborted && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    assert.equal(backend.signals[0]?.aborted, true, "the backend's request was cancelled");
    const at = yielded;
    await new Promise((r) => setTimeout(r, 50));
    assert.ok(yielded <= at + 1, "the model stopped streaming");
  });
});
