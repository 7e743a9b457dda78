// Checkpoints belong to pi's session entries: the user message (or `!command`) they precede.
// Verified with pi 0.87.1 (test/integration/checkpointsPi.test.ts): entry ids are stable, a
// resumed session keeps its id and entries, and `fork` writes a new session (new id) that holds
// the same entry ids up to the fork point. So bindings are keyed by pi session id and entry id,
// and a fork copies the bindings of the entries it kept (adoptFork) so that pruning the parent
// session later does not take the child's checkpoints with it.
//
// A checkpoint is taken before pi has the message, so it cannot know the entry id yet: it is
// recorded as a `turn-start` on the timeline, and bindPending() later pairs the session's
// unbound turn-starts, oldest first, with the new user-message entries get_entries returns.
// Pure functions over the state; the stores call them inside StoreState.update().
import type { SessionRecord, StoreStateData, TimelineEntry } from "./storeState";
import type { SessionEntryLike } from "./types";

export function session(state: StoreStateData, sessionId: string, now = Date.now()): SessionRecord {
  const record = state.sessions[sessionId] ?? { lastUsed: now, bindings: {} };
  state.sessions[sessionId] = record;
  record.lastUsed = Math.max(record.lastUsed, now);
  return record;
}

/** Entries a checkpoint can precede: what the user sent (a prompt, steer, follow-up, `!command`). */
export function isUserTurnEntry(entry: SessionEntryLike): boolean {
  if (entry.type !== "message") return false;
  const role = entry.message?.role;
  return role === "user" || role === "bashExecution";
}

/** Pairs unbound turn-start checkpoints of the session with new user entries, in order. */
export function bindPending(state: StoreStateData, sessionId: string, entries: SessionEntryLike[]): Array<{ entryId: string; checkpointId: string }> {
  const record = session(state, sessionId);
  const bound = new Set(Object.values(record.bindings));
  const pending = state.timeline.filter((t) => t.kind === "turn-start" && t.sessionId === sessionId && !bound.has(t.id));
  const made: Array<{ entryId: string; checkpointId: string }> = [];
  for (const entry of entries) {
    if (!isUserTurnEntry(entry) || record.bindings[entry.id]) continue;
    const at = entry.timestamp ? Date.parse(entry.timestamp) : Number.NaN;
    // The checkpoint must be older than the entry it precedes (an entry without a time takes the oldest).
    const i = pending.findIndex((p) => Number.isNaN(at) || p.at <= at);
    if (i < 0) continue;
    const [cp] = pending.splice(i, 1);
    record.bindings[entry.id] = cp.id;
    made.push({ entryId: entry.id, checkpointId: cp.id });
  }
  return made;
}

/** Looks the entry up in the session, then along the sessions it was forked from. */
export function lookup(state: StoreStateData, sessionId: string, entryId: string): string | undefined {
  const seen = new Set<string>();
  for (let id: string | undefined = sessionId; id && !seen.has(id); id = state.sessions[id]?.parent) {
    seen.add(id);
    const hit = state.sessions[id]?.bindings[entryId];
    if (hit) return hit;
  }
  return undefined;
}

/** The child session (a fork or clone) gets the bindings of the entries it kept, and the timeline entries they need. */
export function adopt(state: StoreStateData, childId: string, parentId: string, entryIds: string[]): void {
  const child = session(state, childId);
  child.parent = parentId;
  for (const entryId of entryIds) {
    const cp = lookup(state, parentId, entryId);
    if (cp) child.bindings[entryId] = cp;
  }
}

export interface PrunePlan {
  removedSessions: string[];
  /** Checkpoint ids no kept session needs. */
  removedCheckpoints: Set<string>;
}

/**
 * Keeps the `keep` most recently used sessions. A checkpoint stays while a kept session has it
 * on its timeline or bound to an entry; everything else goes (timeline, reviews, bindings).
 */
export function planPrune(state: StoreStateData, keep: number, forget: string[] = []): PrunePlan {
  const ordered = Object.entries(state.sessions).sort((a, b) => b[1].lastUsed - a[1].lastUsed);
  const kept = new Set(ordered.slice(0, Math.max(0, keep)).map(([id]) => id));
  for (const id of forget) kept.delete(id);
  const needed = new Set<string>();
  for (const t of state.timeline) if (kept.has(t.sessionId)) needed.add(t.id);
  for (const id of kept) for (const cp of Object.values(state.sessions[id].bindings)) needed.add(cp);
  const removedSessions = Object.keys(state.sessions).filter((id) => !kept.has(id));
  const removedCheckpoints = new Set<string>();
  for (const t of state.timeline) if (!needed.has(t.id)) removedCheckpoints.add(t.id);
  for (const id of removedSessions) for (const cp of Object.values(state.sessions[id].bindings)) if (!needed.has(cp)) removedCheckpoints.add(cp);
  return { removedSessions, removedCheckpoints };
}

export function applyPrune(state: StoreStateData, plan: PrunePlan): void {
  for (const id of plan.removedSessions) delete state.sessions[id];
  state.timeline = state.timeline.filter((t: TimelineEntry) => !plan.removedCheckpoints.has(t.id));
  for (const cp of Object.keys(state.reviews)) if (plan.removedCheckpoints.has(cp)) delete state.reviews[cp];
}
