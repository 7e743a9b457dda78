// The one table of chat actions. Each action is declared here once — its params and result
// schemas and its HTTP verb and path — and everything else derives from it: the
// vscode-messenger request types, the webview's ChatTransport and both its implementations,
// the VS Code router's registrations and the server's HTTP routes and their validation.
// Adding an action = an entry here + a host method + UI.
import type { Static, TSchema } from "typebox";
import { imageProblem } from "./images";
import * as C from "./schemas/chat";
import * as R from "./schemas/review";
import { ChatSnapshotSchema, OlderItemsSchema } from "./schemas/transcript";

export type HttpVerb = "GET" | "POST" | "DELETE";

/** Paths are under the API prefix (/api/v1); `:chatId` names the chat in the path. */
export interface HttpRoute {
  verb: HttpVerb;
  path: string;
  /** Success status (default 200). */
  status?: number;
}

export interface ActionSpec<P extends TSchema = TSchema, R extends TSchema = TSchema> {
  /** What it does, for people (and the generated route docs). */
  summary: string;
  params: P;
  result: R;
  /** How a browser calls it. Absent: only inside VS Code (an editor, the clipboard, a local file). */
  http?: HttpRoute;
  /** False: VS Code has no use for it (the browser's own chat list). */
  vscode?: false;
  /** A check a schema cannot express; answers why the params are wrong. */
  check?(params: Static<P>): string | undefined;
  /** May take as long as the user does (a slash command waiting on a dialog): never time it out. */
  unbounded?: boolean;
}

/** Keeps what the entry says about its faces (`http`, `vscode: false`) in its type, for the derived name lists. */
type Faces = { http?: HttpRoute; vscode?: false };
const action = <P extends TSchema, R extends TSchema, F extends Faces>(spec: ActionSpec<P, R> & F): ActionSpec<P, R> & F => spec;
const get = (path: string): HttpRoute => ({ verb: "GET", path });
const post = (path: string, status?: number): HttpRoute => ({ verb: "POST", path, status });
const chat = (rest = "") => `/chats/:chatId${rest}`;

function messageProblem({ text, images }: Static<typeof C.MessageParams>): string | undefined {
  if (!text.trim()) return "the message is empty";
  for (const [i, image] of (images ?? []).entries()) {
    const problem = imageProblem(image);
    if (problem) return `image ${i + 1}: ${problem}`;
  }
  return undefined;
}

function oneAnswer({ value, confirmed, cancelled }: Static<typeof C.DialogAnswerParams>): string | undefined {
  return [value, confirmed, cancelled].filter((v) => v !== undefined).length === 1 ? undefined : "give exactly one of value, confirmed, cancelled";
}

