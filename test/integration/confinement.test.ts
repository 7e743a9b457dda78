// The workspace guard (src/piGuard) inside a real pi 0.87.1: the scripted model makes the tool
// calls a hostile or confused model would make, and the side effects are checked on disk.
// The guard is bundled with esbuild exactly as the .vsix ships it (one ESM file, loaded with -e);
// one case loads the TypeScript source directly.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import type { Chat } from "../../src/host/chat/chat";
import type { RpcExtensionUIRequest, RpcExtensionUIResponse } from "../../src/pi/rpcTypes";
import type { ToolItem } from "../../src/protocol/transcript";
import { bundleGuard, GUARD_SOURCE } from "../support/guardBundle";
import { EDIT_ORIGINAL, HARDLINK_EDIT, HARDLINK_SECRET, HOME_SECRET, INSIDE, makeLayout, SECRET, SIBLING_SECRET, STORE_PACKAGE, type Layout } from "../support/confinementLayout";
import { runTool, toolPlan } from "../support/guardHarness";
import { assistantText, startPiFixture, waitForStatus, type PiFixture } from "../support/piFixture";


function allOutputs(session: Chat): string {
  const items = session.snapshot().items;
  return `${items.map((i) => (i.kind === "tool" ? i.output : "")).join("\n")}\n${assistantText(items)}`;
}

/** The user's own `!command` (pi's RPC `bash`). */
function userBash(session: Chat, command: string) {
  return session.runUserBash(command);
}

type Answer = "Allow once" | "Always allow this command" | "Deny" | "cancel";

/** Installs a host UI handler answering every select with `answer`; returns the requests seen. */
function answerWith(fx: PiFixture, answer: Answer): RpcExtensionUIRequest[] {
  const seen: RpcExtensionUIRequest[] = [];
  fx.host.uiHandler = async (_session, req): Promise<RpcExtensionUIResponse | undefined> => {
    seen.push(req);
    if (req.method !== "select") return undefined;
    if (answer === "cancel") return { type: "extension_ui_response", id: req.id, cancelled: true };
    return { type: "extension_ui_response", id: req.id, value: answer };
  };
  return seen;
}

