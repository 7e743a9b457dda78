// The normalized chat transcript shared by the session host and every view of a session
// (VS Code webviews now, browser clients over SSE later). The host owns the truth and sends
// small patches; a view applies them with `applyPatch` — never a whole transcript per update.

export type ChatStatus = "starting" | "ready" | "working" | "stopped" | "crashed" | "error";

export interface UserItem {
  kind: "user";
  id: string;
  text: string;
  imageCount?: number;
}

export type AssistantBlock =
  | { type: "text"; text: string }
  | { type: "thinking"; text: string }
  | { type: "toolCall"; toolCallId: string; name: string; args: string };

export interface AssistantItem {
  kind: "assistant";
  id: string;
  blocks: AssistantBlock[];
  /** True while pi is still streaming this message. */
  streaming: boolean;
  errorMessage?: string;
}

export interface ToolItem {
  kind: "tool";
  /** pi's toolCallId. */
  id: string;
  name: string;
  /** Arguments as pretty JSON (display only). */
  args: string;
  status: "running" | "done" | "error";
  output: string;
  /** What the card shows beyond name, arguments and output (known tools only; see host/toolDetails.ts). */
  details?: ToolDetails;
}

/**
 * Structured facts about one tool call, read from pi's arguments and results. The host sends
 * them with the item when the tool starts (path, command, range) and once more, complete,
 * with the `finish` patch (exit code, duration, diff): a diff never travels per delta.
 */
export interface ToolDetails {
  /** read, write, edit: the path argument as pi was given it (relative to the workspace, usually). */
  path?: string;
  /** read: the first line asked for (1-based) and how many lines; absent = from the start / to the end. */
  offset?: number;
  limit?: number;
  /** bash: the command line. */
  command?: string;
  /** bash: the shell's exit status (absent when it has none: timed out, aborted, denied). */
  exitCode?: number;
  /** bash: milliseconds from start to end, measured by the host (live runs only, not from history). */
  durationMs?: number;
  /** write, edit: the change as a unified diff (`---`/`+++` header, `@@` hunks). */
  diff?: string;
  /** The diff was cut short to keep the transcript small ("Open diff" shows all of it). */
  diffTruncated?: boolean;
  /** write, edit: the host kept the file's before/after images, so a view may offer "Open diff". */
  snapshot?: boolean;
}

export interface NoticeItem {
  kind: "notice";
  id: string;
  level: "info" | "warning" | "error";
  text: string;
  /** Extra detail, e.g. pi's stderr tail after a crash. */
  detail?: string;
  /** Epoch ms something happens (an automatic retry): views count down to it. */
  until?: number;
}

/** A question from pi (a pi extension's dialog, or bash approval), answered in the chat. */
export interface DialogItem {
  kind: "dialog";
  /** pi's extension_ui_request id. */
  id: string;
  method: "select" | "confirm" | "input" | "editor";
  title: string;
  message?: string;
  options?: string[];
  placeholder?: string;
  prefill?: string;
  state: "open" | "answered" | "cancelled";
  /** What was answered (shown once closed). */
  answer?: string;
}

export type ChatItem = UserItem | AssistantItem | ToolItem | NoticeItem | DialogItem;

export interface ChatUsage {
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
  /** In dollars, as pi computes it from the model's prices. */
  cost: number;
  /** Share of the context window in use, 0–100 (unknown until pi reports it). */
  contextPercent?: number;
  contextWindow?: number;
}

export interface ChatInfo {
  chatId: string;
  /** Workspace folder pi runs in. */
  cwd: string;
  title: string;
  /** "provider/id". */
  model?: string;
  thinkingLevel?: string;
  usage?: ChatUsage;
  /** Messages waiting while pi works (steering first, then follow-ups). */
  queue?: { steering: string[]; followUp: string[] };
  /** Lines a pi extension shows in the chat (setWidget), by widget key. */
  widgets?: Record<string, string[]>;
}

