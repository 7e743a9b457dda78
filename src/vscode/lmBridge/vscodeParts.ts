// Plain bridge data ↔ vscode.LanguageModel* objects, and VS Code's errors → the bridge's.
import { lmError, LmBridgeError } from "../../host/lmBridge/errors";
import type { LmImagePart, LmInputPart, LmMessage, LmModelInfo, LmResponsePart, LmTextPart } from "../../host/lmBridge/types";
import type { LmApi, LmChatModel } from "./vscodeLm";

function content(api: LmApi, part: LmTextPart | LmImagePart): object {
  if (part.kind === "text") return new api.TextPart(part.text);
  if (api.DataPart) return new api.DataPart(part.data, part.mimeType);
  // Only reached for a model we did not mark as image-capable; say what was dropped.
  return new api.TextPart(`[an image (${part.mimeType}) was left out: this VS Code cannot send images to language models]`);
}

function inputPart(api: LmApi, part: LmInputPart): object {
  switch (part.kind) {
    case "text":
    case "image":
      return content(api, part);
    case "toolCall":
      return new api.ToolCallPart(part.callId, part.name, part.input);
    case "toolResult":
      return new api.ToolResultPart(part.callId, part.content.length ? part.content.map((c) => content(api, c)) : [new api.TextPart("")]);
  }
}

export function toVscodeMessages(api: LmApi, messages: LmMessage[]): object[] {
  return messages.map((m) => new api.ChatMessage(m.role === "user" ? api.roles.User : api.roles.Assistant, m.parts.map((p) => inputPart(api, p))));
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null;

/** One streamed part; undefined for kinds the bridge does not forward (e.g. data parts). */
export function fromVscodePart(api: LmApi, part: unknown): LmResponsePart | undefined {
  if (!isRecord(part)) return undefined;
  if (part instanceof api.TextPart && typeof part.value === "string") return { kind: "text", text: part.value };
  if (part instanceof api.ToolCallPart && typeof part.callId === "string" && typeof part.name === "string") {
    return { kind: "toolCall", callId: part.callId, name: part.name, input: part.input };
  }
  if (api.ThinkingPart && part instanceof api.ThinkingPart) {
    const value = part.value;
    const text = typeof value === "string" ? value : Array.isArray(value) ? value.filter((v) => typeof v === "string").join("") : "";
    return text ? { kind: "thinking", text } : undefined;
  }
  return undefined;
}

function positive(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) && value > 0 ? value : undefined;
}

/** What the picker and pi need to know of a model, read defensively from the live object. */
export function modelInfo(api: LmApi, model: LmChatModel): LmModelInfo {
  const caps = isRecord(model.capabilities) ? model.capabilities : {};
  return {
    id: model.id,
    vendor: model.vendor,
    family: model.family,
    name: model.name,
    version: model.version,
    maxInputTokens: positive(model.maxInputTokens) ?? 0,
    maxOutputTokens: positive(model.maxOutputTokens),
    supportsTools: typeof caps.supportsToolCalling === "boolean" ? caps.supportsToolCalling : undefined,
    // Images need both the model's word and data parts in this VS Code.
    supportsImages: caps.supportsImageToText === true && api.DataPart !== undefined,
  };
}

/** VS Code's LanguageModelError codes (and anything else a provider throws) → the chat's wording. */
export function fromVscodeError(err: unknown, model: LmModelInfo): LmBridgeError {
  if (err instanceof LmBridgeError) return err;
  const message = err instanceof Error ? err.message : String(err);
  const code = isRecord(err) && typeof err.code === "string" ? err.code : "";
  const cause = isRecord(err) && err.cause instanceof Error ? err.cause.message : "";
  const detail = cause && !message.includes(cause) ? `${message}: ${cause}` : message;
  if (code === "NoPermissions") return lmError("NoPermissions", model.name, detail);
  if (code === "Blocked") return lmError("Blocked", model.name, detail);
  // VS Code's own wording when a request reaches a model its provider no longer offers.
  if (code === "NotFound" || /^(Model not found|Language model provider .* not found)/.test(message)) return lmError("NotFound", model.name, detail);
  return lmError("Unknown", model.name, detail);
}
