// Checkpoint cost on a 10,000-file workspace, beside baselines measured in the same run:
//   first checkpoint        vs  `git add -A && git write-tree` in a fresh plain repo of the same files, and `cp -r`
//   incremental (1 file)    vs  the same git commands after a one-file change (median of 20 each; goal ≤ 150 ms)
//   store size after gc     vs  the plain repo's .git after `git gc`, and the files themselves
//   full / one-file restore vs  `git read-tree && git checkout-index -a -f` into an emptied plain work tree
// Run: bash test/env/with-node24.sh npx tsx bench/checkpoints.ts [files]
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { probeGit } from "../src/host/checkpoints/git";
import { GitCheckpointStore } from "../src/host/checkpoints/gitStore";

const FILES = Number(process.argv[2] ?? 10_000);
const RUNS = 20;
const who = { sessionId: "bench", chatId: "bench" };

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (n: number) => `${n.toFixed(0).padStart(6)} ms`;
const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1).padStart(6)} MB`;

async function time(work: () => unknown): Promise<number> {
  const t0 = performance.now();
  await work();
  return performance.now() - t0;
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
    fs.writeFileSync(path.join(folder, `f${i}.ts`), body + "\n");
  }
}

const plainGit = (cwd: string, script: string) =>
  execFileSync("sh", ["-c", script], { cwd, env: { ...process.env, GIT_CONFIG_NOSYSTEM: "1", GIT_CONFIG_GLOBAL: os.devNull }, stdio: ["ignore", "pipe", "pipe"] });

async function main() {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "pi-cp-bench-")));
  const ws = path.join(root, "ws");
  const plain = path.join(root, "plain");
  try {
    makeWorkspace(ws);
    const git = await probeGit();
    if ("missing" in git) throw new Error(git.missing);
    console.log(`checkpoints bench: ${FILES} files, ${mb(diskUse(ws))} on disk, git ${git.version}, ${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(1)}`);

    // Baselines first: a plain repository of a copy of the same files.
    const cpR = await time(() => execFileSync("cp", ["-r", ws, plain]));
    plainGit(plain, "git init -q");
    const plainFirst = await time(() => plainGit(plain, "git add -A && git write-tree"));
    const plainIncr: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      fs.appendFileSync(path.join(plain, "pkg0", "mod0", "f0.ts"), `// plain ${i}\n`);
      plainIncr.push(await time(() => plainGit(plain, "git add -A && git write-tree")));
    }

    const store = await GitCheckpointStore.open({ folder: ws, storeDir: path.join(root, "store"), git });
    const first = await time(() => store.checkpoint({ ...who, kind: "turn-start" }));
    const start = await store.checkpoint({ ...who, kind: "turn-start" });
    const unchanged: number[] = [];
    const incr: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      unchanged.push(await time(() => store.checkpoint({ ...who, kind: "turn-end" })));
      fs.appendFileSync(path.join(ws, "pkg3", "mod5", "f3500.ts"), `// change ${i}\n`);
      incr.push(await time(() => store.checkpoint({ ...who, kind: "turn-start" })));
    }
    const storeBeforeGc = diskUse(path.join(root, "store"));
    const gc = await time(() => store.prune(10));
    const storeAfterGc = diskUse(path.join(root, "store"));
    plainGit(plain, "git -c user.name=b -c user.email=b@example.invalid commit -qm x && git gc -q");
    const plainGitDir = diskUse(path.join(plain, ".git"));

    const oneFile = await time(() => store.restore(start.id, { ...who }));
    for (const e of fs.readdirSync(ws)) fs.rmSync(path.join(ws, e), { recursive: true });
    const full = await time(() => store.restore(start.id, { ...who }));
    const restoredFiles = fs.readdirSync(ws, { recursive: true }).length;
    const plainTree = plainGit(plain, "git write-tree").toString().trim();
    for (const e of fs.readdirSync(plain)) if (e !== ".git") fs.rmSync(path.join(plain, e), { recursive: true });
    const plainRestore = await time(() => plainGit(plain, `git read-tree ${plainTree} && git checkout-index -a -f`));
    const rm = fs.mkdtempSync(path.join(root, "cp-"));
    const cpRestore = await time(() => execFileSync("cp", ["-r", path.join(ws, "."), rm]));

    console.log("");
    console.log(`first checkpoint            ${ms(first)}   | plain git add -A + write-tree (fresh repo) ${ms(plainFirst)}   | cp -r ${ms(cpR)}`);
    console.log(`incremental, 1 file changed ${ms(median(incr))}   | plain git add -A + write-tree            ${ms(median(plainIncr))}   (median of ${RUNS}; goal ≤ 150 ms)`);
    console.log(`no change                   ${ms(median(unchanged))}   (median of ${RUNS})`);
    console.log(`store on disk before gc     ${mb(storeBeforeGc)}`);
    console.log(`store on disk after gc      ${mb(storeAfterGc)}   | plain .git after gc ${mb(plainGitDir)}   | the files ${mb(diskUse(ws))}   (gc took ${ms(gc).trim()})`);
    console.log(`restore, 1 file differs     ${ms(oneFile)}   (includes the rewind checkpoint before and the one after)`);
    console.log(`restore, all files missing  ${ms(full)}   | plain read-tree + checkout-index -a -f ${ms(plainRestore)}   | cp -r ${ms(cpRestore)}   (${restoredFiles} entries back)`);
    console.log(`incremental runs (ms): ${incr.map((x) => x.toFixed(0)).join(" ")}`);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
