// A language model in the Language Model API's shapes, answered by the scripted model
// (src/demo/scriptedModel.ts) on loopback: plain bridge messages → an OpenAI request to the
// scripted server → its SSE stream → response parts. Used by the Node tests and the bench as
// the stand-in for vscode.lm (which exists only inside VS Code), and by the test extension's
// language model provider in the real extension host.
import type { ChatMessage, ChatRequestBody } from "../../src/demo/scriptedReplies";
import type { LmBackend, LmMessage, LmModelInfo, LmRequest, LmResponsePart, LmTool } from "../../src/host/lmBridge/types";

export function toScriptedBody(modelId: string, messages: LmMessage[], tools: LmTool[]): ChatRequestBody {
  const out: ChatMessage[] = [];
  for (const m of messages) {
    const text = m.parts.flatMap((p) => (p.kind === "text" ? [{ type: "text", text: p.text }] : []));
    const images = m.parts.flatMap((p) => (p.kind === "image" ? [{ type: "image_url", image_url: { url: `data:${p.mimeType};base64,${Buffer.from(p.data).toString("base64")}` } }] : []));
    const calls = m.parts.flatMap((p) => (p.kind === "toolCall" ? [{ id: p.callId, type: "function", function: { name: p.name, arguments: JSON.stringify(p.input) } }] : []));
    for (const p of m.parts) {
      if (p.kind === "toolResult") out.push({ role: "tool", content: p.content.map((c) => (c.kind === "text" ? c.text : "[image]")).join(""), tool_call_id: p.callId } as ChatMessage);
    }
    if (text.length || images.length || calls.length) {
      out.push({ role: m.role, content: [...text, ...images], ...(calls.length ? { tool_calls: calls } : {}) });
    }
  }
  return { model: modelId, messages: out, stream: true, tools: tools.map((t) => ({ type: "function", function: { name: t.name, description: t.description, parameters: t.inputSchema } })) };
}

/** Reads the scripted server's SSE answer as response parts; an HTTP error throws its message. */
export async function* scriptedParts(baseUrl: string, body: ChatRequestBody, signal: AbortSignal): AsyncGenerator<LmResponsePart> {
  const res = await fetch(`${baseUrl}/chat/completions`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body), signal });
  if (!res.ok || !res.body) {
    const text = await res.text().catch(() => "");
    throw new Error(`scripted model answered HTTP ${res.status}: ${text}`);
  }
  const decoder = new TextDecoder();
  let buffer = "";
  const reader = res.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true });
    let end: number;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const event = buffer.slice(0, end).replace(/^data: /, "");
      buffer = buffer.slice(end + 2);
      if (event === "[DONE]") return;
      const data = JSON.parse(event) as { choices?: Array<{ delta?: Record<string, unknown> }> };
      const delta = data.choices?.[0]?.delta ?? {};
      if (typeof delta.content === "string") yield { kind: "text", text: delta.content };
      if (typeof delta.reasoning_content === "string") yield { kind: "thinking", text: delta.reasoning_content };
      const calls = (delta.tool_calls ?? []) as Array<{ id: string; function: { name: string; arguments: string } }>;
      for (const c of calls) yield { kind: "toolCall", callId: c.id, name: c.function.name, input: JSON.parse(c.function.arguments) as unknown };
    }
  }
}

export const STAND_IN_MODEL: LmModelInfo = {
  id: "scripted-1",
  vendor: "standin",
  family: "scripted",
  name: "Scripted stand-in",
  version: "1",
  maxInputTokens: 100_000,
  maxOutputTokens: 4_000,
  supportsTools: true,
  supportsImages: true,
};

/** An LmBackend with the vscode.lm behaviour the bridge relies on, answered by the scripted model. */
export class ScriptedLmBackend implements LmBackend {
  /** Every request received, and whether it was cancelled. */
  readonly requests: Array<{ request: LmRequest; cancelled: boolean }> = [];
  models: () => Promise<LmModelInfo[]>;

  constructor(
    private readonly baseUrl: string,
    list: LmModelInfo[] = [STAND_IN_MODEL],
  ) {
    this.models = async () => list;
  }

  async send(model: LmModelInfo, request: LmRequest, signal: AbortSignal): Promise<AsyncIterable<LmResponsePart>> {
    const record = { request, cancelled: false };
    this.requests.push(record);
    signal.addEventListener("abort", () => (record.cancelled = true), { once: true });
    return scriptedParts(this.baseUrl, toScriptedBody(model.id, request.messages, request.tools), signal);
  }

  async countTokens(_model: LmModelInfo, text: string): Promise<number> {
    return Math.ceil(text.length / 4);
  }
}
