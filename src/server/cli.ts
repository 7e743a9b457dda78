// `pi-vscode-server [workspace]`: the chat in a browser, on the same session host as the
// extension. Loopback by default; refuses to listen elsewhere without API_KEY or UI_PASSWORD.
import { errorText } from "../protocol/actionError";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import pino from "pino";
import { offlinePiEnv, writeDemoAgentDir } from "../demo/demoAgentDir";
import { startScriptedModel, type ScriptedModelServer } from "../demo/scriptedModel";
import { ChatHost } from "../host/chatHost";
import { defaultGuardPath, defaultPiCliPath } from "../host/piPaths";
import { ConfigError, configFromEnv, redactedConfig, type ServerConfig } from "./config";
import { createPiServer, type PiServer } from "./httpServer";

export const USAGE = `Usage: pi-vscode-server [workspace] [options]

Serves the Pi chat for one workspace folder over HTTP (REST + Server-Sent Events under /api/v1).

Options:
  -p, --port <n>        Port (env PORT, default 3000; 0 = any free port)
      --host <addr>     Bind address (env HOST, default 127.0.0.1)
      --agent-dir <d>   pi's agent directory (env PI_CODING_AGENT_DIR, default ~/.pi/agent)
      --data-dir <d>    Server data (JWT secret, demo agent dir) (env PI_VSCODE_SERVER_DATA_DIR, default ~/.pi-vscode-server)
      --open            Open the chat in a browser once listening
      --demo            Use the built-in scripted model (no API key needed)
  -h, --help            Show this help

Environment: API_KEY, UI_PASSWORD, JWT_SECRET, JWT_EXPIRES_IN_SECONDS, TRUST_PROXY, CORS_ORIGIN,
ALLOWED_HOSTS, RATE_LIMIT_LOGIN_MAX, LOG_LEVEL, BASH_APPROVAL (ask|allowList|never-ask), BASH_ALLOW,
MAX_PROCESSES, IDLE_MINUTES, CHECKPOINT_MAX_FILE_MB (default 5), CHECKPOINT_KEEP_SESSIONS (default 20).
Binding to a non-loopback address requires API_KEY and/or UI_PASSWORD.`;

export interface CliArgs {
  workspace?: string;
  port?: number;
  host?: string;
  agentDir?: string;
  dataDir?: string;
  open: boolean;
  demo: boolean;
  help: boolean;
}

export function parseArgs(argv: string[]): CliArgs {
  const out: CliArgs = { open: false, demo: false, help: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.startsWith("--") && arg.includes("=") ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)] : [arg, undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined || (inline === undefined && v.startsWith("-"))) throw new ConfigError(`${flag} needs a value.`);
      return v;
    };
    switch (flag) {
      case "-p":
      case "--port": {
        const v = value();
        if (!/^\d{1,5}$/.test(v) || Number(v) > 65535) throw new ConfigError(`--port must be 0–65535 (got "${v}").`);
        out.port = Number(v);
        break;
      }
      case "--host":
        out.host = value();
        break;
      case "--agent-dir":
        out.agentDir = value();
        break;
      case "--data-dir":
        out.dataDir = value();
        break;
      case "--open":
        out.open = true;
        break;
      case "--demo":
        out.demo = true;
        break;
      case "-h":
      case "--help":
        out.help = true;
        break;
      default:
        if (arg.startsWith("-")) throw new ConfigError(`Unknown option ${arg}. See --help.`);
        if (out.workspace !== undefined) throw new ConfigError(`Only one workspace folder may be given (got "${out.workspace}" and "${arg}").`);
        out.workspace = arg;
    }
  }
  return out;
}

function openBrowser(url: string): void {
  const [cmd, args] = process.platform === "darwin" ? ["open", [url]] : process.platform === "win32" ? ["cmd", ["/c", "start", "", url]] : ["xdg-open", [url]];
  const child = spawn(cmd, args, { stdio: "ignore", detached: true });
  child.on("error", () => undefined);
  child.unref();
}

