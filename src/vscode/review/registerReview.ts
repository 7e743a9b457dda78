// The review pieces of the VS Code face: the checkpoint side of diff editors, the CodeLenses,
// and the two editor actions of the table (open a change, open a proposal).
import * as vscode from "vscode";
import type { Chat } from "../../host/chat/chat";
import type { ChatHost } from "../../host/chatHost";
import { CHECKPOINT_SCHEME, CheckpointDocuments, openChange } from "./checkpointDocuments";
import { ReviewLenses } from "./reviewLenses";

export interface VscodeReview {
  /** The diff editor of a file since a turn; its editor then shows that turn's hunks. */
  openChange(chat: Chat, turnId: string, path: string): Promise<void>;
  /** A Keep moved a base, a turn ended: refresh the left sides and the lenses. */
  refresh(): void;
}

export function registerReview(context: vscode.ExtensionContext, host: ChatHost): VscodeReview {
  const documents = new CheckpointDocuments(host);
  const lenses = new ReviewLenses(host, () => documents.refresh());
  context.subscriptions.push(
    documents,
    lenses,
    vscode.workspace.registerTextDocumentContentProvider(CHECKPOINT_SCHEME, documents),
    vscode.languages.registerCodeLensProvider({ scheme: "file" }, lenses),
  );
  return {
    async openChange(chat, turnId, path) {
      const rel = await openChange(chat, turnId, path);
      lenses.track(chat, turnId, rel);
    },
    refresh: () => {
      documents.refresh();
      lenses.refresh();
    },
  };
}
