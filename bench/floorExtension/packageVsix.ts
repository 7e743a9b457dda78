// Packs bench/floorExtension as a .vsix for bench/chatStart.ts (no build step: plain JS).
import { execFileSync } from "node:child_process";
import * as path from "node:path";

const ROOT = path.join(__dirname, "..", "..");
const VSCE = path.join(ROOT, "node_modules", "@vscode", "vsce", "vsce");
/** The palette title of its command that opens an editor panel. */
export const FLOOR_COMMAND = "Pi Floor: Open Panel";
/** The palette title of its command that opens its sidebar view. */
export const FLOOR_VIEW_COMMAND = "Pi Floor: Open View";

export function packageFloorVsix(out: string): string {
  execFileSync(process.execPath, [VSCE, "package", "--no-dependencies", "--allow-missing-repository", "--skip-license", "--out", out], { cwd: __dirname, stdio: "pipe" });
  return out;
}
