// One chat: one pi process at a time, its transcript, and the views watching it. Knows nothing
// about VS Code: the extension and the HTTP server drive it the same way. The jobs live in
// their own parts: lifecycle (start/stop), settings (model, thinking, name, usage), history
// (pi session files); this class holds them together and runs the conversation itself.
import { randomUUID } from "node:crypto";
import type { PiResponseData, RpcExtensionUIRequest, RpcExtensionUIResponse } from "../../pi/rpcTypes";
import { errorText } from "../../protocol/actionError";
import type { ChatInfo, ChatSnapshot, ChatStatus, DialogItem, OlderItems, PatchBatch } from "../../protocol/transcript";
import type { DialogAnswer, PromptImage, SlashCommand } from "../../protocol/types";
import { snapshotKey } from "../../piGuard/snapshotFormat";
import type { CheckpointStores } from "../checkpointStores";
import { DialogCards, responseToAnswer } from "../dialogCards";
import type { PiProcess } from "../piProcess";
import type { ToolChange, ToolSnapshots } from "../toolSnapshots";
import { ChatCore } from "./chatCore";
import { ChatInfoTracker } from "./chatInfo";
import { type PiLaunch, PiLifecycle } from "./lifecycle";
import { PiSessionHistory } from "./piSessionHistory";
import { ChatReview } from "./review";
import { explainPiError } from "../lmBridge/errors";
import { BRIDGE_PROVIDER } from "../lmBridge/providerFile";
import { piImages } from "./piImages";
import { RunStartGate } from "./runStartGate";
import { AnswerStart } from "./answerStart";
import { ChatRewind } from "./rewind";
import { FolderGate } from "./folderGate";

export interface ChatLaunch extends PiLaunch {
  /** The chat's id (default a fresh UUID); a fleet keeps it when the chat moves to another server. */
  id?: string;
  /** Resume this pi session file instead of starting a new one. */
  sessionFile?: string;
  /** Admission control before each (re)start: may free a slot, or throw to refuse. */
  beforeStart?: (chat: Chat) => Promise<void>;
  /** Where the guard keeps before/after images of written files (PI_VSCODE_SNAPSHOT_DIR); the host removes it. */
  snapshots?: ToolSnapshots;
  /** The host's checkpoint stores (absent: no checkpoints, no review, no rewind of files). */
  checkpoints?: CheckpointStores;
  /** The guard's gate marker (PI_VSCODE_CHECKPOINT_GATE): set, a message need not wait for its checkpoint. */
  checkpointGate?: string;
}

export type UiRequestHandler = (chat: Chat, request: RpcExtensionUIRequest) => Promise<RpcExtensionUIResponse | undefined>;

type Listener<T> = (value: T) => void;

export class Chat {
  readonly id: string;
  private readonly core: ChatCore;
  /** Model, thinking level, name and usage. */
  readonly settings: ChatInfoTracker;
  /** pi's session files: list, resume, fork, export. */
  readonly history: PiSessionHistory;
  private readonly lifecycle: PiLifecycle;
  private readonly dialogs: DialogCards;
  /** Checkpoints before each message, the turn's changes, review (issue 10). */
  readonly review: ChatReview;
  /** "Rewind to here" and its undo. */
  readonly rewind: ChatRewind;
  /** pi's slash commands, asked once per process and pi session (see commands()). */
  private commandList: Promise<SlashCommand[]> | undefined;
  uiHandler: UiRequestHandler | undefined;
  /** When the last prompt was sent; the host's idle reclaim reads it. */
  lastActivity = Date.now();
  /** The run of a message pi took has not started yet (see RunStartGate). */
  private readonly runStart = new RunStartGate();
  /** The answer to the message just sent has begun (the checkpoint waits for it; see AnswerStart). */
  private readonly answerStart = new AnswerStart(() => this.launch.log("debug", "pi streamed the answer's first piece"));
  private readonly gate: FolderGate | undefined;

