
import { createHash } from "node:crypto";
import * as path from "node:path";
import { Chat, type UiRequestHandler } from "./chat/chat";
import { type CheckpointOptions, CheckpointStores } from "./checkpointStores";
import { type NodeRuntime, NodeRuntimeMemo } from "./nodeRuntime";
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
  /** Keep a spare pi per folder, started ahead, for the next chat (`pi.prewarm`). Default off. */
  prewarm?: () => boolean;
  /** Once a chat is ready (its own pi up, or the spare adopted), how long before the next spare starts (default REWARM_DELAY_MS). */
  rewarmDelayMs?: number;
  /** Awaited before every pi start (e.g. the VS Code model bridge writes its provider file). Must not throw. */
  prepare?: () => Promise<void>;
  /** A chat's pi was stopped by the idle check (a fleet then hands the chat back). */
  onReclaimed?: (chat: Chat) => void;
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
  /**
   * Other extensions the user loads through pi's arguments (`-e`): one could change files outside
   * a tool call, so a message then waits for its checkpoint instead of the guard holding tools.
   */
  userExtensionArgs?: boolean;
}

/** pi arguments that load an extension (`-e x`, `--extension x`, `--extension=x`). */
export function loadsExtensions(args: readonly string[]): boolean {
  return args.some((a) => a === "-e" || a === "--extension" || a.startsWith("--extension="));
}

export interface CreateChatOptions {
  cwd: string;
  /** Overrides on top of the host's environment (e.g. the demo agent dir). */
  env?: NodeJS.ProcessEnv;
  args?: string[];
  sessionFile?: string;
  /** Keep this id (a fleet continuing a chat another server started); default a fresh UUID. */
  id?: string;
}

type Listener = () => void;

/** See warmAfter: long enough for a new chat's webview to load and show its first snapshot. */
export const REWARM_DELAY_MS = 1_500;

export class ChatHost {
  private readonly live = new Map<string, Chat>();
  /** The Node that runs pi, found once per `pi.nodePath` value rather than at every start. */
  private readonly nodeRuntime = new NodeRuntimeMemo();
  /** One spare chat per folder, its pi started ahead: the next chat there is ready at once. */
  private readonly spares = new Map<string, { chat: Chat; fingerprint: string; readyAt?: number }>();
  private readonly listeners = new Set<Listener>();
  /** Folders whose next spare waits for a chat (its own pi's start, or its new view): how many wait. */
  private readonly warmHeld = new Map<string, number>();
  /** Spares asked for while held back: started when the hold ends, even if its chat is gone by then. */
  private readonly warmAsked = new Map<string, NodeJS.ProcessEnv | undefined>();
  uiHandler: UiRequestHandler | undefined;
  /** One store per folder, shared by that folder's chats. */
  readonly checkpoints: CheckpointStores | undefined;

  constructor(private readonly options: ChatHostOptions) {
    this.checkpoints = options.checkpoints ? new CheckpointStores(options.checkpoints, options.log) : undefined;
  }

  /**
   * Creates a chat and starts its pi — or adopts the folder's spare when it was started with
   * exactly these settings — and warms the next spare. The chat reports start failures in its
   * transcript.
   */
  createChat(request: CreateChatOptions): Chat {
    if (request.id !== undefined && this.live.has(request.id)) throw new Error(`a chat with id ${request.id} is already open`);
    const spare = this.takeSpare(request);
    const chat = spare ?? this.build(request);
    this.live.set(chat.id, chat);
    chat.onStatus(() => this.changed());
    this.changed();
    if (spare) {
      chat.lastActivity = Date.now();
      this.options.log("info", `chat ${chat.id} adopted the spare pi of ${request.cwd}`);
    } else chat.start().catch((err: unknown) => this.options.log("error", `chat ${chat.id} failed to start: ${String(err)}`));
    // The next spare once this one has started, so two starts never compete for the CPU.
    this.warmAfter(chat, request);
    return chat;
  }

