// One chat: one pi process, its transcript, and the views watching it.
// Knows nothing about VS Code: the extension and the HTTP server drive it the same way.
import { randomUUID } from "node:crypto";
import * as path from "node:path";
import type { PiEvent, PiResponseData, RpcExtensionUIRequest, RpcExtensionUIResponse, RpcSessionState } from "../pi/rpcTypes";
import type { DialogAnswerParams, ModelChoice, PromptImage, SlashCommand } from "../protocol/messages";
import type { ChatSnapshot, PatchBatch, ChatInfo, ChatStatus, ChatUsage } from "../protocol/transcript";
import { snapshotFromState } from "../protocol/transcript";
import { snapshotKey } from "../piGuard/snapshotFormat";
import type { NodeRuntime } from "./nodeRuntime";
import { PatchBatcher } from "./patchBatcher";
import { DialogCards, responseToAnswer } from "./dialogCards";
import { ExtensionView } from "./extensionView";
import { agentDirFrom, listPiSessions, type PiSession } from "./piSessionFiles";
import { describeExit, PiProcess, type Logger, type PiExit } from "./piProcess";
import { TranscriptBuilder } from "./transcriptBuilder";
import type { ToolSnapshots } from "./toolSnapshots";

export interface ChatLaunch {
  cwd: string;
  piCliPath: string;
  resolveNode: () => Promise<NodeRuntime>;
  env: NodeJS.ProcessEnv;
  args: string[];
  /** Resume this session file instead of starting a new one. */
  sessionFile?: string;
  log: Logger;
  /** Admission control before each (re)start: may free a slot, or throw to refuse. */
  beforeStart?: (session: Chat) => Promise<void>;
  /** Where the guard keeps before/after images of written files (PI_VSCODE_SNAPSHOT_DIR); the host removes it. */
  snapshots?: ToolSnapshots;
}

/** The two images of a file a write/edit changed, for a diff editor. */
export interface ToolChange {
  /** The path argument as pi was given it. */
  path: string;
  /** Name of the snapshot files (see piGuard/snapshotFormat.ts). */
  key: string;
}

export type UiRequestHandler = (session: Chat, request: RpcExtensionUIRequest) => Promise<RpcExtensionUIResponse | undefined>;

type Listener<T> = (value: T) => void;

export type { ModelChoice };


export class Chat {
  readonly id = randomUUID();
  private process: PiProcess | undefined;
  private readonly builder: TranscriptBuilder;
  private readonly batcher: PatchBatcher;
  private readonly batchListeners = new Set<Listener<PatchBatch>>();
  private readonly snapshotListeners = new Set<Listener<ChatSnapshot>>();
  private readonly statusListeners = new Set<Listener<ChatStatus>>();
  private readonly dialogs: DialogCards;
  private sessionFile: string | undefined;
  private model: string | undefined;
  private thinkingLevel: string | undefined;
  private usage: ChatUsage | undefined;
  private queue: ChatInfo["queue"];
  private title: string;
  private readonly extensionView = new ExtensionView();
  private starting: Promise<void> | undefined;
  /** pi's slash commands, asked once per process and session (see commands()). */
  private commandList: Promise<SlashCommand[]> | undefined;
  /** Set by stop(): a start still resolving Node or waiting for a slot must not spawn pi. */
  private stopRequested = false;
  uiHandler: UiRequestHandler | undefined;
  /** When the last prompt was sent; the host's idle reclaim reads it. */
  lastActivity = Date.now();

  constructor(private readonly launch: ChatLaunch) {
    this.sessionFile = launch.sessionFile;
    this.title = path.basename(launch.cwd);
    this.batcher = new PatchBatcher(this.id, () => this.builder.state.seq, (batch) => this.batchListeners.forEach((l) => l(batch)));
    this.builder = new TranscriptBuilder((patch) => {
      this.batcher.push(patch);
      if (patch.op === "status") this.statusListeners.forEach((l) => l(patch.status));
    }, launch.snapshots);
    this.dialogs = new DialogCards(this.builder, (response) => this.process?.rpc.respondToUi(response));
  }

