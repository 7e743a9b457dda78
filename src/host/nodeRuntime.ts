// Finds a Node.js that can run pi (>= 22.19), in a documented order:
//   1. the `pi.nodePath` setting, 2. the extension host's own runtime, 3. `node` on PATH.
import { execFile } from "node:child_process";

export const MIN_NODE = { major: 22, minor: 19 } as const;

export interface NodeRuntime {
  path: string;
  version: string;
  /** Extra environment needed to run it as plain Node (Electron's runtime needs ELECTRON_RUN_AS_NODE). */
  env: Record<string, string>;
  source: "setting" | "host" | "path";
}

export interface NodeCandidate {
  path: string;
  source: NodeRuntime["source"];
  env: Record<string, string>;
}

export class NodeNotFoundError extends Error {
  constructor(readonly tried: string[]) {
    super(
      `Pi needs Node.js ${MIN_NODE.major}.${MIN_NODE.minor} or newer to run the pi agent, and none was found.\n` +
        `Tried: ${tried.length ? tried.join("; ") : "nothing"}.\n` +
        `Fix: install Node.js 22.19+ (for example from nodejs.org or your package manager) and either put it on PATH ` +
        `or set the "pi.nodePath" setting to its full path, then start a new session.`,
    );
    this.name = "NodeNotFoundError";
  }
}

export function parseNodeVersion(text: string): { major: number; minor: number; patch: number } | undefined {
  const m = /^v?(\d+)\.(\d+)\.(\d+)/.exec(text.trim());
  return m ? { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]) } : undefined;
}

export function isSupportedNode(version: string): boolean {
  const v = parseNodeVersion(version);
  if (!v) return false;
  return v.major > MIN_NODE.major || (v.major === MIN_NODE.major && v.minor >= MIN_NODE.minor);
}

/** Runs `<candidate> --version`; undefined when it cannot be started. */
export type VersionProbe = (candidate: NodeCandidate) => Promise<string | undefined>;

export const probeNodeVersion: VersionProbe = (candidate) =>
  new Promise((resolve) => {
    execFile(candidate.path, ["--version"], { timeout: 10_000, env: { ...process.env, ...candidate.env } }, (err, stdout) =>
      resolve(err ? undefined : stdout.trim()),
    );
  });

export interface DiscoveryInput {
  configuredPath?: string;
  /** The running host: process.execPath and process.versions. */
  hostExecPath: string;
  hostVersions: { node: string; electron?: string };
  probe?: VersionProbe;
}

export function candidatesInOrder(input: DiscoveryInput): NodeCandidate[] {
  const list: NodeCandidate[] = [];
  if (input.configuredPath?.trim()) list.push({ path: input.configuredPath.trim(), source: "setting", env: {} });
  // Inside desktop VS Code the host is Electron; it runs as Node with ELECTRON_RUN_AS_NODE.
  const hostEnv: Record<string, string> = input.hostVersions.electron ? { ELECTRON_RUN_AS_NODE: "1" } : {};
  list.push({ path: input.hostExecPath, source: "host", env: hostEnv });
  list.push({ path: process.platform === "win32" ? "node.exe" : "node", source: "path", env: {} });
  return list;
}

export async function findNodeRuntime(input: DiscoveryInput): Promise<NodeRuntime> {
  const probe = input.probe ?? probeNodeVersion;
  const tried: string[] = [];
  for (const candidate of candidatesInOrder(input)) {
    // The host's version is known without spawning anything.
    const version =
      candidate.source === "host" && !input.hostVersions.electron ? `v${input.hostVersions.node}` : await probe(candidate);
    if (version && isSupportedNode(version)) return { ...candidate, version };
    tried.push(`${candidate.source} ${candidate.path} → ${version ?? "not runnable"}`);
    // A configured path that does not work is an error in itself: don't silently fall back.
    if (candidate.source === "setting") throw new NodeNotFoundError(tried);
  }
  throw new NodeNotFoundError(tried);
}

/** How long a found runtime is trusted without asking again (a Node upgrade is seen after it). */
export const REMEMBER_RUNTIME_MS = 5 * 60_000;

/**
 * findNodeRuntime once per setting value, not once per chat: in desktop VS Code the host is
 * Electron and every check spawns it (`--version`, 50–100 ms) on the way to each pi's start.
 * A failure is not kept, so fixing the setting or installing Node works at the next chat.
 */
export class NodeRuntimeMemo {
  private kept: { key: string; at: number; runtime: Promise<NodeRuntime> } | undefined;

  constructor(
    private readonly find: (input: DiscoveryInput) => Promise<NodeRuntime> = findNodeRuntime,
    private readonly now: () => number = Date.now,
  ) {}

  get(input: DiscoveryInput): Promise<NodeRuntime> {
    const key = JSON.stringify([input.configuredPath?.trim() ?? "", input.hostExecPath]);
    const kept = this.kept;
    if (kept && kept.key === key && this.now() - kept.at < REMEMBER_RUNTIME_MS) return kept.runtime;
    const runtime = this.find(input);
    const entry = { key, at: this.now(), runtime };
    this.kept = entry;
    runtime.catch(() => {
      if (this.kept === entry) this.kept = undefined;
    });
    return runtime;
  }
}
