// Shared by the guard's real-pi tests: a scripted model that answers a prompt with one tool
// call, a way to run that call and wait for its card, and host UI handlers that answer the
// guard's dialogs the way a user would.
import type { ChatRequestBody, ReplyPlan, ScriptedToolCall } from "../../src/demo/scriptedReplies";
import { messageText } from "../../src/demo/scriptedReplies";
import type { Chat } from "../../src/host/chat/chat";
import type { RpcExtensionUIRequest, RpcExtensionUIResponse } from "../../src/pi/rpcTypes";
import type { ToolItem } from "../../src/protocol/transcript";
import { waitFor, waitForStatus, type PiFixture } from "./piFixture";

/** Prompt text → the tool call the scripted model answers with. */
const script = new Map<string, ScriptedToolCall>();
let counter = 0;

/** The scripted model's plan: a prompt registered by runTool gets its tool call; anything else the default reply. */
export function toolPlan(body: ChatRequestBody): ReplyPlan | undefined {
  const messages = body.messages ?? [];
  const last = messages[messages.length - 1];
  if (last?.role !== "user") return undefined; // a tool result: the default comment
  const call = script.get(messageText(last).trim());
  return call ? { text: ["Trying."], toolCalls: [call] } : undefined;
}

export function toolItem(chat: Chat, id: string): ToolItem | undefined {
  const item = chat.snapshot().items.find((i) => i.kind === "tool" && i.id === id);
  return item?.kind === "tool" ? item : undefined;
}

/** Starts one scripted tool call; returns its id (the card's id). */
export async function startTool(chat: Chat, name: string, args: Record<string, unknown>): Promise<string> {
  const id = `tool_${++counter}`;
  const key = `scripted-case ${id}`;
  script.set(key, { id, name, arguments: args });
  await chat.prompt(key);
  return id;
}

export async function finishedTool(chat: Chat, id: string, timeoutMs = 30_000): Promise<ToolItem> {
  const item = await waitFor(`tool card ${id}`, () => {
    const t = toolItem(chat, id);
    return t && t.status !== "running" ? t : undefined;
  }, timeoutMs);
  await waitForStatus(chat, "ready", timeoutMs);
  return item;
}

/** Prompts the scripted model into one tool call and returns its finished card. */
export async function runTool(chat: Chat, name: string, args: Record<string, unknown>, timeoutMs?: number): Promise<ToolItem> {
  return finishedTool(chat, await startTool(chat, name, args), timeoutMs);
}

/** A select dialog the host saw: its title and options. */
export interface SeenDialog {
  title: string;
  options: string[];
}

/** What the user answers to a select: an option, or undefined to cancel. */
export type Answerer = (dialog: SeenDialog) => string | undefined;

/** The cautious user: rejects or denies everything. */
export const refuse: Answerer = (d) => d.options.find((o) => o === "Reject" || o === "Deny");

/** Installs `answer` as the host's UI handler; returns the select dialogs seen so far (live). */
export function answerDialogs(fx: PiFixture, answer: Answerer): SeenDialog[] {
  const seen: SeenDialog[] = [];
  fx.host.uiHandler = async (_chat, req: RpcExtensionUIRequest): Promise<RpcExtensionUIResponse | undefined> => {
    if (req.method === "input") return { type: "extension_ui_response", id: req.id, cancelled: true };
    if (req.method !== "select") return undefined;
    const dialog = { title: req.title, options: req.options };
    seen.push(dialog);
    const value = answer(dialog);
    return value === undefined ? { type: "extension_ui_response", id: req.id, cancelled: true } : { type: "extension_ui_response", id: req.id, value };
  };
  return seen;
}