  get cwd(): string {
    return this.launch.cwd;
  }

  get status(): ChatStatus {
    return this.builder.state.status;
  }

  get pid(): number | undefined {
    return this.process?.pid;
  }

  get info(): ChatInfo {
    return {
      chatId: this.id,
      cwd: this.launch.cwd,
      title: this.title,
      model: this.model,
      thinkingLevel: this.thinkingLevel,
      usage: this.usage,
      queue: this.queue,
      widgets: this.extensionView.widgets,
    };
  }

  get piSessionFile(): string | undefined {
    return this.sessionFile;
  }

  /** This chat's snapshot store (undefined when the host keeps none). */
  get snapshots(): ToolSnapshots | undefined {
    return this.launch.snapshots;
  }

  /** The change a finished write/edit card of this chat made, if its snapshots were kept. */
  toolChange(toolCallId: string): ToolChange | undefined {
    const at = this.builder.state.index.get(toolCallId);
    const item = at === undefined ? undefined : this.builder.state.items[at];
    if (!item || item.kind !== "tool" || !item.details?.snapshot || item.details.path === undefined) return undefined;
    return { path: item.details.path, key: snapshotKey(toolCallId) };
  }

  onBatch(listener: Listener<PatchBatch>): () => void {
    this.batchListeners.add(listener);
    return () => this.batchListeners.delete(listener);
  }

  onSnapshot(listener: Listener<ChatSnapshot>): () => void {
    this.snapshotListeners.add(listener);
    return () => this.snapshotListeners.delete(listener);
  }

  onStatus(listener: Listener<ChatStatus>): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  /** Everything a view needs; pending patches are flushed first so none is applied twice. */
  snapshot(): ChatSnapshot {
    this.batcher.flush();
    return snapshotFromState(this.builder.state, this.info);
  }

  /** Starts pi (or restarts it on the same session file). Resolves when pi answers, rejects with the reason. */
  start(): Promise<void> {
    this.stopRequested = false;
    this.starting ??= this.doStart().finally(() => (this.starting = undefined));
    return this.starting;
  }

  private async doStart(): Promise<void> {
    this.setStatus("starting");
    try {
      await this.launch.beforeStart?.(this);
    } catch (err) {
      this.fail("Pi could not start.", err instanceof Error ? err.message : String(err));
      throw err;
    }
    const log = this.launch.log;
    let node: NodeRuntime;
    try {
      node = await this.launch.resolveNode();
    } catch (err) {
      this.fail("Pi could not start.", err instanceof Error ? err.message : String(err));
      throw err;
    }
    if (this.stopRequested) {
      this.setStatus("stopped");
      throw new Error("The chat was stopped before pi started.");
    }
    const args = [...this.launch.args];
    if (this.sessionFile) args.push("--session", this.sessionFile);
    const proc = PiProcess.start({ node, cliPath: this.launch.piCliPath, cwd: this.launch.cwd, args, env: this.launch.env }, log);
    this.process = proc;
    this.commandList = undefined;
    proc.rpc.onEvent((event) => {
      this.builder.handleEvent(event);
      this.onControlEvent(event);
    });
    proc.rpc.onUiRequest((request) => void this.handleUiRequest(request));
    proc.onExit((exit) => this.onExit(proc, exit));
    try {
      const state = await proc.waitReady();
      this.sessionFile = state.sessionFile ?? this.sessionFile;
      this.readState(state);
      if (this.launch.sessionFile || this.builder.state.items.length) await this.reloadHistory(proc);
      await this.refreshInfo();
      this.setStatus(state.isStreaming ? "working" : "ready");
    } catch (err) {
      const detail = proc.exit ? describeExit(proc.exit) : err instanceof Error ? err.message : String(err);
      const stoppedOnPurpose = this.stopRequested;
      await proc.stop();
      if (stoppedOnPurpose) this.setStatus("stopped");
      else this.fail("Pi exited while starting.", detail);
      throw new Error(detail);
    }
  }