  /** Starts a spare pi for `cwd` (if prewarming is on and there is none): the next chat adopts it. */
  prewarm(cwd: string, env?: NodeJS.ProcessEnv): void {
    // A chat there is starting its own pi (or just adopted the spare): two starts at once would
    // slow down the one the user waits for; that chat warms the next spare when it is done.
    if (!this.options.prewarm?.() || this.spares.has(cwd)) return;
    if (this.warmHeld.has(cwd)) {
      this.warmAsked.set(cwd, env);
      return;
    }
    this.warmAsked.delete(cwd);
    const request: CreateChatOptions = { cwd, env };
    const chat = this.build(request);
    const spare: { chat: Chat; fingerprint: string; readyAt?: number } = { chat, fingerprint: this.fingerprint(request) };
    this.spares.set(cwd, spare);
    chat.onStatus((status) => {
      if (status === "ready" && spare.readyAt === undefined) {
        spare.readyAt = Date.now();
        // Opening the folder's checkpoint store and its first capture run git several times:
        // done now, in the background, not beside the first message of the chat that adopts it.
        void chat.review.warm();
      }
      // A spare that failed is no use to anyone: the next chat starts its own pi.
      if (status === "error" || status === "crashed" || status === "stopped") void this.dropSpare(cwd, chat);
    });
    chat.start().catch(() => undefined);
  }

  /** Settings that change pi's arguments changed: spares started with the old ones are replaced. */
  async refreshSpares(): Promise<void> {
    const on = this.options.prewarm?.() ?? false;
    for (const [cwd, spare] of [...this.spares]) {
      if (on && spare.fingerprint === this.fingerprint({ cwd, env: undefined })) continue;
      await this.dropSpare(cwd, spare.chat);
      this.prewarm(cwd);
    }
  }

  /** Stops the spare of a folder (the folder was removed, trust revoked, prewarming turned off). */
  async dropSpare(cwd: string, only?: Chat): Promise<void> {
    const spare = this.spares.get(cwd);
    if (!spare || (only && spare.chat !== only)) return;
    this.spares.delete(cwd);
    await spare.chat.stop();
    this.removeSnapshots(spare.chat);
  }

  /** The pids of spare pi processes (for tests and the log). */
  spareChats(): Chat[] {
    return [...this.spares.values()].map((s) => s.chat);
  }

  private takeSpare(request: CreateChatOptions): Chat | undefined {
    // A chat with a given id (a fleet moving it) or its own arguments starts its own pi. A
    // restored chat takes the spare too: pi switches to its session file (one RPC, not a start).
    if (request.id !== undefined || request.args?.length) return undefined;
    const spare = this.spares.get(request.cwd);
    if (!spare) return undefined;
    const usable = spare.fingerprint === this.fingerprint(request) && (spare.chat.status === "ready" || spare.chat.status === "starting");
    if (!usable) return undefined;
    this.spares.delete(request.cwd);
    if (request.sessionFile) spare.chat.adoptSession(request.sessionFile);
    return spare.chat;
  }

  /** Warms the folder's next spare once `chat` has started (a chat with its own env — the demo — warms none). */
  private warmAfter(chat: Chat, request: CreateChatOptions): void {
    if (!this.options.prewarm?.() || request.env || this.spares.has(request.cwd)) return;
    const { cwd } = request;
    this.warmHeld.set(cwd, (this.warmHeld.get(cwd) ?? 0) + 1);
    const warm = () => {
      const held = (this.warmHeld.get(cwd) ?? 1) - 1;
      if (held > 0) {
        this.warmHeld.set(cwd, held);
        return;
      }
      this.warmHeld.delete(cwd);
      if (this.warmAsked.has(cwd)) this.prewarm(cwd, this.warmAsked.get(cwd));
      else if (this.live.has(chat.id)) this.prewarm(cwd);
    };
    // The chat is ready, but its view is still loading: an adopted spare's is only now starting
    // (a new editor tab is a new webview), and a view that waited for the chat's own pi asks
    // for its first snapshot once pi is up. A pi start at once takes a core from that on a
    // small machine, and the user waits for the view, not for the next spare.
    const later = () => setTimeout(warm, this.options.rewarmDelayMs ?? REWARM_DELAY_MS).unref();
    if (chat.status !== "starting") {
      later();
      return;
    }
    const off = chat.onStatus((status) => {
      if (status === "starting") return;
      off();
      later();
    });
  }

