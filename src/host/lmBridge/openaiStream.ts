// The Language Model API's response parts → OpenAI chat-completion chunks (the SSE format of
// src/demo/scriptedModel.ts, which is what pi's openai-completions client reads), and the
// non-streaming body for a caller that did not ask for a stream.
import { randomUUID } from "node:crypto";
import type { LmResponsePart } from "./types";

export type FinishReason = "stop" | "tool_calls";

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

function usageOf(part: { promptTokens: number; completionTokens: number }): Usage {
  const prompt = Math.max(0, Math.round(part.promptTokens));
  const completion = Math.max(0, Math.round(part.completionTokens));
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
}

/** Turns parts into `data: …` lines; keeps the tool-call index and the finish reason. */
export class ChunkEncoder {
  private readonly id = `chatcmpl-${randomUUID()}`;
  private readonly created = Math.floor(Date.now() / 1000);
  private toolCalls = 0;
  private usage: Usage | undefined;

  constructor(private readonly model: string) {}

  private line(choices: unknown[], extra: Record<string, unknown> = {}): string {
    return `data: ${JSON.stringify({ id: this.id, object: "chat.completion.chunk", created: this.created, model: this.model, choices, ...extra })}\n\n`;
  }

  private delta(delta: Record<string, unknown>, finish: FinishReason | null = null): string {
    return this.line([{ index: 0, delta, finish_reason: finish }]);
  }

  /** The SSE text for one part; "" for parts that produce no chunk (usage is kept for the end). */
  part(part: LmResponsePart): string {
    switch (part.kind) {
      case "text":
        return part.text ? this.delta({ role: "assistant", content: part.text }) : "";
      case "thinking":
        return part.text ? this.delta({ role: "assistant", reasoning_content: part.text }) : "";
      case "toolCall": {
        const index = this.toolCalls++;
        const args = JSON.stringify(part.input ?? {});
        return this.delta({ role: "assistant", tool_calls: [{ index, id: part.callId, type: "function", function: { name: part.name, arguments: args } }] });
      }
      case "usage":
        this.usage = usageOf(part);
        return "";
    }
  }

  get finishReason(): FinishReason {
    return this.toolCalls ? "tool_calls" : "stop";
  }

  /** The finish chunk, the usage chunk (when asked for and known) and [DONE]. */
  end(includeUsage: boolean): string {
    let out = this.delta({}, this.finishReason);
    if (includeUsage && this.usage) out += this.line([], { usage: this.usage });
    return `${out}data: [DONE]\n\n`;
  }

  /** An error after the stream started: OpenAI's in-stream error object, then the end. */
  error(body: { error: { message: string; type: string; code: string } }): string {
    return `data: ${JSON.stringify(body)}\n\ndata: [DONE]\n\n`;
  }
}

interface CompletionMessage {
  role: "assistant";
  content: string | null;
  reasoning_content?: string;
  tool_calls?: Array<{ id: string; type: "function"; function: { name: string; arguments: string } }>;
}

/** Collects parts into one `chat.completion` object (stream: false). */
export class CompletionCollector {
  private text = "";
  private reasoning = "";
  private readonly calls: NonNullable<CompletionMessage["tool_calls"]> = [];
  private usage: Usage | undefined;

  constructor(private readonly model: string) {}

  add(part: LmResponsePart): void {
    if (part.kind === "text") this.text += part.text;
    else if (part.kind === "thinking") this.reasoning += part.text;
    else if (part.kind === "toolCall") this.calls.push({ id: part.callId, type: "function", function: { name: part.name, arguments: JSON.stringify(part.input ?? {}) } });
    else this.usage = usageOf(part);
  }

  body(): Record<string, unknown> {
    const message: CompletionMessage = { role: "assistant", content: this.text || null };
    if (this.reasoning) message.reasoning_content = this.reasoning;
    if (this.calls.length) message.tool_calls = this.calls;
    return {
      id: `chatcmpl-${randomUUID()}`,
      object: "chat.completion",
      created: Math.floor(Date.now() / 1000),
      model: this.model,
      choices: [{ index: 0, message, finish_reason: this.calls.length ? "tool_calls" : "stop" }],
      ...(this.usage ? { usage: this.usage } : {}),
    };
  }
}
