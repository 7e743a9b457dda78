// Turns pi's message content (strings, text/image/thinking/toolCall parts, tool results)
// into the plain pieces the transcript shows.
import type { AssistantBlock } from "../protocol/transcript";

interface ContentPart {
  type?: unknown;
  text?: unknown;
  thinking?: unknown;
  id?: unknown;
  name?: unknown;
  arguments?: unknown;
}

function parts(content: unknown): ContentPart[] {
  if (typeof content === "string") return [{ type: "text", text: content }];
  return Array.isArray(content) ? content.filter((p): p is ContentPart => typeof p === "object" && p !== null) : [];
}

export function textOf(content: unknown): string {
  return parts(content)
    .filter((p) => p.type === "text" && typeof p.text === "string")
    .map((p) => p.text as string)
    .join("");
}

export function imageCountOf(content: unknown): number {
  return parts(content).filter((p) => p.type === "image").length;
}

export function prettyArgs(args: unknown): string {
  if (args === undefined) return "";
  try {
    return JSON.stringify(args, null, 2) ?? "";
  } catch {
    return String(args);
  }
}

export function assistantBlocksOf(content: unknown): AssistantBlock[] {
  const blocks: AssistantBlock[] = [];
  for (const p of parts(content)) {
    if (p.type === "text" && typeof p.text === "string") blocks.push({ type: "text", text: p.text });
    else if (p.type === "thinking" && typeof p.thinking === "string") blocks.push({ type: "thinking", text: p.thinking });
    else if (p.type === "toolCall")
      blocks.push({ type: "toolCall", toolCallId: String(p.id ?? ""), name: String(p.name ?? ""), args: prettyArgs(p.arguments) });
  }
  return blocks;
}

/**
 * The blocks a message shows (text and thinking; tool calls become cards), in an array of
 * exactly their length: a filtered array keeps the spare room it grew into (~130 bytes for a
 * one-block message), and the host keeps every message of a long chat for paging.
 */
export function shownBlocks(blocks: AssistantBlock[]): AssistantBlock[] {
  return blocks.filter((b) => b.type !== "toolCall").slice();
}

/** The raw arguments of each tool call in an assistant message, by toolCallId (the cards read them). */
export function toolCallArgsOf(content: unknown): Map<string, unknown> {
  const args = new Map<string, unknown>();
  for (const p of parts(content)) if (p.type === "toolCall" && typeof p.id === "string") args.set(p.id, p.arguments);
  return args;
}

/** Text of a tool result (`{content:[…]}` from pi), or of anything else as JSON. */
export function toolResultText(result: unknown): string {
  if (result && typeof result === "object" && "content" in result) return textOf((result as { content: unknown }).content);
  if (typeof result === "string") return result;
  return result === undefined ? "" : prettyArgs(result);
}
