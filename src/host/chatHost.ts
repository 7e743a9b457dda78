
import { Chat, type UiRequestHandler } from "./chat/chat";
import { type CheckpointOptions, CheckpointStores } from "./checkpointStores";
import { findNodeRuntime, type NodeRuntime } from "./nodeRuntime";
import { agentDirFrom } from "./piSessionFiles";
import type { Logger } from "./piProcess";
import { ToolSnapshots } from "./toolSnapshots";

export interface ChatHostOptions {
  /** pi's CLI entry (dist/bundle/cli.js of @earendil-works/pi-coding-agent). */
  piCliPath: string;
  /** The `pi.nodePath` setting (read each time a session starts). */
  configuredNodePath?: () => string | undefined;
  /** Environment for pi (agent dir, API keys); read each time a session starts. */
  env?: () => NodeJS.ProcessEnv;
  /** Extra CLI arguments for pi. */
  extraArgs?: () => string[];
  log: Logger;
  /** Most pi processes alive at once (0 = no cap). Read at every start. */
  maxProcesses?: () => number;
  /** Minutes a ready chat may sit unused before its pi is stopped (0 = never). */
  idleMinutes?: () => number;
  /** The workspace guard (a pi extension) and its bash policy; read at every session start. */
  guard?: () => GuardConfig;
  /** Checkpoints before every message (review, rewind); absent: none are taken. */
  checkpoints?: CheckpointOptions;
}

export interface GuardConfig {
  /** dist/piGuard.js (or src/piGuard/guard.ts in development). */
  path: string;
  bashPolicy: "ask" | "allowList" | "never-ask";
  bashAllow: string[];
  /** Let pi discover the user's own extensions too (off: only the guard is loaded). */
  loadUserExtensions: boolean;
  /** `pi.edits.approval`: "ask" shows every write/edit as a proposal first. Default "auto". */
  editApproval?: "auto" | "ask";
  /** More stores no file tool may touch (the agent dir and the chat's snapshot dir are always added). */
  protectedPaths?: string[];
}

export interface CreateChatOptions {
  cwd: string;
  /** Overrides on top of the host's environment (e.g. the demo agent dir). */
  env?: NodeJS.ProcessEnv;
  args?: string[];
  sessionFile?: string;
}

type Listener = () => void;

export class ChatHost {
  private readonly live = new Map<string, Chat>();
  private readonly listeners = new Set<Listener>();
  uiHandler: UiRequestHandler | undefined;
  /** One store per folder, shared by that folder's chats. */
  readonly checkpoints: CheckpointStores | undefined;

  constructor(private readonly options: ChatHostOptions) {
    this.checkpoints = options.checkpoints ? new CheckpointStores(options.checkpoints, options.log) : undefined;
  }

  /** Creates a chat and starts its pi; the returned session reports start failures in its transcript. */
  createChat(request: CreateChatOptions): Chat {
    const guard = this.options.guard?.();
    const guardArgs = guard ? [...(guard.loadUserExtensions ? [] : ["--no-extensions"]), "-e", guard.path] : [];
    // The guard writes write/edit snapshots here; the chat reads them for diffs. Gone with the chat.
    const snapshots = this.createSnapshots();
    const snapshotEnv: NodeJS.ProcessEnv = snapshots ? { PI_VSCODE_SNAPSHOT_DIR: snapshots.dir } : {};
    const piEnv: NodeJS.ProcessEnv = { ...process.env, ...this.options.env?.(), ...request.env };
    // pi's own configuration and the chat's stores: refused to pi's file tools even inside the workspace.
    const stores = this.options.checkpoints ? [this.options.checkpoints.storesRoot] : [];
    const protectedPaths = [agentDirFrom(piEnv), ...(snapshots ? [snapshots.dir] : []), ...stores, ...(guard?.protectedPaths ?? [])];
    const guardEnv: NodeJS.ProcessEnv = guard
      ? {
          PI_VSCODE_WORKSPACE: request.cwd,
          PI_VSCODE_BASH_POLICY: guard.bashPolicy,
          PI_VSCODE_BASH_ALLOW: JSON.stringify(guard.bashAllow),
          PI_VSCODE_EDIT_APPROVAL: guard.editApproval ?? "auto",
          PI_VSCODE_PROTECTED_PATHS: JSON.stringify(protectedPaths),
        }
      : {};
    const session = new Chat({
      cwd: request.cwd,
      piCliPath: this.options.piCliPath,
      resolveNode: () => this.resolveNode(),
      env: { ...piEnv, ...guardEnv, ...snapshotEnv },
      args: [...guardArgs, ...(this.options.extraArgs?.() ?? []), ...(request.args ?? [])],
      sessionFile: request.sessionFile,
      log: this.options.log,
      beforeStart: (s) => this.admit(s),
      snapshots,
      checkpoints: this.checkpoints,
    });
    session.uiHandler = (s, r) => this.uiHandler?.(s, r) ?? Promise.resolve(undefined);
    this.live.set(session.id, session);
    session.onStatus(() => this.changed());
    this.changed();
    session.start().catch((err: unknown) => this.options.log("error", `session ${session.id} failed to start: ${String(err)}`));
    return session;
  }

