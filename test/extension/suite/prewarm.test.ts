// The warm pi (`pi.prewarm`) as the real extension runs it: the spare watchPrewarm keeps for
// the workspace folder is adopted by the next chat (one process, not two) and replaced; a
// change to pi's arguments replaces it before any chat can take it; turning prewarming off
// stops it; pi's compile cache is in the extension's storage. (Deactivation leaving no pi is
// checked by runExtensionTests.ts after the window closes; the host-level cases — caps, idle
// reclaim, resumed chats — by test/integration.)
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as vscode from "vscode";
import type { Chat } from "../../../src/host/chat/chat";
import type { PiExtensionApi } from "../../../src/vscode/extension";
import { cmdline, processesInCwd } from "../../support/processes";

const EXTENSION_ID = "pi-vscode.pi-vscode";

async function until<T>(what: string, check: () => T | undefined | false, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** pi processes working in `dir` (pi names its process "pi"): not the commands they run. */
const pisIn = (dir: string) => processesInCwd(dir).filter((pid) => cmdline(pid) === "pi");
const thinkingOff = (chat: Chat) => chat.piArgv.join(" ").includes("--thinking off");
const alive = (pid: number | undefined) => pid !== undefined && fs.existsSync(`/proc/${pid}`) && !fs.readFileSync(`/proc/${pid}/stat`, "utf8").includes(") Z");

export function definePrewarmTests(): void {
  describe("the warm pi in the real extension host", () => {
    let api: PiExtensionApi;
    let folder: string;
    const pi = () => vscode.workspace.getConfiguration("pi");
    const readySpare = (not?: Chat) => until("a ready spare pi", () => api.host.spareChats().find((c) => c !== not && c.status === "ready" && c.pid !== undefined));

    before(async () => {
      const ext = vscode.extensions.getExtension<PiExtensionApi>(EXTENSION_ID);
      assert.ok(ext);
      api = await ext.activate();
      folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath as string;
    });

    after(async () => {
      await pi().update("extraArgs", undefined, vscode.ConfigurationTarget.Global);
      await pi().update("prewarm", undefined, vscode.ConfigurationTarget.Global);
    });

    it("New Session adopts the folder's spare pi (one process, not two), and a new spare replaces it", async () => {
      const spare = await readySpare();
      const sparePid = spare.pid as number;
      await vscode.commands.executeCommand("pi.newSession");
      const chat = await until("the new chat", () => api.host.chats().find((c) => c === spare));
      assert.equal(chat.pid, sparePid, "the chat runs on the spare's pi");
      assert.equal(chat.status, "ready", "ready at once");
      const next = await readySpare(spare);
      assert.notEqual(next.pid, sparePid);
      // Every pi in the folder is a chat's or the one spare: none started twice, none leaked.
      await until("the replaced chats' pi to exit", () => pisIn(folder).length === api.host.chats().length + 1);
      assert.deepEqual(new Set(pisIn(folder)), new Set([...api.host.chats(), next].map((c) => c.pid)));
    });

    it("a change to pi's arguments replaces the spare before a chat can take it", async () => {
      const stale = await readySpare();
      await pi().update("extraArgs", ["--thinking", "off"], vscode.ConfigurationTarget.Global);
      const fresh = await readySpare(stale);
      assert.ok(thinkingOff(fresh), `the new spare has the new arguments: ${fresh.piArgv.join(" ")}`);
      assert.ok(!thinkingOff(stale));
      await until("the stale spare's pi to exit", () => !alive(stale.pid));
      await vscode.commands.executeCommand("pi.newSession");
      const chat = await until("the new chat", () => api.host.chats().find((c) => c === fresh));
      assert.ok(thinkingOff(chat));
    });

    it("pi.prewarm off stops the spare and warms none; on again warms one", async () => {
      const spare = await readySpare();
      await pi().update("prewarm", false, vscode.ConfigurationTarget.Global);
      await until("the spare's pi to exit", () => !alive(spare.pid) && api.host.spareChats().length === 0);
      const before = new Set(api.host.chats());
      await vscode.commands.executeCommand("pi.newSession");
      const chat = await until("a new ready chat", () => api.host.chats().find((c) => !before.has(c) && c.status === "ready"));
      assert.notEqual(chat.pid, spare.pid, "a pi of its own");
      await new Promise((r) => setTimeout(r, 2_000));
      assert.equal(api.host.spareChats().length, 0, "no spare while prewarming is off");
      assert.ok(alive(chat.pid));
      await pi().update("prewarm", true, vscode.ConfigurationTarget.Global);
      await readySpare();
    });

    it("pi keeps Node's compile cache in the extension's global storage; the pi that exited above wrote it", async () => {
      const spare = await readySpare();
      // The environment pi was started with (the guard takes the variable out of it later).
      const environ = fs.readFileSync(`/proc/${spare.pid}/environ`, "utf8").split("\0");
      const dir = environ.find((v) => v.startsWith("NODE_COMPILE_CACHE="))?.slice("NODE_COMPILE_CACHE=".length);
      assert.ok(dir && /[\\/]globalStorage[\\/]pi-vscode\.pi-vscode[\\/]node-compile-cache[\\/][0-9a-f]{12}$/.test(dir), `in global storage: ${dir}`);
      const files = fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
      assert.ok(files.length > 0, `cached code in ${dir}`);
    });
  });
}