  /** What a pi started for `request` now would be started with (secrets only as a hash). */
  private fingerprint(request: CreateChatOptions): string {
    const inputs = { cwd: request.cwd, env: { ...this.options.env?.(), ...request.env }, guard: this.options.guard?.(), extra: this.options.extraArgs?.(), node: this.options.configuredNodePath?.() };
    return createHash("sha256").update(JSON.stringify(inputs)).digest("hex");
  }

  private build(request: CreateChatOptions): Chat {
    const guard = this.options.guard?.();
    const guardArgs = guard ? [...(guard.loadUserExtensions ? [] : ["--no-extensions"]), "-e", guard.path] : [];
    // The guard writes write/edit snapshots here; the chat reads them for diffs. Gone with the chat.
    const snapshots = this.createSnapshots();
    // Tools wait for the checkpoint before a message, so the message need not: only with the
    // guard alone in pi (another extension could change files outside a tool call).
    const checkpointGate = snapshots && guard && !guard.loadUserExtensions && !guard.userExtensionArgs && this.checkpoints ? path.join(snapshots.dir, "checkpoint-pending") : undefined;
    const snapshotEnv: NodeJS.ProcessEnv = snapshots
      ? { PI_VSCODE_SNAPSHOT_DIR: snapshots.dir, ...(checkpointGate ? { PI_VSCODE_CHECKPOINT_GATE: checkpointGate } : {}) }
      : {};
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
      id: request.id,
      cwd: request.cwd,
      piCliPath: this.options.piCliPath,
      resolveNode: () => this.resolveNode(),
      env: { ...piEnv, ...guardEnv, ...snapshotEnv },
      args: [...guardArgs, ...(this.options.extraArgs?.() ?? []), ...(request.args ?? [])],
      sessionFile: request.sessionFile,
      log: this.options.log,
      beforeStart: async (s) => {
        await this.options.prepare?.();
        await this.admit(s);
      },
      snapshots,
      checkpoints: this.checkpoints,
      checkpointGate,
    });
    session.uiHandler = (s, r) => this.uiHandler?.(s, r) ?? Promise.resolve(undefined);
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
    const all = [...this.live.values(), ...this.spareChats()];
    this.live.clear();
    this.spares.clear();
    // A hold that ends after this must not start a spare no one will stop.
    this.warmAsked.clear();
    this.warmHeld.clear();
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
    const spares = this.spareChats().filter((s) => s !== starting && s.isRunning);
    const running = this.chats().filter((s) => s !== starting && s.isRunning);
    if (running.length + spares.length < cap) return;
    // A spare counts against the cap but gives way first: it is only there to save a start.
    if (spares.length && !this.spareChats().includes(starting)) {
      await this.dropSpare(spares[0].cwd);
      if (running.length + spares.length - 1 < cap) return;
    }
    if (this.spareChats().includes(starting)) throw new Error("no room for a spare pi");
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
    for (const [cwd, spare] of [...this.spares]) {
      if (spare.readyAt !== undefined && now - spare.readyAt >= minutes * 60_000) await this.dropSpare(cwd);
    }
    const stale = this.chats().filter((s) => s.isRunning && s.status === "ready" && now - s.lastActivity >= minutes * 60_000);
    await Promise.all(
      stale.map(async (s) => {
        await s.reclaim(`pi was stopped after ${minutes} idle minute${minutes === 1 ? "" : "s"} to free memory; your next message restarts it on this session.`);
        this.options.onReclaimed?.(s);
      }),
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
    return this.nodeRuntime.get({
      configuredPath: this.options.configuredNodePath?.(),
      hostExecPath: process.execPath,
      hostVersions: { node: process.versions.node, electron: process.versions.electron },
    });
  }

  private changed(): void {
    this.listeners.forEach((l) => l());
  }
}