  get(id: string): Chat | undefined {
    return this.live.get(id);
  }

  chats(): Chat[] {
    return [...this.live.values()];
  }

  onDidChange(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Stops a chat's pi and forgets the chat. */
  async dispose(id: string): Promise<void> {
    const session = this.live.get(id);
    if (!session) return;
    this.live.delete(id);
    await session.stop();
    this.removeSnapshots(session);
    this.changed();
  }

  async stopAll(): Promise<void> {
    const all = [...this.live.values()];
    this.live.clear();
    await Promise.allSettled(all.map((s) => s.stop()));
    all.forEach((s) => this.removeSnapshots(s));
    this.changed();
  }

  /** A private snapshot directory for a new chat; without one the chat just has no write diffs. */
  private createSnapshots(): ToolSnapshots | undefined {
    try {
      return ToolSnapshots.create();
    } catch (err) {
      this.options.log("warn", `no snapshot directory for diffs: ${String(err)}`);
      return undefined;
    }
  }

  private removeSnapshots(session: Chat): void {
    try {
      session.snapshots?.remove();
    } catch (err) {
      this.options.log("warn", `could not remove the snapshot directory ${session.snapshots?.dir}: ${String(err)}`);
    }
  }

  /** Enforces the process cap: reclaims the least recently used idle chat, or refuses. */
  private async admit(starting: Chat): Promise<void> {
    const cap = this.options.maxProcesses?.() ?? 0;
    if (cap <= 0) return;
    const running = this.chats().filter((s) => s !== starting && s.isRunning);
    if (running.length < cap) return;
    const idle = running.filter((s) => s.status === "ready").sort((a, b) => a.lastActivity - b.lastActivity)[0];
    if (!idle) {
      throw new Error(
        `${running.length} pi processes are already running and all are busy (limit ${cap}). ` +
          `Stop or close a chat, or raise the "pi.maxProcesses" setting.`,
      );
    }
    this.options.log("info", `process cap ${cap} reached: stopping idle chat ${idle.id}`);
    await idle.reclaim("pi was stopped to stay within the process limit; your next message restarts it on this session.");
  }

  /** Stops pi in chats unused for longer than the idle setting. Called by a timer. */
  async reclaimIdle(now = Date.now()): Promise<number> {
    const minutes = this.options.idleMinutes?.() ?? 0;
    if (minutes <= 0) return 0;
    const stale = this.chats().filter((s) => s.isRunning && s.status === "ready" && now - s.lastActivity >= minutes * 60_000);
    await Promise.all(
      stale.map((s) => s.reclaim(`pi was stopped after ${minutes} idle minute${minutes === 1 ? "" : "s"} to free memory; your next message restarts it on this session.`)),
    );
    return stale.length;
  }

  /** Starts the periodic idle check; returns a function that stops it. */
  startIdleTimer(intervalMs = 30_000): () => void {
    const timer = setInterval(() => void this.reclaimIdle(), intervalMs);
    timer.unref();
    return () => clearInterval(timer);
  }

  resolveNode(): Promise<NodeRuntime> {
    return findNodeRuntime({
      configuredPath: this.options.configuredNodePath?.(),
      hostExecPath: process.execPath,
      hostVersions: { node: process.versions.node, electron: process.versions.electron },
    });
  }

  private changed(): void {
    this.listeners.forEach((l) => l());
  }
}
