// The one message protocol between the extension host and the chat webview.
// Both sides import these constants; nothing else defines method names.
import type { NotificationType, RequestType } from "vscode-messenger-common";
import type { PromptImage } from "./images";
import type { ChatSnapshot, PatchBatch } from "./transcript";

export type { PromptImage };

/** Webview → host, on every (re)load: which session to show. Answers with the full snapshot. */
export interface ConnectParams {
  /** Random per page load; lets the host tell an iframe reload from a second view. */
  clientId: string;
}
export const ConnectRequest: RequestType<ConnectParams, ChatSnapshot> = { method: "pi/connect" };

/** Webview → host: send a user message to pi, with pasted or dropped images (see images.ts for the limits). */
export interface PromptParams {
  text: string;
  images?: PromptImage[];
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

/** The outcome of an action a view asked for. */
export interface ActionResult {
  accepted: boolean;
  error?: string;
}

export interface ModelChoice {
  provider: string;
  id: string;
  name: string;
  reasoning: boolean;
}

/** Webview → host: models pi can use and the thinking levels of the current model. */
export const GetModelsRequest: RequestType<Record<string, never>, { models: ModelChoice[]; thinkingLevels: string[] }> = { method: "pi/getModels" };
export const SetModelRequest: RequestType<{ provider: string; modelId: string }, ActionResult> = { method: "pi/setModel" };
export const SetThinkingRequest: RequestType<{ level: string }, ActionResult> = { method: "pi/setThinking" };

/** Webview → host: deliver a message now, while pi works. */
export const SteerRequest: RequestType<PromptParams, ActionResult> = { method: "pi/steer" };
export const ClearQueueNotification: NotificationType<Record<string, never>> = { method: "pi/clearQueue" };

export interface PiSessionSummary {
  file: string;
  title: string;
  /** ms since epoch of the last write. */
  modified: number;
}
/** Webview → host: this folder's past sessions, newest first. */
export const ListSessionsRequest: RequestType<Record<string, never>, { sessions: PiSessionSummary[] }> = { method: "pi/listSessions" };
/** Webview → host: resume one of the listed sessions in this view. */
export const ResumeSessionRequest: RequestType<{ file: string }, ActionResult> = { method: "pi/resumeSession" };
export const ForkPointsRequest: RequestType<Record<string, never>, { points: Array<{ entryId: string; text: string }> }> = { method: "pi/forkPoints" };
/** Webview → host: fork at an earlier user message; answers that message's text for the input. */
export const ForkRequest: RequestType<{ entryId: string }, ActionResult & { text?: string }> = { method: "pi/fork" };
export const RenameRequest: RequestType<{ name: string }, ActionResult> = { method: "pi/rename" };
/** Webview → host: write the session as HTML (VS Code offers to open it). */
export const ExportHtmlRequest: RequestType<Record<string, never>, ActionResult> = { method: "pi/exportHtml" };
/** Webview → host: open the session's raw JSONL file in an editor. */
export const OpenSessionFileRequest: RequestType<Record<string, never>, ActionResult> = { method: "pi/openSessionFile" };

/** Webview → host: open a file a tool card names (only inside the session's workspace folder). */
export interface OpenFileParams {
  /** The path as the tool was given it: relative to the workspace folder, or absolute. */
  path: string;
}
export const OpenFileRequest: RequestType<OpenFileParams, ActionResult> = { method: "pi/openFile" };

/** Webview → host: show a write/edit card's change in a diff editor. */
export interface OpenDiffParams {
  toolCallId: string;
}
export const OpenDiffRequest: RequestType<OpenDiffParams, ActionResult> = { method: "pi/openDiff" };

/** Webview → host: a code block's Copy (VS Code's clipboard) and Insert (at the active editor's cursor). */
export interface CodeTextParams {
  text: string;
}
export const CopyTextRequest: RequestType<CodeTextParams, ActionResult> = { method: "pi/copyText" };
export const InsertTextRequest: RequestType<CodeTextParams, ActionResult> = { method: "pi/insertText" };

/** A command pi runs when a message starts with `/name` (prompt templates, skills, extension commands). */
export interface SlashCommand {
  name: string;
  description?: string;
  source: "extension" | "prompt" | "skill";
}
/** Webview → host: pi's slash commands for the composer's `/` list (empty without a running chat). */
export const CommandsRequest: RequestType<Record<string, never>, { commands: SlashCommand[] }> = { method: "pi/commands" };

/** Webview → host: workspace files for an `@` mention, best fuzzy matches of `query` first. */
export interface FindFilesParams {
  query: string;
}
/** Paths are relative to the chat's workspace folder, with `/` separators. */
export const FindFilesRequest: RequestType<FindFilesParams, { files: string[] }> = { method: "pi/findFiles" };

/** Webview → host: the active editor's problems (diagnostics) as text for the draft. VS Code only. */
export const ProblemsRequest: RequestType<Record<string, never>, ActionResult & { text?: string }> = { method: "pi/problems" };

/** Host → webview: text to append to the composer's draft (e.g. "Pi: Add Selection to Chat"); the composer takes focus. */
export interface AppendToDraftParams {
  text: string;
}
export const AppendToDraftNotification: NotificationType<AppendToDraftParams> = { method: "pi/appendToDraft" };

/** Host → webview: incremental changes, at most one batch per animation frame. */
export const PatchesNotification: NotificationType<PatchBatch> = { method: "pi/patches" };

/** Host → webview: replace everything (the view switched to another session, or a resync). */
export const SnapshotNotification: NotificationType<ChatSnapshot> = { method: "pi/snapshot" };
