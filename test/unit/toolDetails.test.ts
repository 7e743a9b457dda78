// Tool card details: what the host reads out of pi's tool events and history (shapes recorded
// from pi 0.87.1 with the scripted model), the diffs it computes, the guard's snapshot files,
// the views' open-file/open-diff requests and the card's text helpers.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { ExtensionContext, ToolCallEvent, ToolResultEvent } from "@earendil-works/pi-coding-agent";
import { bashExitCode, editReplacements, endDetails, startDetails } from "../../src/host/toolDetails";
import { ToolSnapshots, type SnapshotPair } from "../../src/host/toolSnapshots";
import { TranscriptBuilder } from "../../src/host/transcriptBuilder";
import { capDiff, unifiedDiff } from "../../src/host/unifiedDiff";
import { resolveWorkspaceFile } from "../../src/host/workspaceFile";
import type { PiEvent } from "../../src/pi/rpcTypes";
import { ABSENT_MARKER, decodeSnapshot, MAX_SNAPSHOT_BYTES, snapshotKey, snapshotPath, TOO_LARGE_MARKER } from "../../src/piGuard/snapshotFormat";
import { createSnapshotter } from "../../src/piGuard/snapshots";
import { ActionError } from "../../src/protocol/actionError";
import { checkParams } from "../../src/protocol/checkParams";
import { applyPatch, emptyState, type ChatPatch, type ToolItem } from "../../src/protocol/transcript";
import { diffLines, diffStats } from "../../webview/diffText";
import { durationText, lineRangeText } from "../../webview/toolCardText";

const ev = (e: Record<string, unknown>) => e as unknown as PiEvent;

// Recorded from pi 0.87.1 (tool_execution_* events of `write`, `edit`, `bash`, `read`).
const EDIT_PATCH = "--- a.txt\n+++ a.txt\n@@ -1,1 +1,1 @@\n-one 2 three\n+one TWO three\n";
const recorded = {
  writeStart: { type: "tool_execution_start", toolCallId: "call_1", toolName: "write", args: { path: "a.txt", content: "one 2 three\n" } },
  writeEnd: { type: "tool_execution_end", toolCallId: "call_1", toolName: "write", result: { content: [{ type: "text", text: "Successfully wrote to a.txt" }] }, isError: false },
  editStart: { type: "tool_execution_start", toolCallId: "call_2", toolName: "edit", args: { path: "a.txt", edits: [{ oldText: "2", newText: "TWO" }] } },
  editEnd: {
    type: "tool_execution_end",
    toolCallId: "call_2",
    toolName: "edit",
    result: { content: [{ type: "text", text: "Successfully replaced 1 block(s) in a.txt." }], details: { diff: "-1 one 2 three\n+1 one TWO three", patch: EDIT_PATCH, firstChangedLine: 1 } },
    isError: false,
  },
  bashStart: { type: "tool_execution_start", toolCallId: "call_3", toolName: "bash", args: { command: "echo hi; exit 3" } },
  bashUpdate: { type: "tool_execution_update", toolCallId: "call_3", toolName: "bash", args: { command: "echo hi; exit 3" }, partialResult: { content: [{ type: "text", text: "hi\n" }], details: {} } },
  bashEnd: { type: "tool_execution_end", toolCallId: "call_3", toolName: "bash", result: { content: [{ type: "text", text: "hi\n\n\nCommand exited with code 3" }], details: {} }, isError: true },
  readStart: { type: "tool_execution_start", toolCallId: "call_4", toolName: "read", args: { path: "a.txt", offset: 10, limit: 20 } },
  readEnd: { type: "tool_execution_end", toolCallId: "call_4", toolName: "read", result: { content: [{ type: "text", text: "one TWO three\n" }] }, isError: false },
};

const text = (t: string) => ({ kind: "text" as const, text: t });
const pairOf = (before: string, after: string): SnapshotPair => ({ before: text(before), after: text(after) });

