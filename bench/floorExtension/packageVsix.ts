// Packs bench/floorExtension as a .vsix for bench/chatStart.ts (no build step: plain JS).
import { execFileSync } from "node:child_process";
import * as path from "node:path";

const ROOT = path.join(__dirname, "..", "..");
const VSCE = path.join(ROOT, "node_modules", "@vscode", "vsce", "vsce");
/** The palette title of its one command. */
export const FLOOR_COMMAND = "Pi Floor: Open Panel";

export function packageFloorVsix(out: string): string {
  execFileSync(process.execPath, [VSCE, "package", "--no-dependencies", "--allow-missing-repository", "--skip-license", "--out", out], { cwd: __dirname, stdio: "pipe" });
  return out;
}
