// Several chats at once in a real VS Code (code-server + Chromium): the Sessions view shows each
// chat's state and the Pi badge counts the chats waiting for you; a bash approval asked by a chat
// nobody sees arrives as a notification whose Allow runs the command; Pi: Focus Chat puts the
// cursor in the chat's input. Only the language model is scripted (on 127.0.0.1).
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Browser, Frame, Page } from "playwright-core";
import { offlinePiEnv, writeDemoAgentDir } from "../../src/demo/demoAgentDir";
import { startScriptedModel, type ScriptedModelServer } from "../../src/demo/scriptedModel";
import { messageText } from "../../src/demo/scriptedReplies";
import { startCodeServer, type CodeServer } from "./codeServer";
import { findWebviewFrame, launchBrowser, openWorkbench, reportFailure, runCommand, screenshot } from "./workbench";

const VSIX = path.join(__dirname, "..", "..", "dist", "pi-vscode.vsix");
/** `later bash <command>`: the model streams a line, waits this long, then calls bash — time to hide the chat. */
const LATER_MS = 15_000;

describe("Pi sessions and notifications in a real VS Code", function () {
  this.timeout(300_000);
  let model: ScriptedModelServer;
  let server: CodeServer;
  let browser: Browser;
  let page: Page;
  let sidebar: Frame;
  /** The editor-tab chat; its frame goes once another editor hides it. */
  let tab: Frame;
  let workspace: string;
  let root: string;
  let logFile: string;
  /** When the scripted model sent the delayed bash call (performance.now() of this process). */
  let bashCallAt: number | undefined;

  const send = async (frame: Frame, text: string) => {
    const input = frame.locator('textarea[data-testid="prompt-input"]');
    await input.fill(text);
    await input.press("Enter");
  };
  const ready = (frame: Frame) => frame.locator('[data-testid="status"]', { hasText: "ready" }).waitFor({ timeout: 60_000 });
  // An editor-tab chat is titled after its conversation (the folder until pi names it), with a mark while it works.
  const CHAT_TAB = /^(⟳ |\? )?workspace$/;
  const sessionRows = () =>
    page
      .locator(".pane")
      .filter({ has: page.locator(".pane-header", { hasText: "Sessions" }) })
      .locator(".monaco-list-row");
  // Keys typed while a webview has the focus reach the workbench late: give the focus back first.
  const leaveWebview = () => page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  const approvalToast = () => page.locator(".notifications-toasts .notification-toast", { hasText: "approved.txt" });

  before(async () => {
    if (!fs.existsSync(VSIX)) throw new Error(`${VSIX} is missing: run 'npm run package' first`);
    model = await startScriptedModel({
      plan: (body) => {
        const messages = body.messages ?? [];
        const last = messages[messages.length - 1];
        const text = last?.role === "user" ? messageText(last).trim() : "";
        if (!text.startsWith("later bash ")) return undefined;
        const started = performance.now();
        setTimeout(() => (bashCallAt = started + LATER_MS), LATER_MS);
        return {
          text: ["Running a command in a moment."],
          delayMs: LATER_MS,
          toolCalls: [{ id: "call_later", name: "bash", arguments: { command: text.slice("later bash ".length) } }],
        };
      },
    });
    root = fs.mkdtempSync(path.join(os.tmpdir(), "pi-vscode-sessions-"));
    workspace = path.join(root, "workspace");
    fs.mkdirSync(workspace);
    const agentDir = path.join(root, "agent");
    writeDemoAgentDir(agentDir, model.baseUrl);
    logFile = path.join(root, "pi-extension.log");
    server = await startCodeServer({ workspace, vsixPath: VSIX, env: { ...offlinePiEnv(agentDir), PI_VSCODE_LOG_FILE: logFile } });
    browser = await launchBrowser();
    page = await openWorkbench(browser, server.folderUrl);
    await runCommand(page, "Pi: New Session");
    sidebar = await findWebviewFrame(page, "Chat");
    await ready(sidebar);
    await runCommand(page, "Pi: Open Chat in Editor");
    tab = await findWebviewFrame(page, CHAT_TAB);
    await ready(tab);
  });

  afterEach(async function () {
    if (this.currentTest?.state === "failed") {
      const rows = await sessionRows()
        .evaluateAll((els) => els.map((e) => e.getAttribute("aria-label")))
        .catch(() => []);
      console.log(`--- Sessions rows: ${JSON.stringify(rows)}`);
      await reportFailure(`sessions-${this.currentTest.title}`, page, sidebar, logFile);
    }
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    await model?.close();
    if (root) fs.rmSync(root, { recursive: true, force: true, maxRetries: 3 });
  });

  it("the Sessions view shows one chat working and one waiting for you; the Pi badge counts 1", async () => {
    // The sidebar chat works for a minute; the tab chat asks a bash approval once it is hidden.
    await send(sidebar, "slow 3000");
    await sidebar.locator('[data-testid="status"]', { hasNotText: "ready" }).waitFor({ timeout: 60_000 });
    await send(tab, "later bash echo allowed > approved.txt");
    // Once the run has started (the chat has settled its focus), hide the tab behind a new editor.
    await tab.locator('[data-testid="assistant-message"]', { hasText: "Running a command in a moment" }).waitFor({ timeout: 60_000 });
    await leaveWebview();
    await runCommand(page, "File: New Untitled Text File");
    await page.locator(".tabs-container .tab.active", { hasText: "Untitled-1" }).waitFor({ timeout: 30_000 });

    // The approval arrives while its chat is behind another editor: a notification says so.
    await approvalToast().waitFor({ timeout: 60_000 });
    const toastAt = performance.now();
    if (bashCallAt !== undefined) console.log(`      the model's bash call to the notification: ${(toastAt - bashCallAt).toFixed(0)} ms (includes pi's approval round trip)`);
    const notified = fs.existsSync(logFile) ? /notified about a question of chat \S+ in [\d.]+ ms/.exec(fs.readFileSync(logFile, "utf8"))?.[0] : undefined;
    if (notified) console.log(`      extension log: ${notified}`);

    const rows = sessionRows();
    await rows.filter({ hasText: "waiting for you" }).first().waitFor({ timeout: 60_000 });
    await rows.filter({ hasText: "working" }).first().waitFor({ timeout: 60_000 });
    const labels = await rows.evaluateAll((els) => els.map((e) => e.getAttribute("aria-label") ?? ""));
    assert.equal(labels.length, 2, `two chats in the Sessions view: ${JSON.stringify(labels)}`);
    assert.equal(labels.filter((l) => /, working$/.test(l)).length, 1, JSON.stringify(labels));
    assert.equal(labels.filter((l) => /, waiting for you$/.test(l)).length, 1, JSON.stringify(labels));

    const badge = page.locator('.activitybar .action-item[aria-label^="Pi"] .badge-content');
    await badge.filter({ hasText: /^1$/ }).waitFor({ timeout: 60_000 });
    await screenshot(page, "sessions-e2e.png");
  });

  it("Allow in the notification runs the command", async () => {
    assert.ok(!fs.existsSync(path.join(workspace, "approved.txt")), "nothing ran before the answer");
    const toast = approvalToast();
    assert.match(await toast.innerText(), /echo allowed > approved\.txt/);
    await toast.locator(".monaco-button", { hasText: /^Allow$/ }).click({ timeout: 60_000 });
    const file = path.join(workspace, "approved.txt");
    // The shell creates the file (empty) before echo writes to it: wait for the line, not the file.
    const read = () => (fs.existsSync(file) ? fs.readFileSync(file, "utf8") : undefined);
    const deadline = Date.now() + 60_000;
    while (!read()?.endsWith("\n") && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
    assert.equal(read(), "allowed\n");
    // Answered: nobody is waiting any more, so the badge goes and the Sessions view no longer says so.
    await page.locator('.activitybar .action-item[aria-label^="Pi"] .badge-content').filter({ hasText: /\S/ }).waitFor({ state: "detached", timeout: 60_000 });
    await sessionRows().filter({ hasText: "waiting for you" }).first().waitFor({ state: "detached", timeout: 60_000 });
  });

  it("Pi: Focus Chat puts the cursor in the chat's input", async () => {
    // Focus is in the untitled editor first.
    await page.locator(".editor-instance .monaco-editor .view-lines").first().click();
    await runCommand(page, "Pi: Focus Chat");
    const focused = () => sidebar.evaluate(() => document.hasFocus() && (document.activeElement as HTMLElement | null)?.getAttribute("data-testid") === "prompt-input");
    const deadline = Date.now() + 30_000;
    while (!(await focused()) && Date.now() < deadline) await page.waitForTimeout(100);
    assert.ok(await focused(), "the sidebar chat's input has the focus");
    await page.keyboard.type("typed after Focus Chat");
    assert.equal(await sidebar.locator('textarea[data-testid="prompt-input"]').inputValue(), "typed after Focus Chat");
  });
});
