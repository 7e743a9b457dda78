// The host's side of a waiting pi (src/piZygote/zygote.ts): a process started before the
// chat's arguments and environment are known, that has read pi's code by the time they are.
// A start that fits it hands it the launch on fd 3 and it becomes that chat's pi; a start that
// does not fit (another Node, other Node start-up settings) stops it and spawns as before.
import { type ChildProcess, type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import type { Writable } from "node:stream";
import type { NodeRuntime } from "./nodeRuntime";
import type { Logger, PiLaunch } from "./piProcess";
import { killQuietly } from "./processTree";

/** Read by Node when it starts, so a launch cannot change them on a process already running. */
const BOOT_ENV = /^(NODE_|UV_)/;
const STOP_GRACE_MS = 1_000;

export class PiZygote {
  private exited = false;
  private handedOver = false;
  private stderr = "";

  private constructor(
    private readonly child: ChildProcess,
    readonly node: NodeRuntime,
    readonly cliPath: string,
    private readonly bootEnv: NodeJS.ProcessEnv,
    private readonly log: Logger,
  ) {
    child.on("exit", (code, signal) => {
      this.exited = true;
      if (!this.handedOver && code !== 0 && signal === null) log("warn", `the waiting pi ${child.pid} exited with code ${code}: ${this.stderr.trim() || "no message"}`);
    });
    child.on("error", (err) => {
      this.exited = true;
      log("warn", `the waiting pi could not start: ${err.message}`);
    });
    child.stderr?.setEncoding("utf8");
    child.stderr?.on("data", (text: string) => {
      if (!this.handedOver) this.stderr = (this.stderr + text).slice(-4096);
    });
  }

  /** Starts a waiting pi: `node zygotePath cliPath`, in `cwd` until it is told the chat's folder. */
  static spawn(node: NodeRuntime, cliPath: string, zygotePath: string, cwd: string, log: Logger, env: NodeJS.ProcessEnv = process.env): PiZygote {
    const bootEnv = { ...env, ...node.env };
    const child = spawn(node.path, [zygotePath, cliPath], {
      cwd,
      env: bootEnv,
      stdio: ["pipe", "pipe", "pipe", "pipe"],
      // Own process group, as every pi: the group is signalled at shutdown.
      detached: process.platform !== "win32",
      windowsHide: true,
    });
    log("info", `started a waiting pi (${child.pid}): it loads pi's code before a chat asks for it`);
    return new PiZygote(child, node, cliPath, bootEnv, log);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Still waiting for a launch. */
  get waiting(): boolean {
    return !this.exited && !this.handedOver && this.child.pid !== undefined;
  }

  /** Why `launch` cannot run on this process, or undefined when it can. */
  misfit(launch: PiLaunch): string | undefined {
    if (!this.waiting) return "it is no longer waiting";
    if (launch.cliPath !== this.cliPath) return "another pi";
    if (launch.node.path !== this.node.path || JSON.stringify(launch.node.env) !== JSON.stringify(this.node.env)) return "another Node";
    const env = { ...launch.env, ...launch.node.env };
    const keys = new Set([...Object.keys(env), ...Object.keys(this.bootEnv)].filter((k) => BOOT_ENV.test(k)));
    for (const key of keys) if (env[key] !== this.bootEnv[key]) return `${key} differs (Node reads it when it starts)`;
    return undefined;
  }

  /** Hands the launch over; the process is that pi from now on. Call only when misfit() is undefined. */
  launch(launch: PiLaunch): ChildProcessWithoutNullStreams {
    const { stdin, stdout, stderr } = this.child;
    const channel = this.child.stdio[3] as Writable | null;
    if (!stdin || !stdout || !stderr || !channel) throw new Error("the waiting pi has no pipes");
    this.handedOver = true;
    const env: Record<string, string> = {};
    for (const [key, value] of Object.entries({ ...launch.env, ...launch.node.env })) if (typeof value === "string") env[key] = value;
    channel.end(JSON.stringify({ cwd: launch.cwd, args: ["--mode", "rpc", ...launch.args], env }));
    // The same streams as a spawned pi's: ChildProcess narrowed by the checks above.
    return this.child as ChildProcessWithoutNullStreams;
  }

  /** Lets go of a process no chat took: closing its channel ends it; a kill follows if it does not. */
  async stop(): Promise<void> {
    if (this.handedOver || this.exited) return;
    this.handedOver = true;
    (this.child.stdio[3] as Writable | null)?.end();
    const gone = new Promise<void>((resolve) => this.child.once("exit", () => resolve()));
    const timer = new Promise<boolean>((resolve) => setTimeout(() => resolve(false), STOP_GRACE_MS).unref());
    if ((await Promise.race([gone.then(() => true), timer])) === false && this.child.pid !== undefined) {
      killQuietly(-this.child.pid, "SIGKILL");
      killQuietly(this.child.pid, "SIGKILL");
    }
    this.log("debug", `the waiting pi ${this.child.pid} was not needed and was stopped`);
  }
}

/** How long a waiting pi is kept for a start that may not come (a window where no chat is asked for). */
export const WAITING_PI_UNUSED_MS = 15_000;

/** The host's one waiting pi: taken by the next start, stopped when unused or at shutdown. */
export class WaitingPiSlot {
  private held: PiZygote | undefined;
  private timer: NodeJS.Timeout | undefined;

  offer(zygote: PiZygote, unusedMs = WAITING_PI_UNUSED_MS): void {
    void this.stop();
    this.held = zygote;
    this.timer = setTimeout(() => void this.stop(), unusedMs).unref();
  }

  /** The waiting pi for a start, if one is still waiting. */
  take(): PiZygote | undefined {
    const zygote = this.held;
    this.release();
    return zygote?.waiting ? zygote : undefined;
  }

  async stop(): Promise<void> {
    const zygote = this.held;
    this.release();
    await zygote?.stop();
  }

  private release(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.held = undefined;
  }
}
