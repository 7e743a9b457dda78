// What checkpoints through the real Chat must never do, and how they fail (issue 10): the
// user's own .git untouched by a dozen checkpoints; no git on PATH → the snapshot fallback and
// its notice, once; a store deleted or damaged between turns → a clear notice and the chat goes
// on; a rewind whose checkpoint is gone is refused with the reason; a path outside the folder in
// a review request is refused over HTTP like every other path.
import * as assert from "node:assert/strict";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import pino from "pino";
import type { Chat } from "../../src/host/chat/chat";
import { storeDirFor } from "../../src/host/checkpoints/shadowRepo";
import { diskEditor } from "../../src/host/review/fileEditor";
import { configFromEnv } from "../../src/server/config";
import { createPiServer, type PiServer } from "../../src/server/httpServer";
import { callOverHttp } from "../../webview/httpActions";
import { HttpClient } from "../../webview/httpClient";
import { assistantText, waitForStatus } from "../support/piFixture";
import { hashDir, userGit } from "./checkpointsFixture";
import { cards, notices, read, type ReviewWorld, script, startReviewWorld, turn, userEntry, write } from "./reviewFixture";

describe("checkpoints through the chat: safety and failures (real pi, real git)", function () {
  this.timeout(180_000);
  let w: ReviewWorld;
  let root: string;
  const chats: Chat[] = [];
  const chatIn = async (folder: string, env?: NodeJS.ProcessEnv) => {
    fs.mkdirSync(folder, { recursive: true });
    const chat = w.host.createChat({ cwd: folder, env });
    chats.push(chat);
    await waitForStatus(chat, "ready", 30_000);
    return chat;
  };

  before(async () => {
    w = await startReviewWorld();
    root = path.dirname(w.workspace);
  });
  after(async () => {
    await w?.cleanup();
  });

  /** What the user sees of their repository. --no-optional-locks: looking must not refresh the index either. */
  function userRepoState(dir: string) {
    const g = (args: string[]) => userGit(dir, ["--no-optional-locks", ...args]);
    return {
      status: g(["status", "--porcelain=v1", "--untracked-files=all"]),
      stash: g(["stash", "list"]),
      head: g(["rev-parse", "HEAD"]),
      index: createHash("sha256").update(fs.readFileSync(path.join(dir, ".git", "index"))).digest("hex"),
      dotGit: hashDir(path.join(dir, ".git")),
    };
  }

  it("the user's own .git is unchanged after a dozen checkpoints of real turns and a rewind", async () => {
    const repo = path.join(root, "repo");
    fs.mkdirSync(repo);
    userGit(repo, ["init", "-q", "-b", "main"]);
    write(repo, "tracked.txt", "v1\n");
    userGit(repo, ["add", "."]);
    userGit(repo, ["commit", "-qm", "one"]);
    write(repo, "tracked.txt", "v2 stashed\n");
    userGit(repo, ["stash", "-q"]);
    write(repo, "tracked.txt", "v3 staged\n");
    userGit(repo, ["add", "tracked.txt"]);
    write(repo, "untracked.txt", "u\n");
    const before = userRepoState(repo);
    const chat = await chatIn(repo);
    const first = script("repo turn 0", [{ name: "write", arguments: { path: "gen/0.txt", content: "0\n" } }]);
    await turn(chat, first);
    for (let i = 1; i < 6; i++) {
      await turn(chat, script(`repo turn ${i}`, [{ name: "edit", arguments: { path: "tracked.txt", edits: [{ oldText: i === 1 ? "v3 staged" : `pi ${i - 1}`, newText: `pi ${i}` }] } }]));
    }
    assert.equal(read(repo, "tracked.txt"), "pi 5\n");
    assert.equal(cards(chat).length, 6, "six runs, twelve checkpoints, six cards");
    await chat.rewind.rewind({ entryId: await userEntry(chat, first), mode: "files" }, diskEditor);
    assert.equal(read(repo, "tracked.txt"), "v3 staged\n");
    assert.ok(!fs.existsSync(path.join(repo, "gen")));
    assert.deepEqual(userRepoState(repo), before, "status, stash, HEAD, index and every file under .git as they were");
  });

  it("without git on PATH: the snapshot fallback, its notice once, and it restores what pi's tools wrote", async () => {
    const emptyBin = path.join(root, "empty-bin");
    fs.mkdirSync(emptyBin, { recursive: true });
    const folder = path.join(root, "nogit");
    const chat = await chatIn(folder, { PATH: emptyBin });
    write(folder, "keep.txt", "one two\n");
    const t1 = script("nogit one", [{ name: "write", arguments: { path: "made.txt", content: "by the write tool\n" } }]);
    await turn(chat, t1);
    await turn(chat, script("nogit two", [{ name: "edit", arguments: { path: "keep.txt", edits: [{ oldText: "two", newText: "TWO" }] } }]));
    const fallback = notices(chat).filter((n) => /^Checkpoints: Git was not found on PATH, so checkpoints cover only the files pi changes/.test(n.text));
    assert.equal(fallback.length, 1, "said once, not per turn");
    assert.match(fallback[0].text, /shell commands.*cannot be restored/);
    assert.deepEqual(cards(chat).map((c) => c.files.map((f) => f.path)), [["made.txt"], ["keep.txt"]]);
    await chat.rewind.rewind({ entryId: await userEntry(chat, t1), mode: "files" }, diskEditor);
    assert.equal(read(folder, "keep.txt"), "one two\n");
    assert.ok(!fs.existsSync(path.join(folder, "made.txt")));
  });

  it("a store deleted between turns: a clear notice, the chat goes on; a rewind to a lost checkpoint is refused with the reason", async () => {
    const chat = await chatIn(w.workspace);
    const t1 = script("before the loss", [{ name: "write", arguments: { path: "lost.txt", content: "1\n" } }]);
    await turn(chat, t1);
    fs.rmSync(storeDirFor(w.storesRoot, w.workspace), { recursive: true, force: true });
    await turn(chat, script("after the loss", [{ name: "write", arguments: { path: "found.txt", content: "2\n" } }]));
    assert.ok(notices(chat).some((n) => /checkpoint store of this folder was missing.*new one was started/.test(n.text)), JSON.stringify(notices(chat).map((n) => n.text)));
    assert.match(assistantText(chat.snapshot().items), /Tool finished/);
    assert.deepEqual(cards(chat).at(-1)?.files.map((f) => f.path), ["found.txt"], "the next turn has its card again");
    const entryId = await userEntry(chat, t1);
    const preview = await chat.rewind.preview(entryId, diskEditor);
    assert.equal(preview.files.available, false);
    assert.match(!preview.files.available ? preview.files.reason : "", /no checkpoint of that message is left: this folder's checkpoint store was started anew on .* because the store was missing/);
    const before = fs.readdirSync(w.workspace).sort();
    await assert.rejects(
      chat.rewind.rewind({ entryId, mode: "files" }, diskEditor),
      (e: Error) => /Cannot rewind the files: no checkpoint of that message is left/.test(e.message),
    );
    assert.deepEqual(fs.readdirSync(w.workspace).sort(), before, "refused: nothing touched");
  });

  it("a store damaged between turns: the rewind says so and touches nothing, the next message starts a new store and says so", async () => {
    const chat = chats.at(-1) as Chat;
    const t = script("before the damage", [{ name: "write", arguments: { path: "damaged.txt", content: "d\n" } }]);
    await turn(chat, t);
    const packs = path.join(storeDirFor(w.storesRoot, w.workspace), "git", "objects", "pack");
    for (const p of fs.readdirSync(packs).filter((f) => f.endsWith(".pack"))) {
      const file = path.join(packs, p);
      fs.chmodSync(file, 0o644);
      fs.writeFileSync(file, fs.readFileSync(file).subarray(0, 40));
    }
    write(w.workspace, "damaged.txt", "changed after\n");
    await assert.rejects(chat.rewind.rewind({ entryId: await userEntry(chat, t), mode: "files", overwrite: true }, diskEditor), /damaged/);
    assert.equal(read(w.workspace, "damaged.txt"), "changed after\n", "nothing restored half-way");
    await turn(chat, "hello after the damage");
    assert.ok(notices(chat).some((n) => /was damaged.*new one was started/.test(n.text)), JSON.stringify(notices(chat).map((n) => n.text)));
    assert.match(assistantText(chat.snapshot().items), /You said: \*\*hello after the damage\*\*/);
  });

  describe("over HTTP", () => {
    let server: PiServer;
    let http: HttpClient;
    before(async () => {
      const config = configFromEnv({}, { port: 0, host: "127.0.0.1", dataDir: path.join(root, "server-data") });
      server = createPiServer({ host: w.host, workspace: w.workspace, config, log: pino({ level: "silent" }) });
      http = new HttpClient(`${await server.listen()}/api/v1`);
    });
    after(async () => {
      await server?.close();
    });

    it("refuses ../, absolute, symlinked-out and .git paths in every review request (the outside file stays as it was)", async () => {
      const chat = chats.find((c) => c.cwd === w.workspace) as Chat;
      await turn(chat, script("a turn to attack", [{ name: "write", arguments: { path: "target.txt", content: "t\n" } }]));
      const { turnId } = cards(chat).at(-1) ?? assert.fail("a card");
      write(root, "outside/secret.txt", "secret\n");
      fs.symlinkSync(path.join(root, "outside"), path.join(w.workspace, "link-out"));
      const attacks = ["../outside/secret.txt", path.join(root, "outside", "secret.txt"), "link-out/secret.txt", ".git/config", "sub/../../outside/secret.txt"];
      for (const p of attacks) {
        for (const call of [
          () => callOverHttp(http, "fileDiff", { turnId, path: p }, chat.id),
          () => callOverHttp(http, "revertFile", { turnId, path: p, overwrite: true }, chat.id),
          () => callOverHttp(http, "keepFile", { turnId, path: p }, chat.id),
          () => callOverHttp(http, "revertHunk", { turnId, path: p, hunkId: "x" }, chat.id),
        ]) {
          await assert.rejects(call(), (e: Error & { status?: number; code?: string }) => e.status === 400 && /Rejected path/.test(e.message) || assert.fail(`${p}: ${e.status} ${e.message}`));
        }
      }
      assert.equal(read(root, "outside/secret.txt"), "secret\n");
      // A turn id that is not one of this store's turns is refused too.
      await assert.rejects(callOverHttp(http, "fileDiff", { turnId: "../../etc", path: "a.txt" }, chat.id), (e: Error & { status?: number }) => e.status === 404);
    });
  });
});
