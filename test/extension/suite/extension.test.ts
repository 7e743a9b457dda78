// Tests that run in the real extension host, against the real VS Code API.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import * as vscode from "vscode";
import type { PiExtensionApi } from "../../../src/vscode/extension";

const EXTENSION_ID = "pi-vscode.pi-vscode";

async function until<T>(what: string, check: () => T | undefined | false, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export function defineExtensionTests(): void {
  describe("Pi extension in the real extension host", () => {
    let api: PiExtensionApi;

    it("activates and reports its activation time", async () => {
      const ext = vscode.extensions.getExtension<PiExtensionApi>(EXTENSION_ID);
      assert.ok(ext, `${EXTENSION_ID} is installed`);
      api = await ext.activate();
      assert.ok(ext.isActive);
      assert.ok(typeof api.activationMs === "number" && api.activationMs > 0);
      console.log(`      activate() took ${api.activationMs.toFixed(1)} ms`);
    });

    it("contributes its commands", async () => {
      const all = new Set(await vscode.commands.getCommands(true));
      for (const id of ["pi.newSession", "pi.openChatInEditor", "pi.tryDemoSession", "pi.setApiKey", "pi.showLog"]) {
        assert.ok(all.has(id), `${id} is registered`);
      }
    });

    it("Pi: New Session starts a working pi in the workspace folder", async () => {
      const t0 = Date.now();
      await vscode.commands.executeCommand("pi.newSession");
      const session = await until("a ready session", () => api.host.chats().find((s) => s.status === "ready"));
      console.log(`      New Session → ready: ${Date.now() - t0} ms`);
      const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
      assert.equal(session.cwd, folder);
      await session.prompt("hello from the extension host");
      await until("the streamed answer", () =>
        session.snapshot().items.some((i) => i.kind === "assistant" && i.blocks.some((b) => b.type === "text" && b.text.includes("You said: **hello from the extension host**"))),
      );
    });

    it("a second New Session replaces the sidebar chat and stops the first pi", async () => {
      const first = api.host.chats()[0];
      const firstPid = first.pid as number;
      await vscode.commands.executeCommand("pi.newSession");
      await until("the new session", () => api.host.chats().find((s) => s !== first && s.status === "ready"));
      await until("the first pi to exit", () => !fs.existsSync(`/proc/${firstPid}`) || fs.readFileSync(`/proc/${firstPid}/stat`, "utf8").includes(") Z"));
      assert.equal(api.host.chats().includes(first), false);
    });

    it("Pi: Open Chat in Editor gives the tab its own session", async () => {
      const before = api.host.chats().length;
      await vscode.commands.executeCommand("pi.openChatInEditor");
      const tab = await until("the editor chat's session", () => api.host.chats().length === before + 1 && api.host.chats()[before]);
      await until("ready", () => tab.status === "ready");
      await vscode.commands.executeCommand("workbench.action.closeActiveEditor");
      await until("the tab's session to be disposed", () => !api.host.chats().includes(tab));
    });

    it("a second editor chat opened from a chat tab is a tab in its group, not another split", async () => {
      const before = api.host.chats().length;
      await vscode.commands.executeCommand("pi.openChatInEditor");
      const first = await until("the first editor chat", () => api.host.chats().length === before + 1 && api.host.chats()[before]);
      await until("ready", () => first.status === "ready");
      const groups = vscode.window.tabGroups.all.length;
      const group = vscode.window.tabGroups.activeTabGroup;
      await vscode.commands.executeCommand("pi.openChatInEditor");
      const second = await until("the second editor chat", () => api.host.chats().length === before + 2 && api.host.chats()[before + 1]);
      await until("ready", () => second.status === "ready");
      assert.equal(vscode.window.tabGroups.all.length, groups, "no new editor group");
      assert.equal(vscode.window.tabGroups.activeTabGroup, group, "in the first chat's group");
      assert.equal(group.tabs.filter((t) => t.input instanceof vscode.TabInputWebview).length, 2, "both chats are tabs there");
      await vscode.commands.executeCommand("workbench.action.closeActiveEditor");
      await vscode.commands.executeCommand("workbench.action.closeActiveEditor");
      await until("both tabs' sessions disposed", () => !api.host.chats().includes(first) && !api.host.chats().includes(second));
    });

    it("Pi: Try Demo Session runs the built-in demo model end to end", async () => {
      await vscode.commands.executeCommand("pi.tryDemoSession");
      const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath as string;
      const file = path.join(folder, "pi-demo.txt");
      // pi's write creates the file before it writes it: wait for the content, not the name.
      await until("pi-demo.txt with its content", () => fs.existsSync(file) && fs.readFileSync(file, "utf8").length > 0, 60_000);
      assert.match(fs.readFileSync(file, "utf8"), /Pi demo model/);
    });

    it("the remote server serves the sidebar's live chat, only with a credential, and stops without it", async () => {
      const server = await api.remote.start();
      const sidebar = api.host.chats().find((s) => s.status === "ready" || s.status === "working");
      assert.ok(sidebar, "the demo session is live");
      const anonymous = await fetch(`${server.url}/api/v1/chats`);
      assert.equal(anonymous.status, 401, "even on loopback, VS Code's server wants a credential");
      const link = await api.remote.linkTo(sidebar);
      const ticket = new URLSearchParams(link.fragment).get("ticket");
      assert.ok(ticket, `the link carries a ticket: ${link.toString(true).replace(/ticket=[^&]+/, "ticket=…")}`);
      assert.equal(new URLSearchParams(link.query).get("chat"), sidebar.id);
      const login = await fetch(`${server.url}/api/v1/auth/ticket`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ ticket }) });
      assert.equal(login.status, 200);
      const { token } = (await login.json()) as { token: string };
      const list = (await (await fetch(`${server.url}/api/v1/chats`, { headers: { authorization: `Bearer ${token}` } })).json()) as { chats: Array<{ chatId: string }> };
      assert.ok(list.chats.some((c) => c.chatId === sidebar.id), "the browser sees the VS Code chat");
      const snapshot = await fetch(`${server.url}/api/v1/chats/${encodeURIComponent(sidebar.id)}`, { headers: { authorization: `Bearer ${token}` } });
      assert.equal(snapshot.status, 200);
      assert.equal(((await snapshot.json()) as { info: { chatId: string } }).info.chatId, sidebar.id, "and reads its snapshot");
      const again = await fetch(`${server.url}/api/v1/auth/ticket`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ ticket }) });
      assert.equal(again.status, 401, "a ticket works once");
      await vscode.commands.executeCommand("pi.stopRemoteServer");
      await assert.rejects(fetch(`${server.url}/api/v1/health`), "the port is closed");
      assert.ok(api.host.chats().includes(sidebar), "stopping the server leaves the chat running");
    });
  });
}
