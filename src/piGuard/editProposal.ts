// The edit-proposal dialog, as text both sides agree on. The guard (inside pi) asks with
// `ctx.ui.select(title, options)`; RPC carries only a title and options, so the title holds
// everything the host needs to turn the dialog into a diff-editor proposal. Pure: no pi, no vscode.
//
// Title format (lines):
//   1. `Pi wants to edit <display>` (or `write` over an existing file, `create` a new one); the
//      display path is workspace-relative, control characters shown as \n, \t, \u00XX.
//   2. optional: `Why this needs your approval: <sentence>` (a file that configures or runs code).
//   …  human text (ignored by the parser)
//   last: `pi-edit-proposal: <JSON>` with the EditProposal fields below.
// The proposal files are `<PI_VSCODE_SNAPSHOT_DIR>/proposals/<key>.before|.after` (raw bytes or
// a snapshotFormat.ts marker). Their sha256 is in the title, which only pi can send: a host
// must show a side only when its file hashes to that value (pi's bash can write to that
// directory too, and a swapped `.after` would show the user something else than pi writes).
import { createHash } from "node:crypto";
import * as path from "node:path";
import { isSnapshotKey } from "./snapshotFormat";

export const ACCEPT = "Accept";
export const ACCEPT_ALL = "Accept all edits in this session";
export const REJECT = "Reject";
export const REJECT_WITH_REASON = "Reject with reason…";
/** Options of an ordinary proposal. */
export const EDIT_OPTIONS = [ACCEPT, ACCEPT_ALL, REJECT, REJECT_WITH_REASON] as const;
/** Options of a proposal that must be approved one by one (a sensitive file): no "Accept all". */
export const SENSITIVE_EDIT_OPTIONS = [ACCEPT, REJECT, REJECT_WITH_REASON] as const;
/** Title of the `ctx.ui.input` that follows "Reject with reason…". */
export const REASON_PROMPT = "Why do you reject this change? pi reads your answer.";

export const PROPOSAL_MARKER = "pi-edit-proposal: ";
const FIRST_LINE = /^Pi wants to (edit|write|create) (.+)$/;

export type ProposalVerb = "edit" | "write" | "create";
export type ProposalSide = "before" | "after";

export interface EditProposal {
  /** Format version. */
  v: 1;
  /** snapshotKey(toolCallId): names the proposal files. */
  key: string;
  tool: "write" | "edit";
  verb: ProposalVerb;
  /** The file pi will change, absolute and physical. */
  path: string;
  /** The same, as shown to the user (workspace-relative). */
  display: string;
  /** sha256 (hex) of each proposal file's bytes; null when that file was not stored. */
  before: string | null;
  after: string | null;
  /** Set when the file configures or runs code: why it needs approval (no "Accept all"). */
  sensitive?: string;
}

export function sha256Hex(bytes: Buffer | string): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** Does a proposal file's content match the hash the title promised? */
export function proposalBytesMatch(bytes: Buffer, expected: string | null): boolean {
  return expected !== null && sha256Hex(bytes) === expected;
}

export function proposalPath(snapshotDir: string, key: string, side: ProposalSide): string {
  return path.join(snapshotDir, "proposals", `${key}.${side}`);
}

/** A path as one line of text: control characters become visible escapes. */
export function displayLine(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this escapes.
  return text.replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, (c) => {
    if (c === "\n") return "\\n";
    if (c === "\t") return "\\t";
    return `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`;
  });
}

export function formatEditProposal(p: EditProposal): string {
  const lines = [`Pi wants to ${p.verb} ${displayLine(p.display)}`];
  if (p.sensitive) lines.push(`Why this needs your approval: ${displayLine(p.sensitive)}`);
  lines.push("", p.before !== null && p.after !== null ? "Review the proposed change, then accept or reject it." : "Accept or reject the change (no preview is available).", "");
  lines.push(PROPOSAL_MARKER + JSON.stringify(p));
  return lines.join("\n");
}

const HASH = /^[0-9a-f]{64}$/;

function sameOptions(options: readonly string[], expected: readonly string[]): boolean {
  return options.length === expected.length && options.every((o, i) => o === expected[i]);
}

function isProposal(value: unknown): value is EditProposal {
  if (typeof value !== "object" || value === null) return false;
  const p = value as Record<string, unknown>;
  const hash = (h: unknown) => h === null || (typeof h === "string" && HASH.test(h));
  return (
    p.v === 1 &&
    typeof p.key === "string" &&
    isSnapshotKey(p.key) &&
    (p.tool === "write" || p.tool === "edit") &&
    (p.verb === "edit" || p.verb === "write" || p.verb === "create") &&
    typeof p.path === "string" &&
    path.isAbsolute(p.path) &&
    typeof p.display === "string" &&
    hash(p.before) &&
    hash(p.after) &&
    (p.sensitive === undefined || typeof p.sensitive === "string")
  );
}

/**
 * The proposal a select dialog carries, or undefined when the dialog is not one (any other
 * select, a malformed title, unexpected options). `canAcceptAll` tells whether "Accept all" is offered.
 */
export function parseEditProposal(title: string, options: readonly string[]): (EditProposal & { canAcceptAll: boolean }) | undefined {
  const lines = title.split("\n");
  const first = FIRST_LINE.exec(lines[0] ?? "");
  const last = lines[lines.length - 1] ?? "";
  if (!first || !last.startsWith(PROPOSAL_MARKER)) return undefined;
  const canAcceptAll = sameOptions(options, EDIT_OPTIONS);
  if (!canAcceptAll && !sameOptions(options, SENSITIVE_EDIT_OPTIONS)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(last.slice(PROPOSAL_MARKER.length));
  } catch {
    return undefined;
  }
  if (!isProposal(parsed)) return undefined;
  // The human-readable line must say the same as the data (and sensitive ones never offer "Accept all").
  if (first[1] !== parsed.verb || first[2] !== displayLine(parsed.display)) return undefined;
  if (parsed.sensitive !== undefined && canAcceptAll) return undefined;
  const { v, key, tool, verb, path: file, display, before, after, sensitive } = parsed;
  return { v, key, tool, verb, path: file, display, before, after, ...(sensitive !== undefined ? { sensitive } : {}), canAcceptAll };
}
