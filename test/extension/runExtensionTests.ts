// Runs test/extension/suite inside the real extension host of code-server: VS Code's
// browser test path (smoke-test driver + extensionDevelopmentPath/extensionTestsPath payload).
// The suite's output arrives through codeAutomationLog, its exit code through codeAutomationExit.
import * as assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { format } from "node:util";
import type { Browser } from "playwright-core";
import { offlinePiEnv, writeDemoAgentDir } from "../../src/demo/demoAgentDir";
import { startScriptedModel, type ScriptedModelServer } from "../../src/demo/scriptedModel";
import { startCodeServer, type CodeServer } from "../e2e/codeServer";
import { launchBrowser } from "../e2e/workbench";
import { processesInCwd } from "../support/processes";
import { packageTestLmVsix, TEST_LM_EXTENSION } from "./lmProvider/packageVsix";

const ROOT = path.join(__dirname, "..", "..");

describe("extension tests in the real extension host (code-server)", function () {
  this.timeout(300_000);
  let model: ScriptedModelServer;
  let server: CodeServer;
  let browser: Browser;
  let scratch: string;

  before(async () => {
    if (!fs.existsSync(path.join(ROOT, "dist", "extension.js"))) throw new Error("dist/extension.js is missing: run 'npm run build' first");
    execFileSync(process.execPath, [path.join(__dirname, "build-suite.mjs")], { cwd: ROOT, stdio: "inherit" });
    model = await startScriptedModel();
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), "pi-vscode-ext-"));
    fs.mkdirSync(path.join(scratch, "workspace"));
    writeDemoAgentDir(path.join(scratch, "agent"), model.baseUrl);
    // One quick retry instead of pi's 2+4+8 s, so the suite's provider error shows soon.
    const settingsFile = path.join(scratch, "agent", "settings.json");
    const settings = JSON.parse(fs.readFileSync(settingsFile, "utf8")) as Record<string, unknown>;
    fs.writeFileSync(settingsFile, JSON.stringify({ ...settings, retry: { enabled: true, maxRetries: 1, baseDelayMs: 300 } }, null, 2));
    // The test language model provider is installed as a .vsix: the workbench's payload keeps
    // only one extensionDevelopmentPath (the last), which is Pi itself. Its consent-gated model
    // needs the chatProvider proposal, allowed for it by --enable-proposed-api.
    const vsix = packageTestLmVsix(path.join(scratch, "pi-test-lm.vsix"));
    server = await startCodeServer({
      workspace: path.join(scratch, "workspace"),
      vsixPath: vsix,
      // PI_TEST_LM_URL: the scripted model behind the test extension's language model provider.
      env: { ...offlinePiEnv(path.join(scratch, "agent")), PI_TEST_LM_URL: model.baseUrl, PI_VSCODE_LOG_FILE: path.join(scratch, "pi-extension.log") },
      extraArgs: ["--vscode-option", "enable-smoke-test-driver", "--enable-proposed-api", TEST_LM_EXTENSION],
    });
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    await model?.close();
    if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
  });

  it("the in-host suite passes", async () => {
    const page = await browser.newPage();
    const lines: string[] = [];
    let resolveExit: (code: number) => void = () => undefined;
    const exited = new Promise<number>((r) => (resolveExit = r));
    await page.exposeFunction("codeAutomationLog", (_type: string, args: unknown[]) => {
      // The runner sends console arguments: printf-style format first.
      const line = format(...(args as [unknown, ...unknown[]]));
      lines.push(line);
      console.log(`    | ${line}`);
    });
    await page.exposeFunction("codeAutomationExit", (code: number) => resolveExit(code));
    const remote = (p: string) => `vscode-remote://127.0.0.1:${server.port}${p}`;
    const payload = [
      ["extensionDevelopmentPath", remote(ROOT)],
      ["extensionTestsPath", remote(path.join(ROOT, "out", "extension-suite", "index.js"))],
    ];
    await page.goto(`${server.folderUrl}&payload=${encodeURIComponent(JSON.stringify(payload))}`);
    const code = await Promise.race([
      exited,
      new Promise<number>((_, reject) => setTimeout(() => reject(new Error(`no exit code within 240 s; output:\n${lines.join("\n")}\n${server.output()}`)), 240_000)),
    ]);
    const extensionLog = () => {
      try {
        return fs.readFileSync(path.join(scratch, "pi-extension.log"), "utf8").split("\n").filter((l) => !l.includes("[debug]")).slice(-60).join("\n");
      } catch {
        return "(no log)";
      }
    };
    assert.equal(code, 0, `the in-host suite failed:\n${lines.join("\n")}\n--- the Pi log, last lines:\n${extensionLog()}`);
    assert.ok(lines.some((l) => /passing/.test(l)), "the suite reported its tests");
    // Closing the window deactivates the extension: nothing of pi may remain.
    await page.close();
    const ws = path.join(scratch, "workspace");
    const deadline = Date.now() + 20_000;
    while (processesInCwd(ws).length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual(processesInCwd(ws), [], "no pi process is left after the window closed");
  });
});
