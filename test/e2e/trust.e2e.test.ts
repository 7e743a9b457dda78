// Workspace trust and the warm pi in a real VS Code (code-server with trust on): in a folder the
// user has not trusted, Pi starts no pi at all — no spare (pi.prewarm is on by default), no chat
// — even when its commands run. Trusted, a folder Pi never ran in gets no pi until a chat is
// asked for; once Pi has run there, a window opening it warms a spare at startup, so even the
// first chat of the window is a warm one.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { offlinePiEnv, writeDemoAgentDir } from "../../src/demo/demoAgentDir";
import { startScriptedModel, type ScriptedModelServer } from "../../src/demo/scriptedModel";
import { cmdline, processesInCwd } from "../support/processes";
import { startCodeServer, type CodeServer } from "./codeServer";
import { findWebviewFrame, launchBrowser, reportFailure, runCommand } from "./workbench";

const VSIX = path.join(__dirname, "..", "..", "dist", "pi-vscode.vsix");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** pi processes working in `dir` (pi names its process "pi"): not the commands they run. */
const pisIn = (dir: string) => processesInCwd(dir).filter((pid) => cmdline(pid) === "pi");
async function until(what: string, check: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

describe("Pi in an untrusted folder in a real VS Code", function () {
  this.timeout(300_000);
  let model: ScriptedModelServer;
  let server: CodeServer;
  let browser: Browser;
  let page: Page;
  let root: string;
  let workspace: string;
  let logFile: string;
  let profile: BrowserContext;
  const openWindow = async () => {
    const p = await profile.newPage();
    await p.goto(server.folderUrl);
    await p.waitForSelector(".monaco-workbench", { timeout: 60_000 });
    return p;
  };
  const log = () => (fs.existsSync(logFile) ? fs.readFileSync(logFile, "utf8") : "");

  before(async () => {
    if (!fs.existsSync(VSIX)) throw new Error(`${VSIX} is missing: run 'npm run package' first`);
    model = await startScriptedModel();
    root = fs.mkdtempSync(path.join(os.tmpdir(), "pi-trust-e2e-"));
    workspace = path.join(root, "workspace");
    fs.mkdirSync(workspace);
    fs.writeFileSync(path.join(workspace, "README.md"), "# a folder nobody trusted yet\n");
    const agentDir = path.join(root, "agent");
    writeDemoAgentDir(agentDir, model.baseUrl);
    logFile = path.join(root, "pi-extension.log");
    server = await startCodeServer({ workspace, vsixPath: VSIX, env: { ...offlinePiEnv(agentDir), PI_VSCODE_LOG_FILE: logFile }, trust: true });
    browser = await launchBrowser();
    profile = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    page = await openWindow();
  });

  afterEach(async function () {
    if (this.currentTest?.state === "failed") await reportFailure(this.currentTest.fullTitle(), page, undefined, logFile);
  });

  after(async () => {
    if (process.env.KEEP_TRUST_LOG) fs.copyFileSync(logFile, process.env.KEEP_TRUST_LOG);
    await browser?.close();
    await server?.stop();
    await model?.close();
    // A spare warmed just before the end may still be on its way out, writing in the folder
    // (and one that stays would be a leak).
    if (workspace) await until("every pi to exit once VS Code has stopped", () => pisIn(workspace).length === 0, 20_000);
    if (root) fs.rmSync(root, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
  });

  it("starts no pi while the folder is untrusted, even when asked for a chat", async () => {
    // A folder nobody trusted opens in Restricted Mode.
    await page.locator(".statusbar-item", { hasText: "Restricted Mode" }).waitFor({ timeout: 60_000 });
    await runCommand(page, "Pi: New Session");
    await page.locator(".notifications-toasts .notification-toast", { hasText: /trust/i }).first().waitFor({ timeout: 30_000 });
    // Past the moment a spare would be warmed (1.5 s after activation), with room to spare.
    await sleep(5_000);
    assert.match(log(), /activat/i, "the extension is active");
    assert.deepEqual(pisIn(workspace), [], "no pi process in the untrusted folder");
  });

  it("once trusted, the first chat starts its own pi and a spare warms beside it", async () => {
    await runCommand(page, "Workspaces: Manage Workspace Trust");
    await page.getByRole("button", { name: /^Trust( Folder)?$/ }).first().click({ timeout: 30_000 });
    await page.locator(".statusbar-item", { hasText: "Restricted Mode" }).waitFor({ state: "detached", timeout: 30_000 });
    // Pi was never used here: trust alone starts nothing.
    await sleep(3_000);
    assert.deepEqual(pisIn(workspace), [], "no pi before a chat is asked for in a folder Pi never ran in");
    await runCommand(page, "Pi: New Session");
    const chat = await findWebviewFrame(page, "Chat");
    await chat.locator('[data-testid="status"]', { hasText: "ready" }).waitFor({ timeout: 60_000 });
    await until("a spare pi beside the chat's", () => pisIn(workspace).length === 2);
  });

  it("a window opening this folder again warms a spare before anything asks, and the next chat adopts it", async () => {
    // The same browser profile (VS Code keeps trust and workspace state in it), a new window.
    await page.close();
    await until("the old window's pi to exit", () => pisIn(workspace).length === 0, 30_000);
    page = await openWindow();
    // No command, no view: the extension activates once the window has started and warms a spare.
    await until("a spare pi", () => pisIn(workspace).length >= 1, 60_000);
    const spare = pisIn(workspace);
    await runCommand(page, "Pi: Open Chat in Editor");
    const tab = await findWebviewFrame(page, /workspace/);
    await tab.locator('[data-testid="status"]', { hasText: "ready" }).waitFor({ timeout: 60_000 });
    assert.match(log(), /adopted the spare pi/, "the chat took the spare's pi");
    assert.ok(spare.some((pid) => pisIn(workspace).includes(pid)), "the spare's pi lives on as the chat's");
  });
});
