// One chat: one pi process, its transcript, and the views watching it.
// Knows nothing about VS Code: the extension and the HTTP server drive it the same way.
import { randomUUID } from "node:crypto";
import * as path from "node:path";
import type { PiResponseData, RpcExtensionUIRequest, RpcExtensionUIResponse } from "../pi/rpcTypes";
import type { DialogAnswerParams } from "../protocol/messages";
import type { ChatSnapshot, DialogItem, PatchBatch, SessionInfo, SessionStatus } from "../protocol/transcript";
import { snapshotFromState } from "../protocol/transcript";
import type { NodeRuntime } from "./nodeRuntime";
import { PatchBatcher } from "./patchBatcher";
import { describeExit, PiProcess, type Logger, type PiExit } from "./piProcess";
import { TranscriptBuilder } from "./transcriptBuilder";

export interface ChatSessionLaunch {
  cwd: string;
  piCliPath: string;
  resolveNode: () => Promise<NodeRuntime>;
  env: NodeJS.ProcessEnv;
  args: string[];
  /** Resume this session file instead of starting a new one. */
  sessionFile?: string;
  log: Logger;
  /** Admission control before each (re)start: may free a slot, or throw to refuse. */
  beforeStart?: (session: ChatSession) => Promise<void>;
}

export type UiRequestHandler = (session: ChatSession, request: RpcExtensionUIRequest) => Promise<RpcExtensionUIResponse | undefined>;

type Listener<T> = (value: T) => void;


export class ChatSession {
  readonly id = randomUUID();
  private process: PiProcess | undefined;
  private readonly builder: TranscriptBuilder;
  private readonly batcher: PatchBatcher;
  private readonly batchListeners = new Set<Listener<PatchBatch>>();
  private readonly snapshotListeners = new Set<Listener<ChatSnapshot>>();
  private readonly statusListeners = new Set<Listener<SessionStatus>>();
  private readonly openDialogs = new Map<string, { timer: NodeJS.Timeout | undefined }>();
  private sessionFile: string | undefined;
  private model: string | undefined;
  private title: string;
  private starting: Promise<void> | undefined;
  /** Set by stop(): a start still resolving Node or waiting for a slot must not spawn pi. */
  private stopRequested = false;
  uiHandler: UiRequestHandler | undefined;
  /** When the last prompt was sent; the host's idle reclaim reads it. */
  lastActivity = Date.now();

  constructor(private readonly launch: ChatSessionLaunch) {
    this.sessionFile = launch.sessionFile;
    this.title = path.basename(launch.cwd);
    this.batcher = new PatchBatcher(this.id, () => this.builder.state.seq, (batch) => this.batchListeners.forEach((l) => l(batch)));
    this.builder = new TranscriptBuilder((patch) => {
      this.batcher.push(patch);
      if (patch.op === "status") this.statusListeners.forEach((l) => l(patch.status));
    });
  }

  get cwd(): string {
    return this.launch.cwd;
  }

  get status(): SessionStatus {
    return this.builder.state.status;
  }

  get pid(): number | undefined {
    return this.process?.pid;
  }

  get info(): SessionInfo {
    return { sessionId: this.id, cwd: this.launch.cwd, title: this.title, model: this.model };
  }

  get piSessionFile(): string | undefined {
    return this.sessionFile;
  }

  onBatch(listener: Listener<PatchBatch>): () => void {
    this.batchListeners.add(listener);
    return () => this.batchListeners.delete(listener);
  }

  onSnapshot(listener: Listener<ChatSnapshot>): () => void {
    this.snapshotListeners.add(listener);
    return () => this.snapshotListeners.delete(listener);
  }

