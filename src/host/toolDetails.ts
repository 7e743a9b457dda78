// Reads the structured facts a tool card shows out of pi's tool events and history
// (pi 0.87.1 tool schemas: dist/core/tools/{bash,read,write,edit}.js). Pure: the caller
// measures durations and reads snapshot files.
import type { ToolDetails } from "../protocol/transcript";
import { textOf } from "./messageContent";
import type { SnapshotPair } from "./toolSnapshots";
import { capDiff, unifiedDiff, type DiffText } from "./unifiedDiff";

type Fields = Record<string, unknown>;

function fields(value: unknown): Fields {
  return value && typeof value === "object" && !Array.isArray(value) ? (value as Fields) : {};
}

const text = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
const count = (v: unknown): number | undefined => (typeof v === "number" && Number.isFinite(v) ? v : undefined);

/** Drops absent fields, so an item carries only what is known (and compares cleanly). */
function compact(details: ToolDetails): ToolDetails | undefined {
  const out: ToolDetails = {};
  for (const [key, value] of Object.entries(details) as Array<[keyof ToolDetails, unknown]>) {
    if (value !== undefined) (out as Fields)[key] = value;
  }
  return Object.keys(out).length ? out : undefined;
}

/** What is known when the tool starts: its arguments. */
export function startDetails(name: string, rawArgs: unknown): ToolDetails | undefined {
  const args = fields(rawArgs);
  switch (name) {
    case "bash":
      return compact({ command: text(args.command) });
    case "read":
      return compact({ path: text(args.path), offset: count(args.offset), limit: count(args.limit) });
    case "write":
    case "edit":
      return compact({ path: text(args.path) });
    default:
      return undefined;
  }
}

/**
 * The shell's exit status. pi's bash tool succeeds only on status 0 and otherwise fails with
 * "…\n\nCommand exited with code N" as the result text; a timeout, an abort or a denial has none.
 */
export function bashExitCode(result: unknown, isError: boolean): number | undefined {
  const r = fields(result);
  const fromDetails = count(fields(r.details).exitCode);
  if (fromDetails !== undefined) return fromDetails;
  if (!isError) return 0;
  const match = /Command exited with code (\d+)\s*$/.exec(textOf(r.content));
  return match ? Number(match[1]) : undefined;
}

interface Replacement {
  oldText: string;
  newText: string;
}

/** The edit tool's replacements, in any of the shapes pi accepts (see prepareEditArguments). */
export function editReplacements(rawArgs: unknown): Replacement[] {
  const args = fields(rawArgs);
  let edits: unknown = args.edits;
  if (typeof edits === "string") {
    try {
      edits = JSON.parse(edits);
    } catch {
      edits = undefined;
    }
  }
  const list: unknown[] = Array.isArray(edits) ? [...edits] : edits === undefined ? [] : [edits];
  if (typeof args.oldText === "string" && typeof args.newText === "string") list.push({ oldText: args.oldText, newText: args.newText });
  return list.map(fields).flatMap((e) => (typeof e.oldText === "string" && typeof e.newText === "string" ? [{ oldText: e.oldText, newText: e.newText }] : []));
}

/** A diff of the replaced snippets alone (line numbers count from each snippet): the last resort. */
function diffOfReplacements(file: string, edits: Replacement[]): DiffText | undefined {
  const parts: string[] = [];
  for (const e of edits) {
    const d = unifiedDiff(file, e.oldText, e.newText);
    if (!d) return undefined;
    // One header for the whole diff: later parts keep only their hunks.
    parts.push(parts.length ? d.diff.slice(d.diff.indexOf("@@")) : d.diff);
  }
  return parts.length ? capDiff(parts.join("")) : undefined;
}

function diffOfSnapshots(file: string, pair: SnapshotPair | undefined): DiffText | undefined {
  if (!pair) return undefined;
  const side = (s: SnapshotPair["before"]) => (s.kind === "text" ? s.text : s.kind === "absent" ? "" : undefined);
  const before = side(pair.before);
  const after = side(pair.after);
  return before === undefined || after === undefined ? undefined : unifiedDiff(file, before, after);
}

export interface ToolEnd {
  name: string;
  args: unknown;
  /** pi's result: `{content, details}`. */
  result: unknown;
  isError: boolean;
  durationMs?: number;
  /** The guard's before/after images of a write/edit target, when kept. */
  snapshots?: SnapshotPair;
}

/**
 * Everything known when the tool has finished. A write's diff comes from the snapshots (pi
 * reports none); an edit's from pi's own unified `details.patch` (its `details.diff` is a
 * display format with line numbers, not a unified diff), else the snapshots, else the
 * replacements themselves. A failed write/edit changed nothing: no diff.
 */
export function endDetails(end: ToolEnd): ToolDetails | undefined {
  const start = startDetails(end.name, end.args) ?? {};
  switch (end.name) {
    case "bash":
      return compact({ ...start, exitCode: bashExitCode(end.result, end.isError), durationMs: end.durationMs });
    case "read":
      return compact(start);
    case "write":
    case "edit": {
      if (end.isError) return compact(start);
      const file = start.path ?? end.name;
      const piPatch = end.name === "edit" ? text(fields(fields(end.result).details).patch) : undefined;
      const diff =
        (piPatch ? capDiff(piPatch) : undefined) ??
        diffOfSnapshots(file, end.snapshots) ??
        (end.name === "edit" ? diffOfReplacements(file, editReplacements(end.args)) : undefined);
      return compact({ ...start, diff: diff?.diff, diffTruncated: diff?.truncated || undefined, snapshot: end.snapshots ? true : undefined });
    }
    default:
      return undefined;
  }
}
