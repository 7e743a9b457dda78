// VS Code's language models as pi models, in the real extension host: the test extension
// (test/extension/lmProvider) registers a provider answered by the scripted model on loopback;
// pi reaches it through the chat, the bridge and vscode.lm.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import * as vscode from "vscode";
import type { Chat } from "../../../src/host/chat/chat";
import type { PiExtensionApi } from "../../../src/vscode/extension";
import type { TestLmApi } from "../lmProvider/extension";

const PROVIDER = "vscode-lm";
const PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";
const ALL_MODELS = ["scripted", "guarded", "no-tools"];

async function until<T>(what: string, check: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const text = (chat: Chat) =>
  chat
    .snapshot()
    .items.map((i) => (i.kind === "assistant" ? i.blocks.map((b) => (b.type === "text" ? b.text : "")).join("") : ""))
    .join("\n");
/** The newest answer's text: the text of an earlier answer must not pass for it. */
const lastText = (chat: Chat) => {
  const last = [...chat.snapshot().items].reverse().find((i) => i.kind === "assistant");
  return last?.kind === "assistant" ? last.blocks.map((b) => (b.type === "text" ? b.text : "")).join("") : "";
};
const errors = (chat: Chat) => chat.snapshot().items.flatMap((i) => (i.kind === "assistant" && i.errorMessage ? [i.errorMessage] : []));
const notices = (chat: Chat) => chat.snapshot().items.flatMap((i) => (i.kind === "notice" ? [i.text] : []));

export function defineLmBridgeTests(): void {
  describe("VS Code's language models in the chat (lm bridge)", () => {
    let api: PiExtensionApi;
    let lm: TestLmApi;
    let chat: Chat;

    const waitForError = (pattern: RegExp, timeoutMs?: number) =>
      until(`an error matching ${pattern}`, () => errors(chat).find((e) => pattern.test(e)), timeoutMs).catch((err: Error) => {
        throw new Error(`${err.message}; the chat showed: ${JSON.stringify(errors(chat).slice(-2))}, ${JSON.stringify(notices(chat).slice(-2))}; last text: ${text(chat).slice(-200)}`);
      });
    const retriesSince = (count: number) => notices(chat).slice(count).filter((n) => /retry/i.test(n));
    const select = async (id: string) => {
      await chat.settings.setModel(PROVIDER, `pi-test/${id}`);
      assert.equal(chat.info.model, `${PROVIDER}/pi-test/${id}`);
    };

    before(async () => {
      const pi = vscode.extensions.getExtension<PiExtensionApi>("pi-vscode.pi-vscode");
      const provider = vscode.extensions.getExtension<TestLmApi>("pi-vscode-test.pi-test-lm");
      assert.ok(pi && provider, "both extensions are loaded");
      api = await pi.activate();
      lm = await provider.activate();
    });

    it("offers the provider's models to the picker, with the models' own limits", async () => {
      const models = await until("the test models", async () => {
        const all = await api.lmBridge.models();
        return all.filter((m) => m.vendor === "pi-test").length === ALL_MODELS.length && all;
      });
      const scripted = models.find((m) => m.modelId === "pi-test/scripted");
      assert.ok(scripted);
      assert.deepEqual({ ...scripted }, { ...scripted, provider: PROVIDER, vendor: "pi-test", family: "scripted", name: "Scripted (test)", contextWindow: 100_000 });
      console.log(`      scripted model: ${JSON.stringify(scripted)}`);
      assert.deepEqual(await api.lmBridge.status(), { state: "on", models: models.length });
    });

    it("a chat streams pi's answer from the VS Code model, writes a file with a tool call and comments on it", async () => {
      await vscode.commands.executeCommand("pi.newSession");
      chat = await until("a new ready chat", () => api.host.chats().find((c) => c.status === "ready" && !c.snapshot().items.length));
      const listed = await chat.settings.models();
      assert.ok(listed.some((m) => m.provider === "pi-demo"), "pi's own models stay");
      assert.ok(listed.some((m) => m.provider === PROVIDER && m.id === "pi-test/scripted"), "the VS Code models are pi models");
      await select("scripted");
      const served = lm.requests.length;
      await chat.prompt("write from-vscode-lm.txt hello through vscode.lm");
      await until("the comment on the tool's result", () => /Tool finished\. Result: Successfully wrote/.test(text(chat)), 60_000);
      await until("ready", () => chat.status === "ready");
      const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath as string;
      assert.equal(fs.readFileSync(path.join(folder, "from-vscode-lm.txt"), "utf8"), "hello through vscode.lm\n");
      const mine = lm.requests.slice(served);
      assert.equal(mine.length, 2, "the provider served the tool call and the comment");
      assert.ok(mine[0].tools.includes("write"), `pi's tools reached the provider: ${mine[0].tools.join(", ")}`);
      assert.equal(mine[1].messages.at(-1)?.parts[0]?.kind, "toolResult", "the tool result went back through vscode.lm");
      assert.ok(mine.every((r) => r.finished && !r.cancelled && !r.error));
    });

    it("a pasted image reaches the provider as a LanguageModelDataPart with the same bytes", async () => {
      const served = lm.requests.length;
      await chat.prompt("what is in this image?", [{ type: "image", data: PNG, mimeType: "image/png" }]);
      await until("the answer", () => /You said: \*\*what is in this image\?\*\*/.test(text(chat)));
      const parts = lm.requests.slice(served).flatMap((r) => r.messages.at(-1)?.parts ?? []);
      const image = parts.find((p) => p.kind === "image");
      assert.ok(image && image.kind === "image", `an image part arrived: ${JSON.stringify(parts.map((p) => p.kind))}`);
      assert.equal(image.mimeType, "image/png");
      assert.equal(Buffer.from(image.data).toString("base64"), PNG);
    });

    it("pi's abort cancels the provider's request", async () => {
      const served = lm.requests.length;
      await chat.prompt("slow 1000");
      await until("streaming", () => lm.requests.length > served && /w3 /.test(lastText(chat)));
      const request = lm.requests.at(-1);
      await chat.abort();
      await until("the provider's cancellation", () => request?.cancelled, 10_000);
      await until("ready", () => chat.status === "ready");
    });

    it("a provider error shows in the chat, and the run can be retried on another model", async () => {
      const noticesBefore = notices(chat).length;
      await chat.prompt("fail 418");
      const shown = await waitForError(/"Scripted \(test\)" failed \(VS Code said: .*418/, 45_000);
      console.log(`      shown: ${shown}`);
      // An unknown failure may heal: pi retries it once (the runner's setting), then gives up.
      await until("pi's retry to give up", () => notices(chat).slice(noticesBefore).some((n) => /Retries exhausted: 502 The VS Code model "Scripted \(test\)" failed/.test(n)), 45_000);
      assert.equal(retriesSince(noticesBefore).filter((n) => /retry 1\/1/.test(n)).length, 1, "retried once");
      await until("ready", () => chat.status === "ready");
      await chat.settings.setModel("pi-demo", "pi-demo");
      await chat.prompt("after the failure");
      await until("pi's own model answering", () => /You said: \*\*after the failure\*\*/.test(text(chat)));
    });

    it("a model that cannot call tools says so instead of failing later", async () => {
      await select("no-tools");
      const noticesBefore = notices(chat).length;
      const before = lm.requests.length;
      await chat.prompt("hello");
      const shown = await waitForError(/"No tools \(test\)" cannot call tools/);
      console.log(`      shown: ${shown}`);
      assert.equal(lm.requests.length, before, "the provider was not asked");
      assert.deepEqual(retriesSince(noticesBefore), [], "not retried");
    });

    it("a model that disappears mid-answer ends the run with a clear message, never a hang", async () => {
      await select("scripted");
      const noticesBefore = notices(chat).length;
      const served = lm.requests.length;
      await chat.prompt("slow 1000");
      // This answer, not the aborted one above (which holds "w3" too): the model must go away
      // while the provider streams, not before pi asks for it.
      await until("streaming", () => lm.requests.length > served && /w3 /.test(lastText(chat)));
      lm.offer(ALL_MODELS.filter((m) => m !== "scripted"));
      try {
        const shown = await waitForError(/"Scripted \(test\)" is gone/, 15_000);
        console.log(`      shown: ${shown}`);
        await until("ready", () => chat.status === "ready");
        assert.deepEqual(retriesSince(noticesBefore), [], "not retried");
        await until("pi's list without the model", async () => !(await chat.settings.models()).some((m) => m.id === "pi-test/scripted"));
      } finally {
        // Also after a failure: the tests below need the model.
        lm.offer(ALL_MODELS);
        await until("the model back in pi's list", async () => (await chat.settings.models()).some((m) => m.id === "pi-test/scripted"));
      }
    });

    // VS Code asks for consent with a modal dialog, and refuses every dialog while extension
    // tests run (DialogService.skipDialogs): here the prompt is declined by VS Code itself, the
    // same answer as a user's "Cancel". The Allow path cannot be driven from this host.
    it("a declined consent prompt is a clear message, and the run can go on with another model", async () => {
      await select("guarded");
      const noticesBefore = notices(chat).length;
      const served = lm.requests.length;
      await chat.prompt("hello guarded");
      const shown = await waitForError(/^403 VS Code did not allow Pi to use "Guarded \(test\)".*choose Allow when VS Code asks/, 45_000);
      console.log(`      shown: ${shown}`);
      assert.equal(lm.requests.length, served, "the provider never saw the request");
      assert.deepEqual(retriesSince(noticesBefore), [], "a refusal is not retried");
      await until("ready", () => chat.status === "ready");
      await select("scripted");
      await chat.prompt("on the model that needs no consent");
      await until("its answer", () => /You said: \*\*on the model that needs no consent\*\*/.test(text(chat)));
    });

    it("the remote server offers the same VS Code models, and a browser's choice runs through the bridge", async () => {
      const server = await api.remote.start();
      try {
        const link = await api.remote.linkTo(chat);
        const ticket = new URLSearchParams(link.fragment).get("ticket");
        const login = await fetch(`${server.url}/api/v1/auth/ticket`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ ticket }) });
        const { token } = (await login.json()) as { token: string };
        const call = (method: string, route: string, body?: unknown) =>
          fetch(`${server.url}/api/v1/chats/${chat.id}${route}`, {
            method,
            headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
            body: body === undefined ? undefined : JSON.stringify(body),
          });
        const { models } = (await (await call("GET", "/models")).json()) as { models: Array<{ provider: string; id: string }> };
        assert.ok(models.some((m) => m.provider === PROVIDER && m.id === "pi-test/scripted"), `the browser lists the VS Code models: ${JSON.stringify(models)}`);
        assert.equal((await call("POST", "/model", { provider: PROVIDER, modelId: "pi-test/scripted" })).status, 200);
        const served = lm.requests.length;
        assert.ok((await call("POST", "/prompt", { text: "from the browser" })).ok);
        await until("the answer to the browser", () => /You said: \*\*from the browser\*\*/.test(text(chat)));
        assert.ok(lm.requests.length > served, "answered by the VS Code model");
      } finally {
        await api.remote.stop();
      }
    });

    it("pi.vscodeModels off takes the models from the picker and from pi; on brings them back", async () => {
      const setting = vscode.workspace.getConfiguration("pi");
      await setting.update("vscodeModels", "off", vscode.ConfigurationTarget.Global);
      try {
        assert.deepEqual(await api.lmBridge.models(), []);
        assert.deepEqual(await api.lmBridge.status(), { state: "off" });
        await until("pi's list without VS Code models", async () => !(await chat.settings.models()).some((m) => m.provider === PROVIDER));
      } finally {
        await setting.update("vscodeModels", undefined, vscode.ConfigurationTarget.Global);
      }
      await until("the VS Code models back in pi's list", async () => (await chat.settings.models()).some((m) => m.provider === PROVIDER));
    });

    it("with no VS Code models left, pi says so and what to do", async () => {
      lm.offer([]);
      await until("the picker without VS Code models", async () => (await api.lmBridge.models()).length === 0);
      // pi may refuse the message at once (its provider is gone) or fail the run: the chat says the same either way.
      await chat.prompt("anyone there?").catch(() => undefined);
      await until("the chat saying there are no VS Code models", () => [...errors(chat), ...notices(chat)].find((e) => /No VS Code language models are available/.test(e)));
      lm.offer(ALL_MODELS);
    });
  });
}
