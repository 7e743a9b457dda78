// Starting, stopping and restarting a chat's pi process. A start resolves Node, waits for a
// slot (the host's process cap), spawns pi on the chat's pi session file and reloads history;
// a stop is honoured even while a start is still resolving Node or waiting for a slot.
import { errorText } from "../../protocol/actionError";
import type { NodeRuntime } from "../nodeRuntime";
import { describeExit, type Logger, type PiExit, PiProcess } from "../piProcess";
import type { ChatCore } from "./chatCore";
import type { ChatInfoTracker } from "./chatInfo";
import type { PiSessionHistory } from "./piSessionHistory";

export interface PiLaunch {
  cwd: string;
  piCliPath: string;
  resolveNode: () => Promise<NodeRuntime>;
  env: NodeJS.ProcessEnv;
  args: string[];
  log: Logger;
}

export class PiLifecycle {
  private starting: Promise<void> | undefined;
  /** Set by stop(): a start still resolving Node or waiting for a slot must not spawn pi. */
  private stopRequested = false;
  /** The session file a restored chat that adopted this pi wants it on (see adoptSession). */
  private switchTo: string | undefined;

  constructor(
    private readonly core: ChatCore,
    private readonly info: ChatInfoTracker,
    private readonly history: PiSessionHistory,
    private readonly launch: PiLaunch,
    /** Admission control before each (re)start: may free a slot, or throw to refuse. */
    private readonly admit: () => Promise<void>,
    /** Wires a new process's events (the conversation's job). */
    private readonly wire: (proc: PiProcess) => void,
  ) {}

  /** True while a pi process is alive for this chat. */
  get isRunning(): boolean {
    return !!this.core.process && !this.core.process.exit;
  }

  /** The start in progress, if any (a prompt typed meanwhile waits for it). */
  get pending(): Promise<void> | undefined {
    return this.starting;
  }

  /** Starts pi (or restarts it on the same session file). Resolves when pi answers, rejects with the reason. */
  start(): Promise<void> {
    this.stopRequested = false;
    this.starting ??= this.track(this.doStart());
    return this.starting;
  }

  private track(start: Promise<void>): Promise<void> {
    const tracked = start.finally(() => {
      if (this.starting === tracked) this.starting = undefined;
    });
    return tracked;
  }

  /**
   * A restored chat took this chat's pi, a spare started on a new session: pi switches to the
   * restored chat's session file (one RPC, not a second pi start) before the chat counts as
   * ready, and messages wait for that. A spare still starting switches at the end of its start.
   */
  adoptSession(file: string): void {
    this.history.file = file;
    this.switchTo = file;
    if (this.core.status === "starting") return;
    const proc = this.core.process;
    if (!proc) return;
    this.starting = this.track(
      (async () => {
        this.core.setStatus("starting");
        await this.switchSession(proc);
        this.core.setStatus("ready");
      })(),
    );
  }

  private async switchSession(proc: PiProcess): Promise<void> {
    const file = this.switchTo;
    this.switchTo = undefined;
    if (!file) return;
    const started = performance.now();
    try {
      await this.history.switchTo(file);
      this.launch.log("info", `chat ${this.core.chatId}: its restored session is on the spare's pi (switched in ${(performance.now() - started).toFixed(0)} ms)`);
    } catch (err) {
      // The chat goes on, in the spare's new session: better than no chat.
      this.launch.log("warn", `chat ${this.core.chatId}: could not reopen its pi session ${file}: ${errorText(err)}`);
      this.core.builder.notice("warning", "Pi could not reopen this chat's session; this is a new session.", errorText(err));
      const state = await proc.rpc.send({ type: "get_state" }).catch(() => undefined);
      if (state?.sessionFile) this.history.file = state.sessionFile;
    }
  }

  private async doStart(): Promise<void> {
    const { core } = this;
    this.launch.log("debug", `chat ${core.chatId}: starting`);
    core.setStatus("starting");
    let node: NodeRuntime;
    try {
      await this.admit();
      node = await this.launch.resolveNode();
    } catch (err) {
      core.fail("Pi could not start.", errorText(err));
      throw err;
    }
    if (this.stopRequested) {
      core.setStatus("stopped");
      throw new Error("The chat was stopped before pi started.");
    }
    const resumed = this.history.file;
    // Spawned on the session already: nothing to switch to once it is up.
    this.switchTo = undefined;
    const args = [...this.launch.args, ...(resumed ? ["--session", resumed] : [])];
    const spawned = performance.now();
    const proc = PiProcess.start({ node, cliPath: this.launch.piCliPath, cwd: this.launch.cwd, args, env: this.launch.env }, this.launch.log);
    core.process = proc;
    this.wire(proc);
    proc.onExit((exit) => this.onExit(proc, exit));
    try {
      const state = await proc.waitReady();
      this.history.file = state.sessionFile ?? this.history.file;
      this.history.sessionId = state.sessionId;
      this.info.readState(state);
      if (resumed || core.builder.state.items.length) await this.history.reload(proc);
      await this.info.refresh();
      // Checked without an await before the status: an adoption after this sees "ready" and switches itself.
      if (this.switchTo) await this.switchSession(proc);
      // pi's own start-up is most of a cold chat's wait: the log says how long it took.
      this.launch.log("info", `chat ${core.chatId}: pi ready ${(performance.now() - spawned).toFixed(0)} ms after its spawn`);
      core.setStatus(state.isStreaming ? "working" : "ready");
    } catch (err) {
      const detail = proc.exit ? describeExit(proc.exit) : errorText(err);
      const stoppedOnPurpose = this.stopRequested;
      await proc.stop();
      if (stoppedOnPurpose) core.setStatus("stopped");
      else core.fail("Pi exited while starting.", detail);
      throw new Error(detail);
    }
  }

  /** Stops pi for good (the chat closed, or the extension is deactivating). `beforeStop` runs once pi is known. */
  async stop(beforeStop: () => void): Promise<void> {
    this.stopRequested = true;
    // A start that has not spawned pi yet will see the flag and give up; wait for that.
    if (!this.core.process && this.starting) await this.starting.catch(() => undefined);
    const proc = this.core.process;
    if (!proc) {
      if (this.core.status === "starting") this.core.setStatus("stopped");
      return;
    }
    beforeStop();
    await proc.stop();
    this.core.batcher.flush();
    if (this.core.status !== "crashed") this.core.setStatus("stopped");
    this.core.batcher.flush();
  }

  private onExit(proc: PiProcess, exit: PiExit): void {
    if (proc !== this.core.process || exit.expected) return;
    this.launch.log("error", describeExit(exit));
    if (this.core.status === "starting") return; // start() reports it
    this.core.builder.notice("error", "pi stopped unexpectedly. Restart to continue this chat; the transcript is kept.", describeExit(exit));
    this.core.setStatus("crashed", describeExit(exit));
    this.core.batcher.flush();
  }
}
