// One pi subprocess in RPC mode: spawn, stderr tail, exit reporting, and a shutdown that
// leaves nothing running (stdin close → SIGTERM → SIGTERM → SIGKILL of the group and of
// every descendant seen, because pi's bash tool children live in their own process group).
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { PiRpcClient } from "../pi/rpcClient";
import type { RpcSessionState } from "../pi/rpcTypes";
import type { NodeRuntime } from "./nodeRuntime";
import { isAlive, killQuietly, listDescendants } from "./processTree";

export interface PiLaunch {
  node: NodeRuntime;
  /** pi's CLI entry (dist/bundle/cli.js). */
  cliPath: string;
  cwd: string;
  args: string[];
  env: NodeJS.ProcessEnv;
}

export interface PiExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** True when we asked it to stop. */
  expected: boolean;
  stderrTail: string;
  spawnError?: string;
}

export type Logger = (level: "debug" | "info" | "warn" | "error", message: string) => void;

const STDERR_TAIL_BYTES = 8 * 1024;
const STEP_MS = { stdinClose: 1500, sigterm: 1000 } as const;

/**
 * V8's memory reducer runs a full GC ~8 s after pi's start-up and after each run, while pi
 * waits — 13–48 ms in a young VS Code window, and the next message waits behind it. It gave
 * back nothing here (an idle pi's RSS is 112–114 MB with it and without); GCs driven by
 * allocation still run as ever.
 */
const NODE_FLAGS = ["--no-memory-reducer"];

export class PiProcess {
  readonly rpc: PiRpcClient;
  private stderr = "";
  private stopping = false;
  private exitInfo: PiExit | undefined;
  private readonly exited: Promise<PiExit>;
  private readonly exitListeners = new Set<(exit: PiExit) => void>();

  private constructor(
    private readonly child: ChildProcessWithoutNullStreams,
    private readonly log: Logger,
  ) {
    this.rpc = new PiRpcClient(child.stdout, child.stdin, { log: (level, msg) => log(level, msg) });
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (text: string) => {
      this.stderr = (this.stderr + text).slice(-STDERR_TAIL_BYTES);
      log("debug", `pi stderr: ${text.trimEnd()}`);
    });
    this.exited = new Promise<PiExit>((resolve) => {
      let spawnError: string | undefined;
      child.on("error", (err) => {
        spawnError = err.message;
        // 'exit' does not follow a spawn failure.
        if (child.pid === undefined) finish(null, null);
      });
      const finish = (code: number | null, signal: NodeJS.Signals | null) => {
        if (this.exitInfo) return;
        this.exitInfo = { code, signal, expected: this.stopping, stderrTail: this.stderr.trim(), spawnError };
        this.rpc.close(spawnError ?? `exited with ${signal ?? `code ${code}`}`);
        for (const l of this.exitListeners) l(this.exitInfo);
        resolve(this.exitInfo);
      };
      child.on("exit", (code, signal) => finish(code, signal));
    });
  }

  static start(launch: PiLaunch, log: Logger): PiProcess {
    const args = [...NODE_FLAGS, launch.cliPath, "--mode", "rpc", ...launch.args];
    log("info", `starting pi: ${launch.node.path} ${args.join(" ")} (cwd ${launch.cwd})`);
    const child = spawn(launch.node.path, args, {
      cwd: launch.cwd,
      env: { ...launch.env, ...launch.node.env },
      stdio: ["pipe", "pipe", "pipe"],
      // Own process group, so the whole group can be signalled at shutdown.
      detached: process.platform !== "win32",
      windowsHide: true,
    });
    return new PiProcess(child, log);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** The command line pi was started with (pi renames its process, so /proc shows only "pi"). */
  get argv(): readonly string[] {
    return this.child.spawnargs;
  }

  get stderrTail(): string {
    return this.stderr.trim();
  }

  get exit(): PiExit | undefined {
    return this.exitInfo;
  }

  onExit(listener: (exit: PiExit) => void): () => void {
    this.exitListeners.add(listener);
    return () => this.exitListeners.delete(listener);
  }

  /** Resolves with pi's state once it answers; rejects (with its stderr) if it exits first. */
  async waitReady(timeoutMs = 30_000): Promise<RpcSessionState> {
    const exited = this.exited.then((e) => {
      throw new Error(describeExit(e));
    });
    return Promise.race([this.rpc.send({ type: "get_state" }, timeoutMs), exited]);
  }

  /** Graceful and complete stop. Safe to call more than once. */
  async stop(): Promise<PiExit> {
    if (this.exitInfo) {
      this.reapOrphans(listDescendants(this.child.pid ?? -1));
      return this.exitInfo;
    }
    this.stopping = true;
    const pid = this.child.pid;
    if (pid === undefined) return this.exited;
    const seen = new Set(listDescendants(pid));
    const exitedWithin = async (ms: number) => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<boolean>((r) => (timer = setTimeout(() => r(false), ms)));
      // Clear the step's timer once pi exits, so nothing keeps the host's event loop busy.
      return Promise.race([this.exited.then(() => true), timeout]).finally(() => clearTimeout(timer));
    };

    this.rpc.close("stopping");
    this.child.stdin.end();
    if (!(await exitedWithin(STEP_MS.stdinClose))) {
      listDescendants(pid).forEach((p) => seen.add(p));
      killQuietly(pid, "SIGTERM");
      if (!(await exitedWithin(STEP_MS.sigterm))) {
        killQuietly(pid, "SIGTERM");
        if (!(await exitedWithin(STEP_MS.sigterm))) {
          listDescendants(pid).forEach((p) => seen.add(p));
          if (process.platform !== "win32") killQuietly(-pid, "SIGKILL");
          killQuietly(pid, "SIGKILL");
        }
      }
    }
    const exit = await this.exited;
    this.reapOrphans([...seen]);
    return exit;
  }

  /** Kills whatever pi started that outlived it (and their process groups). */
  private reapOrphans(pids: number[]): void {
    for (const p of pids) {
      if (!isAlive(p)) continue;
      this.log("warn", `killing leftover pi child process ${p}`);
      if (process.platform !== "win32") killQuietly(-p, "SIGKILL");
      killQuietly(p, "SIGKILL");
    }
  }
}

export function describeExit(exit: PiExit): string {
  const how = exit.spawnError
    ? `could not be started: ${exit.spawnError}`
    : `exited ${exit.signal ? `on signal ${exit.signal}` : `with code ${exit.code}`}`;
  return exit.stderrTail ? `pi ${how}.\n${exit.stderrTail.split("\n").slice(-20).join("\n")}` : `pi ${how}.`;
}
