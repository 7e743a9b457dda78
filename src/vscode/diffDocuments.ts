// Read-only documents of a write/edit card's before and after images, for VS Code's diff
// editor: `pi-diff:/<chatId>/<key>/<before|after>/<file name>` (the file name last, so the
// editor picks the language from it). Contents come from the chat's snapshot directory only.
import * as vscode from "vscode";
import type { ChatHost } from "../host/chatHost";
import { isSnapshotKey, type Snapshot, type SnapshotSide } from "../piGuard/snapshotFormat";

export const DIFF_SCHEME = "pi-diff";

export function diffUri(chatId: string, key: string, side: SnapshotSide, fileName: string): vscode.Uri {
  return vscode.Uri.from({ scheme: DIFF_SCHEME, path: `/${chatId}/${key}/${side}/${fileName}` });
}

interface DiffDocumentRef {
  chatId: string;
  key: string;
  side: SnapshotSide;
}

function parseDiffUri(uri: vscode.Uri): DiffDocumentRef | undefined {
  const [, chatId, key, side] = uri.path.split("/");
  if (!chatId || !key || !isSnapshotKey(key) || (side !== "before" && side !== "after")) return undefined;
  return { chatId, key, side };
}

function describe(snapshot: Snapshot | undefined): string {
  switch (snapshot?.kind) {
    case "text":
      return snapshot.text;
    case "absent":
      return ""; // the file did not exist (before a write) or was removed
    case "tooLarge":
      return "(This file is larger than 2 MB: its content was not kept.)";
    case "binary":
      return "(Binary file: not shown.)";
    default:
      return "(This version was not kept.)";
  }
}

export class DiffDocuments implements vscode.TextDocumentContentProvider {
  constructor(private readonly host: ChatHost) {}

  provideTextDocumentContent(uri: vscode.Uri): string {
    const ref = parseDiffUri(uri);
    if (!ref) return "";
    const store = this.host.get(ref.chatId)?.snapshots;
    if (!store) return "(This change is no longer available: its chat was closed.)";
    return describe(store.read(ref.key, ref.side));
  }
}
