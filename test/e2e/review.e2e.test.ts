// Review and rewind in a real VS Code (code-server + Chromium): a Revert CodeLens on one hunk
// pi changed, "Rewind to here" with files and conversation, and (pi.edits.approval: ask, a
// machine setting) a write shown as a proposal that Accept writes and Reject leaves undone.
// Only the language model is scripted (on 127.0.0.1).
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Browser, Frame, Page } from "playwright-core";
import { offlinePiEnv, writeDemoAgentDir } from "../../src/demo/demoAgentDir";
import { startScriptedModel, type ScriptedModelServer } from "../../src/demo/scriptedModel";
import { startCodeServer, type CodeServer } from "./codeServer";
import { findWebviewFrame, launchBrowser, openWorkbench, reportFailure, runCommand } from "./workbench";

const VSIX = path.join(__dirname, "..", "..", "dist", "pi-vscode.vsix");

interface Harness {
  page: Page;
  chat: Frame;
  workspace: string;
  logFile: string;
  model: ScriptedModelServer;
  send(text: string): Promise<void>;
  idle(): Promise<void>;
  close(): Promise<void>;
}

async function startHarness(name: string, files: Record<string, string>, machineSettings?: Record<string, unknown>): Promise<Harness> {
  if (!fs.existsSync(VSIX)) throw new Error(`${VSIX} is missing: run 'npm run package' first`);
  const model: ScriptedModelServer = await startScriptedModel();
  const root = fs.mkdtempSync(path.join(os.tmpdir(), `pi-vscode-${name}-`));
  const workspace = path.join(root, "workspace");
  fs.mkdirSync(workspace);
  for (const [file, text] of Object.entries(files)) fs.writeFileSync(path.join(workspace, file), text);
  const agentDir = path.join(root, "agent");
  writeDemoAgentDir(agentDir, model.baseUrl);
  const logFile = path.join(root, "pi-extension.log");
  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  const close = async () => {
    await browser?.close();
    await server?.stop();
    await model.close();
    fs.rmSync(root, { recursive: true, force: true, maxRetries: 3 });
  };
  server = await startCodeServer({ workspace, vsixPath: VSIX, env: { ...offlinePiEnv(agentDir), PI_VSCODE_LOG_FILE: logFile }, machineSettings });
  browser = await launchBrowser();
  const page = await openWorkbench(browser, server.folderUrl);
  await runCommand(page, "Pi: New Session");
  const chat = await findWebviewFrame(page, "Chat");
  const idle = () => chat.locator('[data-testid="status"]', { hasText: "ready" }).waitFor({ timeout: 60_000 });
  await idle();
  const send = async (text: string) => {
    const input = chat.locator('textarea[data-testid="prompt-input"]');
    await input.fill(text);
    await input.press("Enter");
  };
  return { page, chat, workspace, logFile, model, send, idle, close };
}

