// How "changed outside pi" is known: the timeline records when each chat's pi started working
// (`turn-start`, taken before the message goes to pi) and stopped (`turn-end`, taken when pi
// settles or exits). While no chat of the folder is working, every change is the user's own
// (or another program's): those stretches are the gaps. A rewind splits a gap: the change the
// restore itself made (between its `rewind` and `restored` checkpoints) is not the user's.
// The changes of every gap after a checkpoint are what a restore to it would overwrite unasked.
import type { TimelineEntry } from "./storeState";

export interface Gap {
  from: string;
  /** A checkpoint id, or the work tree as it is now. */
  to: string | "worktree";
}

/** The idle stretches of the folder after checkpoint `sinceId` (oldest first). */
export function userEditGaps(timeline: TimelineEntry[], sinceId: string): Gap[] {
  const ordered = [...timeline].sort((a, b) => a.at - b.at);
  const start = ordered.findIndex((t) => t.id === sinceId);
  if (start < 0) return [];
  const running = new Set<string>();
  const key = (t: TimelineEntry) => t.chatId ?? t.sessionId;
  const gaps: Gap[] = [];
  let open: string | undefined;
  let restoring = false;
  ordered.forEach((t, i) => {
    const wasIdle = running.size === 0 && !restoring;
    if (t.kind === "turn-start" || t.kind === "turn-end") {
      restoring = false; // a restore that failed half-way has no `restored`: the next turn ends it anyway
      if (t.kind === "turn-start") running.add(key(t));
      else running.delete(key(t));
    }
    if (t.kind === "rewind") restoring = true;
    else if (t.kind === "restored") restoring = false;
    const idle = running.size === 0 && !restoring;
    if (i < start) return;
    if (i === start) {
      if (idle) open = t.id;
      return;
    }
    if (wasIdle && !idle && open !== undefined) {
      if (open !== t.id) gaps.push({ from: open, to: t.id });
      open = undefined;
    } else if (!wasIdle && idle) {
      open = t.id;
    }
  });
  if (open !== undefined) gaps.push({ from: open, to: "worktree" });
  return gaps;
}
