// CPU time per kind of process over a moment (bench/chatDelta.ts: who runs while a message
// travels). Read from /proc/<pid>/task/*/schedstat (nanoseconds of run time per thread), so a
// window of tens of ms is measurable where /proc/<pid>/stat's 10 ms ticks are not. Linux only.
import * as fs from "node:fs";
import { cmdline } from "../test/support/processes";

export type CpuSample = Map<number, { kind: string; ns: number }>;

function kindOf(pid: number, line: string): string {
  if (pid === process.pid) return "bench (Playwright, model)";
  if (line === "pi") return "pi";
  if (line.includes("--type=renderer")) return "browser renderers";
  if (line.includes("--type=gpu-process")) return "browser gpu";
  // Before the utility processes: code-server forks its extension host with --type=extensionHost.
  if (line.includes("extensionHost")) return "extension host";
  // A utility process by its service (network, storage, audio…): they differ in what wakes them.
  if (line.includes("--type=")) return `browser utility ${/--utility-sub-type=(?:[a-z_]+\.mojom\.)?([A-Za-z]+)/.exec(line)?.[1] ?? /--type=([a-z-]+)/.exec(line)?.[1]}`;
  if (/chrom/.test(line)) return "browser main";
  if (line.includes("code-server") || line.includes("bootstrap-fork") || line.includes("server-main")) return "code-server";
  if (/\bgit\b/.test(line)) return "git";
  return "other";
}

/** Each thread of `pid` with its name and run time so far (ns); none once the process ended. */
export function threadRunNs(pid: number): Array<{ tid: number; name: string; ns: number }> {
  const threads = [];
  try {
    for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
      try {
        const ns = Number(fs.readFileSync(`/proc/${pid}/task/${tid}/schedstat`, "utf8").split(" ")[0]);
        threads.push({ tid: Number(tid), name: fs.readFileSync(`/proc/${pid}/task/${tid}/comm`, "utf8").trim(), ns });
      } catch {
        // the thread ended
      }
    }
  } catch {
    // the process ended
  }
  return threads;
}

function runNs(pid: number): number {
  return threadRunNs(pid).reduce((sum, t) => sum + t.ns, 0);
}

export function sampleCpu(): CpuSample {
  const out: CpuSample = new Map();
  for (const name of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    const line = cmdline(pid);
    if (!line) continue;
    out.set(pid, { kind: kindOf(pid, line), ns: runNs(pid) });
  }
  return out;
}

/** CPU ms per kind between two samples (a process born in between counts from zero). */
export function cpuBetween(before: CpuSample, after: CpuSample): Map<string, number> {
  const out = new Map<string, number>();
  for (const [pid, now] of after) {
    const ms = (now.ns - (before.get(pid)?.ns ?? 0)) / 1e6;
    if (ms > 0) out.set(now.kind, (out.get(now.kind) ?? 0) + ms);
  }
  return out;
}
