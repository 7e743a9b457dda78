// Runs git against the shadow repository, sealed off from everything that could change what
// it does: the inherited GIT_* variables (a VS Code started from a hook has GIT_DIR set), the
// system and global config (hooks, fsmonitor, filters, signing, autocrlf), the system attributes.
// The work tree is the user's folder; GIT_DIR is ours, so the user's own .git is never opened
// as a repository (git only reads a nested repository's HEAD to recognise it).
import { spawn } from "node:child_process";
import * as os from "node:os";
import { GitMissingError } from "./errors";

/** Oldest git with GIT_CONFIG_GLOBAL (2.32) and `--pathspec-from-file` (2.26). */
export const MIN_GIT = { major: 2, minor: 32 } as const;

export interface GitResult {
  stdout: Buffer;
  stderr: string;
  code: number;
}

export class GitError extends Error {
  constructor(
    readonly args: string[],
    readonly code: number,
    readonly stderr: string,
  ) {
    super(`git ${args.filter((a) => !a.startsWith("-c")).slice(0, 3).join(" ")} failed (${code}): ${stderr.trim().split("\n").slice(-3).join(" / ")}`);
    this.name = "GitError";
  }

  /** Messages git prints when the repository itself is missing or broken (LC_ALL=C keeps them English). */
  get looksLikeDamage(): boolean {
    return /not a git repository|corrupt|bad object|invalid object|unable to (read|stream|unpack)|inflate|missing (blob|tree|commit)|bad tree|does not point to a valid object|index file|unknown index entry|bad signature|error building trees|loose object|packfile/i.test(this.stderr);
  }
}

export interface GitOptions {
  /** The git binary (a name looked up on PATH, or a path). */
  binary: string;
  gitDir: string;
  workTree: string;
  /** Environment to start from (PATH, HOME); every GIT_* variable in it is dropped. */
  baseEnv: NodeJS.ProcessEnv;
  /** Settings passed with -c on every call (they outrank the shadow repository's own config). */
  config: Record<string, string>;
}

export interface RunOptions {
  input?: string | Buffer;
  /** GIT_INDEX_FILE for this call. */
  indexFile?: string;
  /** Pathspecs are taken literally (no globs, no magic). */
  literalPathspecs?: boolean;
  /** Exit codes that are answers, not failures (e.g. 1 for check-ignore "nothing ignored"). */
  okCodes?: number[];
  /** Extra environment (only GIT_*_DATE: the sealed environment stays sealed otherwise). */
  env?: { GIT_AUTHOR_DATE?: string; GIT_COMMITTER_DATE?: string };
  /** Replaces the work tree (a nested repository's folder, a scratch folder for ignore checks). */
  workTree?: string;
}

/** The inherited environment without anything that would point git elsewhere. */
export function sealedEnv(base: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(base)) if (!/^GIT_/i.test(key) && value !== undefined) env[key] = value;
  return {
    ...env,
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_CONFIG_GLOBAL: os.devNull,
    GIT_ATTR_NOSYSTEM: "1",
    GIT_NO_REPLACE_OBJECTS: "1",
    GIT_TERMINAL_PROMPT: "0",
    GIT_AUTHOR_NAME: "pi-vscode",
    GIT_AUTHOR_EMAIL: "checkpoints@pi-vscode.invalid",
    GIT_COMMITTER_NAME: "pi-vscode",
    GIT_COMMITTER_EMAIL: "checkpoints@pi-vscode.invalid",
    LC_ALL: "C",
    LANGUAGE: "C",
  };
}

export class Git {
  private readonly env: NodeJS.ProcessEnv;

  constructor(readonly options: GitOptions) {
    this.env = sealedEnv(options.baseEnv);
  }

  get gitDir(): string {
    return this.options.gitDir;
  }

  get workTree(): string {
    return this.options.workTree;
  }

