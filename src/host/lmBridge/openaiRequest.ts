// OpenAI chat-completions request → the Language Model API's shapes. The body comes from
// pi over loopback, but it is still input: anything malformed is a 400 that says what is wrong.
//
// VS Code has two roles, so: system/developer text becomes a user message at its place (the
// stable API has no system role); assistant tool_calls become tool-call parts; consecutive
// `tool` messages become one user message of tool-result parts (VS Code's convention); images
// (data: URLs) become image parts.
import { LmBridgeError } from "./errors";
import type { LmImagePart, LmInputPart, LmMessage, LmRequest, LmTextPart, LmTool } from "./types";

type Json = Record<string, unknown>;

const bad = (message: string) => new LmBridgeError("BadRequest", message);

function isRecord(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function str(value: unknown, what: string): string {
  if (typeof value !== "string") throw bad(`${what} must be a string`);
  return value;
}

const DATA_URL = /^data:([a-z]+\/[a-z0-9.+-]+);base64,([A-Za-z0-9+/]*={0,2})$/i;

export function parseImageUrl(url: unknown, what: string): LmImagePart {
  const match = DATA_URL.exec(str(url, what));
  if (!match) throw bad(`${what} must be a base64 data: URL (remote image URLs are not fetched)`);
  // A copy, not Buffer's view into its shared pool: a consumer may read `data.buffer` whole.
  return { kind: "image", mimeType: match[1].toLowerCase(), data: new Uint8Array(Buffer.from(match[2], "base64")) };
}

/** `content` of a message: a string, null, or an array of text/image_url parts. */
function contentParts(content: unknown, what: string, allowImages: boolean): Array<LmTextPart | LmImagePart> {
  if (content === null || content === undefined) return [];
  if (typeof content === "string") return content ? [{ kind: "text", text: content }] : [];
  if (!Array.isArray(content)) throw bad(`${what}.content must be a string, null or an array`);
  return content.map((part: unknown, i): LmTextPart | LmImagePart => {
    const where = `${what}.content[${i}]`;
    if (!isRecord(part)) throw bad(`${where} must be an object`);
    if (part.type === "text") return { kind: "text", text: str(part.text, `${where}.text`) };
    if (part.type === "image_url" && allowImages) {
      const image = isRecord(part.image_url) ? part.image_url.url : part.image_url;
      return parseImageUrl(image, `${where}.image_url.url`);
    }
    throw bad(`${where}.type ${JSON.stringify(part.type)} is not supported here`);
  });
}

function toolCallParts(calls: unknown, what: string): LmInputPart[] {
  if (calls === undefined || calls === null) return [];
  if (!Array.isArray(calls)) throw bad(`${what}.tool_calls must be an array`);
  return calls.map((call: unknown, i) => {
    const where = `${what}.tool_calls[${i}]`;
    if (!isRecord(call) || !isRecord(call.function)) throw bad(`${where} must be {id, type: "function", function: {name, arguments}}`);
    const args = call.function.arguments ?? "{}";
    let input: unknown;
    try {
      input = typeof args === "string" ? JSON.parse(args || "{}") : args;
    } catch {
      throw bad(`${where}.function.arguments is not valid JSON`);
    }
    if (!isRecord(input)) throw bad(`${where}.function.arguments must be a JSON object`);
    return { kind: "toolCall" as const, callId: str(call.id, `${where}.id`), name: str(call.function.name, `${where}.function.name`), input };
  });
}

function parseMessages(value: unknown): LmMessage[] {
  if (!Array.isArray(value) || value.length === 0) throw bad("messages must be a non-empty array");
  const out: LmMessage[] = [];
  value.forEach((message: unknown, i) => {
    const what = `messages[${i}]`;
    if (!isRecord(message)) throw bad(`${what} must be an object`);
    switch (message.role) {
      case "system":
      case "developer": {
        const parts = contentParts(message.content, what, false);
        if (parts.length) out.push({ role: "user", parts });
        return;
      }
      case "user": {
        const parts = contentParts(message.content, what, true);
        if (parts.length) out.push({ role: "user", parts });
        return;
      }
      case "assistant": {
        const parts = [...contentParts(message.content, what, false), ...toolCallParts(message.tool_calls, what)];
        if (parts.length) out.push({ role: "assistant", parts });
        return;
      }
      case "tool": {
        const result = { kind: "toolResult" as const, callId: str(message.tool_call_id, `${what}.tool_call_id`), content: contentParts(message.content, what, true) };
        const previous = out[out.length - 1];
        // Results of one turn's calls travel together in one user message.
        if (previous?.role === "user" && previous.parts.every((p) => p.kind === "toolResult")) previous.parts.push(result);
        else out.push({ role: "user", parts: [result] });
        return;
      }
      default:
        throw bad(`${what}.role ${JSON.stringify(message.role)} is not one of system, developer, user, assistant, tool`);
    }
  });
  if (out.length === 0) throw bad("messages has no content");
  return out;
}

function parseTools(value: unknown): LmTool[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw bad("tools must be an array");
  return value.map((tool: unknown, i) => {
    const what = `tools[${i}]`;
    if (!isRecord(tool) || tool.type !== "function" || !isRecord(tool.function)) throw bad(`${what} must be {type: "function", function: {...}}`);
    const fn = tool.function;
    if (fn.parameters !== undefined && !isRecord(fn.parameters)) throw bad(`${what}.function.parameters must be a JSON schema object`);
    return {
      name: str(fn.name, `${what}.function.name`),
      description: fn.description === undefined ? "" : str(fn.description, `${what}.function.description`),
      ...(fn.parameters ? { inputSchema: fn.parameters } : {}),
    };
  });
}

/** Validates and translates a chat-completions body. Throws LmBridgeError("BadRequest"). */
export function parseChatRequest(body: unknown): LmRequest {
  if (!isRecord(body)) throw bad("the request body must be a JSON object");
  const modelId = str(body.model, "model");
  const messages = parseMessages(body.messages);
  let tools = parseTools(body.tools);
  const choice = body.tool_choice;
  if (choice !== undefined && choice !== "auto" && choice !== "none" && choice !== "required") {
    throw bad('tool_choice must be "auto", "none" or "required" (naming one tool is not supported)');
  }
  if (choice === "none") tools = [];
  const stream = body.stream === true;
  const includeUsage = isRecord(body.stream_options) && body.stream_options.include_usage === true;
  return { modelId, messages, tools, toolMode: choice === "required" && tools.length ? "required" : "auto", stream, includeUsage };
}
