// Edit proposals (pi.edits.approval: ask) in VS Code's diff editor: `pi-proposal:` documents of
// the before and after the guard stored (shown only when they match the hash pi sent, see
// host/review/proposals.ts), opened when the question arrives and closed once it is answered
// from anywhere. Accept / Accept all / Reject / Reject with reason… sit in the editor's title bar.
import * as vscode from "vscode";
import type { Chat } from "../../host/chat/chat";
import type { ChatHost } from "../../host/chatHost";
import { proposalOf, proposalSide } from "../../host/review/proposals";
import { ACCEPT, ACCEPT_ALL, REASON_PROMPT, REJECT, REJECT_WITH_REASON } from "../../piGuard/editProposal";
import { ActionError } from "../../protocol/actionError";
import type { ChatAttention } from "../chatAttention";

export const PROPOSAL_SCHEME = "pi-proposal";
type Side = "before" | "after";

function proposalUri(chatId: string, dialogId: string, side: Side, name: string): vscode.Uri {
  return vscode.Uri.from({ scheme: PROPOSAL_SCHEME, path: `/${chatId}/${encodeURIComponent(dialogId)}/${side}/${name}` });
}

function parse(uri: vscode.Uri): { chatId: string; dialogId: string; side: Side } | undefined {
  const [, chatId, dialogId, side] = uri.path.split("/");
  if (!chatId || !dialogId || (side !== "before" && side !== "after")) return undefined;
  try {
    return { chatId, dialogId: decodeURIComponent(dialogId), side };
  } catch {
    return undefined;
  }
}

class ProposalDocuments implements vscode.TextDocumentContentProvider {
  constructor(private readonly host: ChatHost) {}

  provideTextDocumentContent(uri: vscode.Uri): string {
    const ref = parse(uri);
    const chat = ref && this.host.get(ref.chatId);
    const item = ref && chat?.dialog(ref.dialogId);
    const p = item && proposalOf(item);
    if (!ref || !chat || !p) return "(This proposal is no longer available.)";
    const side = proposalSide(chat.snapshots?.dir, p, ref.side);
    if (side.state === "text") return side.text ?? "";
    if (side.state === "absent") return "";
    return side.state === "binary" ? "(Binary file: not shown.)" : side.state === "tooLarge" ? "(Larger than 2 MB: not shown.)" : "(This side cannot be shown.)";
  }
}

export async function openProposal(chat: Chat, dialogId: string): Promise<void> {
  const item = chat.dialog(dialogId);
  const p = item && proposalOf(item);
  if (!p) throw new ActionError("not_found", "That edit proposal is not in this chat.");
  const name = p.display.split("/").pop() || "file";
  await vscode.commands.executeCommand("vscode.diff", proposalUri(chat.id, dialogId, "before", name), proposalUri(chat.id, dialogId, "after", name), `${p.display} (pi's proposal)`, {
    preview: true,
    preserveFocus: true,
  });
}

/** Closes the diff tabs of proposals that are no longer waiting. */
async function closeAnswered(host: ChatHost): Promise<void> {
  const stale: vscode.Tab[] = [];
  for (const group of vscode.window.tabGroups.all) {
    for (const tab of group.tabs) {
      const input = tab.input;
      if (!(input instanceof vscode.TabInputTextDiff) || input.modified.scheme !== PROPOSAL_SCHEME) continue;
      const ref = parse(input.modified);
      const chat = ref && host.get(ref.chatId);
      if (!ref || !chat?.waiting.some((w) => w.id === ref.dialogId)) stale.push(tab);
    }
  }
  if (stale.length) await vscode.window.tabGroups.close(stale, true);
}

async function answerWithReason(chat: Chat, dialogId: string): Promise<void> {
  if (!chat.answerDialog({ id: dialogId, value: REJECT_WITH_REASON })) return;
  const reason = await vscode.window.showInputBox({ title: REASON_PROMPT, placeHolder: "optional", ignoreFocusOut: true });
  // The guard asks for the reason with a second question: answer it when it arrives.
  const deadline = Date.now() + 5_000;
  while (Date.now() < deadline) {
    const question = chat.waiting.find((w) => w.method === "input" && w.title === REASON_PROMPT);
    if (question) {
      chat.answerDialog(reason === undefined ? { id: question.id, cancelled: true } : { id: question.id, value: reason });
      return;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

export function registerProposals(context: vscode.ExtensionContext, host: ChatHost, attention: ChatAttention): void {
  const answer = (value: string) => (uri?: vscode.Uri) => {
    const target = uri ?? vscode.window.activeTextEditor?.document.uri;
    const ref = target && parse(target);
    const chat = ref && host.get(ref.chatId);
    if (!ref || !chat) return;
    const open = chat.waiting.find((w) => w.id === ref.dialogId);
    if (!open) return void vscode.window.showInformationMessage("That proposal was already answered.");
    if (!open.options?.includes(value)) return void vscode.window.showInformationMessage(`“${value}” is not offered for this file: it configures or runs code, so each change is approved on its own.`);
    if (value === REJECT_WITH_REASON) return answerWithReason(chat, ref.dialogId);
    if (!chat.answerDialog({ id: ref.dialogId, value })) void vscode.window.showInformationMessage("That proposal was already answered.");
  };
  const watched = new Set<string>();
  context.subscriptions.push(
    vscode.workspace.registerTextDocumentContentProvider(PROPOSAL_SCHEME, new ProposalDocuments(host)),
    vscode.commands.registerCommand("pi.proposal.accept", answer(ACCEPT)),
    vscode.commands.registerCommand("pi.proposal.acceptAll", answer(ACCEPT_ALL)),
    vscode.commands.registerCommand("pi.proposal.reject", answer(REJECT)),
    vscode.commands.registerCommand("pi.proposal.rejectWithReason", answer(REJECT_WITH_REASON)),
    {
      dispose: attention.on({
        // Shown first in the diff editor (focus stays where the user is); closed once answered anywhere.
        asked: (chat, question) => {
          if (!question.proposal) return;
          void openProposal(chat, question.id).catch(() => undefined);
          if (watched.has(chat.id)) return;
          watched.add(chat.id);
          const off = chat.onActivity(() => void closeAnswered(host).catch(() => undefined));
          context.subscriptions.push({ dispose: off });
        },
      }),
    },
  );
}
