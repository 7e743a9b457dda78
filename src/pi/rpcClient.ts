// JSONL RPC over pi's stdin/stdout: ids correlate commands and responses, every command
// has a timeout, and anything unparseable is reported to the log instead of thrown.
import type { Readable, Writable } from "node:stream";
import { JsonlSplitter, serializeJsonLine } from "./jsonl";
import {
  isExtensionUiRequest,
  isPiOutput,
  isResponse,
  type PiCommand,
  type PiCommandType,
  type PiEvent,
  type PiResponseData,
  type RpcExtensionUIRequest,
  type RpcExtensionUIResponse,
} from "./rpcTypes";

export class PiRpcError extends Error {
  constructor(
    message: string,
    readonly command: string,
    readonly kind: "failed" | "timeout" | "closed",
  ) {
    super(message);
    this.name = "PiRpcError";
  }
}

export interface PiRpcClientOptions {
  /** Default per-command timeout. */
  timeoutMs?: number;
  log?: (level: "debug" | "warn" | "error", message: string) => void;
}

interface Pending {
  command: string;
  resolve: (data: unknown) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout | undefined;
}

type Listener<T> = (value: T) => void;

export class PiRpcClient {
  private nextId = 1;
  private readonly pending = new Map<string, Pending>();
  private readonly eventListeners = new Set<Listener<PiEvent>>();
  private readonly uiListeners = new Set<Listener<RpcExtensionUIRequest>>();
  private closedReason: string | undefined;
  private readonly timeoutMs: number;
  private readonly log: NonNullable<PiRpcClientOptions["log"]>;
  /** Counts of skipped stdout lines, for diagnostics and tests. */
  readonly skipped = { nonJson: 0, unknownShape: 0, unmatchedResponse: 0, oversized: 0 };

  constructor(
    stdout: Readable,
    private readonly stdin: Writable,
    options: PiRpcClientOptions = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.log = options.log ?? (() => undefined);
    const splitter = new JsonlSplitter(
      (line) => this.handleLine(line),
      (bytes) => {
        this.skipped.oversized++;
        this.log("warn", `pi stdout: dropped an oversized line (${bytes} bytes so far)`);
      },
    );
    stdout.setEncoding("utf8");
    stdout.on("data", (chunk: string) => splitter.push(chunk));
    stdout.on("end", () => splitter.end());
    // A write to a dead pi must reject its command, not crash the host.
    stdin.on("error", (err: Error) => this.close(`pi stdin: ${err.message}`));
  }

  onEvent(listener: Listener<PiEvent>): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  onUiRequest(listener: Listener<RpcExtensionUIRequest>): () => void {
    this.uiListeners.add(listener);
    return () => this.uiListeners.delete(listener);
  }

  get isClosed(): boolean {
    return this.closedReason !== undefined;
  }

  /** Sends a command; `timeoutMs` 0 waits as long as pi takes (a slash command waiting on the user). */
  send<T extends PiCommandType>(command: Extract<PiCommand, { type: T }>, timeoutMs = this.timeoutMs): Promise<PiResponseData<T>> {
    if (this.closedReason !== undefined) {
      return Promise.reject(new PiRpcError(`pi is not running (${this.closedReason})`, command.type, "closed"));
    }
    const id = `c${this.nextId++}`;
    return new Promise<PiResponseData<T>>((resolve, reject) => {
      const timer =
        timeoutMs > 0
          ? setTimeout(() => {
              this.pending.delete(id);
              reject(new PiRpcError(`pi did not answer '${command.type}' within ${timeoutMs} ms`, command.type, "timeout"));
            }, timeoutMs)
          : undefined;
      this.pending.set(id, { command: command.type, resolve: resolve as (d: unknown) => void, reject, timer });
      this.stdin.write(serializeJsonLine({ ...command, id }));
    });
  }

  respondToUi(response: RpcExtensionUIResponse): void {
    if (this.closedReason === undefined) this.stdin.write(serializeJsonLine(response));
  }

  /** Rejects every pending command; later sends fail fast. */
  close(reason: string): void {
    if (this.closedReason !== undefined) return;
    this.closedReason = reason;
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(new PiRpcError(`pi stopped before answering '${p.command}' (${reason})`, p.command, "closed"));
      this.pending.delete(id);
    }
  }

  private handleLine(line: string): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      this.skipped.nonJson++;
      this.log("warn", `pi stdout: skipped a non-JSON line: ${line.slice(0, 200)}`);
      return;
    }
    if (!isPiOutput(parsed)) {
      this.skipped.unknownShape++;
      this.log("warn", `pi stdout: skipped a line without a type: ${line.slice(0, 200)}`);
      return;
    }
    if (isResponse(parsed)) {
      const pending = parsed.id === undefined ? undefined : this.pending.get(parsed.id);
      if (!pending || parsed.id === undefined) {
        this.skipped.unmatchedResponse++;
        if (!parsed.success) this.log("warn", `pi: ${parsed.command} failed: ${parsed.error}`);
        return;
      }
      this.pending.delete(parsed.id);
      clearTimeout(pending.timer);
      if (parsed.success) pending.resolve("data" in parsed ? parsed.data : undefined);
      else pending.reject(new PiRpcError(parsed.error, parsed.command, "failed"));
      return;
    }
    if (isExtensionUiRequest(parsed)) {
      for (const l of this.uiListeners) l(parsed);
      return;
    }
    for (const l of this.eventListeners) {
      try {
        l(parsed);
      } catch (err) {
        this.log("error", `event listener failed on ${parsed.type}: ${String(err)}`);
      }
    }
  }
}
