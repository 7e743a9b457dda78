// Starts a real VS Code (code-server, installed by test/env/ensure-tools.sh) on 127.0.0.1
// with scratch HOME/user-data/extensions dirs, and stops it with its whole process group.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";

const TOOLS = process.env.PI_VSCODE_TOOLS ?? path.join(os.homedir(), ".cache", "pi-vscode-tools");
export const NODE24 = path.join(TOOLS, "node-24.21.0", "bin", "node");
export const CODE_SERVER = path.join(TOOLS, "code-server-4.139.1", "node_modules", "code-server", "out", "node", "entry.js");

export interface CodeServerOptions {
  workspace: string;
  /** One .vsix, or several (e.g. Pi and a test extension), installed before the start. */
  vsixPath?: string | string[];
  env?: Record<string, string>;
  /** Extra `--vscode-option`-style flags, e.g. ["--enable-smoke-test-driver"]. */
  extraArgs?: string[];
  /** Settings for the remote machine (machine-scoped ones such as `pi.edits.approval` are read only there). */
  machineSettings?: Record<string, unknown>;
  /** Workspace trust on, as VS Code ships it (off by default here: most tests need a trusted folder). */
  trust?: boolean;
}

export interface CodeServer {
  url: string;
  port: number;
  /** The workbench URL with the workspace folder open. */
  folderUrl: string;
  scratch: string;
  output(): string;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
    srv.on("error", reject);
  });
}

const USER_SETTINGS = {
  "telemetry.telemetryLevel": "off",
  "update.mode": "none",
  "extensions.autoCheckUpdates": false,
  "extensions.autoUpdate": false,
  "workbench.enableExperiments": false,
  "workbench.startupEditor": "none",
  "workbench.tips.enabled": false,
  "workbench.welcomePage.walkthroughs.openOnInstall": false,
  "chat.disableAIFeatures": true,
  "security.workspace.trust.enabled": false,
  "window.restoreWindows": "none",
};

export function requireTools(): void {
  for (const f of [NODE24, CODE_SERVER]) {
    if (!fs.existsSync(f)) throw new Error(`${f} is missing: run 'bash test/env/ensure-tools.sh' first`);
  }
}

export async function startCodeServer(options: CodeServerOptions): Promise<CodeServer> {
  requireTools();
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "pi-vscode-cs-"));
  const dirs = { home: path.join(scratch, "home"), tmp: path.join(scratch, "tmp"), data: path.join(scratch, "data"), ext: path.join(scratch, "ext") };
  Object.values(dirs).forEach((d) => fs.mkdirSync(d, { recursive: true }));
  fs.mkdirSync(path.join(dirs.data, "User"), { recursive: true });
  const userSettings = { ...USER_SETTINGS, ...(options.trust ? { "security.workspace.trust.enabled": true } : {}) };
  fs.writeFileSync(path.join(dirs.data, "User", "settings.json"), JSON.stringify(userSettings, null, 2));
  fs.mkdirSync(path.join(dirs.data, "Machine"), { recursive: true });
  fs.writeFileSync(path.join(dirs.data, "Machine", "settings.json"), JSON.stringify({ ...userSettings, ...options.machineSettings }, null, 2));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HOME: dirs.home,
    TMPDIR: dirs.tmp,
    EXTENSIONS_GALLERY: "{}",
    PATH: `${path.dirname(NODE24)}:${process.env.PATH ?? ""}`,
    ...options.env,
  };
  const baseArgs = ["--user-data-dir", dirs.data, "--extensions-dir", dirs.ext];
  for (const vsix of [options.vsixPath ?? []].flat()) {
    execFileSync(NODE24, [CODE_SERVER, ...baseArgs, "--install-extension", vsix], { env, stdio: "pipe", timeout: 180_000 });
  }
  const port = await freePort();
  const args = [
    CODE_SERVER,
    "--bind-addr", `127.0.0.1:${port}`,
    "--auth", "none",
    "--disable-telemetry",
    "--disable-update-check",
    ...(options.trust ? [] : ["--disable-workspace-trust"]),
    "--disable-getting-started-override",
    "--ignore-last-opened",
    ...baseArgs,
    ...(options.extraArgs ?? []),
  ];
  const child: ChildProcess = spawn(NODE24, args, { env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout?.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (out += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`code-server exited at start:\n${out}`);
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`code-server did not start within 60 s:\n${out}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    port,
    folderUrl: `${url}/?folder=${encodeURIComponent(options.workspace)}`,
    scratch,
    output: () => out,
    stop: async () => {
      if (child.exitCode === null && child.pid) {
        const exited = new Promise((r) => child.once("exit", r));
        try {
          process.kill(-child.pid, "SIGTERM");
        } catch {
          // gone
        }
        await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
        try {
          process.kill(-child.pid, "SIGKILL");
        } catch {
          // gone
        }
      }
      fs.rmSync(scratch, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
    },
  };
}
