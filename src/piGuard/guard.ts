// The pi extension that confines pi to the workspace. The host starts pi with `-e <this file>`
// (the source, or the bundled dist/piGuard.js). It runs inside pi's process: no `vscode` here.
//
// - File tools (read, write, edit, ls, grep, find): every path argument must resolve, through
//   `~`, `@`, `..`, `file://` and symbolic links, to the workspace or below it; otherwise the
//   call is blocked and the model is told why (see paths.ts).
// - Shell (the `bash` tool, and the user's own `!command` via `user_bash`): gated by
//   PI_VSCODE_BASH_POLICY (see policy.ts). "ask" shows a select dialog with the options
//   "Allow once" / "Always allow this command" / "Deny"; no answer, a cancelled dialog or no UI
//   means deny. "Always" answers last for this pi process.
// Bash itself is not confined (it is a real shell): only approved, not sandboxed.
import type { ExtensionAPI } from "@earendil-works/pi-coding-agent";
import { readConfig } from "./policy";
import { createGuard } from "./rules";

// Only a default export: pi's loader (jiti) takes the module's default as the factory.
export default function piGuard(pi: ExtensionAPI): void {
  const config = readConfig(process.env, process.cwd());
  const guard = createGuard(config);
  pi.on("tool_call", guard.onToolCall);
  pi.on("user_bash", guard.onUserBash);
  if (config.warnings.length > 0) {
    pi.on("session_start", (_event, ctx) => {
      if (ctx.hasUI) for (const w of config.warnings) ctx.ui.notify(`Pi guard: ${w}`, "warning");
    });
  }
}
