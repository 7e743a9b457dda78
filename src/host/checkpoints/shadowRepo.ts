// The shadow repository of one workspace folder: where its files live, how it is created and
// re-created, and the rules it reads. Layout of a store directory:
//   git/        GIT_DIR (objects, refs/cp/* one ref per checkpoint, refs/rv/* kept review bases)
//   index       the capture index: a stat cache that makes incremental checkpoints fast
//   tmp/        per-operation index copies and scratch folders
//   hooks/      empty; core.hooksPath points here so no hook can ever run
//   state.json  sessions, bindings to pi entries, the timeline, review bases (see storeState.ts)
//   folder      the workspace path, for whoever looks into the directory
import { createHash, randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Git, runGit, sealedEnv } from "./git";

/**
 * Attributes that switch off every content conversion, so a file comes back byte for byte:
 * no end-of-line normalisation, no clean/smudge filter (git-lfs), no $Id$, no re-encoding.
 * info/attributes outranks every .gitattributes in the work tree.
 */
const NEUTRAL_ATTRIBUTES = "* -text -eol -crlf -filter -ident -working-tree-encoding\n";

export interface ShadowRepoOptions {
  storeDir: string;
  /** The workspace folder (its real path is used). */
  folder: string;
  gitBinary: string;
  env: NodeJS.ProcessEnv;
}

/** The store directory for a folder under a parent (globalStorage/checkpoints, or the server's data dir). */
export function storeDirFor(parent: string, folder: string): string {
  const real = fs.realpathSync(folder);
  return path.join(parent, createHash("sha256").update(real).digest("hex").slice(0, 24));
}

/** The user's repository directory for `folder/.git` (a directory, or a worktree's `gitdir:` file), read-only. */
export function userGitCommonDir(folder: string): string | undefined {
  const dotGit = path.join(folder, ".git");
  let stat: fs.Stats;
  try {
    stat = fs.statSync(dotGit);
  } catch {
    return undefined;
  }
  if (stat.isDirectory()) return dotGit;
  const m = /^gitdir:\s*(.+)\s*$/m.exec(fs.readFileSync(dotGit, "utf8"));
  if (!m) return undefined;
  const gitDir = path.resolve(folder, m[1]);
  try {
    const common = fs.readFileSync(path.join(gitDir, "commondir"), "utf8").trim();
    return path.resolve(gitDir, common);
  } catch {
    return gitDir;
  }
}

/** The global excludes file the user's own git would read (core.excludesFile, else the XDG default). */
async function userGlobalExcludes(binary: string, env: NodeJS.ProcessEnv): Promise<string> {
  const plain: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(env)) if (!/^GIT_/i.test(k)) plain[k] = v;
  plain.LC_ALL = "C";
  try {
    const r = await runGit(binary, ["config", "--global", "--path", "--get", "core.excludesFile"], { cwd: os.tmpdir(), env: plain });
    const value = r.stdout.toString("utf8").trim();
    if (r.code === 0 && value) return path.resolve(os.homedir(), value);
  } catch {
    // fall through to the default
  }
  const xdg = env.XDG_CONFIG_HOME || path.join(env.HOME || os.homedir(), ".config");
  return path.join(xdg, "git", "ignore");
}

function writeIfChanged(file: string, content: string): void {
  try {
    if (fs.readFileSync(file, "utf8") === content) return;
  } catch {
    // missing: write it
  }
  const tmp = `${file}.${randomBytes(4).toString("hex")}.tmp`;
  fs.writeFileSync(tmp, content);
  fs.renameSync(tmp, file); // atomic: a concurrent reader sees the old or the new file
}

export class ShadowRepo {
  readonly storeDir: string;
  readonly folder: string;
  readonly gitDir: string;
  readonly indexFile: string;
  readonly tmpDir: string;
  readonly stateFile: string;
  private gitInstance: Git | undefined;

  private constructor(private readonly options: ShadowRepoOptions, folderReal: string) {
    this.storeDir = options.storeDir;
    this.folder = folderReal;
    this.gitDir = path.join(this.storeDir, "git");
    this.indexFile = path.join(this.storeDir, "index");
    this.tmpDir = path.join(this.storeDir, "tmp");
    this.stateFile = path.join(this.storeDir, "state.json");
  }