  constructor(private readonly launch: ChatLaunch) {
    this.id = launch.id ?? randomUUID();
    this.gate = launch.checkpointGate ? new FolderGate(launch.checkpointGate) : undefined;
    this.core = new ChatCore(this.id, launch.snapshots, () => this.settings.info, launch.log);
    this.settings = new ChatInfoTracker(this.core, launch.cwd, launch.log);
    this.history = new PiSessionHistory(this.core, this.settings, launch.cwd, launch.env, launch.sessionFile);
    this.history.onChange = () => (this.commandList = undefined);
    this.review = new ChatReview({ core: this.core, history: this.history, cwd: launch.cwd, env: launch.env, stores: launch.checkpoints, snapshots: launch.snapshots, log: launch.log }, this.id);
    this.history.decorate = (proc) => this.review.decorator(proc);
    this.history.onSessionChange = (kind, previous) => this.review.sessionChanged(kind, previous);
    this.rewind = new ChatRewind({ core: this.core, history: this.history, review: this.review, chatId: this.id, stopRun: () => this.stopRun() });
    this.lifecycle = new PiLifecycle(this.core, this.settings, this.history, launch, () => launch.beforeStart?.(this) ?? Promise.resolve(), (proc) => this.wire(proc));
    this.dialogs = new DialogCards(this.core.builder, (response) => this.core.process?.rpc.respondToUi(response));
  }

  get cwd(): string {
    return this.launch.cwd;
  }

  get status(): ChatStatus {
    return this.core.status;
  }

  get pid(): number | undefined {
    return this.core.process?.pid;
  }
  /** pi's command line, as started: which settings this chat's pi got. */
  get piArgv(): readonly string[] {
    return this.core.process?.argv ?? [];
  }

  get info(): ChatInfo {
    return this.settings.info;
  }

  get piSessionFile(): string | undefined {
    return this.history.file;
  }

  /** This chat's snapshot store (undefined when the host keeps none). */
  get snapshots(): ToolSnapshots | undefined {
    return this.launch.snapshots;
  }

  /** This chat, a spare, was taken for a restored chat: its pi switches to that chat's session file. */
  adoptSession(file: string): void {
    this.lifecycle.adoptSession(file);
  }

  /** True while a pi process is alive for this chat. */
  get isRunning(): boolean {
    return this.lifecycle.isRunning;
  }

  /** The change a finished write/edit card of this chat made, if its snapshots were kept. */
  toolChange(toolCallId: string): ToolChange | undefined {
    const { state } = this.core.builder;
    const at = state.index.get(toolCallId);
    const item = at === undefined ? undefined : state.items[at];
    if (item?.kind !== "tool" || !item.details?.snapshot || item.details.path === undefined) return undefined;
    return { path: item.details.path, key: snapshotKey(toolCallId) };
  }

  /** A dialog card of this chat (open or closed). */
  dialog(id: string): DialogItem | undefined {
    const { state } = this.core.builder;
    const at = state.index.get(id);
    const item = at === undefined ? undefined : state.items[at];
    return item?.kind === "dialog" ? item : undefined;
  }

  onBatch(listener: Listener<PatchBatch>): () => void {
    this.core.batchListeners.add(listener);
    return () => this.core.batchListeners.delete(listener);
  }

  onSnapshot(listener: Listener<ChatSnapshot>): () => void {
    this.core.snapshotListeners.add(listener);
    return () => this.core.snapshotListeners.delete(listener);
  }

  /** Status, title/model/usage or an open question changed (not every streamed delta). */
  onActivity(listener: () => void): () => void {
    this.core.activityListeners.add(listener);
    return () => this.core.activityListeners.delete(listener);
  }

  /** Text a pi extension puts into the composer (setEditorText). */
  onComposerText(listener: Listener<string>): () => void {
    this.core.composerListeners.add(listener);
    return () => this.core.composerListeners.delete(listener);
  }

  /** How many browsers stream this chat (the SSE hub tells; every view shows who else is there). */
  setBrowserViewers(count: number): void {
    this.settings.setViewers("browser", count);
  }

  /** pi's questions (dialogs, approvals) waiting for an answer. */
  get waiting(): DialogItem[] {
    return this.dialogs.waiting();
  }

