// The browser's composer over the REST API: prompts with images (checked like the webview's,
// with room in the body limit), pi's commands for `/`, and the workspace files for `@`.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { MAX_IMAGE_BYTES } from "../../src/protocol/images";
import { waitFor } from "../support/piFixture";
import { createReadyChat, errorCode, request, startServerFixture, type ServerFixture } from "./support";

const PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";
const png = (data = PNG) => ({ type: "image", data, mimeType: "image/png" });

describe("server: composer API", function () {
  this.timeout(90_000);
  let f: ServerFixture;
  let id: string;
  before(async () => {
    f = await startServerFixture();
    fs.mkdirSync(path.join(f.fx.agentDir, "prompts"), { recursive: true });
    fs.writeFileSync(path.join(f.fx.agentDir, "prompts", "review.md"), "---\ndescription: Review staged git changes\n---\nReview the staged changes.\n");
    fs.mkdirSync(path.join(f.fx.workspace, "src"), { recursive: true });
    fs.writeFileSync(path.join(f.fx.workspace, "src", "app.ts"), "export {};\n");
    fs.mkdirSync(path.join(f.fx.workspace, "node_modules", "dep"), { recursive: true });
    fs.writeFileSync(path.join(f.fx.workspace, "node_modules", "dep", "app.js"), "\n");
    id = await createReadyChat(f);
  });
  after(async () => {
    await f?.cleanup();
  });

  it("POST /prompt carries images to pi, larger than the default body limit", async () => {
    const big = Buffer.concat([Buffer.from(PNG, "base64"), Buffer.alloc(2 * 1024 * 1024)]).toString("base64");
    assert.ok(big.length > f.config.bodyLimitBytes);
    const first = f.fx.model.requests.length;
    const r = await request(f.port, `/api/v1/chats/${id}/prompt`, { method: "POST", body: { text: "two pictures", images: [png(), png(big)] } });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json, {});
    await waitFor("the model request with the images", () =>
      f.fx.model.requests.slice(first).some((b) => JSON.stringify(b.messages).split("data:image/png;base64,").length === 3),
    );
    await waitFor("the chat to settle", () => f.fx.host.get(id)?.status === "ready", 30_000);
  });

  it("refuses bad images with 400 and says why", async () => {
    const p = `/api/v1/chats/${id}/prompt`;
    const cases: Array<[unknown, RegExp]> = [
      [[{ ...png(), mimeType: "image/svg+xml" }], /mimeType/],
      [[png("not base64!")], /not base64/],
      [[png("A".repeat(Math.ceil(MAX_IMAGE_BYTES / 3) * 4 + 4))], /larger than 5 MB/],
      [Array(5).fill(png()), /images must not have more than 4 items/],
      ["image", /images must be array/],
    ];
    for (const [images, why] of cases) {
      const r = await request(f.port, p, { method: "POST", body: { text: "look", images } });
      assert.equal(r.status, 400, JSON.stringify(images).slice(0, 80));
      assert.equal(errorCode(r), "invalid_params");
      assert.match((r.json as { error: { message: string } }).error.message, why);
    }
    const steer = await request(f.port, `/api/v1/chats/${id}/steer`, { method: "POST", body: { text: "look", images: [png("@@@@")] } });
    assert.equal(steer.status, 400, "steer checks images too");
    assert.match((steer.json as { error: { message: string } }).error.message, /not base64/);
    const followUp = await request(f.port, `/api/v1/chats/${id}/follow-up`, { method: "POST", body: { text: "look", images: [png("@@@@")] } });
    assert.equal(followUp.status, 400, "follow-up checks images too");
  });

  it("GET /commands lists pi's commands; GET /files finds workspace files", async () => {
    const commands = await request(f.port, `/api/v1/chats/${id}/commands`);
    assert.equal(commands.status, 200);
    assert.ok((commands.json as { commands: Array<{ name: string; source: string }> }).commands.some((c) => c.name === "review" && c.source === "prompt"));
    const files = await request(f.port, `/api/v1/chats/${id}/files?query=app`);
    assert.equal(files.status, 200);
    assert.deepEqual(files.json, { files: ["src/app.ts"] }, "node_modules is skipped");
    const tooLong = await request(f.port, `/api/v1/chats/${id}/files?query=${"x".repeat(301)}`);
    assert.equal(tooLong.status, 400);
    assert.equal(errorCode(tooLong), "invalid_params");
    assert.equal(errorCode(await request(f.port, `/api/v1/chats/${id}/files?q=app`)), "invalid_params", "the old ?q= is an unknown parameter");
    assert.equal((await request(f.port, `/api/v1/chats/nope/files?query=a`)).status, 404);
  });
});
