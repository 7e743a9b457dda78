// A scripted OpenAI-compatible chat-completions server on 127.0.0.1.
// It is the demo model (no API key needed) and the only test double: pi talks to it
// through a custom provider exactly as it would talk to a real one.
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { planReply, type ChatRequestBody, type ReplyPlan } from "./scriptedReplies";

export interface ScriptedModelOptions {
  /** Overrides the built-in reply rules (tests use this for special cases). */
  plan?: (body: ChatRequestBody) => ReplyPlan | undefined;
}

export interface ScriptedModelServer {
  readonly baseUrl: string;
  readonly port: number;
  /** Every request body received, in order (tests inspect what pi sent). */
  readonly requests: ChatRequestBody[];
  close(): Promise<void>;
}

const MODEL_ID = "pi-demo";

function chunk(delta: Record<string, unknown>, finish: string | null = null): string {
  const payload = {
    id: "chatcmpl-demo",
    object: "chat.completion.chunk",
    created: 0,
    model: MODEL_ID,
    choices: [{ index: 0, delta, finish_reason: finish }],
  };
  return `data: ${JSON.stringify(payload)}\n\n`;
}

function usageChunk(promptTokens: number, completionTokens: number): string {
  const payload = {
    id: "chatcmpl-demo",
    object: "chat.completion.chunk",
    created: 0,
    model: MODEL_ID,
    choices: [],
    usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens },
  };
  return `data: ${JSON.stringify(payload)}\n\n`;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Writes respecting back-pressure so a flood of deltas does not balloon memory. */
function write(res: http.ServerResponse, text: string): Promise<void> | void {
  if (!res.write(text)) return new Promise<void>((r) => res.once("drain", () => r()));
}

async function streamPlan(res: http.ServerResponse, body: ChatRequestBody, plan: ReplyPlan): Promise<void> {
  if (plan.status && plan.status !== 200) {
    res.writeHead(plan.status, { "content-type": "application/json" });
    res.end(JSON.stringify({ error: { message: plan.errorMessage ?? "scripted error", type: "server_error" } }));
    return;
  }
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" });
  let closed = false;
  res.on("close", () => (closed = true));
  const delay = plan.delayMs ?? 0;
  let completion = 0;
  for (const piece of plan.reasoning ?? []) {
    if (closed) return;
    await write(res, chunk({ role: "assistant", reasoning_content: piece }));
    completion++;
    if (delay) await sleep(delay);
  }
  for (const piece of plan.text ?? []) {
    if (closed) return;
    await write(res, chunk({ role: "assistant", content: piece }));
    completion++;
    if (delay) await sleep(delay);
  }
  (plan.toolCalls ?? []).forEach((call, index) => {
    res.write(
      chunk({
        role: "assistant",
        tool_calls: [{ index, id: call.id, type: "function", function: { name: call.name, arguments: JSON.stringify(call.arguments) } }],
      }),
    );
  });
  if (closed) return;
  res.write(chunk({}, plan.toolCalls?.length ? "tool_calls" : "stop"));
  // Realistic prompt size: pi's context-usage figures depend on it.
  const promptTokens = Math.ceil(JSON.stringify(body.messages ?? []).length / 4);
  res.write(usageChunk(promptTokens, completion));
  res.end("data: [DONE]\n\n");
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on("data", (d: Buffer) => parts.push(d));
    req.on("end", () => resolve(Buffer.concat(parts).toString("utf8")));
    req.on("error", reject);
  });
}

export async function startScriptedModel(options: ScriptedModelOptions = {}): Promise<ScriptedModelServer> {
  const requests: ChatRequestBody[] = [];
  const server = http.createServer((req, res) => {
    void (async () => {
      if (req.method === "GET" && req.url?.endsWith("/models")) {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ object: "list", data: [{ id: MODEL_ID, object: "model" }] }));
        return;
      }
      if (req.method !== "POST" || !req.url?.endsWith("/chat/completions")) {
        res.writeHead(404).end();
        return;
      }
      let body: ChatRequestBody;
      try {
        body = JSON.parse(await readBody(req)) as ChatRequestBody;
      } catch {
        res.writeHead(400).end();
        return;
      }
      requests.push(body);
      const plan = options.plan?.(body) ?? planReply(body);
      await streamPlan(res, body, plan);
    })().catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    port,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export { MODEL_ID };
