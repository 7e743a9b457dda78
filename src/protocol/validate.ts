// Checks every message a webview (or a browser) sends before the host acts on it.
// A webview is a web page: treat its messages as untrusted input.
import type { ConnectParams, PromptParams } from "./messages";

export class ProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ProtocolError";
  }
}

/** Longest prompt accepted from a view (pi itself has no limit; a runaway paste should not hang the host). */
export const MAX_PROMPT_CHARS = 1_000_000;

function record(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new ProtocolError(`${what}: expected an object`);
  return value as Record<string, unknown>;
}

export function parseConnectParams(value: unknown): ConnectParams {
  const v = record(value, "connect");
  if (typeof v.clientId !== "string" || v.clientId.length === 0 || v.clientId.length > 200) {
    throw new ProtocolError("connect: clientId must be a non-empty string");
  }
  return { clientId: v.clientId };
}

export function parsePromptParams(value: unknown): PromptParams {
  const v = record(value, "prompt");
  if (typeof v.text !== "string") throw new ProtocolError("prompt: text must be a string");
  if (v.text.trim().length === 0) throw new ProtocolError("prompt: text is empty");
  if (v.text.length > MAX_PROMPT_CHARS) throw new ProtocolError(`prompt: text is longer than ${MAX_PROMPT_CHARS} characters`);
  return { text: v.text };
}

/** Notifications without parameters: anything but nothing or an empty object is rejected. */
export function parseEmptyParams(value: unknown, what: string): Record<string, never> {
  if (value === undefined || value === null) return {};
  const v = record(value, what);
  if (Object.keys(v).length) throw new ProtocolError(`${what}: takes no parameters`);
  return {};
}
