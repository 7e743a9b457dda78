// The chat in a real VS Code (code-server + Chromium) in the Light, Dark and High Contrast
// themes: a screenshot of the sidebar chat in each (test-output/screenshot-*.png; copies are
// committed under media/ for the README) and an axe-core audit of the chat's frame with the
// theme's real colours. One code-server start for all three.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Browser, Frame, Page } from "playwright-core";
import { offlinePiEnv, writeDemoAgentDir } from "../../src/demo/demoAgentDir";
import { startScriptedModel, type ScriptedModelServer } from "../../src/demo/scriptedModel";
import { auditAccessibility } from "../support/axe";
import { startCodeServer, type CodeServer } from "./codeServer";
import { findWebviewFrame, launchBrowser, OUTPUT_DIR, openWorkbench, reportFailure, runCommand } from "./workbench";

const VSIX = path.join(__dirname, "..", "..", "dist", "pi-vscode.vsix");

const THEMES = [
  // `label` is what the theme picker lists (the setting's value is "Default Light Modern" etc.).
  { name: "Light Modern", file: "screenshot-light.png", bodyClass: "vscode-light" },
  { name: "Dark Modern", file: "screenshot-dark.png", bodyClass: "vscode-dark" },
  { name: "Dark High Contrast", file: "screenshot-hc.png", bodyClass: "vscode-high-contrast" },
];

describe("the chat's look in a real VS Code, in three themes", function () {
  this.timeout(240_000);
  let model: ScriptedModelServer;
  let server: CodeServer;
  let browser: Browser;
  let page: Page;
  let chat: Frame;
  let root: string;
  let logFile: string;

  const send = async (text: string) => {
    const input = chat.locator('textarea[data-testid="prompt-input"]');
    await input.fill(text);
    await input.press("Enter");
  };

  before(async () => {
    if (!fs.existsSync(VSIX)) throw new Error(`${VSIX} is missing: run 'npm run package' first`);
    model = await startScriptedModel();
    root = fs.mkdtempSync(path.join(os.tmpdir(), "pi-vscode-look-"));
    const workspace = path.join(root, "workspace");
    fs.mkdirSync(workspace);
    const agentDir = path.join(root, "agent");
    writeDemoAgentDir(agentDir, model.baseUrl);
    logFile = path.join(root, "pi-extension.log");
    server = await startCodeServer({ workspace, vsixPath: VSIX, env: { ...offlinePiEnv(agentDir), PI_VSCODE_LOG_FILE: logFile } });
    browser = await launchBrowser();
    page = await openWorkbench(browser, server.folderUrl);
    // Tall enough for the whole short conversation in the sidebar's screenshot.
    await page.setViewportSize({ width: 1400, height: 1300 });
  });

  afterEach(async function () {
    if (this.currentTest?.state === "failed") await reportFailure(`look-${this.currentTest.title}`, page, chat, logFile);
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    await model?.close();
    if (root) fs.rmSync(root, { recursive: true, force: true, maxRetries: 3 });
  });

  it("a short conversation: an answer, a write with its diff, a bash approval waiting", async () => {
    await runCommand(page, "Pi: New Session");
    chat = await findWebviewFrame(page, "Chat");
    await chat.locator('[data-testid="status"]', { hasText: "ready" }).waitFor({ timeout: 60_000 });
    await send("demo");
    await chat.locator('[data-testid="assistant-message"]', { hasText: "now exists in your workspace" }).waitFor({ timeout: 60_000 });
    await chat.locator('[data-testid="status"]', { hasText: "ready" }).waitFor({ timeout: 30_000 });
    // Room for the chat: the Sessions view below it folds to its title.
    await page.locator(".pane-header", { hasText: "Sessions" }).click();
    await send("bash ls -la");
    await chat.locator('[data-testid="dialog-card"] button', { hasText: "Allow once" }).waitFor({ timeout: 60_000 });
    // The icon font loaded inside the webview (inline, a data: URL in the page's nonce'd style).
    assert.equal(await chat.evaluate(async () => (await document.fonts.ready, document.fonts.check('16px "codicon"', "\uec0f"))), true);
  });

  for (const theme of THEMES) {
    it(`${theme.name}: a screenshot, and axe finds no serious or critical violation`, async () => {
      // Focus out of the chat first: the palette helper's Escape would otherwise stop pi there.
      await page.locator(".part.editor").click();
      await runCommand(page, "Preferences: Color Theme");
      await page.locator(".quick-input-widget input").fill(theme.name);
      await page.locator(".quick-input-list .monaco-list-row", { hasText: new RegExp(`^\\s*${theme.name}`) }).first().click();
      // The webview gets the theme's class and colours from the workbench.
      await chat.waitForFunction((cls) => document.body.classList.contains(cls), theme.bodyClass, { timeout: 30_000 });
      await page.waitForTimeout(500);
      fs.mkdirSync(OUTPUT_DIR, { recursive: true });
      const file = path.join(OUTPUT_DIR, theme.file);
      await page.locator(".part.sidebar").screenshot({ path: file });
      assert.ok(fs.statSync(file).size > 10_000, "a real screenshot was written");
      await auditAccessibility(chat, `sidebar chat, ${theme.name}`);
    });
  }
});
