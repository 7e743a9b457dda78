// Token usage for bridged answers. VS Code's stable Language Model API reports no usage, but
// every model can count tokens with its own tokenizer (LanguageModelChat.countTokens). pi's
// context figures and auto-compaction need a prompt size, so the bridge counts the prompt
// while the model answers and the output at the end. A part of kind "usage" (a provider that
// reports real usage) wins; a model that cannot count within the time limit gets no usage
// chunk, and pi falls back to its own estimate.
import type { LmBackend, LmModelInfo, LmRequest } from "./types";

/** How long the end of an answer may wait for the token counts. */
export const COUNT_TIMEOUT_MS = 2_000;

/** The text of a request as the model's tokenizer should see it (images are not counted). */
export function requestText(request: LmRequest): string {
  const out: string[] = [];
  for (const message of request.messages) {
    for (const part of message.parts) {
      if (part.kind === "text") out.push(part.text);
      else if (part.kind === "toolCall") out.push(part.name, JSON.stringify(part.input));
      else if (part.kind === "toolResult") for (const c of part.content) if (c.kind === "text") out.push(c.text);
    }
  }
  for (const tool of request.tools) out.push(tool.name, tool.description, JSON.stringify(tool.inputSchema ?? {}));
  return out.join("\n");
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms)));
  return Promise.race([promise.catch(() => undefined), timeout]).finally(() => clearTimeout(timer));
}

export interface TokenCounter {
  /** Adds streamed output text. */
  output(text: string): void;
  /** The usage, or undefined when the model cannot count. */
  finish(): Promise<{ kind: "usage"; promptTokens: number; completionTokens: number } | undefined>;
}

export function tokenCounter(backend: LmBackend, model: LmModelInfo, prompt: string, signal: AbortSignal): TokenCounter | undefined {
  const count = backend.countTokens?.bind(backend);
  if (!count) return undefined;
  const promptTokens = count(model, prompt, signal);
  // Settled early so a rejection is never unhandled, even if finish() is not called.
  promptTokens.catch(() => undefined);
  let output = "";
  return {
    output: (text) => {
      output += text;
    },
    async finish() {
      const [p, c] = await Promise.all([withTimeout(promptTokens, COUNT_TIMEOUT_MS), output ? withTimeout(count(model, output, signal), COUNT_TIMEOUT_MS) : Promise.resolve(0)]);
      if (typeof p !== "number" || typeof c !== "number" || !Number.isFinite(p) || !Number.isFinite(c) || p <= 0) return undefined;
      return { kind: "usage", promptTokens: p, completionTokens: c };
    },
  };
}