  static async open(options: ShadowRepoOptions): Promise<ShadowRepo> {
    const repo = new ShadowRepo(options, fs.realpathSync(options.folder));
    const excludes = await userGlobalExcludes(options.gitBinary, options.env);
    const hooks = path.join(options.storeDir, "hooks");
    repo.gitInstance = new Git({
      binary: options.gitBinary,
      gitDir: repo.gitDir,
      workTree: repo.folder,
      baseEnv: options.env,
      config: {
        "core.bare": "false",
        "core.hooksPath": hooks,
        "core.fsmonitor": "false",
        "core.autocrlf": "false",
        "core.safecrlf": "false",
        "core.quotePath": "false",
        "core.logAllRefUpdates": "false",
        "core.splitIndex": "false",
        "core.sparseCheckout": "false",
        "core.untrackedCache": "false",
        "core.excludesFile": excludes,
        "core.bigFileThreshold": "512m",
        "gc.auto": "0",
        "maintenance.auto": "false",
        "commit.gpgSign": "false",
        "submodule.recurse": "false",
        "advice.addEmbeddedRepo": "true",
        "index.version": "4",
      },
    });
    return repo;
  }

  get git(): Git {
    if (!this.gitInstance) throw new Error("ShadowRepo used before open()");
    return this.gitInstance;
  }

  /** True when the repository's skeleton is there (deeper damage shows as GitError.looksLikeDamage). */
  exists(): boolean {
    return ["HEAD", "objects", "refs"].every((p) => fs.existsSync(path.join(this.gitDir, p)));
  }

  /** Creates the repository if it is missing; syncs the rules it reads from the user's repository. */
  async ensure(): Promise<void> {
    if (!this.exists()) await this.create();
    this.syncRules();
  }

  /** Throws away the repository and the capture index (not state.json) and starts an empty one. */
  async recreate(): Promise<void> {
    fs.rmSync(this.gitDir, { recursive: true, force: true });
    fs.rmSync(this.indexFile, { force: true });
    await this.create();
    this.syncRules();
  }

  /** Removes the capture index (a stat cache): the next capture re-reads every file. */
  dropIndex(): void {
    fs.rmSync(this.indexFile, { force: true });
  }

  /** A unique scratch path under tmp/. */
  tempPath(prefix: string): string {
    return path.join(this.tmpDir, `${prefix}-${process.pid}-${randomBytes(6).toString("hex")}`);
  }

  private async create(): Promise<void> {
    for (const d of [this.storeDir, this.tmpDir, path.join(this.storeDir, "hooks")]) fs.mkdirSync(d, { recursive: true, mode: 0o700 });
    fs.writeFileSync(path.join(this.storeDir, "folder"), `${this.folder}\n`);
    // --template= : no sample hooks, nothing copied from the system's template. Bare: the work tree
    // is given with every call (GIT_WORK_TREE), never recorded in the repository.
    await runGit(this.options.gitBinary, ["init", "--bare", "--quiet", "--template=", this.gitDir], { cwd: this.storeDir, env: sealedEnv(this.options.env) }).then((r) => {
      if (r.code !== 0) throw new Error(`git init of the checkpoint store failed: ${r.stderr.trim()}`);
    });
    fs.mkdirSync(path.join(this.gitDir, "info"), { recursive: true });
  }

  /** info/attributes (no conversions) and info/exclude (the user's own .git/info/exclude, which git would not read here). */
  private syncRules(): void {
    const info = path.join(this.gitDir, "info");
    fs.mkdirSync(info, { recursive: true });
    writeIfChanged(path.join(info, "attributes"), NEUTRAL_ATTRIBUTES);
    const common = userGitCommonDir(this.folder);
    let exclude = "";
    if (common) {
      try {
        exclude = fs.readFileSync(path.join(common, "info", "exclude"), "utf8");
      } catch {
        // no exclude file in the user's repository
      }
    }
    // A store kept inside the folder itself (a data dir there) must not capture itself.
    const rel = path.relative(this.folder, this.storeDir);
    const self = !rel.startsWith("..") && !path.isAbsolute(rel) ? `/${rel.split(path.sep).join("/")}/\n` : "";
    writeIfChanged(path.join(info, "exclude"), `# the store itself, if inside the folder\n${self}# copied from the workspace's .git/info/exclude\n${exclude}`);
  }
}
