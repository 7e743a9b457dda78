// Never miss a question: when pi asks something, or a run finishes, while that chat is not in
// front of the user, a VS Code notification says so — with the answer buttons right there for
// an approval (Allow / Deny) or a short choice, and native UI (quick pick, input box) for the
// rest. `pi.notifications`: all / questions / off. The chat's card stays answerable meanwhile;
// whichever answer comes first wins.
import * as vscode from "vscode";
import type { Chat } from "../host/chat/chat";
import { ALLOW_ONCE, APPROVAL_OPTIONS, DENY } from "../piGuard/policy";
import type { DialogItem } from "../protocol/transcript";
import type { ChatAttention } from "./chatAttention";

export type NotifyLevel = "all" | "questions" | "off";

export interface NotifierDeps {
  attention: ChatAttention;
  level: () => NotifyLevel;
  /** Whether the user can see this chat now (a visible view, a focused window). */
  looking: (chat: Chat) => boolean;
  show: (chat: Chat) => Promise<void>;
  log: (message: string) => void;
}

const SHOW = "Show";
const ANSWER = "Answer…";

const isApproval = (q: DialogItem) => q.method === "select" && APPROVAL_OPTIONS.every((o, i) => q.options?.[i] === o);

/** The buttons a notification offers for a question, and what each one answers. */
export function questionButtons(q: DialogItem): Array<{ label: string; answer?: { value?: string; confirmed?: boolean } }> {
  if (isApproval(q)) return [{ label: "Allow", answer: { value: ALLOW_ONCE } }, { label: "Deny", answer: { value: DENY } }, { label: SHOW }];
  if (q.method === "confirm") return [{ label: "Yes", answer: { confirmed: true } }, { label: "No", answer: { confirmed: false } }, { label: SHOW }];
  if (q.method === "select" && (q.options?.length ?? 0) <= 3) return [...(q.options ?? []).map((o) => ({ label: o, answer: { value: o } })), { label: SHOW }];
  return [{ label: ANSWER }, { label: SHOW }];
}

export class Notifier implements vscode.Disposable {
  private readonly stop: () => void;

  constructor(private readonly deps: NotifierDeps) {
    this.stop = deps.attention.on({
      asked: (chat, question) => void this.asked(chat, question),
      finished: (chat, unseen) => void this.finished(chat, unseen),
    });
  }

  private quiet(chat: Chat, kind: "question" | "done"): boolean {
    const level = this.deps.level();
    if (level === "off" || (level === "questions" && kind === "done")) return true;
    return this.deps.looking(chat);
  }

  private async asked(chat: Chat, q: DialogItem): Promise<void> {
    if (this.quiet(chat, "question")) return;
    const arrived = performance.now();
    const buttons = questionButtons(q);
    const text = `Pi (${chat.info.title}): ${isApproval(q) ? q.title.replace(/\s+/g, " ").trim() : q.title}`;
    const shown = vscode.window.showInformationMessage(text.slice(0, 500), ...buttons.map((b) => b.label));
    this.deps.log(`notified about a question of chat ${chat.id} in ${(performance.now() - arrived).toFixed(1)} ms`);
    const picked = await shown;
    const choice = buttons.find((b) => b.label === picked);
    if (!choice || !chat.waiting.some((w) => w.id === q.id)) return;
    if (choice.answer) chat.answerDialog({ id: q.id, ...choice.answer });
    else if (choice.label === ANSWER) await this.answerNatively(chat, q);
    else await this.deps.show(chat);
  }

  /** A select as a quick pick, an input as an input box, an editor in the chat (it is multi-line). */
  private async answerNatively(chat: Chat, q: DialogItem): Promise<void> {
    if (q.method === "select") {
      const value = await vscode.window.showQuickPick(q.options ?? [], { title: q.title, ignoreFocusOut: true });
      if (value !== undefined) chat.answerDialog({ id: q.id, value });
    } else if (q.method === "input") {
      const value = await vscode.window.showInputBox({ title: q.title, placeHolder: q.placeholder, ignoreFocusOut: true });
      if (value !== undefined) chat.answerDialog({ id: q.id, value });
    } else await this.deps.show(chat);
  }

  private async finished(chat: Chat, unseen: boolean): Promise<void> {
    if (!unseen || this.quiet(chat, "done")) return;
    const failed = chat.status === "error" || chat.status === "crashed";
    const show = failed ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
    const choice = await show(`Pi (${chat.info.title}): ${failed ? "the run failed" : "done"}.`, SHOW);
    if (choice === SHOW) await this.deps.show(chat);
  }

  dispose(): void {
    this.stop();
  }
}