describe("workspace confinement (pi guard extension)", function () {
  this.timeout(120_000);
  let fx: PiFixture;
  let layout: Layout;
  let guardJs: string;
  const passwdHead = fs.readFileSync("/etc/passwd", "utf8").split("\n")[0];

  const guardEnv = (policy: string, extra: Record<string, string> = {}) => ({
    PI_VSCODE_WORKSPACE: layout.ws,
    PI_VSCODE_BASH_POLICY: policy,
    HOME: layout.home,
    ...extra,
  });

  async function startGuarded(policy: string, extra: Record<string, string> = {}, guardPath = guardJs): Promise<Chat> {
    // pi enables only read/bash/edit/write by default: ls, grep and find are switched on too.
    const args = ["-e", guardPath, "--tools", "read,bash,edit,write,ls,grep,find"];
    const session = fx.host.createChat({ cwd: layout.ws, env: guardEnv(policy, extra), args });
    await waitForStatus(session, "ready");
    return session;
  }

  before(async () => {
    fx = await startPiFixture({ plan: toolPlan });
    layout = makeLayout(fx.workspace);
    guardJs = await bundleGuard(); // the shipping build
  });
  after(async () => {
    fx.host.uiHandler = undefined;
    await fx.cleanup();
  });

  describe("file tools", () => {
    let session: Chat;
    const tally = { attempts: 0, blocked: 0, legit: 0, allowed: 0 };

    before(async () => {
      session = await startGuarded("never-ask");
    });
    after(() => {
      console.log(`      confinement: ${tally.blocked}/${tally.attempts} escape attempts blocked, ${tally.allowed}/${tally.legit} legitimate calls allowed`);
    });

    /** An escape attempt: blocked with the guard's reason, and `unchanged` still holds afterwards. */
    function escape(title: string, name: string, args: () => Record<string, unknown>, unchanged: () => void = () => undefined): void {
      it(`blocks ${title}`, async () => {
        tally.attempts++;
        const item = await runTool(session, name, args());
        assert.equal(item.status, "error", `status of ${name} ${item.args}: output ${item.output}`);
        assert.match(item.output, /outside the workspace/, item.output);
        unchanged();
        for (const secret of [SECRET, SIBLING_SECRET, HOME_SECRET, HARDLINK_SECRET, passwdHead, "EDITED-BY-PI"]) {
          assert.ok(!item.output.includes(secret), `tool output leaks ${secret}`);
        }
        tally.blocked++;
      });
    }

    function legit(title: string, name: string, args: () => Record<string, unknown>, verify: (item: ToolItem) => void): void {
      it(`allows ${title}`, async () => {
        tally.legit++;
        const item = await runTool(session, name, args());
        assert.equal(item.status, "done", `${name} ${item.args}: ${item.output}`);
        verify(item);
        tally.allowed++;
      });
    }

    const o = (...p: string[]) => path.join(layout.outside, ...p);
    const absent = (p: () => string) => () => assert.ok(!fs.existsSync(p()), `${p()} must not exist`);
    const secretIntact = () => assert.equal(fs.readFileSync(o("secret.txt"), "utf8"), `${SECRET}\n`);
    const editIntact = () => assert.equal(fs.readFileSync(o("edit-me.txt"), "utf8"), EDIT_ORIGINAL);
    const edit = (p: string) => ({ path: p, edits: [{ oldText: "EDIT-ME-ORIGINAL", newText: "EDITED-BY-PI" }] });

    // Reads
    escape("read /etc/passwd", "read", () => ({ path: "/etc/passwd" }));
    escape("read ../outside/secret.txt", "read", () => ({ path: "../outside/secret.txt" }));
    escape("read ~/.home-secret", "read", () => ({ path: "~/.home-secret" }));
    escape("read @/etc/hosts", "read", () => ({ path: "@/etc/hosts" }));
    escape("read @../outside/secret.txt", "read", () => ({ path: "@../outside/secret.txt" }));
    escape("read a symlink to an outside file", "read", () => ({ path: "link-file" }));
    escape("read through a symlink to an outside dir", "read", () => ({ path: "link-dir/secret.txt" }));
    escape("read a look-alike name pi falls back to (it's -> it’s symlink)", "read", () => ({ path: "it's/secret.txt" }));
    escape("read an absolute path with /./..", "read", () => ({ path: `${layout.ws}/./../outside/secret.txt` }));
    escape("read an absolute path with // tricks", "read", () => ({ path: `/${layout.ws}//..//outside//secret.txt` }));
    escape("read an outside dir with a trailing slash", "read", () => ({ path: `${layout.outside}/` }));
    escape("read a symlink loop", "read", () => ({ path: "loop-a" }));
    escape("read a prefix sibling via ..", "read", () => ({ path: "../workspace-other/secret.txt" }));
    escape("read a prefix sibling by absolute path", "read", () => ({ path: `${layout.sibling}/secret.txt` }));
    escape("read a file:// URL", "read", () => ({ path: `file://${o("secret.txt")}` }));
    escape("read nested .. climbing out", "read", () => ({ path: "sub/../../outside/secret.txt" }));
    // Writes
    escape("write ../outside/x.txt", "write", () => ({ path: "../outside/x.txt", content: "pwned" }), absent(() => o("x.txt")));
    escape("write through a symlinked dir", "write", () => ({ path: "link-dir/created.txt", content: "pwned" }), absent(() => o("created.txt")));
    escape("write a not-yet-existing outside path", "write", () => ({ path: "../outside/newdir/new.txt", content: "pwned" }), absent(() => o("newdir")));
    escape("write through a dangling symlink", "write", () => ({ path: "dangling", content: "pwned" }), absent(() => o("dangling-target.txt")));
    escape("overwrite ~/.home-secret", "write", () => ({ path: "~/.home-secret", content: "pwned" }), () =>
      assert.equal(fs.readFileSync(path.join(layout.home, ".home-secret"), "utf8"), `${HOME_SECRET}\n`),
    );
    escape("overwrite an outside file via a symlink", "write", () => ({ path: "link-file", content: "pwned" }), secretIntact);
    // Edits
    escape("edit ../outside/edit-me.txt", "edit", () => edit("../outside/edit-me.txt"), editIntact);
    escape("edit a symlink to an outside file", "edit", () => edit("link-edit"), editIntact);
    escape("edit through a symlinked dir", "edit", () => edit("link-dir/edit-me.txt"), editIntact);
    escape("edit by absolute outside path", "edit", () => edit(o("edit-me.txt")), editIntact);
    // Listing and searching
    escape("ls /", "ls", () => ({ path: "/" }));
    escape("ls ..", "ls", () => ({ path: ".." }));
    escape("ls a symlinked outside dir", "ls", () => ({ path: "link-dir" }));
    escape("ls ../outside/ (trailing slash)", "ls", () => ({ path: "../outside/" }));
    escape("ls ~", "ls", () => ({ path: "~" }));
    escape("grep with an outside path", "grep", () => ({ pattern: "SECRET", path: "../outside" }));
    escape("grep through a symlinked dir", "grep", () => ({ pattern: "SECRET", path: "link-dir" }));
    escape("find outside", "find", () => ({ pattern: "*.txt", path: "../outside" }));
    escape("find from /", "find", () => ({ pattern: "passwd", path: "/" }));
    // Hard links to files outside (the name is inside, the file is not)
    const hardLinkIntact = () => {
      assert.equal(fs.readFileSync(o("hl-secret.txt"), "utf8"), `${HARDLINK_SECRET}\n`);
      assert.equal(fs.readFileSync(o("hl-edit.txt"), "utf8"), HARDLINK_EDIT);
      assert.equal(fs.readFileSync(o("store", "index.js"), "utf8"), STORE_PACKAGE);
    };
    escape("read a hard link to an outside file", "read", () => ({ path: "hl-link.txt" }));
    escape("grep a hard link to an outside file", "grep", () => ({ pattern: "HARDLINK", path: "hl-link.txt" }));
    escape("write a hard link to an outside file", "write", () => ({ path: "hl-edit-link.txt", content: "pwned" }), hardLinkIntact);
    escape("edit a hard link to an outside file", "edit", () => ({ path: "hl-edit-link.txt", edits: [{ oldText: "HARDLINK-EDIT-ORIGINAL", newText: "EDITED-BY-PI" }] }), hardLinkIntact);
    escape("write a hard-linked package file under node_modules", "write", () => ({ path: "node_modules/pkg/index.js", content: "pwned" }), hardLinkIntact);

    // Legitimate work inside the workspace
    const hasInside = (item: ToolItem) => assert.ok(item.output.includes(INSIDE), item.output);
    legit("read inside.txt", "read", () => ({ path: "inside.txt" }), hasInside);
    legit("read @inside.txt", "read", () => ({ path: "@inside.txt" }), hasInside);
    legit("read ../workspace/inside.txt (.. re-entering)", "read", () => ({ path: `../${path.basename(layout.ws)}/inside.txt` }), hasInside);
    legit("read by absolute path", "read", () => ({ path: path.join(layout.ws, "inside.txt") }), hasInside);
    legit("read a symlink that stays inside", "read", () => ({ path: "link-internal" }), hasInside);
    legit("write a new nested file", "write", () => ({ path: "sub/new/deep.txt", content: "created inside\n" }), () =>
      assert.equal(fs.readFileSync(path.join(layout.ws, "sub", "new", "deep.txt"), "utf8"), "created inside\n"),
    );
    legit("edit a file", "edit", () => ({ path: "edit-inside.txt", edits: [{ oldText: "before", newText: "after" }] }), () =>
      assert.equal(fs.readFileSync(path.join(layout.ws, "edit-inside.txt"), "utf8"), "after edit\n"),
    );
    legit("ls without a path (the cwd)", "ls", () => ({}), (item) => assert.match(item.output, /inside\.txt/));
    legit("ls sub", "ls", () => ({ path: "sub" }), (item) => assert.match(item.output, /new/));
    legit("grep without a path", "grep", () => ({ pattern: "INSIDE-CONTENT" }), (item) => assert.match(item.output, /inside\.txt/));
    legit("read a hard-linked package file under node_modules (the documented allowance)", "read", () => ({ path: "node_modules/pkg/index.js" }), (item) =>
      assert.match(item.output, /STORE-PACKAGE-a9d4/),
    );

    it("leaked nothing into any tool output or model text, and left outside files intact", () => {
      const all = allOutputs(session);
      for (const secret of [SECRET, SIBLING_SECRET, HOME_SECRET, HARDLINK_SECRET, passwdHead]) assert.ok(!all.includes(secret), `leaked ${secret}`);
      secretIntact();
      editIntact();
      assert.deepEqual(fs.readdirSync(layout.outside).sort(), ["edit-me.txt", "hl-edit.txt", "hl-secret.txt", "secret.txt", "store"]);
    });
  });

  it("control: without the guard, pi itself reads outside the workspace (so the battery is meaningful)", async () => {
    const session = fx.host.createChat({ cwd: layout.ws, env: { HOME: layout.home } });
    await waitForStatus(session, "ready");
    for (const p of ["../outside/secret.txt", "link-dir/secret.txt", "it's/secret.txt", `file://${layout.outside}/secret.txt`]) {
      const item = await runTool(session, "read", { path: p });
      assert.equal(item.status, "done", `${p}: ${item.output}`);
      assert.ok(item.output.includes(SECRET), `${p} leaks without the guard`);
    }
    await session.stop();
  });

  it("also works when pi loads the TypeScript source directly", async () => {
    const session = await startGuarded("never-ask", {}, GUARD_SOURCE);
    const blocked = await runTool(session, "read", { path: "../outside/secret.txt" });
    assert.equal(blocked.status, "error");
    assert.match(blocked.output, /^Blocked: \.\.\/outside\/secret\.txt resolves outside the workspace /);
    const ok = await runTool(session, "read", { path: "inside.txt" });
    assert.equal(ok.status, "done");
    await session.stop();
  });

  describe("bash approval", () => {
    const wsFile = (name: string) => path.join(layout.ws, name);

    it("never-ask: the bash tool runs without a dialog", async () => {
      const seen = answerWith(fx, "Deny");
      const session = await startGuarded("never-ask");
      const item = await runTool(session, "bash", { command: "echo ran > bash-never.txt" });
      assert.equal(item.status, "done", item.output);
      assert.ok(fs.existsSync(wsFile("bash-never.txt")));
      assert.equal(seen.length, 0);
      await session.stop();
    });

    it("ask + Deny: blocked with the reason, no side effect; the dialog carries command and cwd", async () => {
      const seen = answerWith(fx, "Deny");
      const session = await startGuarded("ask");
      const item = await runTool(session, "bash", { command: "touch denied.txt" });
      assert.equal(item.status, "error");
      assert.match(item.output, /The user denied running: touch denied\.txt/);
      assert.ok(!fs.existsSync(wsFile("denied.txt")));
      assert.equal(seen.length, 1);
      const req = seen[0];
      assert.ok(req.method === "select");
      if (req.method === "select") {
        assert.deepEqual(req.options, ["Allow once", "Always allow this command", "Deny"]);
        assert.ok(req.title.includes("touch denied.txt") && req.title.includes(layout.ws), req.title);
      }
      await session.stop();
    });

    it("ask + cancelled dialog (or no answer): denied", async () => {
      answerWith(fx, "cancel");
      const session = await startGuarded("ask");
      const item = await runTool(session, "bash", { command: "touch cancelled.txt" });
      assert.equal(item.status, "error");
      assert.ok(!fs.existsSync(wsFile("cancelled.txt")));
      await session.stop();
    });

    it("ask + Allow once: runs, and the next identical command asks again", async () => {
      const seen = answerWith(fx, "Allow once");
      const session = await startGuarded("ask");
      assert.equal((await runTool(session, "bash", { command: "touch once.txt" })).status, "done");
      assert.ok(fs.existsSync(wsFile("once.txt")));
      await runTool(session, "bash", { command: "touch once.txt" });
      assert.equal(seen.length, 2);
      await session.stop();
    });

    it("ask + Always allow: runs, and is not asked again in this pi process", async () => {
      const seen = answerWith(fx, "Always allow this command");
      const session = await startGuarded("ask");
      assert.equal((await runTool(session, "bash", { command: "touch always.txt" })).status, "done");
      fs.rmSync(wsFile("always.txt"));
      answerWith(fx, "Deny");
      assert.equal((await runTool(session, "bash", { command: "touch  always.txt" })).status, "done");
      assert.ok(fs.existsSync(wsFile("always.txt")));
      assert.equal(seen.length, 1);
      await session.stop();
    });

    it("allowList: a matching command runs without asking; others and chained ones are asked", async () => {
      const seen = answerWith(fx, "Deny");
      const session = await startGuarded("allowList", { PI_VSCODE_BASH_ALLOW: JSON.stringify(["touch allowed.txt", "echo *"]) });
      assert.equal((await runTool(session, "bash", { command: "touch allowed.txt" })).status, "done");
      assert.ok(fs.existsSync(wsFile("allowed.txt")));
      assert.equal((await runTool(session, "bash", { command: "echo hello" })).status, "done");
      assert.equal(seen.length, 0, "matching commands are not asked about");
      assert.equal((await runTool(session, "bash", { command: "touch other.txt" })).status, "error");
      assert.equal((await runTool(session, "bash", { command: "touch allowed.txt; touch chained.txt" })).status, "error");
      assert.equal((await runTool(session, "bash", { command: "echo $(touch subst.txt)" })).status, "error");
      for (const f of ["other.txt", "chained.txt", "subst.txt"]) assert.ok(!fs.existsSync(wsFile(f)), f);
      assert.equal(seen.length, 3);
      await session.stop();
    });

    it("the user's own !command goes through the same policy", async () => {
      let seen = answerWith(fx, "Deny");
      const session = await startGuarded("allowList", { PI_VSCODE_BASH_ALLOW: JSON.stringify(["touch user-allowed.txt"]) });
      const denied = await userBash(session, "touch user-denied.txt");
      assert.equal(denied.cancelled, true);
      assert.match(denied.output, /The user denied running: touch user-denied\.txt/);
      assert.ok(!fs.existsSync(wsFile("user-denied.txt")));
      assert.equal(seen.length, 1);
      assert.ok(seen[0].method === "select" && seen[0].title.includes("touch user-denied.txt"));

      seen = answerWith(fx, "Allow once");
      const once = await userBash(session, "touch user-once.txt && echo user-once-ran");
      assert.equal(once.exitCode, 0);
      assert.match(once.output, /user-once-ran/);
      assert.ok(fs.existsSync(wsFile("user-once.txt")));
      assert.equal(seen.length, 1);

      seen = answerWith(fx, "Deny");
      const listed = await userBash(session, "touch user-allowed.txt");
      assert.equal(listed.exitCode, 0);
      assert.ok(fs.existsSync(wsFile("user-allowed.txt")));
      assert.equal(seen.length, 0, "an allow-listed !command is not asked about");
      await session.stop();
    });
  });
});
