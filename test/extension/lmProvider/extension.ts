// The test extension's language model provider (vscode.lm.registerLanguageModelChatProvider):
// vendor "pi-test", answered by the scripted model on loopback (PI_TEST_LM_URL). It exports
// what the in-host suite checks: every request it served, whether it was cancelled, and a way
// to take models away (a provider signing out). Models:
//   scripted  tools, no consent needed
//   guarded   needs the user's consent (requiresAuthorization, the chatProvider proposal)
//   no-tools  cannot call tools
import * as vscode from "vscode";
import type { LmImagePart, LmInputPart, LmMessage, LmTextPart } from "../../../src/host/lmBridge/types";
import { findLmApi, type LmApi } from "../../../src/vscode/lmBridge/vscodeLm";
import { scriptedParts, toScriptedBody } from "../../support/scriptedLm";

// The provider side of the API is newer than the project's @types/vscode (1.85): declared here.
interface ModelInformation {
  id: string;
  name: string;
  family: string;
  version: string;
  maxInputTokens: number;
  maxOutputTokens: number;
  capabilities: { toolCalling?: boolean; imageInput?: boolean };
  requiresAuthorization?: boolean;
}
interface RequestMessage {
  role: number;
  content: readonly unknown[];
}
interface ChatProvider {
  onDidChangeLanguageModelChatInformation: vscode.Event<void>;
  provideLanguageModelChatInformation(options: { silent: boolean }, token: vscode.CancellationToken): ModelInformation[];
  provideLanguageModelChatResponse(
    model: ModelInformation,
    messages: readonly RequestMessage[],
    options: { tools?: ReadonlyArray<{ name: string; description: string; inputSchema?: object }> },
    progress: vscode.Progress<object>,
    token: vscode.CancellationToken,
  ): Promise<void>;
  provideTokenCount(model: ModelInformation, text: string | RequestMessage, token: vscode.CancellationToken): Promise<number>;
}
type RegisterProvider = (vendor: string, provider: ChatProvider) => vscode.Disposable;

export interface ServedRequest {
  model: string;
  messages: LmMessage[];
  tools: string[];
  cancelled: boolean;
  finished: boolean;
  error?: string;
}

export interface TestLmApi {
  readonly requests: ServedRequest[];
  /** Which models the provider offers from now on (fires the change event). */
  offer(ids: string[]): void;
}

const MODELS: ModelInformation[] = [
  { id: "scripted", name: "Scripted (test)", family: "scripted", version: "1", maxInputTokens: 100_000, maxOutputTokens: 4_096, capabilities: { toolCalling: true, imageInput: true } },
  { id: "guarded", name: "Guarded (test)", family: "scripted", version: "1", maxInputTokens: 100_000, maxOutputTokens: 4_096, capabilities: { toolCalling: true }, requiresAuthorization: true },
  { id: "no-tools", name: "No tools (test)", family: "plain", version: "1", maxInputTokens: 8_000, maxOutputTokens: 1_000, capabilities: { toolCalling: false } },
];

function textOf(api: LmApi, part: unknown): LmTextPart | LmImagePart | undefined {
  if (part instanceof api.TextPart) return { kind: "text", text: String((part as { value: unknown }).value) };
  if (api.DataPart && part instanceof api.DataPart) {
    const d = part as { data: Uint8Array; mimeType: string };
    return { kind: "image", mimeType: d.mimeType, data: d.data };
  }
  return undefined;
}

function toPlain(api: LmApi, message: RequestMessage): LmMessage {
  const parts: LmInputPart[] = [];
  for (const part of message.content) {
    const simple = textOf(api, part);
    if (simple) parts.push(simple);
    else if (part instanceof api.ToolCallPart) {
      const c = part as { callId: string; name: string; input: Record<string, unknown> };
      parts.push({ kind: "toolCall", callId: c.callId, name: c.name, input: c.input });
    } else if (part instanceof api.ToolResultPart) {
      const r = part as { callId: string; content: unknown[] };
      parts.push({ kind: "toolResult", callId: r.callId, content: r.content.flatMap((c) => textOf(api, c) ?? []) });
    }
  }
  return { role: message.role === api.roles.Assistant ? "assistant" : "user", parts };
}

export function activate(): TestLmApi {
  const api = findLmApi();
  const register = (vscode as unknown as { lm: { registerLanguageModelChatProvider?: RegisterProvider } }).lm.registerLanguageModelChatProvider;
  const url = process.env.PI_TEST_LM_URL;
  if (!api || !register || !url) throw new Error(`the test LM provider needs vscode.lm.registerLanguageModelChatProvider and PI_TEST_LM_URL (got ${url})`);
  const requests: ServedRequest[] = [];
  const changed = new vscode.EventEmitter<void>();
  let offered = new Set(MODELS.map((m) => m.id));
  register("pi-test", {
    onDidChangeLanguageModelChatInformation: changed.event,
    provideLanguageModelChatInformation: () => MODELS.filter((m) => offered.has(m.id)),
    async provideLanguageModelChatResponse(model, messages, options, progress, token) {
      const plain = messages.map((m) => toPlain(api, m));
      const served: ServedRequest = { model: model.id, messages: plain, tools: (options.tools ?? []).map((t) => t.name), cancelled: false, finished: false };
      requests.push(served);
      const abort = new AbortController();
      token.onCancellationRequested(() => {
        served.cancelled = true;
        abort.abort();
      });
      const tools = (options.tools ?? []).map((t) => ({ name: t.name, description: t.description, inputSchema: t.inputSchema as Record<string, unknown> | undefined }));
      try {
        for await (const part of scriptedParts(url, toScriptedBody(model.id, plain, tools), abort.signal)) {
          if (part.kind === "text") progress.report(new api.TextPart(part.text));
          else if (part.kind === "toolCall") progress.report(new api.ToolCallPart(part.callId, part.name, part.input as object));
        }
      } catch (err) {
        if (served.cancelled) return;
        served.error = err instanceof Error ? err.message : String(err);
        throw err;
      } finally {
        served.finished = true;
      }
    },
    async provideTokenCount(_model, text) {
      const s = typeof text === "string" ? text : JSON.stringify(toPlain(api, text));
      return Math.ceil(s.length / 4);
    },
  });
  return {
    requests,
    offer(ids) {
      offered = new Set(ids);
      changed.fire();
    },
  };
}