export type ChatPatch =
  | { op: "add"; item: ChatItem }
  /** Replaces an item wholesale; used only for small, finished items. */
  | { op: "replace"; item: ChatItem }
  /** Appends streamed text to one block of an assistant item (creating the block if needed). */
  | { op: "append"; itemId: string; block: number; blockType: "text" | "thinking"; delta: string }
  /** Appends tool output; `reset` first clears it (when pi's cumulative output was not a prefix extension). */
  | { op: "toolOutput"; itemId: string; delta: string; reset?: boolean }
  /** Marks an item finished: an assistant message stops streaming, a tool gets its final status (and, when given, its complete details). */
  | { op: "finish"; itemId: string; toolStatus?: "done" | "error"; errorMessage?: string; details?: ToolDetails }
  | { op: "status"; status: ChatStatus; detail?: string }
  | { op: "info"; info: ChatInfo };

/** A run of patches; `seq` is the sequence number of the last patch in it. */
export interface PatchBatch {
  chatId: string;
  seq: number;
  patches: ChatPatch[];
}

/** The whole state of a session, sent once when a view (re)connects. */
export interface ChatSnapshot {
  info: ChatInfo;
  status: ChatStatus;
  statusDetail?: string;
  items: ChatItem[];
  /** Sequence number of the last patch folded into this snapshot. */
  seq: number;
}

export interface ChatState {
  info?: ChatInfo;
  status: ChatStatus;
  statusDetail?: string;
  items: ChatItem[];
  /** Item id → index in `items`, so patches stay O(1) on long chats. */
  index: Map<string, number>;
  seq: number;
}

export function emptyState(): ChatState {
  return { status: "starting", items: [], index: new Map(), seq: 0 };
}

export function stateFromSnapshot(snapshot: ChatSnapshot): ChatState {
  const index = new Map<string, number>();
  snapshot.items.forEach((item, i) => index.set(item.id, i));
  return {
    info: snapshot.info,
    status: snapshot.status,
    statusDetail: snapshot.statusDetail,
    items: snapshot.items.slice(),
    index,
    seq: snapshot.seq,
  };
}

export function snapshotFromState(state: ChatState, info: ChatInfo): ChatSnapshot {
  return { info, status: state.status, statusDetail: state.statusDetail, items: state.items.slice(), seq: state.seq };
}

function appendToBlock(item: AssistantItem, block: number, blockType: "text" | "thinking", delta: string): AssistantItem {
  const blocks = item.blocks.slice();
  const existing = blocks[block];
  if (existing && existing.type === blockType) blocks[block] = { type: blockType, text: existing.text + delta };
  else blocks[block] = { type: blockType, text: delta };
  return { ...item, blocks };
}

/**
 * Applies one patch in place (items are replaced immutably so views can memoize by identity).
 * Returns false when the patch refers to an unknown item — the caller should resync from a snapshot.
 */
export function applyPatch(state: ChatState, patch: ChatPatch): boolean {
  switch (patch.op) {
    case "add": {
      const at = state.index.get(patch.item.id);
      if (at !== undefined) state.items[at] = patch.item;
      else {
        state.index.set(patch.item.id, state.items.length);
        state.items.push(patch.item);
      }
      return true;
    }
    case "replace": {
      const at = state.index.get(patch.item.id);
      if (at === undefined) return false;
      state.items[at] = patch.item;
      return true;
    }
    case "append": {
      const at = state.index.get(patch.itemId);
      const item = at === undefined ? undefined : state.items[at];
      if (at === undefined || !item || item.kind !== "assistant") return false;
      state.items[at] = appendToBlock(item, patch.block, patch.blockType, patch.delta);
      return true;
    }
    case "toolOutput": {
      const at = state.index.get(patch.itemId);
      const item = at === undefined ? undefined : state.items[at];
      if (at === undefined || !item || item.kind !== "tool") return false;
      state.items[at] = { ...item, output: (patch.reset ? "" : item.output) + patch.delta };
      return true;
    }
    case "finish": {
      const at = state.index.get(patch.itemId);
      const item = at === undefined ? undefined : state.items[at];
      if (at === undefined || !item) return false;
      if (item.kind === "assistant") state.items[at] = { ...item, streaming: false, errorMessage: patch.errorMessage };
      else if (item.kind === "tool") state.items[at] = { ...item, status: patch.toolStatus ?? "done", details: patch.details ? { ...item.details, ...patch.details } : item.details };
      return true;
    }
    case "status":
      state.status = patch.status;
      state.statusDetail = patch.detail;
      return true;
    case "info":
      state.info = patch.info;
      return true;
  }
}