  private readState(state: RpcSessionState): void {
    this.model = state.model ? `${state.model.provider}/${state.model.id}` : undefined;
    this.thinkingLevel = state.thinkingLevel;
    if (state.sessionName) this.title = state.sessionName;
  }

  /** Re-reads model, thinking level and usage from pi and sends them to the views. */
  async refreshInfo(): Promise<void> {
    const proc = this.process;
    if (!proc || proc.rpc.isClosed) return;
    try {
      const [state, stats] = await Promise.all([proc.rpc.send({ type: "get_state" }), proc.rpc.send({ type: "get_session_stats" })]);
      this.readState(state);
      this.usage = {
        inputTokens: stats.tokens.input,
        outputTokens: stats.tokens.output,
        totalTokens: stats.tokens.total,
        cost: stats.cost,
        contextPercent: stats.contextUsage?.percent ?? undefined,
        contextWindow: stats.contextUsage?.contextWindow,
      };
      this.builder.apply({ op: "info", info: this.info });
    } catch (err) {
      this.launch.log("debug", `could not refresh session info: ${String(err)}`);
    }
  }

  private onControlEvent(event: PiEvent): void {
    if (event.type === "agent_settled") void this.refreshInfo();
    else if (event.type === "queue_update") {
      this.queue = { steering: [...event.steering], followUp: [...event.followUp] };
      this.builder.apply({ op: "info", info: this.info });
    } else if (event.type === "thinking_level_changed") {
      this.thinkingLevel = event.level;
      this.builder.apply({ op: "info", info: this.info });
    }
  }

  /** Models pi can use (from its model registry and the user's models.json). */
  async models(): Promise<ModelChoice[]> {
    const data = await this.requireProcess().rpc.send({ type: "get_available_models" });
    return data.models.map((m) => ({ provider: m.provider, id: m.id, name: m.name ?? m.id, reasoning: !!m.reasoning }));
  }

  async setModel(provider: string, modelId: string): Promise<void> {
    const known = await this.models();
    if (!known.some((m) => m.provider === provider && m.id === modelId)) throw new Error(`Unknown model ${provider}/${modelId}.`);
    await this.requireProcess().rpc.send({ type: "set_model", provider, modelId });
    await this.refreshInfo();
  }

  /** Only the levels the current model supports. */
  async thinkingLevels(): Promise<PiResponseData<"get_available_thinking_levels">["levels"]> {
    return (await this.requireProcess().rpc.send({ type: "get_available_thinking_levels" })).levels;
  }

  /** pi accepts any string here without complaint, so we validate against its own list. */
  async setThinkingLevel(level: string): Promise<void> {
    const levels = await this.thinkingLevels();
    const match = levels.find((l) => l === level);
    if (!match) throw new Error(`The model does not support thinking level "${level}" (available: ${levels.join(", ")}).`);
    await this.requireProcess().rpc.send({ type: "set_thinking_level", level: match });
    await this.refreshInfo();
  }

  /** Delivers a message to pi now, between tool calls of the current run. */
  async steer(text: string, images?: PromptImage[]): Promise<void> {
    const message = text.trim();
    if (!message) throw new Error("The message is empty.");
    await this.requireProcess().rpc.send({ type: "steer", message, images: piImages(images) });
  }

  /**
   * Prompt templates, skills and extension commands pi runs for `/name`. Asked once and kept:
   * they change only with the process or the session (a project's .pi/prompts), and the
   * composer asks every time its `/` list opens.
   */
  commands(): Promise<SlashCommand[]> {
    if (!this.commandList) {
      const loading = this.requireProcess()
        .rpc.send({ type: "get_commands" })
        .then((data) => data.commands.map(({ name, description, source }) => ({ name, description, source })));
      this.commandList = loading;
      loading.catch(() => {
        if (this.commandList === loading) this.commandList = undefined;
      });
    }
    return this.commandList;
  }

