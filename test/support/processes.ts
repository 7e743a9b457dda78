// Process checks for leak tests: which processes are alive under a root pid, by command line.
import * as fs from "node:fs";

export function allPids(): number[] {
  return fs
    .readdirSync("/proc")
    .filter((n) => /^\d+$/.test(n))
    .map(Number);
}

export function cmdline(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ").trim();
  } catch {
    return "";
  }
}

/** Live, non-zombie processes whose command line contains `needle`. */
export function processesMatching(needle: string): number[] {
  return allPids().filter((pid) => {
    if (pid === process.pid) return false;
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
      if (stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z")) return false;
    } catch {
      return false;
    }
    return cmdline(pid).includes(needle);
  });
}

/** Live processes whose working directory is `dir` (pi and everything it starts run there). */
export function processesInCwd(dir: string): number[] {
  return allPids().filter((pid) => {
    if (pid === process.pid) return false;
    try {
      return fs.readlinkSync(`/proc/${pid}/cwd`) === dir;
    } catch {
      return false;
    }
  });
}
