// The whole product in a real VS Code (code-server) driven by Playwright in Debian's Chromium:
// install the .vsix, run "Pi: New Session" from the palette, chat in the sidebar, and see
// the file pi's tool wrote. Only the language model is scripted (on 127.0.0.1).
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Browser, Frame, Page } from "playwright-core";
import { offlinePiEnv, writeDemoAgentDir } from "../../src/demo/demoAgentDir";
import { startScriptedModel, type ScriptedModelServer } from "../../src/demo/scriptedModel";
import { processesInCwd } from "../support/processes";
import { startCodeServer, type CodeServer } from "./codeServer";
import { findWebviewFrame, launchBrowser, openWorkbench, reportFailure, runCommand, screenshot } from "./workbench";

const VSIX = path.join(__dirname, "..", "..", "dist", "pi-vscode.vsix");

describe("Pi in a real VS Code (code-server + Chromium)", function () {
  this.timeout(240_000);
  let model: ScriptedModelServer;
  let server: CodeServer;
  let browser: Browser;
  let page: Page;
  let chat: Frame;
  let workspace: string;
  let root: string;
  let logFile: string;

  before(async () => {
    if (!fs.existsSync(VSIX)) throw new Error(`${VSIX} is missing: run 'npm run package' first`);
    model = await startScriptedModel();
    root = fs.mkdtempSync(path.join(os.tmpdir(), "pi-vscode-e2e-"));
    workspace = path.join(root, "workspace");
    fs.mkdirSync(workspace);
    fs.writeFileSync(path.join(workspace, "README.md"), "# e2e workspace\n");
    const agentDir = path.join(root, "agent");
    writeDemoAgentDir(agentDir, model.baseUrl);
    logFile = path.join(root, "pi-extension.log");
    server = await startCodeServer({ workspace, vsixPath: VSIX, env: { ...offlinePiEnv(agentDir), PI_VSCODE_LOG_FILE: logFile } });
    browser = await launchBrowser();
    page = await openWorkbench(browser, server.folderUrl);
  });

  // A failure in CI must say why: the extension's own log, what the chat showed, a screenshot.
  afterEach(async function () {
    if (this.currentTest?.state === "failed") await reportFailure(this.currentTest.title, page, chat, logFile);
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    await model?.close();
    if (root) fs.rmSync(root, { recursive: true, force: true, maxRetries: 3 });
  });

  it("Pi: New Session from the palette opens a ready chat in the sidebar", async () => {
    await runCommand(page, "Pi: New Session");
    chat = await findWebviewFrame(page, "Chat");
    await chat.locator('[data-testid="status"]', { hasText: "ready" }).waitFor({ timeout: 60_000 });
  });

  it("streams the model's answer into the webview", async () => {
    const input = chat.locator('textarea[data-testid="prompt-input"]');
    await input.fill("hello e2e");
    await input.press("Enter");
    await chat.locator('[data-testid="assistant-message"]', { hasText: "You said: hello e2e" }).waitFor({ timeout: 60_000 });
    assert.equal(await input.inputValue(), "", "the input is cleared after sending");
  });

  it("runs pi's write tool: a tool card in the chat and the file in the workspace", async () => {
    const input = chat.locator('textarea[data-testid="prompt-input"]');
    await input.fill("write hello.txt hi from the e2e test");
    await input.press("Enter");
    await chat.locator('[data-testid="tool-card"][data-status="done"]', { hasText: "write" }).waitFor({ timeout: 60_000 });
    await chat.locator('[data-testid="assistant-message"]', { hasText: "Tool finished" }).waitFor({ timeout: 60_000 });
    assert.equal(fs.readFileSync(path.join(workspace, "hello.txt"), "utf8"), "hi from the e2e test\n");
    await chat.locator('[data-testid="status"]', { hasText: "ready" }).waitFor({ timeout: 30_000 });
    const file = await screenshot(page, "chat-e2e.png");
    assert.ok(fs.statSync(file).size > 10_000, "a real screenshot was written");
  });

  it("a write outside the workspace is blocked by the guard", async () => {
    const outside = path.join(root, "outside.txt");
    const input = chat.locator('textarea[data-testid="prompt-input"]');
    await input.fill(`write ${outside} should never exist`);
    await input.press("Enter");
    await chat.locator('[data-testid="tool-card"][data-status="error"]', { hasText: "outside the workspace" }).waitFor({ timeout: 60_000 });
    assert.ok(!fs.existsSync(outside));
  });

  it("Pi: Try Demo Session runs the built-in demo model from the palette", async () => {
    await runCommand(page, "Pi: Try Demo Session");
    await chat.locator('[data-testid="tool-card"][data-status="done"]', { hasText: "pi-demo.txt" }).waitFor({ timeout: 60_000 });
    await chat.locator('[data-testid="assistant-message"]', { hasText: "now exists in your workspace" }).waitFor({ timeout: 60_000 });
    assert.match(fs.readFileSync(path.join(workspace, "pi-demo.txt"), "utf8"), /Pi demo model/);
    await screenshot(page, "demo-e2e.png");
  });

  it("Pi: Open Session in Browser shows the same live session in a browser page, both ways", async () => {
    const [remote] = await Promise.all([page.context().waitForEvent("page", { timeout: 60_000 }), runCommand(page, "Pi: Open Session in Browser")]);
    await remote.waitForLoadState();
    remote.on("pageerror", (e) => console.log(`      remote page error: ${e.message}`));
    // The one-time ticket signed the page in (no login form) and left the address bar.
    await remote.locator('[data-testid="assistant-message"]', { hasText: "now exists in your workspace" }).waitFor({ timeout: 60_000 });
    assert.ok(!remote.url().includes("ticket="), `the ticket is gone from ${remote.url()}`);
    assert.equal(await remote.locator('input[type="password"]').count(), 0);

    const remoteInput = remote.locator('textarea[data-testid="prompt-input"]');
    await remoteInput.fill("hello from the browser");
    await remoteInput.press("Enter");
    await chat.locator('[data-testid="user-message"]', { hasText: "hello from the browser" }).waitFor({ timeout: 60_000 });
    await chat.locator('[data-testid="assistant-message"]', { hasText: "You said: hello from the browser" }).waitFor({ timeout: 60_000 });
    await chat.locator('[data-testid="status"]', { hasText: "ready" }).waitFor({ timeout: 30_000 });

    const input = chat.locator('textarea[data-testid="prompt-input"]');
    await input.fill("hello from vscode");
    await input.press("Enter");
    await remote.locator('[data-testid="user-message"]', { hasText: "hello from vscode" }).waitFor({ timeout: 60_000 });
    await remote.locator('[data-testid="assistant-message"]', { hasText: "You said: hello from vscode" }).waitFor({ timeout: 60_000 });
    await screenshot(remote, "remote-browser-e2e.png");
    await remote.close();
  });

  it("a window reload brings the sidebar chat and its draft back, and leaves no old pi behind", async () => {
    await chat.locator('[data-testid="status"]', { hasText: "ready" }).waitFor({ timeout: 30_000 });
    const before = processesInCwd(workspace);
    assert.ok(before.length > 0);
    await chat.locator('textarea[data-testid="prompt-input"]').fill("half-typed before the reload");
    await page.waitForTimeout(500); // the draft is saved on input
    // VS Code's own reload: it runs the shutdown lifecycle (webview state is flushed), as a user's would.
    await runCommand(page, "Developer: Reload Window");
    await page.waitForTimeout(2_000);
    await page.waitForSelector(".monaco-workbench", { timeout: 60_000 });
    chat = await findWebviewFrame(page, "Chat");
    await chat.locator('[data-testid="assistant-message"]', { hasText: "You said: hello from vscode" }).waitFor({ timeout: 60_000 });
    await chat.locator('[data-testid="status"]', { hasText: "ready" }).waitFor({ timeout: 60_000 });
    assert.equal(await chat.locator('textarea[data-testid="prompt-input"]').inputValue(), "half-typed before the reload");
    const deadline = Date.now() + 20_000;
    const alive = () => before.filter((pid) => processesInCwd(workspace).includes(pid));
    while (alive().length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
    assert.deepEqual(alive(), [], "the pi processes from before the reload are gone");
  });

  it("stopping code-server leaves no pi process running in the workspace", async () => {
    assert.ok(processesInCwd(workspace).length > 0, "pi is running in the workspace while the chat is open");
    await browser.close();
    await server.stop();
    const deadline = Date.now() + 15_000;
    while (processesInCwd(workspace).length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual(processesInCwd(workspace), []);
  });
});
