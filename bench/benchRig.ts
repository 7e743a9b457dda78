// What bench:delta and bench:first set up alike: the packaged .vsix, the scripted model, a
// private agent dir, a browser, and code-servers started on demand — and take down again.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Browser } from "playwright-core";
import { offlinePiEnv, writeDemoAgentDir } from "../src/demo/demoAgentDir";
import { startCodeServer, type CodeServer } from "../test/e2e/codeServer";
import { launchBrowser } from "../test/e2e/workbench";
import { startDeltaModel } from "./chatStart";

export const VSIX = path.join(__dirname, "..", "dist", "pi-vscode.vsix");

export interface BenchRig {
  root: string;
  /** The private agent dir pi reads (the scripted model's provider). */
  agentDir: string;
  browser: Browser;
  /** A code-server on `root` with these extensions, the extension host logging to `logFile` and seeing `env`. */
  startServer(logFile: string, env?: Record<string, string>, vsix?: string[]): Promise<CodeServer>;
}

/** Runs `body` with a rig (the model answers the delta prompt, recording requests in `requests`), then cleans up. */
export async function withBenchRig<T>(name: string, model: { requests: number[]; more: string[]; delayMs: number }, body: (rig: BenchRig) => Promise<T>): Promise<T> {
  if (!fs.existsSync(VSIX)) throw new Error(`${VSIX} is missing: run 'npm run package' first`);
  const server = await startDeltaModel(model.requests, model.more, model.delayMs);
  const root = fs.mkdtempSync(path.join(os.tmpdir(), `pi-vscode-${name}-`));
  const agentDir = path.join(root, "agent");
  writeDemoAgentDir(agentDir, server.baseUrl);
  const servers: CodeServer[] = [];
  const browser = await launchBrowser();
  try {
    return await body({
      root,
      agentDir,
      browser,
      startServer: async (logFile, env = {}, vsix = [VSIX]) => {
        const s = await startCodeServer({ workspace: root, vsixPath: vsix, env: { ...offlinePiEnv(agentDir), PI_VSCODE_LOG_FILE: logFile, ...env }, machineSettings: {} });
        servers.push(s);
        return s;
      },
    });
  } finally {
    await browser.close();
    for (const s of servers) await s.stop();
    await server.close();
    fs.rmSync(root, { recursive: true, force: true, maxRetries: 3 });
  }
}

/** A bench's entry: a failure prints and sets the exit code. */
export function runBench(main: () => Promise<void>): void {
  main().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
