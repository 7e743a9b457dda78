// The composer's pure parts: image validation (the host's and the view's), the fuzzy file
// matcher, the `/` and `@` triggers, and the text "Add Selection" and "Add problems" produce.
import * as assert from "node:assert/strict";
import * as path from "node:path";
import { mentionOf, problemsList, selectionBlock, MAX_PROBLEMS } from "../../src/host/draftText";
import { fuzzyFilter, fuzzyScore } from "../../src/host/fuzzyMatch";
import { base64Length, imageProblem, MAX_IMAGE_BYTES, MAX_IMAGES } from "../../src/protocol/images";
import { ActionError } from "../../src/protocol/actionError";
import { checkParams } from "../../src/protocol/checkParams";
import { applyPick, filterCommands, triggerAt } from "../../webview/completion";

const PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";
const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46, 0x49, 0x46, 0, 1]).toString("base64");
const GIF = Buffer.from("GIF89a\x01\x00\x01\x00\x00\x00\x00", "latin1").toString("base64");
const WEBP = Buffer.from("RIFF\x24\x00\x00\x00WEBPVP8 ", "latin1").toString("base64");
const png = (data = PNG) => ({ type: "image", data, mimeType: "image/png" });

describe("prompt images validation", () => {
  const prompt = (images: unknown) => checkParams("prompt", { text: "look", images });
  it("accepts each allowed kind", () => {
    const images = [png(), { type: "image", data: JPEG, mimeType: "image/jpeg" }, { type: "image", data: GIF, mimeType: "image/gif" }, { type: "image", data: WEBP, mimeType: "image/webp" }];
    assert.deepEqual(prompt(images).images, images);
    assert.deepEqual(checkParams("prompt", { text: "look", images: [] }), { text: "look", images: [] }, "an empty list is allowed (no images reach pi)");
  });

  const refuse = (images: unknown, pattern?: RegExp) =>
    assert.throws(
      () => prompt(images),
      (e: unknown) => e instanceof ActionError && e.code === "invalid_params" && (!pattern || pattern.test(e.message)),
    );

  it("refuses unknown fields, on the message and on an image", () => {
    refuse([{ ...png(), name: "shot.png" }], /additional properties/);
    assert.throws(() => checkParams("prompt", { text: "look", extra: 1 }), /additional properties/);
  });

  it("refuses a mime type outside the allowlist", () => {
    for (const mimeType of ["image/svg+xml", "image/bmp", "text/html", "IMAGE/PNG", "", undefined]) refuse([{ ...png(), mimeType }]);
  });

  it("refuses data that is not plain base64", () => {
    for (const data of [`data:image/png;base64,${PNG}`, `${PNG.slice(0, 40)}\n${PNG.slice(40)}`, PNG.slice(1), `${PNG.slice(0, -4)}!!!!`, "====", `${PNG.slice(0, -2)}=A`]) {
      refuse([png(data)], /not base64/);
    }
    refuse([png("")]);
    refuse([{ ...png(), data: 42 }]);
  });

  it("refuses data that is not the image it claims to be", () => {
    refuse([{ type: "image", data: JPEG, mimeType: "image/png" }], /not a image\/png image/);
    refuse([{ type: "image", data: Buffer.from("<svg xmlns='http://www.w3.org/2000/svg'/>").toString("base64"), mimeType: "image/webp" }], /not a image\/webp image/);
  });

  it("refuses an image over 5 MB, before and after decoding", () => {
    refuse([png("A".repeat(base64Length(MAX_IMAGE_BYTES) + 4))], /larger than 5 MB/);
    const oneByteOver = Buffer.concat([Buffer.from(PNG, "base64"), Buffer.alloc(MAX_IMAGE_BYTES + 1 - Buffer.from(PNG, "base64").length)]).toString("base64");
    assert.ok(oneByteOver.length <= base64Length(MAX_IMAGE_BYTES), "passes the cheap length check");
    refuse([png(oneByteOver)], /larger than 5 MB/);
    const atTheLimit = Buffer.concat([Buffer.from(PNG, "base64"), Buffer.alloc(MAX_IMAGE_BYTES - Buffer.from(PNG, "base64").length)]).toString("base64");
    assert.equal(imageProblem(png(atTheLimit)), undefined, "exactly 5 MB is fine");
  });

  it("refuses more than 4 images, and anything but a list of image objects", () => {
    refuse(Array(MAX_IMAGES + 1).fill(png()));
    assert.equal(prompt(Array(MAX_IMAGES).fill(png())).images?.length, MAX_IMAGES);
    refuse(png());
    refuse("x");
    refuse([null]);
    refuse([png(), { ...png(), type: "text" }]);
    refuse([png("nope")], /image 1/);
  });

  it("checks the @ query", () => {
    assert.deepEqual(checkParams("findFiles", { query: "" }), { query: "" });
    assert.throws(() => checkParams("findFiles", { query: "x".repeat(301) }), ActionError);
    assert.throws(() => checkParams("findFiles", { query: "a\0b" }), ActionError);
    assert.throws(() => checkParams("findFiles", {}), ActionError);
  });
});

