// Keep / Revert in the file's own editor: a CodeLens over each hunk pi changed since the turn's
// checkpoint, and Keep all / Revert all over the first line. Which turn a file is reviewed
// against: the latest run that changed it, or the turn whose card the user opened it from.
// Reverts are WorkspaceEdits (workspaceEditor.ts): Ctrl+Z undoes them; a hunk whose lines the
// user changed since is refused with the reason, and nothing changes.
import * as path from "node:path";
import * as vscode from "vscode";
import type { Chat } from "../../host/chat/chat";
import type { ChatHost } from "../../host/chatHost";
import { computeHunks, isBinary } from "../../host/checkpoints";
import { keepFiles, keepOneHunk, type ReviewTarget, revertFiles, revertOneHunk } from "../../host/review/fileReview";
import { reviewError } from "../../host/reviewActions";
import { errorText } from "../../protocol/actionError";
import type { ReviewOutcome } from "../../protocol/types";
import { workspaceEditor } from "./workspaceEditor";

interface Tracked {
  chat: Chat;
  turnId: string;
}

export const LENS_COMMANDS = {
  keepHunk: "pi.review.keepHunk",
  revertHunk: "pi.review.revertHunk",
  keepFile: "pi.review.keepFile",
  revertFile: "pi.review.revertFile",
} as const;

export class ReviewLenses implements vscode.CodeLensProvider, vscode.Disposable {
  /** Absolute path → the chat and turn its hunks are shown against. */
  private readonly tracked = new Map<string, Tracked>();
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  private readonly watching = new Map<string, () => void>();
  private readonly disposables: vscode.Disposable[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly host: ChatHost,
    /** Told after a Keep or Revert (the diff editor's left side may have moved). */
    private readonly afterChange: () => void,
  ) {
    this.disposables.push(
      { dispose: host.onDidChange(() => this.sync()) },
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (this.tracked.has(e.document.uri.fsPath)) this.soon();
      }),
      vscode.commands.registerCommand(LENS_COMMANDS.keepHunk, (uri: string, hunkId: string) => this.run(uri, (t, file, turn) => keepOneHunk(t, turn, file, hunkId))),
      vscode.commands.registerCommand(LENS_COMMANDS.revertHunk, (uri: string, hunkId: string) => this.run(uri, (t, file, turn) => revertOneHunk(t, turn, file, hunkId))),
      vscode.commands.registerCommand(LENS_COMMANDS.keepFile, (uri: string) => this.run(uri, (t, file, turn) => keepFiles(t, turn, [file]))),
      vscode.commands.registerCommand(LENS_COMMANDS.revertFile, (uri: string) => this.run(uri, (t, file, turn) => revertFiles(t, turn, [file], { undoable: true }))),
    );
    this.sync();
  }

  /** Reviews `file` (workspace-relative) of `chat` against `turnId` from now on. */
  track(chat: Chat, turnId: string, rel: string): void {
    this.tracked.set(path.join(chat.review.folder, ...rel.split("/")), { chat, turnId });
    this.changed.fire();
  }

  async provideCodeLenses(doc: vscode.TextDocument): Promise<vscode.CodeLens[]> {
    const t = this.tracked.get(doc.uri.fsPath);
    if (!t || doc.uri.scheme !== "file" || !this.host.get(t.chat.id)) return [];
    let base: Buffer | undefined;
    try {
      const store = await t.chat.review.store();
      if (!store) return [];
      base = await store.reviewBase(t.turnId, doc.uri.fsPath);
    } catch {
      return []; // the checkpoint is gone: nothing to review against
    }
    if (base && isBinary(base)) return [];
    const hunks = computeHunks(base?.toString("utf8") ?? "", doc.getText());
    if (hunks.length === 0) return [];
    const uri = doc.uri.toString();
    const at = (line: number) => new vscode.Range(Math.min(line, Math.max(0, doc.lineCount - 1)), 0, Math.min(line, Math.max(0, doc.lineCount - 1)), 0);
    const lenses = [
      new vscode.CodeLens(at(0), { title: `Pi: ${hunks.length} change${hunks.length === 1 ? "" : "s"} — Keep all`, command: LENS_COMMANDS.keepFile, arguments: [uri] }),
      new vscode.CodeLens(at(0), { title: "Revert all", command: LENS_COMMANDS.revertFile, arguments: [uri] }),
    ];
    for (const h of hunks) {
      lenses.push(
        new vscode.CodeLens(at(h.currentStart), { title: "Keep", tooltip: "Keep pi's change here", command: LENS_COMMANDS.keepHunk, arguments: [uri, h.id] }),
        new vscode.CodeLens(at(h.currentStart), { title: "Revert", tooltip: "Put these lines back as they were before pi's turn (Ctrl+Z undoes it)", command: LENS_COMMANDS.revertHunk, arguments: [uri, h.id] }),
      );
    }
    return lenses;
  }

  private async run(uri: string, action: (t: ReviewTarget, file: string, turnId: string) => Promise<ReviewOutcome>): Promise<void> {
    const file = vscode.Uri.parse(uri).fsPath;
    const tracked = this.tracked.get(file);
    if (!tracked) return;
    try {
      const store = await tracked.chat.review.requireStore();
      const outcome = await action({ store, folder: tracked.chat.review.folder, editor: workspaceEditor }, file, tracked.turnId);
      if (outcome.skipped.length) void vscode.window.showWarningMessage(outcome.skipped.map((s) => `${s.path}: ${s.reason}`).join("\n"));
    } catch (err) {
      void vscode.window.showWarningMessage(errorText(reviewError(err)));
    }
    this.changed.fire();
    this.afterChange();
  }

  /** Follows every chat's finished runs: the files they changed get lenses. */
  private sync(): void {
    const live = new Set<string>(this.host.chats().map((c) => c.id));
    for (const [id, off] of this.watching) {
      if (live.has(id)) continue;
      off();
      this.watching.delete(id);
      for (const [file, t] of this.tracked) if (t.chat.id === id) this.tracked.delete(file);
    }
    for (const chat of this.host.chats()) {
      if (this.watching.has(chat.id)) continue;
      this.watching.set(
        chat.id,
        chat.review.onTurnEnd(({ turnId, files }) => {
          for (const f of files) this.track(chat, turnId, f.path);
          this.afterChange();
        }),
      );
    }
  }

  /** Bases or files changed elsewhere (a view's Keep or Revert): ask VS Code for the lenses again. */
  refresh(): void {
    this.changed.fire();
  }

  private soon(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.changed.fire(), 250);
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.watching.forEach((off) => off());
    this.disposables.forEach((d) => d.dispose());
    this.changed.dispose();
  }
}