function numberEnv(name: string, fallback: number): number {
  const v = process.env[name];
  return v && /^\d+$/.test(v) ? Number(v) : fallback;
}

export async function main(argv: string[] = process.argv.slice(2)): Promise<number> {
  let args: CliArgs;
  let config: ServerConfig;
  try {
    args = parseArgs(argv);
    if (args.help) {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    config = configFromEnv(process.env, { port: args.port, host: args.host, dataDir: args.dataDir && path.resolve(args.dataDir) });
  } catch (err) {
    process.stderr.write(`pi-vscode-server: ${errorText(err)}\n`);
    return 2;
  }
  const workspace = path.resolve(args.workspace ?? process.cwd());
  if (!fs.existsSync(workspace) || !fs.statSync(workspace).isDirectory()) {
    process.stderr.write(`pi-vscode-server: the workspace ${workspace} is not a directory.\n`);
    return 2;
  }
  const log = pino({
    level: config.logLevel,
    base: { name: "pi-vscode-server" },
    redact: { paths: ["apiKey", "uiPassword", "jwtSecret", "password", "token", "authorization", "*.authorization", "*.password", "*.token"], censor: "[redacted]" },
  });
  log.info({ config: redactedConfig(config) }, "starting");

  let demoModel: ScriptedModelServer | undefined;
  let chatEnv: NodeJS.ProcessEnv | undefined;
  if (args.demo) {
    demoModel = await startScriptedModel();
    const agentDir = path.join(config.dataDir, "demo-agent");
    writeDemoAgentDir(agentDir, demoModel.baseUrl);
    chatEnv = offlinePiEnv(agentDir);
    log.info({ model: demoModel.baseUrl }, "demo model started");
  }
  const agentDir = args.agentDir ?? process.env.PI_CODING_AGENT_DIR;
  const host = new ChatHost({
    piCliPath: defaultPiCliPath(__dirname),
    env: () => (agentDir ? { PI_CODING_AGENT_DIR: path.resolve(agentDir) } : {}),
    log: (level, message) => log[level](message),
    maxProcesses: () => numberEnv("MAX_PROCESSES", 8),
    idleMinutes: () => numberEnv("IDLE_MINUTES", 30),
    guard: () => ({ path: defaultGuardPath(__dirname), bashPolicy: config.bashApproval, bashAllow: config.bashAllow, loadUserExtensions: false }),
    // A checkpoint before every message, kept in the data dir (never inside the workspace).
    checkpoints: {
      storesRoot: path.join(config.dataDir, "checkpoints"),
      maxFileBytes: () => numberEnv("CHECKPOINT_MAX_FILE_MB", 5) * 1024 * 1024,
      keepSessions: () => numberEnv("CHECKPOINT_KEEP_SESSIONS", 20),
    },
  });
  const stopIdle = host.startIdleTimer();

  let server: PiServer;
  try {
    server = createPiServer({ host, workspace, config, log, chatEnv });
    const url = await server.listen();
    if (args.open) openBrowser(url);
  } catch (err) {
    log.error({ err: errorText(err) }, "could not start");
    process.stderr.write(`pi-vscode-server: ${errorText(err)}\n`);
    stopIdle();
    await demoModel?.close();
    return 1;
  }
  const running = server;
  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      log.info({ signal }, "shutting down");
      void running
        .close()
        .then(() => demoModel?.close())
        .then(
          () => resolve(0),
          (err: unknown) => {
            log.error({ err: String(err) }, "shutdown failed");
            resolve(1);
          },
        )
        .finally(stopIdle);
    };
    process.once("SIGTERM", () => stop("SIGTERM"));
    process.once("SIGINT", () => stop("SIGINT"));
  });
}

if (require.main === module) {
  main().then(
    (code) => {
      process.exitCode = code;
      // pino flushes synchronously to stdout; give it a tick, then exit even if a handle lingers.
      setTimeout(() => process.exit(code), 50).unref();
    },
    (err: unknown) => {
      process.stderr.write(`pi-vscode-server: ${String(err)}\n`);
      process.exit(1);
    },
  );
}
