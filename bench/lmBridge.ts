// Overhead of the VS Code model bridge (pi → loopback bridge → Language Model API shapes), beside
// pi talking to the scripted model directly, in the same run and with the same replies.
//
// What it measures: the bridge's HTTP server, request parsing, translation of messages and
// parts, SSE encoding and token counting. The model side is an in-process stand-in of
// vscode.lm (`LmBackend`) that plays the scripted model's own plan (src/demo/scriptedReplies.ts)
// as response parts. What it cannot measure: VS Code's extension-host IPC and the providing
// extension (Copilot's network), which exist only inside VS Code and are the same for any client.
//
// 1. HTTP level (a Node client, no pi): per request (a short reply) and per streamed delta
//    (a flood), the scripted server vs the bridge, with the body pi really sends.
// 2. End to end through a real pi: time from prompt to ready, on pi's own provider vs vscode-lm.
import * as path from "node:path";
import { startBridgeServer, type BridgeServer } from "../src/host/lmBridge/bridgeServer";
import { BRIDGE_FILE_ENV, BRIDGE_PROVIDER, piModels, writeProviderFile } from "../src/host/lmBridge/providerFile";
import type { LmBackend, LmModelInfo, LmRequest, LmResponsePart } from "../src/host/lmBridge/types";
import { planReply, type ChatRequestBody } from "../src/demo/scriptedReplies";
import type { Chat } from "../src/host/chat/chat";
import { startPiFixture, waitFor, waitForStatus } from "../test/support/piFixture";
import { STAND_IN_MODEL, toScriptedBody } from "../test/support/scriptedLm";

/** vscode.lm's shape, answered in-process by the scripted model's plan (no second HTTP hop). */
class PlannedBackend implements LmBackend {
  async models(): Promise<LmModelInfo[]> {
    return [STAND_IN_MODEL];
  }
  async send(model: LmModelInfo, request: LmRequest): Promise<AsyncIterable<LmResponsePart>> {
    const plan = planReply(toScriptedBody(model.id, request.messages, request.tools));
    return (async function* () {
      for (const text of plan.text ?? []) yield { kind: "text" as const, text };
      for (const c of plan.toolCalls ?? []) yield { kind: "toolCall" as const, callId: c.id, name: c.name, input: c.arguments };
    })();
  }
  async countTokens(_model: LmModelInfo, text: string): Promise<number> {
    return Math.ceil(text.length / 4);
  }
}

