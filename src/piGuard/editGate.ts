// Holds a write/edit until the user accepts it: computes exactly what pi would write, leaves the
// before/after images for the host's diff editor, and asks with the proposal dialog
// (editProposal.ts). Used for every write/edit when PI_VSCODE_EDIT_APPROVAL=ask, and for
// sensitive files (sensitivePaths.ts) whatever that setting says. Runs inside pi.
import * as fs from "node:fs/promises";
import * as path from "node:path";
import type { ExtensionContext, ToolCallEventResult } from "@earendil-works/pi-coding-agent";
import { editsOf, proposedEdit } from "./editApply";
import { ACCEPT, ACCEPT_ALL, EDIT_OPTIONS, formatEditProposal, proposalPath, REASON_PROMPT, REJECT, REJECT_WITH_REASON, SENSITIVE_EDIT_OPTIONS, sha256Hex, type EditProposal, type ProposalSide } from "./editProposal";
import { ABSENT_MARKER, MAX_SNAPSHOT_BYTES, snapshotKey, TOO_LARGE_MARKER } from "./snapshotFormat";

export interface EditRequest {
  toolName: "write" | "edit";
  toolCallId: string;
  input: Record<string, unknown>;
  /** The physical file pi will change (already checked to be inside the workspace). */
  target: string;
  /** The same, workspace-relative, for the user. */
  display: string;
  /** Set for sensitive files: why approval is needed; "Accept all" is not offered. */
  sensitive?: string;
  snapshotDir?: string;
}

export type EditDecision = { accepted: true; acceptAll: boolean } | { accepted: false; result: ToolCallEventResult | undefined };

/** The file's current bytes; "absent" when missing; "unusable" when it is no regular file or unreadable. */
async function currentBytes(file: string): Promise<Buffer | "absent" | "unusable"> {
  try {
    const stat = await fs.stat(file);
    if (!stat.isFile()) return "unusable"; // a FIFO would block the read; pi reports the error itself
    return await fs.readFile(file);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "ENOENT" ? "absent" : "unusable";
  }
}

function sameBytes(a: Buffer | "absent" | "unusable", b: Buffer | "absent" | "unusable"): boolean {
  if (typeof a === "string" || typeof b === "string") return a === b;
  return a.equals(b);
}

/** Stores one side; returns the hash of what was stored, or null when nothing could be. */
async function store(dir: string | undefined, key: string, side: ProposalSide, bytes: Buffer | "absent"): Promise<string | null> {
  if (!dir) return null;
  const image = bytes === "absent" ? Buffer.from(ABSENT_MARKER, "latin1") : bytes.length > MAX_SNAPSHOT_BYTES ? Buffer.from(TOO_LARGE_MARKER, "latin1") : bytes;
  try {
    await fs.mkdir(path.join(dir, "proposals"), { recursive: true, mode: 0o700 });
    await fs.writeFile(proposalPath(dir, key, side), image, { mode: 0o600 });
    return sha256Hex(image);
  } catch {
    return null;
  }
}

function block(reason: string): EditDecision {
  return { accepted: false, result: { block: true, reason } };
}

export function rejectedReason(display: string, reason?: string): string {
  const why = reason?.trim() ? ` The user's reason: ${reason.trim()}` : "";
  return `The user rejected this change to ${display}; the file was not changed.${why}`;
}

export async function gateEdit(req: EditRequest, ctx: ExtensionContext): Promise<EditDecision> {
  const before = await currentBytes(req.target);
  // What pi's tool fails on by itself is left to it (its own message), except for a sensitive
  // file: nothing unapproved may reach it, so the guard refuses with pi's message instead.
  const letPiFail = (message: string): EditDecision => (req.sensitive ? block(message) : { accepted: false, result: undefined });
  let after: Buffer;
  if (req.toolName === "write") {
    if (typeof req.input.content !== "string" || before === "unusable") return letPiFail(`Could not write file: ${req.display}.`);
    after = Buffer.from(req.input.content, "utf8");
  } else {
    const edits = editsOf(req.input);
    if (!edits) return letPiFail("Edit tool input is invalid. edits must contain at least one replacement.");
    if (typeof before === "string") return letPiFail(`Could not edit file: ${String(req.input.path)}.`);
    const outcome = proposedEdit(before.toString("utf8"), edits, String(req.input.path));
    if (!outcome.ok) return letPiFail(outcome.error);
    after = Buffer.from(outcome.content, "utf8");
  }
  const key = snapshotKey(req.toolCallId);
  const proposal: EditProposal = {
    v: 1,
    key,
    tool: req.toolName,
    verb: req.toolName === "edit" ? "edit" : before === "absent" ? "create" : "write",
    path: req.target,
    display: req.display,
    before: await store(req.snapshotDir, key, "before", before),
    after: await store(req.snapshotDir, key, "after", after),
    ...(req.sensitive ? { sensitive: req.sensitive } : {}),
  };
  if (!ctx.hasUI) return block(`Blocked: changing ${req.display} needs the user's approval, and no one can be asked here.`);
  const options = req.sensitive ? [...SENSITIVE_EDIT_OPTIONS] : [...EDIT_OPTIONS];
  let answer: string | undefined;
  try {
    answer = await ctx.ui.select(formatEditProposal(proposal), options);
  } catch {
    answer = undefined;
  }
  if (answer === REJECT) return block(rejectedReason(req.display));
  if (answer === REJECT_WITH_REASON) {
    let reason: string | undefined;
    try {
      reason = await ctx.ui.input(REASON_PROMPT, "optional");
    } catch {
      reason = undefined;
    }
    return block(rejectedReason(req.display, reason));
  }
  if (answer !== ACCEPT && answer !== ACCEPT_ALL) return block(`The change to ${req.display} was not approved (no answer); the file was not changed.`);
  // The user approved what they saw: if the file moved on meanwhile (they typed in it, another
  // tool wrote it), pi would now produce something else — or overwrite their edits.
  if (!sameBytes(before, await currentBytes(req.target))) {
    return block(`${req.display} changed while the user was reviewing this change, so nothing was written. Read the file again before changing it.`);
  }
  return { accepted: true, acceptAll: answer === ACCEPT_ALL };
}
