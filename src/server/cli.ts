// `pi-vscode-server [workspace]`: the chat in a browser, on the same session host as the
// extension. Loopback by default; refuses to listen elsewhere without API_KEY or UI_PASSWORD;
// without either, a one-time login link (unless --no-auth).
import { errorText } from "../protocol/actionError";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import pino from "pino";
import { offlinePiEnv, writeDemoAgentDir } from "../demo/demoAgentDir";
import { startScriptedModel, type ScriptedModelServer } from "../demo/scriptedModel";
import { ChatHost } from "../host/chatHost";
import { HEADLESS_NOTE } from "../host/lmBridge/providerFile";
import { defaultGuardPath, defaultPiCliPath } from "../host/piPaths";
import { ConfigError, configFromEnv, redactedConfig, type ServerConfig } from "./config";
import { ensurePrivateDir } from "./dataDir";
import { type FleetConfig, fleetConfigFromEnv } from "./fleet/fleetConfig";
import { FleetNode } from "./fleet/fleetNode";
import { IMAGES_BODY_ALLOWANCE } from "./routes";
import { createPiServer, type PiServer } from "./httpServer";
import { announceLoginLinks, cliAuthMode } from "./loginLink";

export const USAGE = `Usage: pi-vscode-server [workspace] [options]

Serves the Pi chat for one workspace folder over HTTP (REST + Server-Sent Events under /api/v1).

Options:
  -p, --port <n>        Port (env PORT, default 3000; 0 = any free port)
      --host <addr>     Bind address (env HOST, default 127.0.0.1)
      --agent-dir <d>   pi's agent directory (env PI_CODING_AGENT_DIR, default ~/.pi/agent)
      --data-dir <d>    Server data (JWT secret, demo agent dir) (env PI_VSCODE_SERVER_DATA_DIR, default ~/.pi-vscode-server)
      --open            Open the chat in a browser once listening
      --demo            Use the built-in scripted model (no API key needed)
      --no-auth         Ask for no credential (loopback only; any local user or process can
                        then drive the agent)
  -h, --help            Show this help

Environment: API_KEY, UI_PASSWORD, JWT_SECRET, JWT_EXPIRES_IN_SECONDS, TRUST_PROXY (true or the
number of proxies in front), CORS_ORIGIN, ALLOWED_HOSTS, RATE_LIMIT_LOGIN_MAX, LOG_LEVEL,
BASH_APPROVAL (ask|allowList|never-ask), BASH_ALLOW, MAX_PROCESSES, IDLE_MINUTES,
CHECKPOINT_MAX_FILE_MB (default 5), CHECKPOINT_KEEP_SESSIONS (default 20),
MAX_CONNECTIONS (1024), MAX_CONNECTIONS_PER_IP (128), MAX_STREAMS (512), MAX_STREAMS_PER_IP (64).
Without API_KEY or UI_PASSWORD a one-time login link is printed on stderr (a new one on Enter or
SIGUSR1). Binding to a non-loopback address requires API_KEY and/or UI_PASSWORD.
Fleet mode (several instances behind a load balancer) when REDIS_URL is set: INSTANCE_ID,
INSTANCE_URL, FLEET_SECRET, LEASE_MS, MAX_PROCESSES_FLEET, METRICS_TOKEN (see deploy/README.md).
${HEADLESS_NOTE}`;

export interface CliArgs {
  workspace?: string;
  port?: number;
  host?: string;
  agentDir?: string;
  dataDir?: string;
  open: boolean;
  demo: boolean;
  help: boolean;
  noAuth: boolean;
}