export const ACTIONS = {
  snapshot: action({
    summary: "The chat's state (a long chat's latest items); a view asks once when it (re)connects, then applies patches.",
    params: C.Empty,
    result: ChatSnapshotSchema,
    http: get(chat()),
  }),
  olderItems: action({
    summary: "The items just before one the view has: a long chat's history, paged in as the user scrolls up.",
    params: C.OlderItemsParams,
    result: OlderItemsSchema,
    http: get(chat("/items")),
  }),
  prompt: action({
    summary: "Sends a message; while pi works it is queued as a follow-up. Starts a chat in an empty VS Code view.",
    params: C.MessageParams,
    result: C.Empty,
    http: post(chat("/prompt")),
    check: messageProblem,
    unbounded: true,
  }),
  steer: action({ summary: "Delivers a message now, between tool calls of the current run.", params: C.MessageParams, result: C.Empty, http: post(chat("/steer")), check: messageProblem }),
  followUp: action({
    summary: "Queues a message for when pi finishes the current run.",
    params: C.MessageParams,
    result: C.Empty,
    http: post(chat("/follow-up")),
    check: messageProblem,
  }),
  abort: action({ summary: "Stops the current run (open dialogs are cancelled first).", params: C.Empty, result: C.Empty, http: post(chat("/abort")) }),
  clearQueue: action({ summary: "Drops the queued steering and follow-up messages.", params: C.Empty, result: C.Empty, http: post(chat("/clear-queue")) }),
  restart: action({ summary: "Restarts a stopped or crashed pi on the same pi session file.", params: C.Empty, result: C.Empty, http: post(chat("/restart")) }),
  answerDialog: action({
    summary: "Answers an open dialog card (a pi extension's question or an approval).",
    params: C.DialogAnswerParams,
    result: C.Empty,
    http: post(chat("/dialog-answer")),
    check: oneAnswer,
  }),
  models: action({ summary: "Models pi can use and the thinking levels of the current one.", params: C.Empty, result: C.ModelsResult, http: get(chat("/models")) }),
  setModel: action({ summary: "Switches the chat's model.", params: C.SetModelParams, result: C.Empty, http: post(chat("/model")) }),
  setThinking: action({ summary: "Sets the thinking level (only levels the model supports).", params: C.SetThinkingParams, result: C.Empty, http: post(chat("/thinking")) }),
  commands: action({ summary: "pi's slash commands for the composer's `/` list.", params: C.Empty, result: C.CommandsResult, http: get(chat("/commands")) }),
  findFiles: action({ summary: "Workspace files for an `@` mention, best fuzzy matches first.", params: C.FindFilesParams, result: C.FindFilesResult, http: get(chat("/files")) }),
  piSessions: action({ summary: "pi's past session files of the chat's folder, newest first.", params: C.Empty, result: C.PiSessionsResult, http: get(chat("/pi-sessions")) }),
  resumePiSession: action({
    summary: "Switches the chat to one of its folder's pi session files (only a file from that list).",
    params: C.PiSessionFileParams,
    result: C.Empty,
    http: post(chat("/resume")),
  }),
  forkPoints: action({ summary: "Earlier user messages the chat can fork from.", params: C.Empty, result: C.ForkPointsResult, http: get(chat("/fork-points")) }),
  fork: action({
    summary: "Forks pi's session at an earlier user message; answers its text for the composer.",
    params: C.ForkParams,
    result: C.ForkResult,
    http: post(chat("/fork")),
  }),
  rename: action({ summary: "Names the chat (pi's session name).", params: C.RenameParams, result: C.Empty, http: post(chat("/name")) }),
  // Review (issue 10): a turn is named by the checkpoint taken before it.
  sessionChanges: action({ summary: "Everything that changed in the folder since the pi session's first checkpoint.", params: C.Empty, result: R.SessionChangesResult, http: get(chat("/changes")) }),
  fileDiff: action({ summary: "A file's hunks since a turn's checkpoint (as Keep moved it), against the file as it is now.", params: R.TurnFileParams, result: R.FileDiffResult, http: get(chat("/changes/diff")) }),
  revertHunk: action({ summary: "Puts one hunk back as it was at the turn's checkpoint; refused when its lines were edited since.", params: R.HunkParams, result: R.ReviewResult, http: post(chat("/changes/revert-hunk")) }),
  keepHunk: action({ summary: "Accepts one hunk: it is no longer offered for review.", params: R.HunkParams, result: R.ReviewResult, http: post(chat("/changes/keep-hunk")) }),
  revertFile: action({
    summary: "Puts a file back as it was at the turn's checkpoint (a created file is deleted, a deleted one comes back).",
    params: R.RevertFileParams,
    result: R.ReviewResult,
    http: post(chat("/changes/revert-file")),
  }),
  keepFile: action({ summary: "Accepts a file's changes as they are now.", params: R.TurnFileParams, result: R.ReviewResult, http: post(chat("/changes/keep-file")) }),
  revertTurn: action({ summary: "Revert for every file the turn changed (files changed outside pi since are left alone and listed).", params: R.RevertTurnParams, result: R.ReviewResult, http: post(chat("/changes/revert-turn")) }),
  keepTurn: action({ summary: "Keep for every file the turn changed.", params: R.TurnParams, result: R.ReviewResult, http: post(chat("/changes/keep-turn")) }),
  rewindPreview: action({
    summary: "What rewinding to an earlier user message would do: the files it restores, the user's own edits it would overwrite, or why it cannot.",
    params: R.EntryParams,
    result: R.RewindPreviewResult,
    http: get(chat("/rewind")),
  }),
  rewind: action({
    summary: "Rewinds to before an earlier user message: files, conversation (a fork at that message) or both. Asks first about the user's own edits.",
    params: R.RewindParams,
    result: R.RewindResult,
    http: post(chat("/rewind")),
  }),
  undoRewind: action({ summary: "Puts the files back as they were just before a rewind.", params: R.UndoRewindParams, result: R.UndoRewindResult, http: post(chat("/rewind/undo")) }),
  editProposal: action({ summary: "The before and after of an edit proposal (pi.edits.approval: ask) for its card.", params: R.DialogIdParams, result: R.EditProposalResult, http: get(chat("/proposal")) }),
  newChat: action({
    summary: "A new chat with its own pi, shown in this view (VS Code stops the replaced chat's pi unless another view shows it).",
    params: C.Empty,
    result: C.NewChatResult,
    http: post("/chats", 201),
  }),
  listChats: action({ summary: "Every live chat.", params: C.Empty, result: C.ChatsResult, http: get("/chats"), vscode: false }),
  closeChat: action({ summary: "Stops the chat's pi and forgets the chat.", params: C.Empty, result: C.Empty, http: { verb: "DELETE", path: chat() }, vscode: false }),
  exportHtml: action({ summary: "Writes the chat as an HTML file and offers to open it.", params: C.Empty, result: C.PathResult }),
  openPiSessionFile: action({ summary: "Opens pi's raw JSONL session file in an editor.", params: C.Empty, result: C.Empty }),
  openFile: action({ summary: "Opens a file a tool card names (only inside the chat's folder).", params: C.OpenFileParams, result: C.Empty }),
  openDiff: action({ summary: "Shows a write/edit card's change in VS Code's diff editor.", params: C.ToolCallParams, result: C.Empty }),
  openChange: action({
    summary: "VS Code's diff editor: the turn's checkpoint (read-only) on the left, the real file on the right, with Keep / Revert per hunk.",
    params: R.TurnFileParams,
    result: C.Empty,
  }),
  openProposal: action({ summary: "Shows an edit proposal in VS Code's diff editor, with Accept / Reject in its title bar.", params: R.DialogIdParams, result: C.Empty }),
  copyText: action({ summary: "Copies a code block through VS Code's clipboard.", params: C.CodeTextParams, result: C.Empty }),
  insertText: action({ summary: "Inserts a code block at the active editor's cursor.", params: C.CodeTextParams, result: C.Empty }),
  problems: action({ summary: "The active editor's problems (diagnostics) as text for the draft.", params: C.Empty, result: C.TextResult }),
} satisfies Record<string, ActionSpec>;

