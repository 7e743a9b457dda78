// What checkpoints must never do: touch the user's own repository, run anyone's hooks or
// fsmonitor or filters, lose a checkpoint when two chats take them at once; and what they do
// with nested repositories.
import * as assert from "node:assert/strict";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { GitCheckpointStore } from "../../src/host/checkpoints/gitStore";
import { hashDir, hashTree, makeWorkspace, openGitStore, sh, userGit, type Workspace } from "./checkpointsFixture";

describe("checkpoints leave git alone (real git)", function () {
  this.timeout(90_000);
  let w: Workspace;
  const who = { sessionId: "s", chatId: "c" };
  beforeEach(() => {
    w = makeWorkspace();
  });
  afterEach(() => w.remove());

  /** What the user sees of their repository. --no-optional-locks: looking must not refresh the index either. */
  function userRepoState(dir: string) {
    const g = (args: string[]) => userGit(dir, ["--no-optional-locks", ...args]);
    return {
      status: g(["status", "--porcelain=v1", "--untracked-files=all"]),
      stash: g(["stash", "list"]),
      head: g(["rev-parse", "HEAD"]),
      branch: g(["symbolic-ref", "HEAD"]),
      index: createHash("sha256").update(fs.readFileSync(path.join(dir, ".git", "index"))).digest("hex"),
      dotGit: hashDir(path.join(dir, ".git")),
    };
  }

  it("leaves the user's .git exactly as it was after a dozen checkpoints and a full restore", async () => {
    userGit(w.ws, ["init", "-q", "-b", "main"]);
    w.write("tracked.txt", "v1\n");
    w.write("other.txt", "o1\n");
    userGit(w.ws, ["add", "."]);
    userGit(w.ws, ["commit", "-qm", "one"]);
    w.write("tracked.txt", "v2 stashed\n");
    userGit(w.ws, ["stash", "-q"]);
    w.write("tracked.txt", "v3 staged\n");
    userGit(w.ws, ["add", "tracked.txt"]);
    w.write("other.txt", "o2 unstaged\n");
    w.write("untracked.txt", "u\n");
    // Hooks and fsmonitor in the user's repository: they must never run for a checkpoint.
    const marker = path.join(w.root, "hook-ran");
    for (const hook of ["pre-commit", "post-checkout", "post-index-change", "reference-transaction"]) {
      fs.writeFileSync(path.join(w.ws, ".git", "hooks", hook), `#!/bin/sh\necho ${hook} >> ${marker}\n`, { mode: 0o755 });
    }
    userGit(w.ws, ["config", "core.fsmonitor", path.join(w.ws, ".git", "hooks", "pre-commit")]);
    const before = userRepoState(w.ws);
    fs.rmSync(marker, { force: true }); // the user's own `git status` just now ran their fsmonitor: that is theirs

    const store = await openGitStore(w);
    const first = await store.checkpoint({ ...who, kind: "turn-start" });
    for (let i = 0; i < 11; i++) {
      w.write(`gen/file-${i}.txt`, `${i}\n`);
      w.write("tracked.txt", `pi ${i}\n`);
      await store.checkpoint({ ...who, kind: i % 2 ? "turn-start" : "turn-end" });
    }
    assert.equal((await store.changes(first.id, "worktree")).length, 12);
    await store.restore(first.id, who);
    assert.equal(w.read("tracked.txt"), "v3 staged\n");
    assert.ok(!fs.existsSync(marker), "no hook or fsmonitor of the user's ran");
    assert.deepEqual(userRepoState(w.ws), before, "status, stash, HEAD, index and every file under .git unchanged");
  });

  it("cannot be steered by the user's global config: hooks, fsmonitor, filters, autocrlf, signing", async () => {
    const home = path.join(w.root, "home");
    fs.mkdirSync(home);
    const marker = path.join(w.root, "global-ran");
    const script = path.join(home, "evil.sh");
    fs.writeFileSync(script, `#!/bin/sh\necho "$0 $*" >> ${marker}\ncat\n`, { mode: 0o755 });
    const hooks = path.join(home, "hooks");
    fs.mkdirSync(hooks);
    fs.writeFileSync(path.join(hooks, "reference-transaction"), `#!/bin/sh\necho hook >> ${marker}\n`, { mode: 0o755 });
    fs.writeFileSync(
      path.join(home, ".gitconfig"),
      `[core]\n\thooksPath = ${hooks}\n\tfsmonitor = ${script}\n\tautocrlf = true\n\texcludesFile = ${path.join(home, "ignore")}\n` +
        `[filter "evil"]\n\tclean = ${script}\n\tsmudge = ${script}\n[commit]\n\tgpgSign = true\n[gpg]\n\tprogram = ${script}\n`,
    );
    fs.writeFileSync(path.join(home, "ignore"), "*.globalignored\n");
    w.write(".gitattributes", "* filter=evil text eol=crlf\n");
    w.write("lf.txt", "a\nb\n");
    w.write("mixed.txt", "a\r\nb\n");
    w.write("x.globalignored", "ignored by the user's global excludes\n");
    const env = { ...process.env, HOME: home, XDG_CONFIG_HOME: path.join(home, ".config"), GIT_DIR: "/nonexistent", GIT_INDEX_FILE: "/nonexistent/index" };
    const before = hashTree(w.ws);
    const store = await openGitStore(w, { env });
    const cp = await store.checkpoint({ ...who, kind: "turn-start" });
    w.write("lf.txt", "changed\n");
    fs.rmSync(path.join(w.ws, "mixed.txt"));
    await store.restore(cp.id, who);
    assert.deepEqual(hashTree(w.ws), before, "no end-of-line conversion, no filter: bytes come back as they were");
    assert.ok(!fs.existsSync(marker), `nothing from the global config ran: ${fs.existsSync(marker) ? fs.readFileSync(marker, "utf8") : ""}`);
    assert.equal(await store.fileAt(cp.id, "x.globalignored"), undefined, "the user's global excludes file is still honoured");
  });

  it("works in a folder that is not a repository and creates no .git in it", async () => {
    w.write("a.txt", "a\n");
    const store = await openGitStore(w);
    const cp = await store.checkpoint({ ...who, kind: "turn-start" });
    w.write("a.txt", "b\n");
    await store.restore(cp.id, who);
    assert.equal(w.read("a.txt"), "a\n");
    assert.deepEqual(fs.readdirSync(w.ws), ["a.txt"]);
  });

  it("does not capture its own store when the store lives inside the folder", async () => {
    w.write("a.txt", "a\n");
    const store = await GitCheckpointStore.open({ folder: w.ws, storeDir: path.join(w.ws, ".data", "checkpoints", "x"), git: { binary: "git", version: "" } });
    const cp = await store.checkpoint({ ...who, kind: "turn-start" });
    w.write("b.txt", "b\n");
    const next = await store.checkpoint({ ...who, kind: "turn-end" });
    assert.deepEqual((await store.changes(cp.id, next.id)).map((c) => c.path), ["b.txt"]);
    assert.equal(await store.fileAt(next.id, ".data/checkpoints/x/state.json"), undefined);
  });

  it("captures and restores files inside nested repositories, never their .git", async () => {
    w.write("top.txt", "top\n");
    const nested = path.join(w.ws, "libs", "nested");
    fs.mkdirSync(nested, { recursive: true });
    userGit(nested, ["init", "-q"]);
    fs.writeFileSync(path.join(nested, "lib.ts"), "export {};\n");
    fs.writeFileSync(path.join(nested, ".gitignore"), "dist/\n");
    fs.mkdirSync(path.join(nested, "dist"));
    fs.writeFileSync(path.join(nested, "dist", "out.js"), "built\n");
    userGit(nested, ["add", "."]);
    userGit(nested, ["commit", "-qm", "n"]);
    const empty = path.join(w.ws, "empty-repo"); // `git init` and nothing else: makes `git add -A` fail
    fs.mkdirSync(empty);
    userGit(empty, ["init", "-q"]);
    fs.writeFileSync(path.join(empty, "draft.md"), "draft\n");
    const deeper = path.join(nested, "vendor", "deeper"); // a repository inside the nested one
    fs.mkdirSync(deeper, { recursive: true });
    userGit(deeper, ["init", "-q"]);
    fs.writeFileSync(path.join(deeper, "d.c"), "int d;\n");
    const gitDirs = [nested, empty, deeper].map((d) => hashDir(path.join(d, ".git")));
    const before = hashTree(w.ws);

    const store = await openGitStore(w);
    const cp = await store.checkpoint({ ...who, kind: "turn-start" });
    fs.writeFileSync(path.join(nested, "lib.ts"), "export const changed = 1;\n");
    fs.writeFileSync(path.join(empty, "draft.md"), "rewritten\n");
    fs.writeFileSync(path.join(deeper, "new.c"), "int n;\n");
    fs.writeFileSync(path.join(nested, "dist", "out.js"), "rebuilt\n");
    const changed = (await store.changes(cp.id, "worktree")).map((c) => c.path);
    assert.deepEqual(changed, ["empty-repo/draft.md", "libs/nested/lib.ts", "libs/nested/vendor/deeper/new.c"], "the nested repo's own .gitignore holds");
    await store.restore(cp.id, who);
    const after = hashTree(w.ws);
    after.set("libs/nested/dist/out.js", before.get("libs/nested/dist/out.js") ?? ""); // ignored: left as it is
    assert.deepEqual(after, before);
    assert.equal(fs.readFileSync(path.join(nested, "dist", "out.js"), "utf8"), "rebuilt\n");
    assert.deepEqual([nested, empty, deeper].map((d) => hashDir(path.join(d, ".git"))), gitDirs, "no nested .git was touched");
  });

  it("two chats taking checkpoints at once on one folder lose none and race on nothing", async () => {
    for (let i = 0; i < 200; i++) w.write(`f/${i}.txt`, `${i}\n`);
    const a = await openGitStore(w);
    const b = await openGitStore(w);
    const seed = await a.checkpoint({ sessionId: "sa", chatId: "A", kind: "turn-start" });
    const runs = await Promise.all([
      ...Array.from({ length: 8 }, (_, i) => a.checkpoint({ sessionId: "sa", chatId: "A", kind: i % 2 ? "turn-start" : "turn-end" })),
      ...Array.from({ length: 8 }, (_, i) => b.checkpoint({ sessionId: "sb", chatId: "B", kind: i % 2 ? "turn-start" : "turn-end" })),
    ]);
    for (const cp of runs) assert.deepEqual(await a.changes(seed.id, cp.id), [], "every checkpoint holds the same, complete tree");
    const state = JSON.parse(fs.readFileSync(path.join(path.dirname(a.folder), "stores", fs.readdirSync(w.storesRoot)[0], "state.json"), "utf8")) as { timeline: unknown[] };
    assert.equal(state.timeline.length, 17, "no timeline entry lost to a concurrent write");
    w.write("f/0.txt", "changed\n");
    const later = await b.checkpoint({ sessionId: "sb", kind: "turn-end" });
    assert.deepEqual((await a.changes(seed.id, later.id)).map((c) => c.path), ["f/0.txt"], "the shared capture index is still a correct cache");
    assert.ok(a instanceof GitCheckpointStore);
  });

  it("undoes a shell command that rewrote, deleted and created many files in one restore", async () => {
    for (let i = 0; i < 50; i++) w.write(`m/${i}.txt`, `${i}\n`);
    const store = await openGitStore(w);
    const before = hashTree(w.ws);
    const cp = await store.checkpoint({ ...who, kind: "turn-start" });
    sh(w.ws, "for f in m/*.txt; do echo rewritten > $f; done; rm -r m/1*.txt; mkdir -p m/sub && touch m/sub/x");
    const r = await store.restore(cp.id, who);
    assert.deepEqual(hashTree(w.ws), before);
    assert.equal(r.restored.length, 50);
    assert.deepEqual(r.deleted, ["m/sub/x"]);
  });
});
