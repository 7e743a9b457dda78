// Runs inside pi. The host takes a checkpoint of the folder before each message and, to save
// the 50–100 ms (more in a big folder) that takes, sends the message to pi meanwhile: the model
// answers later than that anyway. While the host's marker file (PI_VSCODE_CHECKPOINT_GATE)
// exists, every tool call and the user's own `!command` waits here, before any other handler:
// nothing changes the folder before its checkpoint is taken. The marker is in the chat's
// snapshot folder, which pi's file tools may not touch.
import * as fs from "node:fs";

/** Longer than any checkpoint should take; then the call is refused rather than run unrecorded. */
export const GATE_MAX_WAIT_MS = 120_000;
const POLL_MS = 5;

export const GATE_TIMEOUT_REASON =
  "Pi could not record the folder before this message in time (its checkpoint is still being taken), so the tool did not run. Try again in a moment.";

/** Resolves once the marker is gone; false if it was still there after `maxWaitMs`. */
export async function waitForGate(marker: string, maxWaitMs = GATE_MAX_WAIT_MS): Promise<boolean> {
  if (!fs.existsSync(marker)) return true;
  const deadline = Date.now() + maxWaitMs;
  while (fs.existsSync(marker)) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  return true;
}