export type Actions = typeof ACTIONS;
export type ActionName = keyof Actions;
export type ActionParams<K extends ActionName> = Static<Actions[K]["params"]>;
export type ActionResult<K extends ActionName> = Static<Actions[K]["result"]>;

/** Actions a browser can call (they have an HTTP route). */
export type HttpActionName = { [K in ActionName]: Actions[K] extends { http: HttpRoute } ? K : never }[ActionName];
/** Actions a VS Code view can call. */
export type VscodeActionName = { [K in ActionName]: Actions[K] extends { vscode: false } ? never : K }[ActionName];

export const ACTION_NAMES = Object.keys(ACTIONS) as ActionName[];

export function isActionName(value: unknown): value is ActionName {
  return typeof value === "string" && Object.hasOwn(ACTIONS, value);
}

/** The vscode-messenger method of an action. */
export function messengerMethod(name: ActionName): string {
  return `pi/${name}`;
}

/** A path template with its parameters filled in (each one URI-encoded). */
export function fillPath(template: string, values: Record<string, string>): string {
  return template.replace(/:(\w+)/g, (_, key: string) => {
    const value = values[key];
    if (value === undefined) throw new Error(`fillPath: no value for :${key} in ${template}`);
    return encodeURIComponent(value);
  });
}

/** What a vscode-messenger request answers: the result, or the failure (never a rejected promise). */
export type MessengerReply<R> = { ok: true; result: R } | { ok: false; error: { code: string; message: string } };