  /** Runs one git command; rejects with GitError on a failing exit code, GitMissingError without git. */
  run(args: string[], options: RunOptions = {}): Promise<GitResult> {
    const workTree = options.workTree ?? this.options.workTree;
    const env: NodeJS.ProcessEnv = { ...this.env, GIT_DIR: this.options.gitDir, GIT_WORK_TREE: workTree };
    if (options.indexFile) env.GIT_INDEX_FILE = options.indexFile;
    if (options.literalPathspecs) env.GIT_LITERAL_PATHSPECS = "1";
    Object.assign(env, options.env);
    const full = [...Object.entries(this.options.config).flatMap(([k, v]) => ["-c", `${k}=${v}`]), ...args];
    return runGit(this.options.binary, full, { cwd: workTree, env, input: options.input }).then((result) => {
      if (result.code !== 0 && !(options.okCodes ?? []).includes(result.code)) throw new GitError(args, result.code, result.stderr);
      return result;
    });
  }

  /** stdout as text, for commands that print object names. */
  async text(args: string[], options: RunOptions = {}): Promise<string> {
    return (await this.run(args, options)).stdout.toString("utf8").trim();
  }
}

/**
 * Checkpoints are background work: git runs at a lower CPU priority, so on a busy machine pi,
 * the extension host and the view go first (a checkpoint is taken while pi starts its answer,
 * and on 2 cores git's ~150 ms of work delayed the answer's first words as much).
 */
function lowerPriority(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    os.setPriority(pid, os.constants.priority.PRIORITY_BELOW_NORMAL);
  } catch {
    // Already exited, or not allowed here: it runs at normal priority.
  }
}

/** A plain spawn of git (no shell). */
export function runGit(binary: string, args: string[], opts: { cwd: string; env: NodeJS.ProcessEnv; input?: string | Buffer }): Promise<GitResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { cwd: opts.cwd, env: opts.env, stdio: ["pipe", "pipe", "pipe"], windowsHide: true });
    lowerPriority(child.pid);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (d: Buffer) => out.push(d));
    child.stderr.on("data", (d: Buffer) => err.push(d));
    child.on("error", (e: NodeJS.ErrnoException) => reject(e.code === "ENOENT" ? new GitMissingError(binary) : e));
    child.on("close", (code) => resolve({ stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString("utf8"), code: code ?? -1 }));
    // git may exit before reading all of stdin (e.g. on an error): that is reported by its exit code.
    child.stdin.on("error", () => undefined);
    child.stdin.end(opts.input ?? "");
  });
}

export interface GitProbe {
  binary: string;
  version: string;
}

/**
 * Finds a usable git: its version, or undefined with the reason (not on PATH, too old).
 * `env.PATH` decides where it is looked up, exactly as every later call will.
 */
export async function probeGit(env: NodeJS.ProcessEnv = process.env, binary = "git"): Promise<GitProbe | { missing: string }> {
  let result: GitResult;
  try {
    result = await runGit(binary, ["--version"], { cwd: os.tmpdir(), env: sealedEnv(env) });
  } catch (err) {
    if (err instanceof GitMissingError) return { missing: `git was not found on PATH` };
    return { missing: `git could not be started: ${(err as Error).message}` };
  }
  const m = /git version (\d+)\.(\d+)(\S*)/.exec(result.stdout.toString("utf8"));
  if (result.code !== 0 || !m) return { missing: `\`${binary} --version\` did not answer like git` };
  const [major, minor] = [Number(m[1]), Number(m[2])];
  if (major < MIN_GIT.major || (major === MIN_GIT.major && minor < MIN_GIT.minor)) {
    return { missing: `git ${m[1]}.${m[2]} is too old (checkpoints need ${MIN_GIT.major}.${MIN_GIT.minor} or newer)` };
  }
  return { binary, version: `${m[1]}.${m[2]}${m[3]}` };
}

/** NUL-separated git output as strings (the trailing empty field dropped). */
export function splitNul(buf: Buffer): string[] {
  const parts = buf.toString("utf8").split("\0");
  if (parts.length > 0 && parts[parts.length - 1] === "") parts.pop();
  return parts;
}