  async clearQueue(): Promise<void> {
    await this.requireProcess().rpc.send({ type: "clear_queue" });
  }

  /** This folder's past sessions (from pi's session files in this chat's agent dir). */
  piSessions(): PiSession[] {
    return listPiSessions(agentDirFrom(this.launch.env), this.launch.cwd);
  }

  /** Switches this chat to another session file (resume), then shows its transcript. */
  async switchTo(sessionFile: string): Promise<void> {
    const data = await this.requireProcess().rpc.send({ type: "switch_session", sessionPath: sessionFile });
    if (data.cancelled) throw new Error("pi did not switch sessions (an extension cancelled it).");
    await this.afterSessionChange();
  }

  /** Starts a fresh session in the same pi. */
  async newSession(): Promise<void> {
    await this.requireProcess().rpc.send({ type: "new_session" });
    await this.afterSessionChange();
  }

  /** Earlier user messages a fork can start from. */
  async forkPoints(): Promise<Array<{ entryId: string; text: string }>> {
    return (await this.requireProcess().rpc.send({ type: "get_fork_messages" })).messages;
  }

  /** Forks at an earlier user message: a new session file with history up to it. Returns that message's text (for the input). */
  async fork(entryId: string): Promise<string> {
    const data = await this.requireProcess().rpc.send({ type: "fork", entryId });
    if (data.cancelled) throw new Error("pi did not fork (an extension cancelled it).");
    await this.afterSessionChange();
    return data.text;
  }

  async rename(name: string): Promise<void> {
    const trimmed = name.trim();
    if (!trimmed) throw new Error("The name is empty.");
    await this.requireProcess().rpc.send({ type: "set_session_name", name: trimmed.slice(0, 200) });
    this.title = trimmed.slice(0, 200);
    this.builder.apply({ op: "info", info: this.info });
  }

  /** Writes the session as HTML; returns the file's path. */
  async exportHtml(outputPath?: string): Promise<string> {
    return (await this.requireProcess().rpc.send({ type: "export_html", outputPath })).path;
  }

  /** new_session, switch_session and fork emit no events: re-read everything. */
  private async afterSessionChange(): Promise<void> {
    const proc = this.requireProcess();
    this.commandList = undefined;
    const state = await proc.rpc.send({ type: "get_state" });
    this.sessionFile = state.sessionFile;
    this.title = state.sessionName ?? path.basename(this.launch.cwd);
    this.readState(state);
    await this.reloadHistory(proc);
    await this.refreshInfo();
  }

  private async reloadHistory(proc: PiProcess): Promise<void> {
    const data = await proc.rpc.send({ type: "get_messages" });
    this.batcher.discard();
    this.builder.loadHistory(data.messages);
    const snapshot = snapshotFromState(this.builder.state, this.info);
    this.snapshotListeners.forEach((l) => l(snapshot));
  }

  /** Sends a message (with pasted images, already validated by the caller). */
  async prompt(text: string, images?: PromptImage[]): Promise<void> {
    const message = text.trim();
    if (!message) throw new Error("The message is empty.");
    // A reclaimed, crashed or refused chat restarts transparently on the next message.
    if (this.status === "stopped" || this.status === "crashed" || this.status === "error") await this.start();
    if (this.starting) await this.starting;
    const proc = this.requireProcess();
    this.lastActivity = Date.now();
    // While pi works, a new message is queued as a follow-up instead of failing.
    const busy = this.status === "working";
    try {
      const withImages = piImages(images);
      await proc.rpc.send(busy ? { type: "prompt", message, images: withImages, streamingBehavior: "followUp" } : { type: "prompt", message, images: withImages });
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      this.builder.notice("error", `pi rejected the message: ${reason}`);
      throw err;
    }
  }

