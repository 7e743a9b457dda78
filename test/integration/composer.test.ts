// The composer's helpers against a real pi: the `/` list comes from pi's get_commands (a prompt
// template in the agent dir), images attached to a message reach the model, and the `@` file
// listing finds workspace files while skipping dependency and VCS folders.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { ChatRequestBody } from "../../src/demo/scriptedReplies";
import { FileSearch, listWorkspaceFiles } from "../../src/host/workspaceFiles";
import { assistantText, startPiFixture, waitFor, waitForStatus, type PiFixture } from "../support/piFixture";

/** A 1×1 PNG. */
const PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";

function imageUrls(body: ChatRequestBody): string[] {
  return (body.messages ?? []).flatMap((m) => (Array.isArray(m.content) ? m.content.flatMap((p) => (p.type === "image_url" && p.image_url ? [p.image_url.url] : [])) : []));
}

function write(root: string, rel: string, text = "x\n"): void {
  fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
  fs.writeFileSync(path.join(root, rel), text);
}

describe("composer helpers with a real pi", function () {
  this.timeout(60_000);
  let fx: PiFixture;
  beforeEach(async () => {
    fx = await startPiFixture();
  });
  afterEach(async () => {
    await fx.cleanup();
  });

  it("lists pi's commands (a prompt template from the agent dir), asked once per session", async () => {
    write(fx.agentDir, "prompts/review.md", "---\ndescription: Review staged git changes\n---\nReview the staged changes. Focus on ${1:-correctness}.\n");
    const s = fx.host.createChat({ cwd: fx.workspace });
    await waitForStatus(s, "ready");
    const commands = await s.commands();
    const review = commands.find((c) => c.name === "review");
    assert.deepEqual(review, { name: "review", description: "Review staged git changes", source: "prompt" });
    assert.ok(commands.every((c) => Object.keys(c).every((k) => ["name", "description", "source"].includes(k))), "only the fields the view needs");
    assert.equal(s.commands(), s.commands(), "cached: the composer asks on every `/`");
    await s.prompt("hello");
    await waitFor("the answer", () => assistantText(s.snapshot().items).includes("hello"));
    await waitForStatus(s, "ready");
    const before = s.commands();
    await s.history.fork((await s.history.forkPoints())[0].entryId);
    assert.notEqual(s.commands(), before, "asked again after the pi session changed");
    assert.ok((await s.commands()).some((c) => c.name === "review"));
    // The template runs through the normal prompt: pi expands it before the model sees it.
    await s.prompt("/review security");
    await waitFor("the expanded template at the model", () => fx.model.requests.some((r) => JSON.stringify(r.messages).includes("Focus on security")));
    await waitForStatus(s, "ready");
  });

  it("sends attached images with the prompt to the model", async () => {
    const s = fx.host.createChat({ cwd: fx.workspace });
    await waitForStatus(s, "ready");
    const first = fx.model.requests.length;
    await s.prompt("what is in this picture?", [{ type: "image", data: PNG, mimeType: "image/png" }]);
    await waitFor("the answer", () => assistantText(s.snapshot().items).includes("what is in this picture?"));
    const request = fx.model.requests.slice(first).find((r) => imageUrls(r).length);
    assert.ok(request, "a model request carried an image part");
    assert.deepEqual(imageUrls(request), [`data:image/png;base64,${PNG}`]);
    const user = s.snapshot().items.find((i) => i.kind === "user");
    assert.ok(user && user.kind === "user" && user.imageCount === 1, "the transcript shows 1 image");
    await waitForStatus(s, "ready");
  });

  it("lists workspace files for @, skipping node_modules and .git, without leaving the folder", async () => {
    const ws = fx.workspace;
    write(ws, "src/app.ts");
    write(ws, "src/lib/util.ts");
    write(ws, "README.md");
    write(ws, "node_modules/left-pad/index.js");
    write(ws, "packages/a/node_modules/dep/util.ts");
    write(ws, ".git/config");
    write(ws, ".github/workflows/ci.yml");
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), "pi-outside-"));
    write(outside, "secret.ts");
    fs.symlinkSync(outside, path.join(ws, "linked"));
    try {
      const all = await listWorkspaceFiles(ws);
      // Breadth first: each level's files before the next level's.
      assert.deepEqual(all, ["README.md", "src/app.ts", ".github/workflows/ci.yml", "src/lib/util.ts"]);
      assert.deepEqual(await listWorkspaceFiles(ws, { maxFiles: 2, maxDepth: 20 }), ["README.md", "src/app.ts"], "shallow files first when the cap cuts it short");
      assert.deepEqual(await listWorkspaceFiles(ws, { maxFiles: 100, maxDepth: 0 }), ["README.md"]);
      const search = new FileSearch();
      assert.deepEqual(await search.search(ws, "util"), ["src/lib/util.ts"]);
      assert.equal((await search.search(ws, "app"))[0], "src/app.ts");
      assert.deepEqual(await search.search(ws, "secret"), [], "a symbolic link out of the folder is not followed");
    } finally {
      fs.rmSync(outside, { recursive: true, force: true });
    }
  });
});
