/// <reference path="./piAiCompat.d.ts" />
// pi loads a model API's code, and opens its HTTP client, on the first request: ~50 ms of a
// chat's first message on an idle machine, twice that under load, where later messages take
// ~10. A pi that has just started (a spare, a new chat) runs that path once while it waits,
// against a stub on 127.0.0.1 in this process that refuses the request (HTTP 400: no retry).
// Nothing leaves the machine: the model's baseUrl is replaced and its API key is a placeholder
// (no key or token of the user's is read). Only APIs that are plain HTTP with a key are warmed:
// others (Bedrock, Vertex, OAuth-only ones) may fetch credentials on their own.
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import type { Api, Model } from "@earendil-works/pi-ai";
import type { ExtensionAPI, ExtensionContext } from "@earendil-works/pi-coding-agent";

export const WARM_APIS: ReadonlySet<string> = new Set(["openai-completions", "openai-responses", "anthropic-messages", "google-generative-ai"]);
/** After pi's start has settled: the warm-up must not slow the start it follows. */
export const WARM_DELAY_MS = 500;
/** Tests set another delay, to reach a moment reliably. */
export const WARM_DELAY_ENV = "PI_VSCODE_WARM_DELAY_MS";
/** A stub that never answers still ends the warm-up. */
const WARM_TIMEOUT_MS = 5_000;

/** Runs `model`'s request path once against a local stub; resolves to whether the stub got the request. */
export async function warmProvider(model: Model<Api>): Promise<boolean> {
  // pi's own copy (its extension loader maps this to the module pi runs): the code warmed is
  // pi's. Imported here, not at load, so pi's start does not wait for it; before the stub
  // listens, so a failed import leaves no server open.
  const { streamSimple } = await import("@earendil-works/pi-ai/compat");
  let reached = false;
  const stub = http.createServer((req, res) => {
    reached = true;
    req.resume();
    req.on("end", () => res.writeHead(400, { "content-type": "application/json" }).end('{"error":{"type":"invalid_request_error","message":"warm-up"}}'));
  });
  await new Promise<void>((resolve, reject) => {
    stub.once("error", reject);
    stub.listen(0, "127.0.0.1", resolve);
  });
  const { port } = stub.address() as AddressInfo;
  const signal = AbortSignal.timeout(WARM_TIMEOUT_MS);
  try {
    const local: Model<Api> = { ...model, baseUrl: `http://127.0.0.1:${port}${new URL(model.baseUrl || "http://x/").pathname}` };
    const stream = streamSimple(local, { messages: [{ role: "user", content: "warm-up", timestamp: Date.now() }] }, { apiKey: "warm-up", signal, maxRetries: 0 });
    for await (const _event of stream) {
      // drained: the request, its refusal and the error event are the warm-up
    }
    return reached;
  } finally {
    stub.closeAllConnections();
    stub.close();
  }
}

/** Warms the session's model API once pi has started, and a newly chosen model's API. */
export function warmProviderWhenIdle(pi: ExtensionAPI, delayMs = WARM_DELAY_MS): void {
  const warmed = new Set<string>();
  const soon = (model: Model<Api> | undefined, ctx: ExtensionContext) => {
    if (!model || !WARM_APIS.has(model.api) || warmed.has(model.api)) return;
    warmed.add(model.api);
    setTimeout(() => {
      // A message came first (its request did the work), or the session was replaced since:
      // pi's context then throws on use, and an exception here would end pi.
      try {
        if (!ctx.isIdle()) return;
      } catch {
        return;
      }
      const started = performance.now();
      warmProvider(model).then(
        (reached) => reached && process.stderr.write(`pi-vscode: ${model.api} loaded ahead of the first message (${(performance.now() - started).toFixed(0)} ms)\n`),
        () => undefined,
      );
    }, delayMs).unref();
  };
  pi.on("session_start", (_event, ctx) => soon(ctx.model, ctx));
  pi.on("model_select", (event, ctx) => soon(event.model, ctx));
}