describe("tool details", () => {
  describe("from arguments and results", () => {
    it("reads what each tool's arguments say at start", () => {
      assert.deepEqual(startDetails("bash", recorded.bashStart.args), { command: "echo hi; exit 3" });
      assert.deepEqual(startDetails("read", recorded.readStart.args), { path: "a.txt", offset: 10, limit: 20 });
      assert.deepEqual(startDetails("read", { path: "a.txt" }), { path: "a.txt" });
      assert.deepEqual(startDetails("write", recorded.writeStart.args), { path: "a.txt" });
      assert.deepEqual(startDetails("edit", recorded.editStart.args), { path: "a.txt" });
      assert.equal(startDetails("ls", { path: "." }), undefined, "other tools have no details");
      assert.equal(startDetails("bash", { command: 42 }), undefined, "a malformed argument is ignored");
      assert.equal(startDetails("read", "not an object"), undefined);
    });

    it("takes bash's exit code from success, from pi's failure text, or not at all", () => {
      assert.equal(bashExitCode({ content: [{ type: "text", text: "(no output)" }] }, false), 0);
      assert.equal(bashExitCode(recorded.bashEnd.result, true), 3);
      assert.equal(bashExitCode({ content: [{ type: "text", text: "out\n\nCommand timed out after 5 seconds" }], details: {} }, true), undefined);
      assert.equal(bashExitCode({ content: [{ type: "text", text: "Command aborted" }] }, true), undefined);
      assert.equal(bashExitCode({ content: [{ type: "text", text: "The user denied running: rm -rf /" }] }, true), undefined);
      assert.equal(bashExitCode({ content: [], details: { exitCode: 7 } }, true), 7, "an exit code in details wins");
    });

    it("bash: command, exit code and duration", () => {
      assert.deepEqual(endDetails({ name: "bash", args: recorded.bashStart.args, result: recorded.bashEnd.result, isError: true, durationMs: 63 }), {
        command: "echo hi; exit 3",
        exitCode: 3,
        durationMs: 63,
      });
    });

    it("edit: pi's own unified patch (not its line-numbered display diff)", () => {
      const d = endDetails({ name: "edit", args: recorded.editStart.args, result: recorded.editEnd.result, isError: false, snapshots: pairOf("x", "y") });
      assert.deepEqual(d, { path: "a.txt", diff: EDIT_PATCH, snapshot: true });
    });

    it("edit without pi's patch: from the snapshots, else from the replacements", () => {
      const fromSnapshots = endDetails({ name: "edit", args: recorded.editStart.args, result: { content: [] }, isError: false, snapshots: pairOf("a\none 2 three\nc\n", "a\none TWO three\nc\n") });
      assert.match(fromSnapshots?.diff ?? "", /@@ -1,3 \+1,3 @@\n a\n-one 2 three\n\+one TWO three\n c\n/);
      const fromArgs = endDetails({ name: "edit", args: { path: "a.txt", oldText: "old line", newText: "new line" }, result: { content: [] }, isError: false });
      assert.match(fromArgs?.diff ?? "", /^--- a\.txt\n\+\+\+ a\.txt\n@@ .* @@\n-old line\n(\\ No newline at end of file\n)?\+new line/);
      assert.equal(fromArgs?.snapshot, undefined, "no snapshots: no Open diff");
    });

    it("edit's replacements in every shape pi accepts", () => {
      const one = { oldText: "a", newText: "b" };
      assert.deepEqual(editReplacements({ edits: [one] }), [one]);
      assert.deepEqual(editReplacements({ edits: JSON.stringify([one]) }), [one]);
      assert.deepEqual(editReplacements({ edits: one }), [one]);
      assert.deepEqual(editReplacements({ oldText: "a", newText: "b" }), [one]);
      assert.deepEqual(editReplacements({ edits: [{ oldText: 1 }, one, null] }), [one]);
      const args = { edits: [one], oldText: "c", newText: "d" };
      assert.equal(editReplacements(args).length, 2);
      assert.equal(args.edits.length, 1, "the arguments are not modified");
    });

    it("write: the diff of the before and after images", () => {
      const d = endDetails({ name: "write", args: recorded.writeStart.args, result: recorded.writeEnd.result, isError: false, snapshots: pairOf("one\ntwo\nthree\n", "one 2 three\n") });
      assert.deepEqual(d, { path: "a.txt", diff: "--- a.txt\n+++ a.txt\n@@ -1,3 +1,1 @@\n-one\n-two\n-three\n+one 2 three\n", snapshot: true });
    });

    it("write of a new file: every line added", () => {
      const d = endDetails({ name: "write", args: { path: "new.txt", content: "x\ny\n" }, result: {}, isError: false, snapshots: { before: { kind: "absent" }, after: text("x\ny\n") } });
      assert.equal(d?.diff, "--- new.txt\n+++ new.txt\n@@ -0,0 +1,2 @@\n+x\n+y\n");
    });

    it("write without usable images, or that failed: no diff", () => {
      assert.deepEqual(endDetails({ name: "write", args: { path: "big.bin" }, result: {}, isError: false, snapshots: { before: { kind: "tooLarge" }, after: text("x") } }), { path: "big.bin", snapshot: true });
      assert.deepEqual(endDetails({ name: "write", args: { path: "b" }, result: {}, isError: false, snapshots: { before: { kind: "binary" }, after: text("x") } }), { path: "b", snapshot: true });
      assert.deepEqual(endDetails({ name: "write", args: { path: "a.txt" }, result: {}, isError: false }), { path: "a.txt" }, "no snapshots (history of an older chat)");
      assert.deepEqual(endDetails({ name: "write", args: { path: "a.txt" }, result: {}, isError: true, snapshots: pairOf("a", "a") }), { path: "a.txt" });
    });

    it("read: path and range; other tools: nothing", () => {
      assert.deepEqual(endDetails({ name: "read", args: recorded.readStart.args, result: recorded.readEnd.result, isError: false }), { path: "a.txt", offset: 10, limit: 20 });
      assert.equal(endDetails({ name: "grep", args: { pattern: "x" }, result: {}, isError: false }), undefined);
    });
  });

  describe("diffs", () => {
    it("unifiedDiff gives a header and hunks with 4 lines of context", () => {
      const before = `${Array.from({ length: 20 }, (_, i) => `line ${i + 1}`).join("\n")}\n`;
      const after = before.replace("line 10\n", "line ten\n");
      const d = unifiedDiff("f.txt", before, after);
      assert.equal(d?.truncated, false);
      assert.equal(d?.diff, "--- f.txt\n+++ f.txt\n@@ -6,9 +6,9 @@\n line 6\n line 7\n line 8\n line 9\n-line 10\n+line ten\n line 11\n line 12\n line 13\n line 14\n");
    });

    it("capDiff cuts a long diff at a line boundary", () => {
      const long = `@@ -1 +1 @@\n${"+abcdefghi\n".repeat(100)}`;
      const capped = capDiff(long, 105);
      assert.equal(capped.truncated, true);
      assert.ok(capped.diff.length <= 105 && capped.diff.endsWith("\n"));
      assert.deepEqual(capDiff("short\n", 105), { diff: "short\n", truncated: false });
    });
  });

  describe("transcript builder", () => {
    function run(events: Array<Record<string, unknown>>, pairs: Record<string, SnapshotPair> = {}) {
      const patches: ChatPatch[] = [];
      const b = new TranscriptBuilder((p) => patches.push(p), { pair: (id) => pairs[id] });
      events.forEach((e) => b.handleEvent(ev(e)));
      const tool = (id: string) => b.state.items.find((i): i is ToolItem => i.kind === "tool" && i.id === id);
      return { b, patches, tool };
    }

    it("live: start details with the card, the complete details once with the finish patch", () => {
      const { patches, tool } = run(
        [recorded.writeStart, recorded.writeEnd, recorded.editStart, recorded.editEnd, recorded.bashStart, recorded.bashUpdate, recorded.bashEnd, recorded.readStart, recorded.readEnd],
        { call_1: pairOf("one\ntwo\nthree\n", "one 2 three\n"), call_2: pairOf("one 2 three\n", "one TWO three\n") },
      );
      const add = patches.find((p) => p.op === "add" && p.item.id === "call_3");
      assert.ok(add?.op === "add" && add.item.kind === "tool");
      assert.deepEqual(add.item.details, { command: "echo hi; exit 3" }, "the command shows while it runs");
      const bash = tool("call_3");
      assert.equal(bash?.details?.exitCode, 3);
      assert.equal(typeof bash?.details?.durationMs, "number");
      assert.ok((bash?.details?.durationMs ?? -1) >= 0);
      assert.equal(bash?.status, "error");
      assert.match(tool("call_1")?.details?.diff ?? "", /-two\n-three\n\+one 2 three/);
      assert.equal(tool("call_1")?.details?.snapshot, true);
      assert.equal(tool("call_2")?.details?.diff, EDIT_PATCH);
      assert.deepEqual(tool("call_4")?.details, { path: "a.txt", offset: 10, limit: 20 });
      // A diff travels once, in the finish patch: never in output deltas, never twice.
      const withDiff = patches.filter((p) => JSON.stringify(p).includes("-three"));
      assert.equal(withDiff.length, 1);
      assert.equal(withDiff[0].op, "finish");
      assert.ok(!patches.some((p) => p.op === "replace"), "no tool item is re-sent whole");
    });

    it("history: the same details from pi's messages (no duration: it was not measured)", () => {
      const { b } = run([]);
      b.loadHistory([
        { role: "user", content: "go" },
        {
          role: "assistant",
          content: [
            { type: "toolCall", id: "call_1", name: "write", arguments: recorded.writeStart.args },
            { type: "toolCall", id: "call_2", name: "edit", arguments: recorded.editStart.args },
            { type: "toolCall", id: "call_3", name: "bash", arguments: recorded.bashStart.args },
            { type: "toolCall", id: "call_4", name: "read", arguments: recorded.readStart.args },
          ],
        },
        { role: "toolResult", toolCallId: "call_1", toolName: "write", content: recorded.writeEnd.result.content, isError: false },
        { role: "toolResult", toolCallId: "call_2", toolName: "edit", content: recorded.editEnd.result.content, details: recorded.editEnd.result.details, isError: false },
        { role: "toolResult", toolCallId: "call_3", toolName: "bash", content: recorded.bashEnd.result.content, details: {}, isError: true },
        { role: "toolResult", toolCallId: "call_4", toolName: "read", content: recorded.readEnd.result.content, isError: false },
      ]);
      const tools = b.state.items.filter((i): i is ToolItem => i.kind === "tool");
      assert.deepEqual(
        tools.map((t) => [t.id, t.details]),
        [
          ["call_1", { path: "a.txt" }],
          ["call_2", { path: "a.txt", diff: EDIT_PATCH }],
          ["call_3", { command: "echo hi; exit 3", exitCode: 3 }],
          ["call_4", { path: "a.txt", offset: 10, limit: 20 }],
        ],
      );
    });

    it("history with the chat's snapshots still has the write diff", () => {
      const patches: ChatPatch[] = [];
      const b = new TranscriptBuilder((p) => patches.push(p), { pair: (id) => (id === "call_1" ? pairOf("a\n", "b\n") : undefined) });
      b.loadHistory([
        { role: "assistant", content: [{ type: "toolCall", id: "call_1", name: "write", arguments: { path: "a.txt", content: "b\n" } }] },
        { role: "toolResult", toolCallId: "call_1", toolName: "write", content: [{ type: "text", text: "ok" }], isError: false },
      ]);
      const item = b.state.items.find((i) => i.kind === "tool");
      assert.ok(item?.kind === "tool");
      assert.equal(item.details?.diff, "--- a.txt\n+++ a.txt\n@@ -1,1 +1,1 @@\n-a\n+b\n");
      assert.equal(item.details?.snapshot, true);
    });

    it("a view's applyPatch merges finish details into the start details", () => {
      const state = emptyState();
      applyPatch(state, { op: "add", item: { kind: "tool", id: "t", name: "bash", args: "{}", status: "running", output: "", details: { command: "ls" } } });
      applyPatch(state, { op: "finish", itemId: "t", toolStatus: "done", details: { exitCode: 0, durationMs: 5 } });
      const item = state.items[0];
      assert.ok(item.kind === "tool");
      assert.deepEqual(item.details, { command: "ls", exitCode: 0, durationMs: 5 });
      applyPatch(state, { op: "finish", itemId: "t", toolStatus: "done" });
      assert.deepEqual((state.items[0] as ToolItem).details, { command: "ls", exitCode: 0, durationMs: 5 }, "a finish without details keeps them");
    });
  });

  describe("snapshot files", () => {
    let dir: string;
    beforeEach(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), "pi-vscode-unit-snap-"));
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("decodes content and markers", () => {
      assert.deepEqual(decodeSnapshot(Buffer.from("hello\n")), { kind: "text", text: "hello\n" });
      assert.deepEqual(decodeSnapshot(Buffer.from(ABSENT_MARKER, "latin1")), { kind: "absent" });
      assert.deepEqual(decodeSnapshot(Buffer.from(TOO_LARGE_MARKER, "latin1")), { kind: "tooLarge" });
      assert.deepEqual(decodeSnapshot(Buffer.from([0x89, 0x50, 0, 1])), { kind: "binary" });
      assert.deepEqual(decodeSnapshot(Buffer.alloc(0)), { kind: "text", text: "" }, "an empty file is an empty text");
      assert.equal(snapshotKey("call_1"), "d2d32a15f507cfe7db570f1e4013d102e3648636", "sha1 of the id");
    });

    it("the guard keeps before and after images of write/edit targets only", async () => {
      const ws = path.join(dir, "ws");
      const store = path.join(dir, "store");
      fs.mkdirSync(ws);
      fs.mkdirSync(store);
      fs.writeFileSync(path.join(ws, "a.txt"), "old\n");
      fs.writeFileSync(path.join(ws, "big.txt"), Buffer.alloc(MAX_SNAPSHOT_BYTES + 1, "x"));
      const s = createSnapshotter(store);
      const ctx = { cwd: ws } as unknown as ExtensionContext;
      const call = (toolCallId: string, toolName: string, input: Record<string, unknown>) => s.onToolCall({ type: "tool_call", toolCallId, toolName, input } as ToolCallEvent, ctx);
      const result = (toolCallId: string, toolName: string) => s.onToolResult({ type: "tool_result", toolCallId, toolName, input: {}, content: [], isError: false, details: undefined } as ToolResultEvent);
      const read = (id: string, side: "before" | "after") => decodeSnapshot(fs.readFileSync(snapshotPath(store, snapshotKey(id), side)));

      await call("w1", "write", { path: "a.txt", content: "new\n" });
      fs.writeFileSync(path.join(ws, "a.txt"), "new\n"); // what the tool does
      await result("w1", "write");
      assert.deepEqual(read("w1", "before"), { kind: "text", text: "old\n" });
      assert.deepEqual(read("w1", "after"), { kind: "text", text: "new\n" });
      assert.equal(fs.statSync(snapshotPath(store, snapshotKey("w1"), "before")).mode & 0o777, 0o600, "readable by this user only");

      await call("w2", "write", { path: "sub/new.txt", content: "x" });
      assert.deepEqual(read("w2", "before"), { kind: "absent" });
      await call("e1", "edit", { path: "@big.txt", edits: [] });
      assert.deepEqual(read("e1", "before"), { kind: "tooLarge" });
      await call("d1", "write", { path: ".", content: "x" });
      await call("r1", "read", { path: "a.txt" });
      await call("b1", "bash", { command: "ls" });
      await result("r1", "read");
      await result("unknown", "write");
      const names = fs.readdirSync(store).sort();
      assert.deepEqual(names, [`${snapshotKey("e1")}.before`, `${snapshotKey("w1")}.after`, `${snapshotKey("w1")}.before`, `${snapshotKey("w2")}.before`].sort(), "nothing for a directory, read, bash or an unknown call");
    });

    it("a snapshot failure never fails the tool", async () => {
      const s = createSnapshotter(path.join(dir, "missing-dir"));
      fs.writeFileSync(path.join(dir, "a.txt"), "x");
      const ctx = { cwd: dir } as unknown as ExtensionContext;
      assert.equal(await s.onToolCall({ type: "tool_call", toolCallId: "x", toolName: "write", input: { path: "a.txt" } } as ToolCallEvent, ctx), undefined);
      assert.equal(await s.onToolCall({ type: "tool_call", toolCallId: "y", toolName: "write", input: { path: 5 } } as unknown as ToolCallEvent, ctx), undefined);
    });

    it("the host reads pairs and removes its directory", () => {
      const store = ToolSnapshots.create(dir);
      assert.equal(fs.statSync(store.dir).mode & 0o777, 0o700);
      fs.writeFileSync(snapshotPath(store.dir, snapshotKey("c1"), "before"), ABSENT_MARKER, "latin1");
      assert.equal(store.pair("c1"), undefined, "only a pair counts");
      fs.writeFileSync(snapshotPath(store.dir, snapshotKey("c1"), "after"), "hi\n");
      assert.deepEqual(store.pair("c1"), { before: { kind: "absent" }, after: { kind: "text", text: "hi\n" } });
      assert.equal(store.read("../../etc/passwd", "before"), undefined, "only snapshot keys are read");
      fs.writeFileSync(path.join(dir, "secret"), "secret");
      fs.symlinkSync(path.join(dir, "secret"), snapshotPath(store.dir, snapshotKey("c2"), "before"));
      fs.writeFileSync(snapshotPath(store.dir, snapshotKey("c2"), "after"), "x");
      assert.equal(store.pair("c2"), undefined, "a symbolic link planted in the directory is not followed");
      store.remove();
      assert.ok(!fs.existsSync(store.dir));
      assert.equal(store.pair("c1"), undefined);
    });
  });

  describe("open file / open diff requests", () => {
    const bad: unknown[] = [undefined, null, "a.txt", [], {}, { path: "" }, { path: 5 }, { path: "a\0b" }, { path: "x".repeat(4097) }, { file: "a.txt" }];
    for (const value of bad) {
      it(`rejects openFile params ${JSON.stringify(value)?.slice(0, 40)}`, () => {
        assert.throws(() => checkParams("openFile", value), ActionError);
      });
    }
    const badDiff: unknown[] = [undefined, null, "call_1", {}, { toolCallId: "" }, { toolCallId: 1 }, { toolCallId: "x".repeat(501) }, { id: "call_1" }];
    for (const value of badDiff) {
      it(`rejects openDiff params ${JSON.stringify(value)?.slice(0, 40)}`, () => {
        assert.throws(() => checkParams("openDiff", value), ActionError);
      });
    }
    it("accepts good ones and refuses unknown fields", () => {
      assert.deepEqual(checkParams("openFile", { path: "src/a.ts" }), { path: "src/a.ts" });
      assert.deepEqual(checkParams("openDiff", { toolCallId: "call_1" }), { toolCallId: "call_1" });
      assert.throws(() => checkParams("openFile", { path: "src/a.ts", extra: 1 }), ActionError);
    });

    describe("only files inside the workspace open", () => {
      let root: string;
      let ws: string;
      before(() => {
        root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "pi-vscode-unit-open-")));
        ws = path.join(root, "ws");
        fs.mkdirSync(path.join(ws, "src"), { recursive: true });
        fs.writeFileSync(path.join(ws, "src", "a.ts"), "x");
        fs.writeFileSync(path.join(root, "secret.txt"), "s");
        fs.mkdirSync(`${ws}-other`);
        fs.writeFileSync(path.join(`${ws}-other`, "b.txt"), "s");
        fs.symlinkSync(path.join(root, "secret.txt"), path.join(ws, "link-out"));
        fs.symlinkSync(path.join(ws, "src", "a.ts"), path.join(ws, "link-in"));
      });
      after(() => fs.rmSync(root, { recursive: true, force: true }));

      it("opens relative, absolute and @ paths, and links that stay inside", async () => {
        const a = path.join(ws, "src", "a.ts");
        assert.equal(await resolveWorkspaceFile(ws, "src/a.ts"), a);
        assert.equal(await resolveWorkspaceFile(ws, a), a);
        assert.equal(await resolveWorkspaceFile(ws, "@src/a.ts"), a);
        assert.equal(await resolveWorkspaceFile(ws, "link-in"), a);
      });

      for (const [title, p] of [
        ["a path climbing out", "../secret.txt"],
        ["an absolute path outside", "/etc/passwd"],
        ["a sibling folder with the same prefix", "../ws-other/b.txt"],
        ["a symbolic link pointing out", "link-out"],
        ["a missing file", "src/none.ts"],
        ["a directory", "src"],
        ["the home directory", "~/.bashrc"],
      ]) {
        it(`refuses ${title}`, async () => {
          await assert.rejects(resolveWorkspaceFile(ws, p));
        });
      }
    });
  });

  describe("card text", () => {
    it("classifies diff lines and leaves the file header out", () => {
      const lines = diffLines("--- a.txt\n+++ a.txt\n@@ -1,2 +1,2 @@\n ctx\n-old\n+new\n--- removed line that looks like a header\n\\ No newline at end of file\n");
      assert.deepEqual(
        lines.map((l) => l.kind),
        ["hunk", "context", "removed", "added", "removed", "meta"],
      );
      assert.deepEqual(diffStats(lines), { added: 1, removed: 2 });
    });

    it("says which lines a read covered and how long a command took", () => {
      assert.equal(lineRangeText(undefined, undefined), "");
      assert.equal(lineRangeText(10, 20), "lines 10–29");
      assert.equal(lineRangeText(10, undefined), "from line 10");
      assert.equal(lineRangeText(undefined, 5), "lines 1–5");
      assert.equal(durationText(63), "63 ms");
      assert.equal(durationText(1234), "1.2 s");
      assert.equal(durationText(12_345), "12 s");
      assert.equal(durationText(125_000), "2 min 5 s");
    });
  });
});
