// The extension host's side of bench/chatStart.ts: the extension's own log (PI_VSCODE_LOG_FILE,
// ISO timestamps on the same clock as the webview probe), the bytes activation loads, and the
// activation time VS Code itself reports (Developer: Show Running Extensions).
import * as fs from "node:fs";
import * as path from "node:path";
import type { Page } from "playwright-core";

export interface LogLine {
  t: number;
  text: string;
}

export function readLog(file: string): LogLine[] {
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, "utf8")
    .split("\n")
    .flatMap((line) => {
      const m = /^(\S+) (.*)$/.exec(line);
      const t = m ? Date.parse(m[1]) : Number.NaN;
      return m && Number.isFinite(t) ? [{ t, text: m[2] }] : [];
    });
}

export interface ActivationFigures {
  /** activate() as the extension times it ("Pi activated in … ms"). */
  activateMs?: number;
  /** Requiring and starting dist/chat.js ("chat machinery ready in … ms"). */
  machineryMs?: number;
  /** VS Code's figure for the extension: code loading + the activate() call. */
  vscodeMs?: number;
  files: Array<{ file: string; bytes: number }>;
  /** What the activation bundle requires at load (`./chat.js` only inside a function, on first use). */
  requires: string[];
  chatBytes: number;
}

/** dist/extension.js and the local files it requires (only `vscode` and Node built-ins besides). */
export function activationBytes(root: string): Pick<ActivationFigures, "files" | "requires" | "chatBytes"> {
  const main = path.join(root, "dist", "extension.js");
  const source = fs.readFileSync(main, "utf8");
  const requires = [...new Set([...source.matchAll(/require\(["']([^"']+)["']\)/g)].map((m) => m[1]))];
  return {
    files: [{ file: "dist/extension.js", bytes: source.length }],
    requires,
    chatBytes: fs.statSync(path.join(root, "dist", "chat.js")).size,
  };
}

/** "Activation: N ms" of Pi in the Running Extensions editor; undefined when it cannot be read. */
export async function vscodeActivationMs(page: Page): Promise<number | undefined> {
  try {
    await page.keyboard.press("Escape");
    await page.keyboard.press("F1");
    const input = page.locator(".quick-input-widget input");
    await input.waitFor({ state: "visible", timeout: 10_000 });
    await input.fill(">Developer: Show Running Extensions");
    const command = page.locator(".quick-input-list .monaco-list-row.focused", { hasText: "Show Running Extensions" });
    await command.waitFor({ state: "visible", timeout: 5_000 });
    await page.keyboard.press("Enter");
    // The row is named by the display name, or the id for an extension installed from a .vsix.
    const row = page
      .locator(".runtime-extensions-editor .monaco-list-row")
      .filter({ has: page.locator(".name", { hasText: /^(Pi|pi-vscode\.pi-vscode)$/ }) });
    const time = row.first().locator(".activation-time", { hasText: /\d+\s*ms/ });
    await time.waitFor({ timeout: 10_000 });
    const m = /(\d+)\s*ms/.exec(await time.innerText());
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * When the window on `logFile`'s code-server had started, epoch ms: Pi's activation at
 * onStartupFinished ("Pi activated"), the first in the log since `since`. VS Code fires that
 * event once the window has restored and gone idle; a user who reads the window before asking
 * for a chat asks after it. Pi is installed in every window of the benches' code-servers (the
 * floor's too), so the same line marks a floor window's start.
 */
export async function windowStarted(logFile: string, since: number, timeoutMs = 60_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const line = readLog(logFile).find((l) => l.t >= since && l.text.includes("Pi activated in"));
    if (line) return line.t;
    if (Date.now() > deadline) throw new Error(`no "Pi activated" in ${logFile} within ${timeoutMs} ms of the window opening`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
