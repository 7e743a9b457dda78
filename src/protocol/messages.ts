// The one message protocol between the extension host and the chat webview.
// Both sides import these constants; nothing else defines method names.
import type { NotificationType, RequestType } from "vscode-messenger-common";
import type { ChatSnapshot, PatchBatch } from "./transcript";

/** Webview → host, on every (re)load: which session to show. Answers with the full snapshot. */
export interface ConnectParams {
  /** Random per page load; lets the host tell an iframe reload from a second view. */
  clientId: string;
}
export const ConnectRequest: RequestType<ConnectParams, ChatSnapshot> = { method: "pi/connect" };

/** Webview → host: send a user message to pi. */
export interface PromptParams {
  text: string;
}
export const PromptRequest: RequestType<PromptParams, { accepted: boolean; error?: string }> = { method: "pi/prompt" };

/** Webview → host: stop the current run. */
export const AbortNotification: NotificationType<Record<string, never>> = { method: "pi/abort" };

/** Webview → host: start a fresh session in this view. */
export const NewSessionNotification: NotificationType<Record<string, never>> = { method: "pi/newSession" };

/** Webview → host: restart a crashed or stopped session on the same session file. */
export const RestartNotification: NotificationType<Record<string, never>> = { method: "pi/restart" };

/** Webview → host: the answer to an open dialog card. Exactly one of value / confirmed / cancelled. */
export interface DialogAnswerParams {
  id: string;
  value?: string;
  confirmed?: boolean;
  cancelled?: boolean;
}
export const DialogAnswerRequest: RequestType<DialogAnswerParams, { accepted: boolean; error?: string }> = { method: "pi/dialogAnswer" };

/** Host → webview: incremental changes, at most one batch per animation frame. */
export const PatchesNotification: NotificationType<PatchBatch> = { method: "pi/patches" };

/** Host → webview: replace everything (the view switched to another session, or a resync). */
export const SnapshotNotification: NotificationType<ChatSnapshot> = { method: "pi/snapshot" };
