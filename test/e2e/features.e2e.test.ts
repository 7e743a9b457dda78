// The chat's bigger features in a real VS Code (code-server + Chromium): a write's diff opened
// in VS Code's diff editor, the model picker, resuming a past session, and a bash approval
// answered in the chat. Only the language model is scripted (on 127.0.0.1).
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Browser, Frame, Page } from "playwright-core";
import { offlinePiEnv, writeDemoAgentDir } from "../../src/demo/demoAgentDir";
import { startScriptedModel, type ScriptedModelServer } from "../../src/demo/scriptedModel";
import { cmdline, processesInCwd } from "../support/processes";
import { startCodeServer, type CodeServer } from "./codeServer";
import { findWebviewFrame, launchBrowser, openWorkbench, reportFailure, runCommand, screenshot } from "./workbench";

const VSIX = path.join(__dirname, "..", "..", "dist", "pi-vscode.vsix");

describe("Pi chat features in a real VS Code", function () {
  this.timeout(240_000);
  let model: ScriptedModelServer;
  let server: CodeServer;
  let browser: Browser;
  let page: Page;
  let chat: Frame;
  let workspace: string;
  let root: string;
  let logFile: string;

  const send = async (text: string) => {
    const input = chat.locator('textarea[data-testid="prompt-input"]');
    await input.fill(text);
    await input.press("Enter");
  };
  // An editor-tab chat is titled after its conversation (the folder until pi names it), with a mark while it works.
  const CHAT_TAB = /^(⟳ |\? )?workspace$/;
  const idle = () => chat.locator('[data-testid="status"]', { hasText: "ready" }).waitFor({ timeout: 60_000 });

  before(async () => {
    if (!fs.existsSync(VSIX)) throw new Error(`${VSIX} is missing: run 'npm run package' first`);
    model = await startScriptedModel();
    root = fs.mkdtempSync(path.join(os.tmpdir(), "pi-vscode-features-"));
    workspace = path.join(root, "workspace");
    fs.mkdirSync(workspace);
    fs.writeFileSync(path.join(workspace, "notes.txt"), "first version\n");
    const agentDir = path.join(root, "agent");
    writeDemoAgentDir(agentDir, model.baseUrl, { withReasoningModel: true });
    logFile = path.join(root, "pi-extension.log");
    // No spare pi: "the replaced chat's pi was stopped" counts the pi processes in the folder, and
    // a spare (adopted by the next chat) would be one of them. test/integration/prewarm.test.ts covers spares.
    server = await startCodeServer({ workspace, vsixPath: VSIX, env: { ...offlinePiEnv(agentDir), PI_VSCODE_LOG_FILE: logFile }, machineSettings: { "pi.prewarm": false } });
    browser = await launchBrowser();
    page = await openWorkbench(browser, server.folderUrl);
    await runCommand(page, "Pi: New Session");
    chat = await findWebviewFrame(page, "Chat");
    await idle();
  });

  afterEach(async function () {
    if (this.currentTest?.state === "failed") await reportFailure(`features-${this.currentTest.title}`, page, chat, logFile);
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    await model?.close();
    if (root) fs.rmSync(root, { recursive: true, force: true, maxRetries: 3 });
  });

  it("a write's card shows the diff, and Open diff opens VS Code's diff editor without taking focus", async () => {
    await send("write notes.txt second version");
    const card = chat.locator('[data-testid="tool-card"][data-status="done"]', { hasText: "notes.txt" }).last();
    await card.waitFor({ timeout: 60_000 });
    await card.locator(".diff", { hasText: "second version" }).waitFor();
    assert.match(await card.locator('[data-testid="diff"]').innerText(), /-first version[\s\S]*\+second version/);
    await idle();
    await card.locator('[data-testid="open-diff"]').click();
    await page.locator(".tabs-container .tab", { hasText: "notes.txt (pi's change)" }).waitFor({ timeout: 30_000 });
    await page.locator(".monaco-diff-editor").first().waitFor({ timeout: 30_000 });
    // Both sides are there: the old line on the left, the new on the right.
    await page.locator(".monaco-diff-editor .editor.original", { hasText: "first version" }).waitFor({ timeout: 30_000 });
    await page.locator(".monaco-diff-editor .editor.modified", { hasText: "second version" }).waitFor({ timeout: 30_000 });
    assert.equal(fs.readFileSync(path.join(workspace, "notes.txt"), "utf8"), "second version\n", "the diff editor changed nothing on disk");
    await screenshot(page, "diff-editor-e2e.png");
  });

  it("switches the model from the header picker and the next turn uses it", async () => {
    const picker = chat.locator('select[data-testid="model-picker"]');
    await picker.locator('option[value="pi-demo/pi-demo-thinking"]').waitFor({ state: "attached", timeout: 30_000 });
    await picker.selectOption("pi-demo/pi-demo-thinking");
    // A reasoning model offers thinking levels; the non-reasoning one did not.
    await chat.locator('select[data-testid="thinking-picker"]').waitFor({ timeout: 30_000 });
    assert.equal(await picker.inputValue(), "pi-demo/pi-demo-thinking");
    const before = model.requests.length;
    await send("hello after the switch");
    await chat.locator('[data-testid="assistant-message"]', { hasText: "You said: hello after the switch" }).waitFor({ timeout: 60_000 });
    const used = model.requests.slice(before).map((r) => r.model);
    assert.ok(used.includes("pi-demo-thinking"), `the model server was asked for ${JSON.stringify(used)}`);
    await idle();
  });

  it("asks before bash runs: Deny leaves no trace, Allow once runs it", async () => {
    await send("bash echo denied > denied.txt");
    const denyCard = chat.locator('[data-testid="dialog-card"]').last();
    await denyCard.locator("button", { hasText: "Deny" }).click({ timeout: 60_000 });
    await chat.locator('[data-testid="tool-card"][data-status="error"]').last().waitFor({ timeout: 60_000 });
    await idle();
    assert.ok(!fs.existsSync(path.join(workspace, "denied.txt")), "a denied command never runs");

    await send("bash echo allowed > allowed.txt");
    const allowCard = chat.locator('[data-testid="dialog-card"]').last();
    await allowCard.locator("button", { hasText: "Allow once" }).click({ timeout: 60_000 });
    await chat.locator('[data-testid="tool-card"][data-status="done"]', { hasText: "allowed.txt" }).waitFor({ timeout: 60_000 });
    await idle();
    assert.equal(fs.readFileSync(path.join(workspace, "allowed.txt"), "utf8"), "allowed\n");
  });

  it("New Session from the chat stops the replaced pi; a past session resumes from the list", async () => {
    // Only pi (which renames its process): VS Code's own language servers run in the workspace too.
    const pis = () => processesInCwd(workspace).filter((pid) => !cmdline(pid).includes("code-server"));
    const oldPis = pis();
    assert.ok(oldPis.length > 0);
    await chat.locator('[data-testid="new-session"]').click();
    await chat.locator('[data-testid="user-message"]').first().waitFor({ state: "detached", timeout: 30_000 });
    await idle();
    const deadline = Date.now() + 20_000;
    while (oldPis.some((pid) => pis().includes(pid)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
    const left = oldPis.filter((pid) => pis().includes(pid));
    assert.deepEqual(left.map((pid) => `${pid} ${cmdline(pid)}`), [], "the replaced chat's pi was stopped");
    await send("a message in the second session");
    await chat.locator('[data-testid="assistant-message"]', { hasText: "a message in the second session" }).waitFor({ timeout: 60_000 });
    await idle();
    await chat.locator('button[aria-label="Past sessions"]').click();
    const list = chat.locator('[data-testid="session-list"]');
    await list.waitFor();
    // The first session's title is its first message.
    await list.locator("button", { hasText: "write notes.txt second version" }).click();
    await chat.locator('[data-testid="user-message"]', { hasText: "hello after the switch" }).waitFor({ timeout: 60_000 });
    assert.equal(await chat.locator('[data-testid="user-message"]', { hasText: "a message in the second session" }).count(), 0);
    await idle();
  });

  it("an editor-tab chat comes back after a window reload, transcript included", async () => {
    await runCommand(page, "Pi: Open Chat in Editor");
    const tab = await findWebviewFrame(page, CHAT_TAB);
    await tab.locator('[data-testid="status"]', { hasText: "ready" }).waitFor({ timeout: 60_000 });
    const input = tab.locator('textarea[data-testid="prompt-input"]');
    await input.fill("remember me in the tab");
    await input.press("Enter");
    await tab.locator('[data-testid="assistant-message"]', { hasText: "You said: remember me in the tab" }).waitFor({ timeout: 60_000 });
    await tab.locator('[data-testid="status"]', { hasText: "ready" }).waitFor({ timeout: 30_000 });
    await page.waitForTimeout(500);
    await runCommand(page, "Developer: Reload Window");
    await page.waitForTimeout(2_000);
    await page.waitForSelector(".monaco-workbench", { timeout: 60_000 });
    const restored = await findWebviewFrame(page, CHAT_TAB);
    await restored.locator('[data-testid="user-message"]', { hasText: "remember me in the tab" }).waitFor({ timeout: 60_000 });
    await restored.locator('[data-testid="status"]', { hasText: "ready" }).waitFor({ timeout: 60_000 });
  });
});