  onStatus(listener: Listener<SessionStatus>): () => void {
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
    proc.rpc.onEvent((event) => this.builder.handleEvent(event));
    proc.rpc.onUiRequest((request) => void this.handleUiRequest(request));
    proc.onExit((exit) => this.onExit(proc, exit));
    try {
      const state = await proc.waitReady();
      this.sessionFile = state.sessionFile ?? this.sessionFile;
      this.model = state.model ? `${state.model.provider}/${state.model.id}` : undefined;
      if (state.sessionName) this.title = state.sessionName;
      if (this.launch.sessionFile || this.builder.state.items.length) await this.reloadHistory(proc);
      this.builder.apply({ op: "info", info: this.info });
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

  private async reloadHistory(proc: PiProcess): Promise<void> {
    const data = await proc.rpc.send({ type: "get_messages" });
    this.batcher.discard();
    this.builder.loadHistory(data.messages);
    const snapshot = snapshotFromState(this.builder.state, this.info);
    this.snapshotListeners.forEach((l) => l(snapshot));
  }

  async prompt(text: string): Promise<void> {
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
      await proc.rpc.send(busy ? { type: "prompt", message, streamingBehavior: "followUp" } : { type: "prompt", message });
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
    this.cancelOpenDialogs();
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
    this.cancelOpenDialogs();
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

  private setStatus(status: SessionStatus, detail?: string): void {
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
    if (request.method !== "select" && request.method !== "confirm" && request.method !== "input" && request.method !== "editor") {
      await this.uiHandler?.(this, request).catch((err: unknown) => this.launch.log("warn", `UI request ${request.method} failed: ${String(err)}`));
      return;
    }
    const item: DialogItem = {
      kind: "dialog",
      id: request.id,
      method: request.method,
      title: request.title,
      message: request.method === "confirm" ? request.message : undefined,
      options: request.method === "select" ? request.options : undefined,
      placeholder: request.method === "input" ? request.placeholder : undefined,
      prefill: request.method === "editor" ? request.prefill : undefined,
      state: "open",
    };
    this.builder.apply({ op: "add", item });
    this.batcher.flush();
    const timeout = "timeout" in request && typeof request.timeout === "number" ? request.timeout : undefined;
    // pi gives up on its own after `timeout`; close the card then too.
    const timer = timeout ? setTimeout(() => this.closeDialog(request.id, "cancelled", "timed out"), timeout) : undefined;
    timer?.unref();
    this.openDialogs.set(request.id, { timer });
    try {
      const response = await this.uiHandler?.(this, request);
      if (response) this.answerDialog(responseToAnswer(response));
    } catch (err) {
      this.launch.log("warn", `extension UI request ${request.method} failed: ${String(err)}`);
    }
  }

  /** Answers an open dialog card; false when it is not open (already answered, timed out, unknown). */
  answerDialog(answer: DialogAnswerParams): boolean {
    const open = this.openDialogs.get(answer.id);
    const at = this.builder.state.index.get(answer.id);
    const item = at === undefined ? undefined : this.builder.state.items[at];
    if (!open || !item || item.kind !== "dialog") return false;
    if (answer.value !== undefined && item.method === "select" && !(item.options ?? []).includes(answer.value)) return false;
    const response: RpcExtensionUIResponse = answer.cancelled
      ? { type: "extension_ui_response", id: answer.id, cancelled: true }
      : answer.confirmed !== undefined
        ? { type: "extension_ui_response", id: answer.id, confirmed: answer.confirmed }
        : { type: "extension_ui_response", id: answer.id, value: answer.value ?? "" };
    this.process?.rpc.respondToUi(response);
    const shown = answer.cancelled ? undefined : answer.confirmed !== undefined ? (answer.confirmed ? "Yes" : "No") : answer.value;
    this.closeDialog(answer.id, answer.cancelled ? "cancelled" : "answered", shown);
    return true;
  }

  /** Cancels every open dialog (before abort/stop: pi's abort waits for open dialogs). */
  private cancelOpenDialogs(): void {
    for (const id of [...this.openDialogs.keys()]) {
      this.process?.rpc.respondToUi({ type: "extension_ui_response", id, cancelled: true });
      this.closeDialog(id, "cancelled");
    }
  }

  private closeDialog(id: string, state: "answered" | "cancelled", answer?: string): void {
    const open = this.openDialogs.get(id);
    if (!open) return;
    if (open.timer) clearTimeout(open.timer);
    this.openDialogs.delete(id);
    const at = this.builder.state.index.get(id);
    const item = at === undefined ? undefined : this.builder.state.items[at];
    if (item && item.kind === "dialog") this.builder.apply({ op: "replace", item: { ...item, state, answer } });
  }
}

function responseToAnswer(response: RpcExtensionUIResponse): DialogAnswerParams {
  if ("cancelled" in response) return { id: response.id, cancelled: true };
  if ("confirmed" in response) return { id: response.id, confirmed: response.confirmed };
  return { id: response.id, value: response.value };
}
