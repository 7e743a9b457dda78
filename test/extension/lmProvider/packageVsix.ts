// Builds the test language model provider and packs it as a .vsix (installed into code-server
// by the extension-host suite and the consent e2e test).
import { execFileSync } from "node:child_process";
import * as path from "node:path";

const ROOT = path.join(__dirname, "..", "..", "..");
const VSCE = path.join(ROOT, "node_modules", "@vscode", "vsce", "vsce");
export const TEST_LM_EXTENSION = "pi-vscode-test.pi-test-lm";

export function packageTestLmVsix(out: string): string {
  execFileSync(process.execPath, [path.join(ROOT, "test", "extension", "build-suite.mjs")], { cwd: ROOT, stdio: "inherit" });
  execFileSync(process.execPath, [VSCE, "package", "--no-dependencies", "--allow-missing-repository", "--skip-license", "--out", out], { cwd: __dirname, stdio: "pipe" });
  return out;
}
