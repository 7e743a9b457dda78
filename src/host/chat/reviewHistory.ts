// What the transcript learns from the checkpoint store and pi's session entries: which entry
// each user item is (so "Rewind to here" can name it), and, after a reload of the history
// (resume, fork, restart), the changes card of every past run in its place. Pure: the chat's
// review part fetches the data and applies the result.
import type { ChangesItem, ChatItem } from "../../protocol/transcript";
import type { SessionEntryLike, TimelinePoint } from "../checkpoints";
import { isUserTurnEntry } from "../checkpoints/sessions";
import { textOf } from "../messageContent";

export interface BranchEntry extends SessionEntryLike {
  parentId?: string | null;
  message?: { role?: string; content?: unknown };
}

/** The entries from the root to `leafId` (the session's current branch), oldest first. */
export function branchOf(entries: BranchEntry[], leafId: string | null): BranchEntry[] {
  if (!leafId) return entries;
  const byId = new Map(entries.map((e) => [e.id, e]));
  const path: BranchEntry[] = [];
  const seen = new Set<string>();
  for (let e = byId.get(leafId); e && !seen.has(e.id); e = e.parentId ? byId.get(e.parentId) : undefined) {
    seen.add(e.id);
    path.push(e);
  }
  return path.reverse();
}

/** A user message of the branch: its entry id and its text as the transcript shows it. */
export interface UserEntry {
  id: string;
  text: string;
}

export function userEntriesOf(branch: BranchEntry[]): UserEntry[] {
  return branch.filter((e) => isUserTurnEntry(e) && e.message?.role === "user").map((e) => ({ id: e.id, text: textOf(e.message?.content) }));
}

/**
 * Pairs user items with user entries, from the end: a history after a compaction starts later
 * than the session, and a message still being sent has no entry yet. Returns item id → entry id.
 */
export function matchEntryIds(items: ChatItem[], entries: UserEntry[]): Map<string, string> {
  const out = new Map<string, string>();
  let j = entries.length - 1;
  for (let i = items.length - 1; i >= 0 && j >= 0; i--) {
    const item = items[i];
    if (item.kind !== "user") continue;
    // Look a few entries back: an item without an entry (not persisted yet) must not shift the rest.
    for (let k = j; k >= Math.max(0, j - 3); k--) {
      if (entries[k].text === item.text) {
        out.set(item.id, entries[k].id);
        j = k - 1;
        break;
      }
    }
  }
  return out;
}

/**
 * The runs on the timeline: a turn-start while that chat was not working begins one, its next
 * turn-end closes it. Start id → end id (undefined while still open). Steers and follow-ups
 * sent during a run are turn-starts inside it, not runs of their own.
 */
export function runsOf(timeline: TimelinePoint[]): Map<string, string | undefined> {
  const runs = new Map<string, string | undefined>();
  const open = new Map<string, string>();
  for (const t of [...timeline].sort((a, b) => a.at - b.at)) {
    const who = t.chatId ?? t.sessionId;
    if (t.kind === "turn-start" && !open.has(who)) {
      open.set(who, t.id);
      runs.set(t.id, undefined);
    } else if (t.kind === "turn-end") {
      const start = open.get(who);
      if (start) runs.set(start, t.id);
      open.delete(who);
    }
  }
  return runs;
}

export function changesItemId(turnId: string): string {
  return `c-${turnId.slice(0, 24)}`;
}

/**
 * The items with entry ids set and each past run's changes card after the run's last item.
 * `checkpointOf`: entry id → the checkpoint before it; `cards`: every run start → its card
 * (undefined for a run that changed nothing).
 */
export function decorateHistory(items: ChatItem[], entries: UserEntry[], checkpointOf: Map<string, string>, cards: Map<string, ChangesItem | undefined>): ChatItem[] {
  const ids = matchEntryIds(items, entries);
  const out: ChatItem[] = [];
  let pending: ChangesItem | undefined;
  for (const item of items) {
    if (item.kind === "changes") continue; // rebuilt below
    if (item.kind === "user") {
      const entryId = ids.get(item.id);
      const cp = entryId ? checkpointOf.get(entryId) : undefined;
      // A new run begins here: the previous one's card goes before it.
      if (cp && cards.has(cp)) {
        if (pending) out.push(pending);
        pending = cards.get(cp);
      }
      out.push(entryId ? { ...item, entryId } : item);
      continue;
    }
    out.push(item);
  }
  if (pending) out.push(pending);
  return out;
}
