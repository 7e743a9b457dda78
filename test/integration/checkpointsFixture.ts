// Shared by the checkpoint integration tests: temp workspaces, a real git, and a hash of every
// file of a folder (content, kind and executable bit) to prove a restore is byte-identical.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { GitCheckpointStore, type GitStoreOptions } from "../../src/host/checkpoints/gitStore";
import { probeGit } from "../../src/host/checkpoints/git";
import { storeDirFor } from "../../src/host/checkpoints/shadowRepo";

export interface Workspace {
  root: string;
  ws: string;
  storesRoot: string;
  write(rel: string, content: string | Buffer): void;
  read(rel: string): string;
  remove(): void;
}

export function makeWorkspace(prefix = "pi-cp-it-"): Workspace {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), prefix)));
  const ws = path.join(root, "ws");
  const storesRoot = path.join(root, "stores");
  fs.mkdirSync(ws, { recursive: true });
  return {
    root,
    ws,
    storesRoot,
    write(rel, content) {
      fs.mkdirSync(path.dirname(path.join(ws, rel)), { recursive: true });
      fs.writeFileSync(path.join(ws, rel), content);
    },
    read: (rel) => fs.readFileSync(path.join(ws, rel), "utf8"),
    remove: () => fs.rmSync(root, { recursive: true, force: true }),
  };
}

export async function openGitStore(w: Workspace, options: Partial<GitStoreOptions> = {}): Promise<GitCheckpointStore> {
  const git = await probeGit();
  if ("missing" in git) throw new Error(`these tests need git: ${git.missing}`);
  return GitCheckpointStore.open({ folder: w.ws, storeDir: storeDirFor(w.storesRoot, w.ws), git, ...options });
}

/** path → "kind mode sha256" for every entry under `dir`, `.git` folders left out (they are checked on their own). */
export function hashTree(dir: string, skipGit = true): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (rel: string) => {
    for (const name of fs.readdirSync(path.join(dir, rel))) {
      const r = rel ? `${rel}/${name}` : name;
      if (skipGit && name === ".git") continue;
      const full = path.join(dir, r);
      const st = fs.lstatSync(full);
      if (st.isDirectory()) walk(r);
      else if (st.isSymbolicLink()) out.set(r, `link ${fs.readlinkSync(full)}`);
      else out.set(r, `file ${(st.mode & 0o111) !== 0 ? "x" : "-"} ${createHash("sha256").update(fs.readFileSync(full)).digest("hex")}`);
    }
  };
  walk("");
  return out;
}

/** Every file under a folder with its content hash (for a user's .git: nothing may change in it). */
export function hashDir(dir: string): string {
  const h = createHash("sha256");
  for (const [p, v] of [...hashTree(dir, false).entries()].sort()) h.update(`${p}\0${v}\n`);
  return h.digest("hex");
}

/** The user's own git, with their environment (not the store's sealed one). */
export function userGit(cwd: string, args: string[], env: NodeJS.ProcessEnv = process.env): string {
  return execFileSync("git", args, {
    cwd,
    env: { ...env, GIT_AUTHOR_NAME: "u", GIT_AUTHOR_EMAIL: "u@example.invalid", GIT_COMMITTER_NAME: "u", GIT_COMMITTER_EMAIL: "u@example.invalid" },
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"], // the user's fsmonitor talks on stderr; that is theirs, not ours
  });
}

/** A shell command, the way pi's bash tool would change files. */
export function sh(cwd: string, script: string): void {
  execFileSync("sh", ["-c", script], { cwd });
}