/** Polls the file on disk until it holds `expected` (reverts and rewinds save asynchronously). */
async function waitForFile(file: string, expected: string | undefined, timeoutMs = 60_000): Promise<void> {
  const read = () => (fs.existsSync(file) ? fs.readFileSync(file, "utf8") : undefined);
  const deadline = Date.now() + timeoutMs;
  while (read() !== expected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
  assert.equal(read(), expected, `${path.basename(file)} on disk`);
}

const ORIGINAL = "header\nalpha\nb\nc\nd\nomega\n";

describe("Pi review and rewind in a real VS Code", function () {
  this.timeout(300_000);
  let h: Harness;

  before(async () => {
    h = await startHarness("review", { "code.txt": ORIGINAL });
  });

  afterEach(async function () {
    if (this.currentTest?.state === "failed") await reportFailure(`review-${this.currentTest.title}`, h?.page, h?.chat, h?.logFile);
  });

  after(async () => {
    await h?.close();
  });

  it("a Revert CodeLens in the editor puts one hunk back and keeps the other", async () => {
    const { page, chat } = h;
    // One run, two separate hunks (lines 2 and 6).
    await h.send("bash sed -i -e s/alpha/ALPHA/ -e s/omega/OMEGA/ code.txt");
    await chat.locator('[data-testid="dialog-card"]').last().locator("button", { hasText: "Allow once" }).click({ timeout: 60_000 });
    await chat.locator('[data-testid="changes-card"]', { hasText: "code.txt" }).waitFor({ timeout: 60_000 });
    await h.idle();
    const file = path.join(h.workspace, "code.txt");
    assert.equal(fs.readFileSync(file, "utf8"), "header\nALPHA\nb\nc\nd\nOMEGA\n");

    await runCommand(page, "Go to File...");
    const input = page.locator(".quick-input-widget input");
    await input.fill("code.txt");
    await page.locator(".quick-input-list .monaco-list-row", { hasText: "code.txt" }).first().click({ timeout: 30_000 });
    await page.locator(".tabs-container .tab", { hasText: "code.txt" }).waitFor({ timeout: 30_000 });
    const lenses = page.locator(".monaco-editor .codelens-decoration a");
    await lenses.filter({ hasText: /2 changes/ }).waitFor({ timeout: 60_000 });
    const reverts = lenses.filter({ hasText: /^Revert$/ });
    await reverts.nth(1).waitFor({ timeout: 30_000 });
    assert.equal(await reverts.count(), 2, "one Revert per hunk");
    // The lower of the two is the OMEGA hunk.
    const boxes = await Promise.all([0, 1].map(async (i) => (await reverts.nth(i).boundingBox())?.y ?? 0));
    await reverts.nth(boxes[1] > boxes[0] ? 1 : 0).click();
    await waitForFile(file, "header\nALPHA\nb\nc\nd\nomega\n");
    // One hunk left: the lenses say so.
    await lenses.filter({ hasText: /1 change\b/ }).waitFor({ timeout: 60_000 });
  });

  it("Rewind to here with files and conversation restores the folder and forks the transcript", async () => {
    const { chat } = h;
    const file = path.join(h.workspace, "rewind.txt");
    for (const word of ["one", "two", "three"]) {
      await h.send(`write rewind.txt ${word}`);
      await chat.locator('[data-testid="tool-card"][data-status="done"]', { hasText: "rewind.txt" }).nth(["one", "two", "three"].indexOf(word)).waitFor({ timeout: 60_000 });
      await h.idle();
    }
    assert.equal(fs.readFileSync(file, "utf8"), "three\n");
    const message = (text: string) => chat.locator('[data-testid="user-message"]', { hasText: text });
    // The rewind control sits right after its message once pi's entry for it is known.
    const rewind = message("write rewind.txt two").locator("xpath=following-sibling::*[1]");
    await rewind.locator('[data-testid="rewind"]').click({ timeout: 60_000 });
    await rewind.locator('[data-testid="rewind-both"]').click({ timeout: 30_000 });
    await chat.locator('[data-testid="rewind-notice"]').waitFor({ timeout: 60_000 });
    await waitForFile(file, "one\n");
    await message("write rewind.txt three").waitFor({ state: "detached", timeout: 60_000 });
    assert.equal(await message("write rewind.txt two").count(), 0, "the message rewound to is gone from the transcript");
    assert.equal(await message("write rewind.txt one").count(), 1, "the earlier message stays");
    // The rewound message is back in the composer, ready to send again.
    assert.equal((await chat.locator('textarea[data-testid="prompt-input"]').inputValue()).trim(), "write rewind.txt two");
    await h.idle();
  });
});

describe("Pi edit proposals (pi.edits.approval: ask) in a real VS Code", function () {
  this.timeout(300_000);
  let h: Harness;

  before(async () => {
    h = await startHarness("proposals", {}, { "pi.edits.approval": "ask" });
  });

  afterEach(async function () {
    if (this.currentTest?.state !== "failed") return;
    // Whether pi asked the model at all, and with what last message.
    console.log(`--- model requests (last message each):\n${JSON.stringify(h?.model.requests.map((r) => r.messages?.at(-1)))}`);
    await reportFailure(`proposals-${this.currentTest.title}`, h?.page, h?.chat, h?.logFile);
  });

  after(async () => {
    await h?.close();
  });

  it("a write waits as a proposal: Accept writes the file, Reject leaves none", async () => {
    const { page, chat } = h;
    await h.send("write accepted.txt yes please");
    const proposal = chat.locator('[data-testid="edit-proposal"]', { hasText: "accepted.txt" });
    await proposal.waitFor({ timeout: 60_000 });
    // The proposal opens in VS Code's diff editor too.
    await page.locator(".tabs-container .tab", { hasText: "accepted.txt (pi's proposal)" }).waitFor({ timeout: 60_000 });
    assert.ok(!fs.existsSync(path.join(h.workspace, "accepted.txt")), "nothing is written before the answer");
    await proposal.locator('[data-testid="proposal-answer"][data-answer="Accept"]').click();
    await chat.locator('[data-testid="tool-card"][data-status="done"]', { hasText: "accepted.txt" }).waitFor({ timeout: 60_000 });
    await h.idle();
    await waitForFile(path.join(h.workspace, "accepted.txt"), "yes please\n");

    await h.send("write rejected.txt no thanks");
    const second = chat.locator('[data-testid="edit-proposal"]', { hasText: "rejected.txt" });
    await second.locator('[data-testid="proposal-answer"][data-answer="Reject"]').click({ timeout: 60_000 });
    await chat.locator('[data-testid="tool-card"][data-status="error"]', { hasText: "rejected.txt" }).waitFor({ timeout: 60_000 });
    await h.idle();
    assert.ok(!fs.existsSync(path.join(h.workspace, "rejected.txt")), "a rejected write never happens");
  });
});
