// The pi extension that confines pi to the workspace. The host starts pi with `-e <this file>`
// (the source, or the bundled dist/piGuard.js). It runs inside pi's process: no `vscode` here.
//
// - File tools (read, write, edit, ls, grep, find): every path argument must resolve, through
//   `~`, `@`, `..`, `file://` and symbolic links, to the workspace or below it; otherwise the
//   call is blocked and the model is told why (see paths.ts). Inside it, pi's agent dir and the
//   extension's stores are refused, and so are files with several hard links (fileChecks.ts).
// - Writes and edits of files that configure or run code (sensitivePaths.ts) wait for the
//   user's approval; with PI_VSCODE_EDIT_APPROVAL=ask every write/edit does (editGate.ts).
// - Shell (the `bash` tool, and the user's own `!command` via `user_bash`): gated by
//   PI_VSCODE_BASH_POLICY (see policy.ts). "ask" shows a select dialog with the options
//   "Allow once" / "Always allow this command" / "Deny"; no answer, a cancelled dialog or no UI
//   means deny. "Always" answers last for this pi process, until pi changes a sensitive file.
// Bash itself is not confined (it is a real shell): only approved, not sandboxed.
// What this promises and what it does not: docs/security-allowlist.md.
// - With PI_VSCODE_SNAPSHOT_DIR set (the host does), the before/after images of files that
//   write and edit change are kept there for the chat's diffs (see snapshots.ts).
// - With PI_VSCODE_CHECKPOINT_GATE set, tools wait while the host takes the checkpoint before a
//   message it has already sent (see checkpointGate.ts).
// - The host's compile-cache directory for pi (NODE_COMPILE_CACHE) is taken out of pi's
//   environment, so the programs pi's shell runs do not use it (see compileCache.ts).
// - Once pi has started, the model API's request path is run once against a local stub, so the
//   first message does not pay for loading it (see providerWarmUp.ts).
import type { ExtensionAPI } from "@earendil-works/pi-coding-agent";
import { GATE_TIMEOUT_REASON, waitForGate } from "./checkpointGate";
import { releaseCompileCache } from "./compileCache";
import { readConfig } from "./config";
import { WARM_DELAY_ENV, WARM_DELAY_MS, WARM_PIECES, WARM_PIECES_ENV, warmProviderWhenIdle } from "./providerWarmUp";
import { createGuard, workspacePathDirs } from "./rules";
import { createSnapshotter } from "./snapshots";

// Only a default export: pi's loader (jiti) takes the module's default as the factory.
export default function piGuard(pi: ExtensionAPI): void {
  releaseCompileCache(process.env);
  const config = readConfig(process.env, process.cwd());
  const guard = createGuard(config, { pathDirs: workspacePathDirs(config.workspace, process.env.PATH, process.cwd()) });
  const gate = config.checkpointGate;
  if (gate) {
    // First: not even an approval is asked before the folder is recorded.
    pi.on("tool_call", async () => ((await waitForGate(gate)) ? undefined : { block: true, reason: GATE_TIMEOUT_REASON }));
    pi.on("user_bash", async () =>
      (await waitForGate(gate)) ? undefined : { result: { output: GATE_TIMEOUT_REASON, exitCode: undefined, cancelled: true, truncated: false } },
    );
  }
  pi.on("tool_call", guard.onToolCall);
  pi.on("user_bash", guard.onUserBash);
  if (config.snapshotDir) {
    const snapshots = createSnapshotter(config.snapshotDir);
    // Registered after the guard: pi stops at a blocking handler, so a refused call is never read.
    pi.on("tool_call", snapshots.onToolCall);
    pi.on("tool_result", snapshots.onToolResult);
  }
  warmProviderWhenIdle(pi, Number(process.env[WARM_DELAY_ENV]) || WARM_DELAY_MS, Number(process.env[WARM_PIECES_ENV]) || WARM_PIECES);
  if (config.warnings.length > 0) {
    pi.on("session_start", (_event, ctx) => {
      if (ctx.hasUI) for (const w of config.warnings) ctx.ui.notify(`Pi guard: ${w}`, "warning");
    });
  }
}
