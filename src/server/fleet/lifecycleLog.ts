// Chat lifecycle events as structured JSON lines (pino), one line per event, with stable field
// names a log pipeline can rely on: `kind: "lifecycle"`, `event`, `chatId`, `instanceId`, `time`,
// then the event's own fields. Renaming any of these is a breaking change for operators.
import type { Logger } from "pino";

export type LifecycleEvent =
  | { event: "create"; chatId: string; cwd?: string; sessionFile?: string }
  | { event: "idle_reclaim"; chatId: string; idleMs: number }
  | { event: "stop"; chatId: string; reason: "user" | "shutdown" | "cap" | "lease_lost" | "closed" }
  | { event: "crash"; chatId: string; exitCode: number | null; signal: string | null; stderrTail: string }
  | { event: "moved"; chatId: string; from: string; to: string; reason: "failover" | "handback" | "lease_lost" }
  | { event: "retry"; chatId: string; attempt: number; delayMs: number; error?: string }
  | { event: "compaction"; chatId: string; reason?: string; tokensBefore?: number };

export type LifecycleEventName = LifecycleEvent["event"];

/** Most characters of pi's stderr kept in a crash line (its end: where the error is). */
export const STDERR_TAIL_CHARS = 4000;

export function stderrTail(stderr: string, max = STDERR_TAIL_CHARS): string {
  return stderr.length <= max ? stderr : `…${stderr.slice(stderr.length - max + 1)}`;
}

export class LifecycleLog {
  private readonly log: Logger;

  constructor(logger: Logger, instanceId: string) {
    this.log = logger.child({ kind: "lifecycle", instanceId });
  }

  record(e: LifecycleEvent): void {
    const fields = e.event === "crash" ? { ...e, stderrTail: stderrTail(e.stderrTail) } : e;
    const level = e.event === "crash" ? "warn" : "info";
    this.log[level](fields, `chat ${e.event}`);
  }
}
