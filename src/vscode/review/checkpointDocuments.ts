// The left side of a review diff: a file as it was at a turn's checkpoint (moved forward by
// Keep), as a read-only document `pi-checkpoint:/<chatId>/<turnId>/<path>`. The right side is
// the real file, so edits there are ordinary edits that save to disk; a tab closed loses
// nothing. `-` as the turn is an empty document (the other side of a created or deleted file).
import * as fs from "node:fs";
import * as path from "node:path";
import * as vscode from "vscode";
import type { Chat } from "../../host/chat/chat";
import type { ChatHost } from "../../host/chatHost";
import { isBinary } from "../../host/checkpoints";
import { toRepoPath } from "../../host/checkpoints/requestPaths";
import { requireTurn } from "../../host/review/fileReview";
import { reviewError } from "../../host/reviewActions";

export const CHECKPOINT_SCHEME = "pi-checkpoint";
const NONE = "-";

export function checkpointUri(chatId: string, turnId: string, rel: string): vscode.Uri {
  return vscode.Uri.from({ scheme: CHECKPOINT_SCHEME, path: `/${chatId}/${turnId}/${rel}` });
}

function parse(uri: vscode.Uri): { chatId: string; turnId: string; rel: string } | undefined {
  const [, chatId, turnId, ...rest] = uri.path.split("/");
  if (!chatId || !turnId || rest.length === 0) return undefined;
  return { chatId, turnId, rel: rest.join("/") };
}

export class CheckpointDocuments implements vscode.TextDocumentContentProvider {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  constructor(private readonly host: ChatHost) {}

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const ref = parse(uri);
    if (!ref || ref.turnId === NONE) return "";
    const chat = this.host.get(ref.chatId);
    const store = await chat?.review.store();
    if (!store) return "(This checkpoint is no longer available: its chat was closed.)";
    try {
      const base = await store.reviewBase(ref.turnId, ref.rel);
      if (base === undefined) return "";
      return isBinary(base) ? "(Binary file: not shown.)" : base.toString("utf8");
    } catch (err) {
      return `(${(reviewError(err) as Error).message})`;
    }
  }

  /** A Keep moved a base forward, or a turn ended: open left sides show the new content. */
  refresh(): void {
    for (const doc of vscode.workspace.textDocuments) if (doc.uri.scheme === CHECKPOINT_SCHEME) this.changed.fire(doc.uri);
  }

  dispose(): void {
    this.changed.dispose();
  }
}

/** Opens the diff editor of a file since a turn's checkpoint; resolves to its workspace-relative path. */
export async function openChange(chat: Chat, turnId: string, file: string): Promise<string> {
  const rel = toRepoPath(chat.review.folder, file);
  await requireTurn(await chat.review.requireStore(), turnId);
  const absolute = path.join(chat.review.folder, ...rel.split("/"));
  const exists = fs.existsSync(absolute);
  const right = exists ? vscode.Uri.file(absolute) : checkpointUri(chat.id, NONE, rel);
  const name = path.posix.basename(rel);
  await vscode.commands.executeCommand("vscode.diff", checkpointUri(chat.id, turnId, rel), right, `${name} (since pi's turn)${exists ? "" : " — deleted"}`, { preview: true, preserveFocus: false });
  return rel;
}