  /** The user's own shell command (`!cmd`), subject to the same bash policy as pi's tool. */
  async runUserBash(command: string): Promise<PiResponseData<"bash">> {
    const proc = this.requireProcess();
    this.lastActivity = Date.now();
    return proc.rpc.send({ type: "bash", command }, 10 * 60_000);
  }

  async abort(): Promise<void> {
    const proc = this.process;
    if (!proc || proc.rpc.isClosed) return;
    // pi's abort waits for open dialogs to time out: cancel them first.
    this.dialogs.cancelAll();
    await proc.rpc.send({ type: "abort" }, 10_000);
  }

  /** Stops pi for good (the chat closed, or the extension is deactivating). */
  async stop(): Promise<void> {
    this.stopRequested = true;
    // A start that has not spawned pi yet will see the flag and give up; wait for that.
    if (!this.process && this.starting) await this.starting.catch(() => undefined);
    const proc = this.process;
    if (!proc) {
      if (this.status === "starting") this.setStatus("stopped");
      return;
    }
    this.dialogs.cancelAll();
    await proc.stop();
    this.batcher.flush();
    if (this.status !== "crashed") this.setStatus("stopped");
    this.batcher.flush();
  }

  /** Stops an idle pi to free memory; the next message restarts it on the same session file. */
  async reclaim(reason: string): Promise<void> {
    if (this.status !== "ready" || !this.process) return;
    await this.stop();
    this.builder.notice("info", reason);
    this.batcher.flush();
  }

  /** True while a pi process is alive for this chat. */
  get isRunning(): boolean {
    return !!this.process && !this.process.exit;
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  private requireProcess(): PiProcess {
    const proc = this.process;
    if (!proc || proc.rpc.isClosed) throw new Error("pi is not running.");
    return proc;
  }

  private setStatus(status: ChatStatus, detail?: string): void {
    if (this.status !== status || detail) this.builder.apply({ op: "status", status, detail });
  }

  private fail(text: string, detail: string): void {
    this.builder.notice("error", text, detail);
    this.setStatus("error", detail);
  }

  private onExit(proc: PiProcess, exit: PiExit): void {
    if (proc !== this.process || exit.expected) return;
    this.launch.log("error", describeExit(exit));
    if (this.status === "starting") return; // start() reports it
    this.builder.notice("error", "pi stopped unexpectedly. Restart to continue this session; the transcript is kept.", describeExit(exit));
    this.setStatus("crashed", describeExit(exit));
    this.batcher.flush();
  }

  /** A dialog from pi becomes a card in the chat; any view (or the UI handler) may answer it. */
  private async handleUiRequest(request: RpcExtensionUIRequest): Promise<void> {
    // A pi extension's title and widgets belong to the chat: every view shows them.
    if (this.extensionView.apply(request)) {
      if (request.method === "setTitle" && this.extensionView.title) this.title = this.extensionView.title;
      this.builder.apply({ op: "info", info: this.info });
      return;
    }
    if (!this.dialogs.open(request)) {
      await this.uiHandler?.(this, request).catch((err: unknown) => this.launch.log("warn", `UI request ${request.method} failed: ${String(err)}`));
      return;
    }
    this.batcher.flush();
    try {
      const response = await this.uiHandler?.(this, request);
      if (response) this.dialogs.answer(responseToAnswer(response));
    } catch (err) {
      this.launch.log("warn", `extension UI request ${request.method} failed: ${String(err)}`);
    }
  }

  /** Answers an open dialog card; false when it is not open (already answered, timed out, unknown). */
  answerDialog(answer: DialogAnswerParams): boolean {
    return this.dialogs.answer(answer);
  }
}

/** pi's ImageContent list; undefined (no field on the wire) when there are none. */
function piImages(images: PromptImage[] | undefined): Array<{ type: "image"; data: string; mimeType: string }> | undefined {
  return images?.length ? images.map(({ data, mimeType }) => ({ type: "image", data, mimeType })) : undefined;
}
