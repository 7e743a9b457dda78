// Keeps the before/after images of files pi's write and edit tools change, so the host can
// show what a write did (pi reports no diff for it) and VS Code can open a real diff editor.
// Runs inside pi: `tool_call` fires before the tool (after the guard allowed it: pi stops at
// the first handler that blocks), `tool_result` after it, before pi reports the end.
// Snapshotting must never make a tool fail: every error here is swallowed (no diff, that's all).
import * as fs from "node:fs/promises";
import type { ExtensionContext, ToolCallEvent, ToolResultEvent } from "@earendil-works/pi-coding-agent";
import { expandLikePi } from "./paths";
import { ABSENT_MARKER, MAX_SNAPSHOT_BYTES, snapshotKey, snapshotPath, TOO_LARGE_MARKER, type SnapshotSide } from "./snapshotFormat";

const SNAPSHOT_TOOLS = new Set(["write", "edit"]);

/** The target's bytes, or a marker (absent, too large); undefined when it cannot be read as a file. */
async function imageOf(target: string): Promise<Buffer | string | undefined> {
  let stat: import("node:fs").Stats;
  try {
    stat = await fs.stat(target);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "ENOENT" ? ABSENT_MARKER : undefined;
  }
  if (!stat.isFile()) return undefined;
  if (stat.size > MAX_SNAPSHOT_BYTES) return TOO_LARGE_MARKER;
  const bytes = await fs.readFile(target);
  // It may have grown between stat and read.
  return bytes.length > MAX_SNAPSHOT_BYTES ? TOO_LARGE_MARKER : bytes;
}

async function save(dir: string, toolCallId: string, side: SnapshotSide, target: string): Promise<void> {
  try {
    const image = await imageOf(target);
    if (image === undefined) return;
    await fs.writeFile(snapshotPath(dir, snapshotKey(toolCallId), side), image, { mode: 0o600 });
  } catch {
    // No snapshot: the card simply has no diff.
  }
}

export function createSnapshotter(dir: string) {
  /** toolCallId → the file the tool was about to change (the result event does not resolve it again). */
  const targets = new Map<string, string>();

  async function onToolCall(event: ToolCallEvent, ctx: ExtensionContext): Promise<undefined> {
    if (!SNAPSHOT_TOOLS.has(event.toolName)) return undefined;
    const input = event.input as Record<string, unknown>;
    if (typeof input.path !== "string") return undefined;
    let target: string;
    try {
      target = expandLikePi(input.path, ctx.cwd);
    } catch {
      return undefined;
    }
    targets.set(event.toolCallId, target);
    await save(dir, event.toolCallId, "before", target);
    return undefined;
  }

  async function onToolResult(event: ToolResultEvent): Promise<undefined> {
    const target = targets.get(event.toolCallId);
    if (target === undefined) return undefined;
    targets.delete(event.toolCallId);
    await save(dir, event.toolCallId, "after", target);
    return undefined;
  }

  return { onToolCall, onToolResult };
}
