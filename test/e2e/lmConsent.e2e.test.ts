// VS Code's consent prompt for a language model, in a real workbench (code-server + Chromium):
// Pi's .vsix and the test language model provider (test/extension/lmProvider) installed, the
// consent-gated model chosen in the chat's model picker. Declining shows a clear error; Allow
// lets the model answer; once allowed, VS Code does not ask again. (The extension-host suite
// cannot click: VS Code refuses every dialog while extension tests run.)
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Browser, Frame, Page } from "playwright-core";
import { offlinePiEnv, writeDemoAgentDir } from "../../src/demo/demoAgentDir";
import { startScriptedModel, type ScriptedModelServer } from "../../src/demo/scriptedModel";
import { packageTestLmVsix, TEST_LM_EXTENSION } from "../extension/lmProvider/packageVsix";
import { startCodeServer, type CodeServer } from "./codeServer";
import { findWebviewFrame, launchBrowser, openWorkbench, reportFailure, runCommand } from "./workbench";

const VSIX = path.join(__dirname, "..", "..", "dist", "pi-vscode.vsix");

describe("VS Code's consent prompt for a bridged model (code-server + Chromium)", function () {
  this.timeout(240_000);
  let model: ScriptedModelServer;
  let server: CodeServer;
  let browser: Browser;
  let page: Page;
  let chat: Frame;
  let root: string;
  let logFile: string;

  const dialog = () => page.locator(".monaco-dialog-box");
  const send = async (text: string) => {
    const input = chat.locator('textarea[data-testid="prompt-input"]');
    await input.fill(text);
    await input.press("Enter");
  };

  before(async () => {
    if (!fs.existsSync(VSIX)) throw new Error(`${VSIX} is missing: run 'npm run package' first`);
    model = await startScriptedModel();
    root = fs.mkdtempSync(path.join(os.tmpdir(), "pi-vscode-consent-"));
    const workspace = path.join(root, "workspace");
    fs.mkdirSync(workspace);
    writeDemoAgentDir(path.join(root, "agent"), model.baseUrl);
    logFile = path.join(root, "pi-extension.log");
    server = await startCodeServer({
      workspace,
      vsixPath: [VSIX, packageTestLmVsix(path.join(root, "pi-test-lm.vsix"))],
      env: { ...offlinePiEnv(path.join(root, "agent")), PI_TEST_LM_URL: model.baseUrl, PI_VSCODE_LOG_FILE: logFile },
      extraArgs: ["--enable-proposed-api", TEST_LM_EXTENSION],
    });
    browser = await launchBrowser();
    page = await openWorkbench(browser, server.folderUrl);
    await runCommand(page, "Pi: New Session");
    chat = await findWebviewFrame(page, "Chat");
    await chat.locator('[data-testid="status"]', { hasText: "ready" }).waitFor({ timeout: 60_000 });
  });

  afterEach(async function () {
    if (this.currentTest?.state === "failed") await reportFailure(this.currentTest.title, page, chat, logFile);
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    await model?.close();
    if (root) fs.rmSync(root, { recursive: true, force: true, maxRetries: 3 });
  });

  it("the picker lists the VS Code models beside pi's own, grouped as VS Code: <vendor>", async () => {
    const picker = chat.locator('[data-testid="model-picker"]');
    await picker.locator("option", { hasText: "Guarded (test)" }).waitFor({ state: "attached", timeout: 60_000 });
    const labels = await picker.locator("option").allInnerTexts();
    assert.ok(labels.some((l) => l.includes("Pi demo")), `pi's own model: ${labels.join(" | ")}`);
    const vscodeGroup = await picker.locator('optgroup[label="VS Code: pi-test"] option').allInnerTexts();
    assert.ok(vscodeGroup.includes("Scripted (test)"), `the VS Code group: ${vscodeGroup.join(" | ")} (all: ${labels.join(" | ")})`);
    assert.ok(!vscodeGroup.some((l) => l.includes("Pi demo")), "pi's own models are not in the VS Code group");
    await picker.selectOption({ label: "Guarded (test)" });
    await chat.locator('[data-testid="model-picker"]').evaluate((el) => (el as HTMLSelectElement).value).then((v) => assert.equal(v, "vscode-lm/pi-test/guarded"));
  });

  it("declining VS Code's prompt shows what happened and what to do", async () => {
    await send("hello guarded");
    await dialog().waitFor({ timeout: 60_000 });
    const asked = await dialog().innerText();
    console.log(`      VS Code asked: ${asked.replace(/\s+/g, " ")}`);
    assert.match(asked, /The extension 'Pi' wants to access the language models provided by Pi test language model/);
    assert.match(asked, /Pi answers in its chat with this model/, "the bridge's justification is shown");
    await dialog().getByRole("button", { name: "Cancel" }).click();
    await chat.locator('[data-testid="assistant-message"]', { hasText: 'VS Code did not allow Pi to use "Guarded (test)"' }).waitFor({ timeout: 60_000 });
    await chat.locator('[data-testid="status"]', { hasText: "ready" }).waitFor({ timeout: 30_000 });
  });

  it("Allow lets the model answer, and VS Code asks only once", async () => {
    await send("hello again");
    await dialog().waitFor({ timeout: 60_000 });
    await dialog().getByRole("button", { name: "Allow" }).click();
    await chat.locator('[data-testid="assistant-message"]', { hasText: "You said: hello again" }).waitFor({ timeout: 60_000 });
    await chat.locator('[data-testid="status"]', { hasText: "ready" }).waitFor({ timeout: 30_000 });
    await send("and once more");
    await chat.locator('[data-testid="assistant-message"]', { hasText: "You said: and once more" }).waitFor({ timeout: 60_000 });
    assert.equal(await dialog().count(), 0, "no second prompt");
  });
});
