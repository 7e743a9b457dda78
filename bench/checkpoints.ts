// Checkpoint cost on a 10,000-file workspace, beside baselines measured in the same run:
//   first checkpoint        vs  `git add -A && git write-tree` in a fresh plain repo of a copy, and `cp -r`
//   incremental (1 file)    vs  the same git commands after a one-file change (median of 20 each; goal ≤ 150 ms)
//   store size after gc     vs  the plain repo's .git after `git gc`, and the files themselves
//   one-file restore        vs  `git checkout -- file` in the plain repo
//   full restore            vs  `git read-tree && git checkout-index -a -f` into the emptied plain work tree
// Run: bash test/env/with-node24.sh npx tsx bench/checkpoints.ts [files]
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { probeGit } from "../src/host/checkpoints/git";
import { GitCheckpointStore } from "../src/host/checkpoints/gitStore";

const FILES = Number(process.argv[2] ?? 10_000);
const RUNS = 20;
const FIRST_RUNS = 3;
const RESTORE_RUNS = 5;
const who = { sessionId: "bench", chatId: "bench" };

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (n: number) => `${n.toFixed(0).padStart(6)} ms`;
const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1).padStart(6)} MB`;

/** CPU milliseconds of this process and of the children it has waited for (Linux: /proc/self/stat). */
function cpuNow(): number {
  const self = process.cpuUsage();
  let children = 0;
  try {
    const stat = fs.readFileSync("/proc/self/stat", "utf8");
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    children = ((Number(f[13]) + Number(f[14])) * 1000) / 100; // cutime + cstime, in USER_HZ (100) ticks
  } catch {
    // not Linux: own CPU only
  }
  return (self.user + self.system) / 1000 + children;
}

/** Runs of one measured thing: wall time (median) and CPU time (mean; git's children included). */
class Series {
  readonly wall: number[] = [];
  readonly cpu: number[] = [];
  async run(work: () => unknown): Promise<void> {
    const c0 = cpuNow();
    const t0 = performance.now();
    await work();
    this.wall.push(performance.now() - t0);
    this.cpu.push(cpuNow() - c0);
  }
  /** "  97 ms wall,  45 ms cpu" */
  toString(): string {
    const cpu = this.cpu.reduce((a, b) => a + b, 0) / Math.max(1, this.cpu.length);
    return `${ms(median(this.wall))} wall, ${ms(cpu)} cpu`;
  }
}

/** Disk blocks used under a folder (what `du` counts). */
function diskUse(dir: string): number {
  let total = 0;
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      const st = fs.lstatSync(p);
      total += st.blocks * 512;
      if (e.isDirectory()) walk(p);
    }
  };
  walk(dir);
  return total;
}

/** Source-like files: 100 per folder, a few hundred bytes to a few KB each. */
function makeWorkspace(dir: string): void {
  for (let i = 0; i < FILES; i++) {
    const folder = path.join(dir, `pkg${Math.floor(i / 1000)}`, `mod${Math.floor(i / 100) % 10}`);
    if (i % 100 === 0) fs.mkdirSync(folder, { recursive: true });
    const body = Array.from({ length: 10 + (i % 60) }, (_, k) => `export const v${k} = ${i * 31 + k}; // file ${i} line ${k}`).join("\n");
    fs.writeFileSync(path.join(folder, `f${i}.ts`), `${body}\n`);
  }
}

const plainGit = (cwd: string, script: string) =>
  execFileSync("sh", ["-c", script], { cwd, env: { ...process.env, GIT_CONFIG_NOSYSTEM: "1", GIT_CONFIG_GLOBAL: os.devNull }, stdio: ["ignore", "pipe", "pipe"] });

/** Empties a folder except its .git. */
function empty(dir: string): void {
  for (const e of fs.readdirSync(dir)) if (e !== ".git") fs.rmSync(path.join(dir, e), { recursive: true });
}