/** Sends a prompt and waits for its answer to be complete and pi to be idle. */
async function answered(chat: Chat, prompt: string, timeoutMs = 30_000): Promise<void> {
  const done = () => chat.snapshot().items.filter((i) => i.kind === "assistant" && !i.streaming).length;
  const before = done();
  await chat.prompt(prompt);
  await waitFor("the answer", () => done() > before && chat.status === "ready", timeoutMs);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function timeRequest(url: string, apiKey: string, body: ChatRequestBody): Promise<{ ms: number; bytes: number }> {
  const t0 = performance.now();
  const res = await fetch(`${url}/chat/completions`, { method: "POST", headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`HTTP ${res.status}: ${await res.text()}`);
  const text = await res.text();
  return { ms: performance.now() - t0, bytes: text.length };
}

function withPrompt(body: ChatRequestBody, prompt: string, model: string): ChatRequestBody {
  const messages = [...(body.messages ?? [])];
  messages[messages.length - 1] = { role: "user", content: prompt };
  return { ...body, model, messages };
}

async function main(): Promise<void> {
  const requests = Number(process.argv[2] ?? 200);
  const deltas = Number(process.argv[3] ?? 20_000);
  console.log(`node ${process.version}, ${new Date().toISOString()}: lm bridge overhead (${requests} requests, ${deltas}-delta floods)`);
  const fx = await startPiFixture();
  let bridge: BridgeServer | undefined;
  try {
    bridge = await startBridgeServer({ backend: new PlannedBackend() });
    const file = path.join(fx.agentDir, "..", "lm-bridge", "provider.json");
    writeProviderFile(file, { baseUrl: bridge.baseUrl, apiKey: bridge.apiKey, models: piModels([STAND_IN_MODEL]) });
    const newChat = () => fx.host.createChat({ cwd: fx.workspace, env: { [BRIDGE_FILE_ENV]: file }, args: ["-e", path.join(__dirname, "..", "src", "host", "lmBridge", "piExtension.ts")] });
    let chat = newChat();
    await waitForStatus(chat, "ready", 30_000);
    await answered(chat, "hello");
    const piBody = fx.model.requests[0];
    const bridged = `${STAND_IN_MODEL.vendor}/${STAND_IN_MODEL.id}`;

    // 1. HTTP level, the two sides interleaved request by request.
    const sides = [
      { name: "scripted model (direct)", url: fx.model.baseUrl, key: "pi-demo-no-key-needed", model: "pi-demo", short: [] as number[], floods: [] as number[] },
      { name: "bridge (LmBackend stand-in)", url: bridge.baseUrl, key: bridge.apiKey, model: bridged, short: [] as number[], floods: [] as number[] },
    ];
    for (let i = 0; i < 20; i++) for (const side of sides) await timeRequest(side.url, side.key, withPrompt(piBody, "hi", side.model));
    for (let i = 0; i < requests; i++) for (const side of sides) side.short.push((await timeRequest(side.url, side.key, withPrompt(piBody, "hi", side.model))).ms);
    for (let i = 0; i < 5; i++) for (const side of sides) side.floods.push((await timeRequest(side.url, side.key, withPrompt(piBody, `flood ${deltas}`, side.model))).ms);
    for (const side of sides) {
      console.log(`  HTTP ${side.name.padEnd(28)} request ${median(side.short).toFixed(2)} ms median of ${requests}; ${((median(side.floods) * 1000) / deltas).toFixed(2)} µs/delta (flood median ${median(side.floods).toFixed(0)} ms of 5)`);
    }
    const sign = (x: number) => (x >= 0 ? "+" : "");
    const dRequest = median(sides[1].short) - median(sides[0].short);
    const dDelta = ((median(sides[1].floods) - median(sides[0].floods)) * 1000) / deltas;
    console.log(`  HTTP overhead of the bridge: ${sign(dRequest)}${dRequest.toFixed(2)} ms per request, ${sign(dDelta)}${dDelta.toFixed(2)} µs per delta`);

    // 2. End to end through pi: the same pi process, a fresh pi session per run (equal context),
    // the two paths interleaved so drift on a shared machine hits both alike.
    const floodDeltas = Math.min(deltas, 5000);
    const paths = [
      { name: "pi → scripted model", provider: "pi-demo", id: "pi-demo", prompts: [] as number[], floods: [] as number[] },
      { name: "pi → bridge", provider: BRIDGE_PROVIDER, id: bridged, prompts: [] as number[], floods: [] as number[] },
    ];
    for (let round = 0; round < 3; round++) {
      for (const p of paths) {
        // A fresh chat per run: equal context for both paths.
        await fx.host.dispose(chat.id);
        chat = newChat();
        await waitForStatus(chat, "ready", 60_000);
        await chat.settings.setModel(p.provider, p.id);
        for (let i = 0; i < 6; i++) {
          const t0 = performance.now();
          await answered(chat, `hello ${i}`);
          if (i > 0) p.prompts.push(performance.now() - t0);
        }
        const t0 = performance.now();
        await answered(chat, `flood ${floodDeltas}`, 120_000);
        p.floods.push(performance.now() - t0);
      }
    }
    for (const p of paths) console.log(`  pi  ${p.name.padEnd(28)} prompt → ready ${median(p.prompts).toFixed(1)} ms median of ${p.prompts.length}; flood ${floodDeltas} → ready ${median(p.floods).toFixed(0)} ms median of ${p.floods.length}`);
    const [a, b] = paths.map((p) => ({ request: median(p.prompts), flood: median(p.floods) }));
    console.log(
      `  pi overhead of the bridge: ${sign(b.request - a.request)}${(b.request - a.request).toFixed(1)} ms per prompt; ` +
        `${sign(b.flood - a.flood)}${(((b.flood - a.flood) * 1000) / floodDeltas).toFixed(1)} µs per delta (${sign(b.flood - a.flood)}${((b.flood / a.flood - 1) * 100).toFixed(1)}%)`,
    );
  } finally {
    await fx.cleanup();
    await bridge?.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
