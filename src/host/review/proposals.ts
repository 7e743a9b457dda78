// The before/after of an edit proposal (pi.edits.approval: ask), for its card and the diff
// editor. The guard leaves both sides in the chat's snapshot directory and puts their sha256 in
// the dialog's title, which only pi can send; pi's bash can write to that directory too, so a
// side is shown only when its file is a regular file (never through a link) whose bytes hash to
// the promised value. Anything else is "unavailable", never someone else's content.
import * as fs from "node:fs";
import { type EditProposal, parseEditProposal, proposalBytesMatch, proposalPath, type ProposalSide } from "../../piGuard/editProposal";
import { decodeSnapshot, MAX_SNAPSHOT_BYTES } from "../../piGuard/snapshotFormat";
import type { DialogItem } from "../../protocol/transcript";
import type { EditProposalView, ProposalSideView } from "../../protocol/types";
import { diffHunks } from "./fileReview";

/** The proposal a dialog card carries, if it is one. */
export function proposalOf(item: Pick<DialogItem, "method" | "title" | "options">): (EditProposal & { canAcceptAll: boolean }) | undefined {
  return item.method === "select" ? parseEditProposal(item.title, item.options ?? []) : undefined;
}

/** One side's bytes, if they are what pi promised. */
export function proposalBytes(snapshotDir: string | undefined, p: EditProposal, side: ProposalSide): Buffer | undefined {
  if (!snapshotDir) return undefined;
  let fd: number | undefined;
  try {
    // No link followed, no FIFO waited on, nothing bigger than the guard writes.
    fd = fs.openSync(proposalPath(snapshotDir, p.key, side), fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK);
    const st = fs.fstatSync(fd);
    if (!st.isFile() || st.size > MAX_SNAPSHOT_BYTES + 64) return undefined;
    const bytes = fs.readFileSync(fd);
    return proposalBytesMatch(bytes, p[side]) ? bytes : undefined;
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

export function proposalSide(snapshotDir: string | undefined, p: EditProposal, side: ProposalSide): ProposalSideView {
  const bytes = proposalBytes(snapshotDir, p, side);
  if (!bytes) return { state: "unavailable" };
  const snap = decodeSnapshot(bytes);
  if (snap.kind === "text") return { state: "text", text: snap.text };
  return { state: snap.kind === "absent" ? "absent" : snap.kind };
}

export function proposalView(snapshotDir: string | undefined, item: DialogItem): EditProposalView | undefined {
  const p = proposalOf(item);
  if (!p) return undefined;
  const before = proposalSide(snapshotDir, p, "before");
  const after = proposalSide(snapshotDir, p, "after");
  const text = (s: ProposalSideView) => (s.state === "text" ? (s.text ?? "") : s.state === "absent" ? "" : undefined);
  const [a, b] = [text(before), text(after)];
  return {
    display: p.display,
    verb: p.verb,
    canAcceptAll: p.canAcceptAll,
    ...(p.sensitive !== undefined ? { sensitive: p.sensitive } : {}),
    before,
    after,
    hunks: a !== undefined && b !== undefined ? diffHunks(a, b) : [],
  };
}