  onStatus(listener: Listener<ChatStatus>): () => void {
    this.core.statusListeners.add(listener);
    return () => this.core.statusListeners.delete(listener);
  }

  /** Everything a view needs (a long chat's latest items); pending patches are flushed first so none is applied twice. */
  snapshot(): ChatSnapshot {
    this.core.batcher.flush();
    return this.core.snapshot();
  }

  /**
   * A page of the items before `beforeId`, for a view scrolling up a long chat. Pending patches
   * are flushed first, so the page's `seq` ends a batch every view was sent: a view folds in
   * exactly the patches after it (webview/olderItems.ts). Undefined: no such item (reloaded).
   */
  olderItems(beforeId: string): OlderItems | undefined {
    this.core.batcher.flush();
    return this.core.olderItems(beforeId);
  }

  start(): Promise<void> {
    return this.lifecycle.start();
  }

  /** Stops pi for good (the chat closed, or the extension is deactivating). */
  stop(): Promise<void> {
    return this.lifecycle.stop(() => this.dialogs.cancelAll());
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  /** Stops an idle pi to free memory; the next message restarts it on the same session file. */
  async reclaim(reason: string): Promise<void> {
    if (this.status !== "ready" || !this.core.process) return;
    await this.stop();
    this.core.builder.notice("info", reason);
    this.core.batcher.flush();
  }

  /** A line in the transcript from the host itself (e.g. "continued on another server"). */
  notice(level: "info" | "error", text: string): void {
    this.core.builder.notice(level, text);
    this.core.batcher.flush();
  }

  private wire(proc: PiProcess): void {
    this.commandList = undefined;
    proc.rpc.onEvent((event) => {
      if (event.type === "agent_start" || event.type === "agent_settled") this.runStart.release();
      this.answerStart.onEvent(event);
      this.core.builder.handleEvent(event);
      this.settings.onEvent(event);
      this.review.onEvent(event);
    });
    proc.onExit(() => {
      this.runStart.release();
      this.answerStart.settle();
      this.review.onExit();
    });
    proc.rpc.onUiRequest((request) => void this.handleUiRequest(request));
  }

  /** Sends a message (with images already checked by the caller); while pi works it is queued as a follow-up. */
  async prompt(text: string, images?: PromptImage[]): Promise<void> {
    await this.send(text, images, "followUp");
  }

  /** Queues a message for when pi finishes the current run (sent at once when pi is idle). */
  async followUp(text: string, images?: PromptImage[]): Promise<void> {
    await this.send(text, images, "followUp");
  }

  private async send(text: string, images: PromptImage[] | undefined, behavior: "followUp" | undefined): Promise<void> {
    const message = text.trim();
    if (!message) throw new Error("The message is empty.");
    // A reclaimed, crashed or refused chat restarts transparently on the next message.
    if (this.status === "stopped" || this.status === "crashed" || this.status === "error") await this.start();
    await this.lifecycle.pending;
    const proc = this.core.requireProcess();
    this.lastActivity = Date.now();
    // The run of a message pi just took has not started yet: wait for it, then queue behind it.
    while (this.runStart.pending) await this.runStart.pending;
    // A plain prompt while pi runs fails; the behaviour is only sent while it does.
    const streamingBehavior = behavior && this.status === "working" ? behavior : undefined;
    // A `/command` is answered when its handler returns, by when any run it starts is under way.
    if (!streamingBehavior && !message.startsWith("/")) this.runStart.hold();
    // The folder as it is before pi acts on the message: what "Rewind to here" goes back to. A
    // new run's message goes to pi meanwhile when the guard holds pi's tools until it is taken,
    // and the checkpoint waits for the answer to begin, so its git work does not delay it.
    const gated = !streamingBehavior && !message.startsWith("/") && this.gate?.close() === true;
    const checkpoint = this.review.beforeMessage(message, gated ? this.answerStart.next() : undefined);
    if (gated) void checkpoint.finally(() => this.gate?.open());
    else await checkpoint;
    try {
      // pi answers a `/command` prompt only when its handler returns, and a handler may wait on
      // a dialog for as long as the user reads it: no timeout for those.
      const timeout = message.startsWith("/") ? 0 : undefined;
      const sent = performance.now();
      await proc.rpc.send({ type: "prompt", message, images: piImages(images), ...(streamingBehavior ? { streamingBehavior } : {}) }, timeout);
      this.launch.log("debug", `pi took the message${streamingBehavior ? ` (${streamingBehavior})` : ""} in ${(performance.now() - sent).toFixed(1)} ms`);
    } catch (err) {
      this.runStart.release();
      this.answerStart.settle();
      this.core.builder.notice("error", `pi rejected the message: ${explainPiError(errorText(err), BRIDGE_PROVIDER)}`);
      if (this.status !== "working") void this.review.endTurn();
      throw err;
    }
  }

  /** Delivers a message to pi now, between tool calls of the current run. */
  async steer(text: string, images?: PromptImage[]): Promise<void> {
    const message = text.trim();
    if (!message) throw new Error("The message is empty.");
    const proc = this.core.requireProcess();
    await this.review.beforeMessage(message);
    await proc.rpc.send({ type: "steer", message, images: piImages(images) });
  }

  /**
   * Prompt templates, skills and extension commands pi runs for `/name`. Asked once and kept:
   * they change only with the process or the pi session (a project's .pi/prompts), and the
   * composer asks every time its `/` list opens.
   */
  commands(): Promise<SlashCommand[]> {
    if (!this.commandList) {
      const loading = this.core
        .requireProcess()
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
    await this.core.requireProcess().rpc.send({ type: "clear_queue" });
  }

  /** The user's own shell command (`!cmd`), subject to the same bash policy as pi's tool. */
  async runUserBash(command: string): Promise<PiResponseData<"bash">> {
    const proc = this.core.requireProcess();
    this.lastActivity = Date.now();
    await this.review.beforeMessage(`!${command}`);
    try {
      return await proc.rpc.send({ type: "bash", command }, 10 * 60_000);
    } finally {
      // While idle the command is a turn of its own; during a run it belongs to the run.
      if (this.status !== "working") void this.review.endTurn();
    }
  }

  /** Stops the run and resolves once pi settled and the run's checkpoint is taken (a rewind waits for it). */
  private async stopRun(): Promise<void> {
    await this.abort();
    const deadline = Date.now() + 15_000;
    while (this.status === "working" && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
    if (this.status === "working") throw new Error("pi did not stop its run in time.");
    await this.review.idle();
  }

  async abort(): Promise<void> {
    const proc = this.core.process;
    if (!proc || proc.rpc.isClosed) return;
    // pi's abort waits for open dialogs to time out: cancel them first.
    this.dialogs.cancelAll();
    await proc.rpc.send({ type: "abort" }, 10_000);
  }

  /** A dialog from pi becomes a card in the chat; any view (or the UI handler) may answer it. */
  private async handleUiRequest(request: RpcExtensionUIRequest): Promise<void> {
    // A pi extension's title and widgets belong to the chat: every view shows them.
    if (this.settings.applyExtensionView(request)) return;
    if (request.method === "set_editor_text") {
      this.core.composerListeners.forEach((l) => l(request.text.slice(0, 1_000_000)));
      return;
    }
    if (!this.dialogs.open(request)) {
      await this.uiHandler?.(this, request).catch((err: unknown) => this.launch.log("warn", `UI request ${request.method} failed: ${String(err)}`));
      return;
    }
    this.core.batcher.flush();
    try {
      const response = await this.uiHandler?.(this, request);
      if (response) this.dialogs.answer(responseToAnswer(response));
    } catch (err) {
      this.launch.log("warn", `extension UI request ${request.method} failed: ${String(err)}`);
    }
  }

  /** Answers an open dialog card; false when it is not open (already answered, timed out, unknown). */
  answerDialog(answer: DialogAnswer): boolean {
    return this.dialogs.answer(answer);
  }
}
