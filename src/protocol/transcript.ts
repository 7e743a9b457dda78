// The normalized chat transcript shared by the session host and every view of a session
// (VS Code webviews now, browser clients over SSE later). The host owns the truth and sends
// small patches; a view applies them with `applyPatch` — never a whole transcript per update.
// The types come from the schemas (schemas/transcript.ts): declared once.
import type { Static } from "typebox";
import type * as S from "./schemas/transcript";
import { pageStart } from "./transcriptPages";

export type ChatStatus = Static<typeof S.ChatStatusSchema>;
export type UserItem = Static<typeof S.UserItemSchema>;
export type AssistantBlock = Static<typeof S.AssistantBlockSchema>;
export type AssistantItem = Static<typeof S.AssistantItemSchema>;
export type ToolDetails = Static<typeof S.ToolDetailsSchema>;
export type ToolItem = Static<typeof S.ToolItemSchema>;
export type NoticeItem = Static<typeof S.NoticeItemSchema>;
export type DialogItem = Static<typeof S.DialogItemSchema>;
export type ChangesItem = Static<typeof S.ChangesItemSchema>;
export type ChatItem = Static<typeof S.ChatItemSchema>;
export type ChatUsage = Static<typeof S.ChatUsageSchema>;
export type ChatInfo = Static<typeof S.ChatInfoSchema>;
export type ChatPatch = Static<typeof S.ChatPatchSchema>;
export type PatchBatch = Static<typeof S.PatchBatchSchema>;
export type ChatSnapshot = Static<typeof S.ChatSnapshotSchema>;
export type OlderItems = Static<typeof S.OlderItemsSchema>;

export interface ChatState {
  info?: ChatInfo;
  status: ChatStatus;
  statusDetail?: string;
  items: ChatItem[];
  /** Item id → index in `items`, so patches stay O(1) on long chats. */
  index: Map<string, number>;
  /** Items before `items[0]` this copy does not hold (a view's copy of a long chat; the host's is 0). */
  older: number;
  seq: number;
}

export function emptyState(): ChatState {
  return { status: "starting", items: [], index: new Map(), older: 0, seq: 0 };
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
    older: snapshot.older ?? 0,
    seq: snapshot.seq,
  };
}

/** A snapshot of the state: its latest items when the chat is long (`older` counts the rest). */
export function snapshotFromState(state: ChatState, info: ChatInfo): ChatSnapshot {
  const start = pageStart(state.items, state.items.length);
  return { info, status: state.status, statusDetail: state.statusDetail, items: state.items.slice(start), ...(start ? { older: start } : {}), seq: state.seq };
}

/** The page of items just before `beforeId`; undefined when the state has no such item. */
export function olderItemsOf(state: ChatState, beforeId: string): OlderItems | undefined {
  const end = state.index.get(beforeId);
  if (end === undefined) return undefined;
  const start = pageStart(state.items, end);
  return { items: state.items.slice(start, end), older: start, seq: state.seq };
}

function appendToBlock(item: AssistantItem, block: number, blockType: "text" | "thinking", delta: string): AssistantItem {
  const blocks = item.blocks.slice();
  const existing = blocks[block];
  if (existing && existing.type === blockType) blocks[block] = { type: blockType, text: existing.text + delta };
  else blocks[block] = { type: blockType, text: delta };
  return { ...item, blocks };
}

/**
 * Streamed content (an answer's text or thinking, a tool's output): what comes in floods, so
 * the host posts it and the view renders it at most once a frame. Other patches (an item
 * added, a status) come a few per turn and do not hold back the content that follows them.
 */
export function isStreamedPatch(patch: ChatPatch): boolean {
  return patch.op === "append" || patch.op === "toolOutput";
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
