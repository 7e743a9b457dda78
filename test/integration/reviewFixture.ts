// The review tests' world: a real pi with the workspace guard (from source), checkpoints on
// (stores outside the workspace), and a scripted model that answers a prompt registered with
// `script()` with exactly the tool calls given — several in one turn when a test needs them.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { ChatRequestBody, ReplyPlan, ScriptedToolCall } from "../../src/demo/scriptedReplies";
import { messageText } from "../../src/demo/scriptedReplies";
import type { Chat } from "../../src/host/chat/chat";
import type { GuardConfig } from "../../src/host/chatHost";
import type { ChangesItem, ChatItem, NoticeItem, UserItem } from "../../src/protocol/transcript";
import { openGuard } from "../support/guardBundle";
import { startPiFixture, waitFor, type PiFixture } from "../support/piFixture";

const scripts = new Map<string, ScriptedToolCall[]>();
let counter = 0;

/** Registers a prompt whose answer is these tool calls (ids made unique); returns the prompt. */
export function script(prompt: string, calls: Array<{ name: string; arguments: Record<string, unknown> }>): string {
  scripts.set(prompt, calls.map((c) => ({ id: `rv_${++counter}`, name: c.name, arguments: c.arguments })));
  return prompt;
}

export function reviewPlan(body: ChatRequestBody): ReplyPlan | undefined {
  const messages = body.messages ?? [];
  const last = messages[messages.length - 1];
  if (last?.role !== "user") return undefined;
  const calls = scripts.get(messageText(last).trim());
  return calls ? { text: ["On it."], toolCalls: calls } : undefined;
}

export interface ReviewWorld extends PiFixture {
  storesRoot: string;
}

export async function startReviewWorld(guard: Partial<GuardConfig> = {}): Promise<ReviewWorld> {
  // Outside the workspace, as the extension's global storage is.
  const storesRoot = fs.mkdtempSync(path.join(os.tmpdir(), "pi-review-stores-"));
  const fx = await startPiFixture(
    { plan: reviewPlan },
    {
      guard: () => ({ ...openGuard(), ...guard }),
      checkpoints: { storesRoot },
    },
  );
  return {
    ...fx,
    storesRoot,
    async cleanup() {
      await fx.cleanup();
      fs.rmSync(storesRoot, { recursive: true, force: true });
    },
  };
}

/** Sends a message and resolves once pi settled and the turn's checkpoint and card are done. */
export async function turn(chat: Chat, text: string): Promise<void> {
  const settled = new Promise<void>((resolve) => {
    let worked = false;
    const off = chat.onStatus((s) => {
      if (s === "working") worked = true;
      else if (worked && s === "ready") {
        off();
        resolve();
      }
    });
  });
  await chat.prompt(text);
  await settled;
  await chat.review.idle();
}

export const items = (chat: Chat): ChatItem[] => chat.snapshot().items;
export const cards = (chat: Chat): ChangesItem[] => items(chat).filter((i): i is ChangesItem => i.kind === "changes");
export const users = (chat: Chat): UserItem[] => items(chat).filter((i): i is UserItem => i.kind === "user");
export const notices = (chat: Chat): NoticeItem[] => items(chat).filter((i): i is NoticeItem => i.kind === "notice");

/** The user item with this text, once it has its pi entry id. */
export function userEntry(chat: Chat, text: string): Promise<string> {
  return waitFor(`the entry id of "${text}"`, () => users(chat).find((u) => u.text === text)?.entryId);
}

export function write(root: string, rel: string, content: string): void {
  fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
  fs.writeFileSync(path.join(root, rel), content);
}

export function read(root: string, rel: string): string {
  return fs.readFileSync(path.join(root, rel), "utf8");
}
