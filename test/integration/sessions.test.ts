// Past sessions with a real pi: listing pi's files, resume, new, fork, rename, export.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import { listPiSessions } from "../../src/host/piSessionFiles";
import { assistantText, startPiFixture, waitFor, waitForStatus, type PiFixture } from "../support/piFixture";

describe("past sessions with a real pi", function () {
  this.timeout(60_000);
  let fx: PiFixture;
  beforeEach(async () => {
    fx = await startPiFixture();
  });
  afterEach(async () => {
    await fx.cleanup();
  });

  async function chat(text: string) {
    const s = fx.host.createChat({ cwd: fx.workspace });
    await waitForStatus(s, "ready");
    await s.prompt(text);
    await waitFor("the answer", () => assistantText(s.snapshot().items).includes(text));
    await waitForStatus(s, "ready");
    return s;
  }

  it("lists this folder's sessions newest first with their first message, and resumes one", async () => {
    const first = await chat("first topic");
    const firstFile = first.piSessionFile as string;
    await new Promise((r) => setTimeout(r, 20));
    const second = await chat("second topic");
    const listed = listPiSessions(fx.agentDir, fx.workspace);
    assert.deepEqual(
      listed.map((s) => s.title),
      ["second topic", "first topic"],
    );
    assert.equal(listed[1].file, firstFile);
    assert.deepEqual(listPiSessions(fx.agentDir, "/some/other/folder"), [], "other folders' sessions are not listed");

    await second.history.resume(firstFile);
    assert.equal(second.piSessionFile, firstFile);
    const text = assistantText(second.snapshot().items);
    assert.ok(text.includes("first topic") && !text.includes("second topic"), "the view shows the resumed transcript");
    await second.prompt("continuing");
    await waitFor("the answer", () => assistantText(second.snapshot().items).includes("continuing"));
  });

  it("forks from an earlier user message, renames, exports HTML, and resumes only its own files", async () => {
    const s = await chat("alpha");
    await s.prompt("beta");
    await waitFor("beta", () => assistantText(s.snapshot().items).includes("beta"));
    await waitForStatus(s, "ready");
    const points = await s.history.forkPoints();
    assert.deepEqual(points.map((p) => p.text), ["alpha", "beta"]);
    const original = s.piSessionFile;
    const text = await s.history.fork(points[1].entryId);
    assert.equal(text, "beta", "the forked message comes back for editing");
    assert.notEqual(s.piSessionFile, original, "a fork is a new session file");
    const shown = assistantText(s.snapshot().items);
    assert.ok(shown.includes("alpha") && !shown.includes("beta"), "history up to the fork point");

    await s.settings.rename("My renamed chat");
    assert.equal(s.info.title, "My renamed chat");
    await waitFor("the name in the list", () => listPiSessions(fx.agentDir, fx.workspace).find((p) => p.title === "My renamed chat"));

    const html = await s.history.exportHtml(`${fx.workspace}/export.html`);
    assert.ok(fs.readFileSync(html, "utf8").includes("alpha"));

    await assert.rejects(s.history.resume("/etc/passwd"), /not a pi session of this folder/, "only the folder's own pi session files");
  });

  // pi exports SessionManager.list, but loading pi's index costs ~3 s and ~80 MB in the
  // extension host, so we read the files ourselves — and this test pins our reader to pi's own:
  // a pi upgrade that changes the on-disk format fails here, not silently in the menu.
  it("lists exactly what pi's own SessionManager.list lists (files, titles, names)", async () => {
    const a = await chat("first topic");
    const b = await chat("second topic");
    // Past the head our reader reads first: a name given late in a long chat must still show.
    await b.prompt(`long ${"word ".repeat(15_000)}`);
    await waitFor("the long answer", () => assistantText(b.snapshot().items).includes("long word"));
    await waitForStatus(b, "ready");
    await b.settings.rename("Renamed later");
    await b.prompt("a later message after the rename");
    await waitFor("the answer", () => assistantText(b.snapshot().items).includes("after the rename"));
    await waitForStatus(b, "ready");
    const saved = process.env.PI_CODING_AGENT_DIR;
    process.env.PI_CODING_AGENT_DIR = fx.agentDir;
    try {
      const { SessionManager } = await import("@earendil-works/pi-coding-agent");
      const theirs = await SessionManager.list(fx.workspace);
      const ours = listPiSessions(fx.agentDir, fx.workspace);
      assert.equal(ours.length, 2);
      assert.deepEqual(
        ours.map((s) => s.file).sort(),
        theirs.map((s) => s.path).sort(),
        "the same files",
      );
      for (const session of ours) {
        const t = theirs.find((x) => x.path === session.file);
        assert.equal(session.id, t?.id);
        assert.equal(session.title, t?.name ?? t?.firstMessage, `title of ${session.file}`);
      }
      assert.ok([a.piSessionFile, b.piSessionFile].every((f) => ours.some((s) => s.file === f)));
    } finally {
      process.env.PI_CODING_AGENT_DIR = saved;
    }
  });
});
