// Checks every message a webview (or a browser) sends before the host acts on it.
// A webview is a web page: treat its messages as untrusted input.
import { imageProblem, MAX_IMAGES, type PromptImage } from "./images";
import type { ConnectParams, DialogAnswerParams, FindFilesParams, OpenDiffParams, OpenFileParams, PromptParams } from "./messages";

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
  const images = parsePromptImages(v.images, "prompt");
  return images ? { text: v.text, images } : { text: v.text };
}

/**
 * Optional images of a message: at most MAX_IMAGES, each an allowed type, real base64 of that
 * format and within the size cap. Copies only the known fields. Undefined when there are none.
 */
export function parsePromptImages(value: unknown, what: string): PromptImage[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw new ProtocolError(`${what}: images must be an array`);
  if (value.length > MAX_IMAGES) throw new ProtocolError(`${what}: at most ${MAX_IMAGES} images per message`);
  const images = value.map((image: unknown, i) => {
    const problem = imageProblem(image);
    if (problem) throw new ProtocolError(`${what}: image ${i + 1}: ${problem}`);
    const { data, mimeType } = image as PromptImage;
    return { type: "image" as const, data, mimeType };
  });
  return images.length ? images : undefined;
}

/** Notifications without parameters: anything but nothing or an empty object is rejected. */
export function parseEmptyParams(value: unknown, what: string): Record<string, never> {
  if (value === undefined || value === null) return {};
  const v = record(value, what);
  if (Object.keys(v).length) throw new ProtocolError(`${what}: takes no parameters`);
  return {};
}

export function parseDialogAnswer(value: unknown): DialogAnswerParams {
  const v = record(value, "dialogAnswer");
  if (typeof v.id !== "string" || !v.id || v.id.length > 200) throw new ProtocolError("dialogAnswer: id must be a non-empty string");
  const given = ["value", "confirmed", "cancelled"].filter((k) => v[k] !== undefined);
  if (given.length !== 1) throw new ProtocolError("dialogAnswer: give exactly one of value, confirmed, cancelled");
  if (v.value !== undefined && (typeof v.value !== "string" || v.value.length > MAX_PROMPT_CHARS)) throw new ProtocolError("dialogAnswer: value must be a string");
  if (v.confirmed !== undefined && typeof v.confirmed !== "boolean") throw new ProtocolError("dialogAnswer: confirmed must be a boolean");
  if (v.cancelled !== undefined && v.cancelled !== true) throw new ProtocolError("dialogAnswer: cancelled must be true");
  return { id: v.id, value: v.value as string | undefined, confirmed: v.confirmed as boolean | undefined, cancelled: v.cancelled === true ? true : undefined };
}

/** A short identifier-like string field (ids, provider and model names, levels). */
export function parseStringField(value: unknown, what: string, field: string, max = 500): string {
  const v = record(value, what);
  const f = v[field];
  if (typeof f !== "string" || f.length === 0 || f.length > max) throw new ProtocolError(`${what}: ${field} must be a non-empty string of at most ${max} characters`);
  return f;
}

/** Longest path a view may ask to open (Linux's PATH_MAX). */
export const MAX_PATH_CHARS = 4096;

export function parseOpenFileParams(value: unknown): OpenFileParams {
  const path = parseStringField(value, "openFile", "path", MAX_PATH_CHARS);
  // A NUL cuts a path short in system calls: what is checked would not be what is opened.
  if (path.includes("\0")) throw new ProtocolError("openFile: path contains a NUL character");
  return { path };
}

/** Longest `@` query accepted (a path fragment). */
export const MAX_FILE_QUERY = 300;

export function parseFindFilesParams(value: unknown): FindFilesParams {
  const v = record(value, "findFiles");
  if (typeof v.query !== "string" || v.query.length > MAX_FILE_QUERY || v.query.includes("\0")) {
    throw new ProtocolError(`findFiles: query must be a string of at most ${MAX_FILE_QUERY} characters`);
  }
  return { query: v.query };
}

export function parseOpenDiffParams(value: unknown): OpenDiffParams {
  return { toolCallId: parseStringField(value, "openDiff", "toolCallId") };
}

/** A code block's text for Copy / Insert: any string up to 1 MB (empty is fine: nothing happens). */
export const MAX_CODE_TEXT = 1024 * 1024;
export function parseCodeText(value: unknown, what: string): { text: string } {
  const v = record(value, what);
  const keys = Object.keys(v);
  if (keys.length !== 1 || typeof v.text !== "string" || v.text.length > MAX_CODE_TEXT) throw new ProtocolError(`${what}: expected exactly { text: string } of at most ${MAX_CODE_TEXT} characters`);
  return { text: v.text };
}