export function parseArgs(argv: string[]): CliArgs {
  const out: CliArgs = { open: false, demo: false, help: false, noAuth: false };
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
      case "--no-auth":
        out.noAuth = true;
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
  let links = false;
  let fleetConfig: FleetConfig | undefined;
  try {
    args = parseArgs(argv);
    if (args.help) {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    const mode = cliAuthMode(configFromEnv(process.env, { port: args.port, host: args.host, dataDir: args.dataDir && path.resolve(args.dataDir) }), args.noAuth);
    config = mode.config;
    links = mode.links;
    if (mode.warning) process.stderr.write(`pi-vscode-server: ${mode.warning}\n`);
    fleetConfig = fleetConfigFromEnv(process.env);
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
  log.info(HEADLESS_NOTE);

  let demoModel: ScriptedModelServer | undefined;
  let chatEnv: NodeJS.ProcessEnv | undefined;
  if (args.demo) {
    demoModel = await startScriptedModel();
    // pi loads extensions from its agent dir: it must be ours alone, like the secrets.
    ensurePrivateDir(config.dataDir);
    const agentDir = path.join(config.dataDir, "demo-agent");
    writeDemoAgentDir(agentDir, demoModel.baseUrl);
    chatEnv = offlinePiEnv(agentDir);
    log.info({ model: demoModel.baseUrl }, "demo model started");
  }
  const agentDir = args.agentDir ?? process.env.PI_CODING_AGENT_DIR;
  let fleet: FleetNode | undefined;
  let stopForIdLoss: () => void = () => undefined;
  const host = new ChatHost({
    piCliPath: defaultPiCliPath(__dirname),
    env: () => (agentDir ? { PI_CODING_AGENT_DIR: path.resolve(agentDir) } : {}),
    log: (level, message) => log[level](message),
    // In fleet mode MAX_PROCESSES is the fleet's per-instance cap (a pi slot per chat run here).
    maxProcesses: () => (fleetConfig ? 0 : numberEnv("MAX_PROCESSES", 8)),
    idleMinutes: () => numberEnv("IDLE_MINUTES", 30),
    guard: () => ({ path: defaultGuardPath(__dirname), bashPolicy: config.bashApproval, bashAllow: config.bashAllow, loadUserExtensions: false }),
    onReclaimed: (chat) => fleet?.reclaimed(chat),
    // A checkpoint before every message, kept in the data dir (never inside the workspace).
    checkpoints: {
      storesRoot: path.join(config.dataDir, "checkpoints"),
      maxFileBytes: () => numberEnv("CHECKPOINT_MAX_FILE_MB", 5) * 1024 * 1024,
      keepSessions: () => numberEnv("CHECKPOINT_KEEP_SESSIONS", 20),
    },
  });
  const stopIdle = host.startIdleTimer();

  let server: PiServer;
  let stopLinks: () => void = () => undefined;
  try {
    // Fleet mode: Redis unreachable or INSTANCE_ID taken → one line on stderr, exit 1.
    if (fleetConfig) {
      const { bodyLimitBytes, trustProxy, clientBufferBytes, heartbeatMs } = config;
      const server = { bodyLimitBytes, maxBodyBytes: bodyLimitBytes + IMAGES_BODY_ALLOWANCE, trustProxy, clientBufferBytes, heartbeatMs };
      fleet = await FleetNode.start({
        config: fleetConfig,
        host,
        logger: log,
        chatEnv,
        server,
        metricsToken: process.env.METRICS_TOKEN || undefined,
        onIdLost: () => stopForIdLoss(),
      });
    }
    server = createPiServer({ host, workspace, config, log, chatEnv, fleet });
    const url = await server.listen();
    const login = links ? announceLoginLinks(server) : undefined;
    if (login) stopLinks = login.stop;
    if (args.open) openBrowser(login?.first ?? url);
  } catch (err) {
    log.error({ err: errorText(err) }, "could not start");
    process.stderr.write(`pi-vscode-server: ${errorText(err)}\n`);
    stopIdle();
    await fleet?.shutdown().catch(() => undefined);
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
        .finally(() => {
          stopIdle();
          stopLinks();
        });
    };
    stopForIdLoss = () => stop("INSTANCE_ID taken by another process");
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