async function main() {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "pi-cp-bench-")));
  const ws = path.join(root, "ws");
  const plain = path.join(root, "plain");
  try {
    makeWorkspace(ws);
    execFileSync("cp", ["-r", ws, plain]);
    const git = await probeGit();
    if ("missing" in git) throw new Error(git.missing);
    const load0 = os.loadavg()[0];
    console.log(`checkpoints bench: ${FILES} files, ${mb(diskUse(ws))} on disk, git ${git.version}, ${os.cpus().length} cores`);
    // Ours and the baseline run in turn (A B A B …): a machine whose speed drifts affects both alike.

    const first = new Series();
    const plainFirst = new Series();
    const cpR = new Series();
    let store: GitCheckpointStore | undefined;
    for (let i = 0; i < FIRST_RUNS; i++) {
      const dir = path.join(root, `store-${i}`);
      const s = await GitCheckpointStore.open({ folder: ws, storeDir: dir, git });
      await first.run(() => s.checkpoint({ ...who, kind: "turn-start" }));
      if (i < FIRST_RUNS - 1) fs.rmSync(dir, { recursive: true, force: true });
      else store = s;
      fs.rmSync(path.join(plain, ".git"), { recursive: true, force: true });
      plainGit(plain, "git init -q");
      await plainFirst.run(() => plainGit(plain, "git add -A && git write-tree"));
      const copy = path.join(root, `copy-${i}`);
      await cpR.run(() => execFileSync("cp", ["-r", ws, copy]));
      fs.rmSync(copy, { recursive: true, force: true });
    }
    if (!store) throw new Error("no store");
    const cps = store;

    const start = await cps.checkpoint({ ...who, kind: "turn-start" });
    const incr = new Series();
    const plainIncr = new Series();
    const unchanged = new Series();
    const changed = path.join("pkg3", "mod5", "f3500.ts");
    for (let i = 0; i < RUNS; i++) {
      fs.appendFileSync(path.join(ws, changed), `// change ${i}\n`);
      await incr.run(() => cps.checkpoint({ ...who, kind: "turn-start" }));
      fs.appendFileSync(path.join(plain, changed), `// change ${i}\n`);
      await plainIncr.run(() => plainGit(plain, "git add -A && git write-tree"));
      await unchanged.run(() => cps.checkpoint({ ...who, kind: "turn-end" }));
    }

    const storeDir = path.join(root, `store-${FIRST_RUNS - 1}`);
    const storeBeforeGc = diskUse(storeDir);
    const gc = new Series();
    await gc.run(async () => {
      await cps.prune(10);
      await cps.compact(); // prune packs by itself only past its thresholds (50 packs, 1000 loose objects)
    });
    const storeAfterGc = diskUse(storeDir);
    plainGit(plain, "git -c gc.auto=0 -c user.name=b -c user.email=b@example.invalid commit -qm x && git gc -q");
    const plainGitDir = diskUse(path.join(plain, ".git"));
    const plainTree = plainGit(plain, "git rev-parse HEAD^{tree}").toString().trim();

    const one = new Series();
    const plainOne = new Series();
    const full = new Series();
    const plainFull = new Series();
    for (let i = 0; i < RESTORE_RUNS; i++) {
      fs.appendFileSync(path.join(ws, changed), "// one-file restore\n");
      await one.run(() => cps.restore(start.id, { ...who }));
      fs.appendFileSync(path.join(plain, changed), "// one-file restore\n");
      await plainOne.run(() => plainGit(plain, `git checkout -q -- ${changed}`));
      empty(ws);
      await full.run(() => cps.restore(start.id, { ...who }));
      empty(plain);
      await plainFull.run(() => plainGit(plain, `git read-tree ${plainTree} && git checkout-index -a -f`));
    }
    const back = fs.readdirSync(ws, { recursive: true }).length;

    console.log("");
    console.log(`first checkpoint            ${first}   | plain git add -A + write-tree (fresh repo) ${plainFirst}   | cp -r ${cpR}   (${FIRST_RUNS} runs)`);
    console.log(`incremental, 1 file changed ${incr}   | plain git add -A + write-tree            ${plainIncr}   (${RUNS} runs; goal ≤ 150 ms)`);
    console.log(`no change                   ${unchanged}   (${RUNS} runs)`);
    console.log(`store on disk before gc     ${mb(storeBeforeGc)}`);
    console.log(`store on disk after gc      ${mb(storeAfterGc)}   | plain .git after gc ${mb(plainGitDir)}   | the files ${mb(diskUse(ws))}   (prune + gc: ${gc})`);
    console.log(`restore, 1 file differs     ${one}   | plain git checkout -- file              ${plainOne}   (${RESTORE_RUNS} runs; ours includes the rewind checkpoint before and the one after)`);
    console.log(`restore, all files missing  ${full}   | plain read-tree + checkout-index -a -f  ${plainFull}   (${RESTORE_RUNS} runs; ${back} entries back)`);
    console.log(`incremental runs, wall ms: ${incr.wall.map((x) => x.toFixed(0)).join(" ")}`);
    console.log(`load average (1 min) at start ${load0.toFixed(1)}, at end ${os.loadavg()[0].toFixed(1)}; wall is the median, cpu the mean (this process + git)`);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