describe("fuzzy file matching", () => {
  const files = ["README.md", "src/host/chatSession.ts", "src/host/sessionHost.ts", "src/vscode/chatRouter.ts", "test/unit/chatSession.test.ts", "webview/components/Composer.tsx", "docs/sessions.md"];

  it("needs every query character in order, ignoring case", () => {
    assert.equal(fuzzyScore("xyz", "src/host/chatSession.ts"), undefined);
    assert.ok(fuzzyScore("CHSE", "src/host/chatSession.ts") !== undefined);
    assert.deepEqual(fuzzyFilter("zzz", files), []);
  });

  it("ranks file-name matches, word starts and shorter paths first", () => {
    assert.equal(fuzzyFilter("chatsession", files)[0], "src/host/chatSession.ts");
    assert.equal(fuzzyFilter("cs", files)[0], "src/host/chatSession.ts", "c(hat)S(ession): word starts");
    assert.equal(fuzzyFilter("comp", files)[0], "webview/components/Composer.tsx");
    assert.equal(fuzzyFilter("vscode/", files)[0], "src/vscode/chatRouter.ts", "a slash searches the path");
    assert.deepEqual(fuzzyFilter("sessionhost", files).slice(0, 1), ["src/host/sessionHost.ts"]);
  });

  it("lists the shallowest paths first for an empty query, and honours the limit", () => {
    assert.deepEqual(fuzzyFilter("", files, 2), ["README.md", "docs/sessions.md"]);
    const many = Array.from({ length: 500 }, (_, i) => `dir/file${i}.ts`);
    assert.equal(fuzzyFilter("file", many).length, 50);
  });
});

describe("composer triggers", () => {
  it("`/` only at the start of the message, `@` at the start of a word", () => {
    assert.deepEqual(triggerAt("/rev", 4), { kind: "command", query: "rev", start: 0 });
    assert.equal(triggerAt("/review now", 11), undefined, "past the command word");
    assert.equal(triggerAt("see /rev", 8), undefined);
    assert.deepEqual(triggerAt("look at @src/ap", 15), { kind: "file", query: "src/ap", start: 8 });
    assert.deepEqual(triggerAt("@", 1), { kind: "file", query: "", start: 0 });
    assert.equal(triggerAt("me@example.com", 14), undefined, "an e-mail address is not a mention");
    assert.deepEqual(triggerAt("a @x b", 4), { kind: "file", query: "x", start: 2 }, "the caret decides, not the end of the text");
  });

  it("a pick replaces the whole word and leaves the caret after one space", () => {
    assert.deepEqual(applyPick("/re", { kind: "command", query: "re", start: 0 }, 3, "/review"), { text: "/review ", caret: 8 });
    assert.deepEqual(applyPick("see @sr please", { kind: "file", query: "s", start: 4 }, 6, "@src/a.ts"), { text: "see @src/a.ts please", caret: 14 });
  });

  it("filters commands: name prefix first, then name or description containing the query", () => {
    const commands = [
      { name: "review", source: "prompt" as const },
      { name: "pr-review", source: "prompt" as const },
      { name: "deploy", description: "Release a new version", source: "extension" as const },
    ];
    assert.deepEqual(filterCommands(commands, "re").map((c) => c.name), ["review", "deploy", "pr-review"]);
    assert.deepEqual(filterCommands(commands, "").map((c) => c.name), ["deploy", "pr-review", "review"]);
  });
});

describe("text added to the draft", () => {
  it("mentions a file relative to the chat's folder, absolute outside it, quoted with spaces", () => {
    const root = path.resolve("/ws");
    assert.equal(mentionOf(root, path.join(root, "src", "a.ts")), "@src/a.ts");
    assert.equal(mentionOf(root, path.join(root, "my docs", "a.md")), '@"my docs/a.md"');
    assert.equal(mentionOf(root, path.resolve("/elsewhere/b.ts")), `@${path.resolve("/elsewhere/b.ts")}`);
    assert.equal(mentionOf(undefined, path.resolve("/x.ts")), `@${path.resolve("/x.ts")}`);
  });

  it("puts a selection in a fence no backtick run inside can close", () => {
    assert.equal(
      selectionBlock({ mention: "@src/a.ts", startLine: 3, endLine: 4, languageId: "typescript", text: "const a = 1;\r\nconst b = 2;\n" }),
      "@src/a.ts:3-4\n```typescript\nconst a = 1;\nconst b = 2;\n```\n",
    );
    assert.equal(selectionBlock({ mention: "@README.md", startLine: 7, endLine: 7, languageId: "markdown", text: "```js\nx\n```" }), "@README.md:7\n````markdown\n```js\nx\n```\n````\n");
    assert.equal(selectionBlock({ mention: "@a.txt", startLine: 1, endLine: 1, languageId: "plaintext", text: "hi" }), "@a.txt:1\n```\nhi\n```\n");
  });

  it("lists problems worst first, one line each, and caps the list", () => {
    const text = problemsList("@src/a.ts", [
      { line: 9, column: 1, severity: "warning", message: "Unused 'y'.", source: "eslint", code: "no-unused-vars" },
      { line: 3, column: 7, severity: "error", message: "Cannot find name 'x'.\n  Did you mean 'y'?", source: "ts", code: "2304" },
    ]);
    assert.equal(text, "Problems in @src/a.ts:\n- 3:7 error: Cannot find name 'x'. Did you mean 'y'? (ts 2304)\n- 9:1 warning: Unused 'y'. (eslint no-unused-vars)\n");
    const many = Array.from({ length: MAX_PROBLEMS + 5 }, (_, i) => ({ line: i + 1, column: 1, severity: "info" as const, message: `m${i}` }));
    const lines = problemsList("@b.ts", many).trim().split("\n");
    assert.equal(lines.length, MAX_PROBLEMS + 2);
    assert.equal(lines[lines.length - 1], "- … and 5 more");
  });
});
