// Plain-data shapes of VS Code's Language Model API as the bridge uses it. The bridge's
// translation and HTTP code work on these, so they run (and are tested) without VS Code;
// src/vscode/lmBridge turns them into vscode.LanguageModel* objects and back.

export type LmRole = "user" | "assistant";

export interface LmTextPart {
  kind: "text";
  text: string;
}

export interface LmImagePart {
  kind: "image";
  mimeType: string;
  data: Uint8Array;
}

export interface LmToolCallPart {
  kind: "toolCall";
  callId: string;
  name: string;
  input: Record<string, unknown>;
}

export interface LmToolResultPart {
  kind: "toolResult";
  callId: string;
  content: Array<LmTextPart | LmImagePart>;
}

export type LmInputPart = LmTextPart | LmImagePart | LmToolCallPart | LmToolResultPart;

export interface LmMessage {
  role: LmRole;
  parts: LmInputPart[];
}

export interface LmTool {
  name: string;
  description: string;
  inputSchema?: Record<string, unknown>;
}

/** One chat-completions request, translated. */
export interface LmRequest {
  /** The bridge's model id (see bridgeModelId). */
  modelId: string;
  messages: LmMessage[];
  tools: LmTool[];
  /** "required" when the caller demands a tool call (OpenAI tool_choice "required"). */
  toolMode: "auto" | "required";
  stream: boolean;
  /** The caller asked for a usage chunk (stream_options.include_usage). */
  includeUsage: boolean;
}

/** What a model streams back. `usage` only when something in VS Code reported it. */
export type LmResponsePart =
  | { kind: "text"; text: string }
  | { kind: "thinking"; text: string }
  | { kind: "toolCall"; callId: string; name: string; input: unknown }
  | { kind: "usage"; promptTokens: number; completionTokens: number };

/** A VS Code language model as the bridge (and the model picker) sees it. */
export interface LmModelInfo {
  /** VS Code's own model id (opaque, unique per vendor). */
  id: string;
  vendor: string;
  family: string;
  name: string;
  version: string;
  maxInputTokens: number;
  /** Not in VS Code's stable consumer API; read when the running VS Code exposes it. */
  maxOutputTokens?: number;
  /** Undefined when VS Code does not say. */
  supportsTools?: boolean;
  supportsImages?: boolean;
}

/** How VS Code's language models are reached: the vscode.lm adapter, or a stand-in in tests. */
export interface LmBackend {
  models(): Promise<LmModelInfo[]>;
  /**
   * Starts a request; resolves once the model accepted it (after any consent prompt) and
   * rejects with an LmBridgeError. Aborting `signal` cancels the request and ends the stream.
   */
  send(model: LmModelInfo, request: LmRequest, signal: AbortSignal): Promise<AsyncIterable<LmResponsePart>>;
  /** The model's own token count of a text, when it can give one. */
  countTokens?(model: LmModelInfo, text: string, signal: AbortSignal): Promise<number>;
}

/** The id pi knows a bridged model by: VS Code ids are only unique per vendor. */
export function bridgeModelId(model: Pick<LmModelInfo, "vendor" | "id">): string {
  return `${model.vendor}/${model.id}`;
}
