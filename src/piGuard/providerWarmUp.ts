/// <reference path="./piAiCompat.d.ts" />
// pi loads a model API's code, and opens its HTTP client, on the first request: ~50 ms of a
// chat's first message on an idle machine, twice that under load, where later messages take
// ~10. A pi that has just started (a spare, a new chat) runs that path once while it waits,
// against a stub on 127.0.0.1 in this process that refuses the request (HTTP 400: no retry).
// Nothing leaves the machine: the model's baseUrl is replaced and its API key is a placeholder
// (no key or token of the user's is read). Only APIs that are plain HTTP with a key are warmed:
// others (Bedrock, Vertex, OAuth-only ones) may fetch credentials on their own.
// The refusal comes in pieces (WARM_PIECES writes): Node's HTTP client parses responses with a
// WebAssembly parser that V8 first runs unoptimized and recompiles once it has run enough. With
// one piece that recompile came during the first message's answer: 40–60 ms of CPU on V8's
// worker threads, on a 2-core machine beside the page that shows the answer. In pieces it
// comes now, while pi waits (bench/piFirstMessage.ts).
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
/** Writes of the refusal: 20 were enough for V8 to optimize the parser while pi waited; 1 was not. */
export const WARM_PIECES = 20;
/** Benches set 1, to compare with the refusal in one piece. */
export const WARM_PIECES_ENV = "PI_VSCODE_WARM_PIECES";
const REFUSAL = '{"error":{"type":"invalid_request_error","message":"warm-up"}}';

export interface WarmUp {
  /** The stub got the API's request. */
  reached: boolean;
  /** Writes the refusal took. */
  pieces: number;
}

/** Runs `model`'s request path once against a local stub, which refuses it in `pieces` writes. */
export async function warmProvider(model: Model<Api>, pieces = WARM_PIECES): Promise<WarmUp> {
  // pi's own copy (its extension loader maps this to the module pi runs): the code warmed is
  // pi's. Imported here, not at load, so pi's start does not wait for it; before the stub
  // listens, so a failed import leaves no server open.
  const { streamSimple } = await import("@earendil-works/pi-ai/compat");
  let reached = false;
  let written = 0;
  const stub = http.createServer((req, res) => {
    reached = true;
    req.resume();
    req.on("end", () => {
      res.writeHead(400, { "content-type": "application/json" });
      // JSON's leading whitespace, one write per turn of the event loop: the client (in this
      // process) parses each before the next is written.
      const next = () => {
        if (res.destroyed) return;
        written++;
        if (written >= pieces) res.end(REFUSAL);
        else res.write(" ".repeat(64), () => setImmediate(next));
      };
      next();
    });
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
    return { reached, pieces: written };
  } finally {
    stub.closeAllConnections();
    stub.close();
  }
}

/** Warms the session's model API once pi has started, and a newly chosen model's API. */
export function warmProviderWhenIdle(pi: ExtensionAPI, delayMs = WARM_DELAY_MS, pieces = WARM_PIECES): void {
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
      warmProvider(model, pieces).then(
        (warm) =>
          warm.reached &&
          process.stderr.write(`pi-vscode: ${model.api} loaded ahead of the first message (${(performance.now() - started).toFixed(0)} ms, ${warm.pieces} pieces)\n`),
        () => undefined,
      );
    }, delayMs).unref();
  };
  pi.on("session_start", (_event, ctx) => soon(ctx.model, ctx));
  pi.on("model_select", (event, ctx) => soon(event.model, ctx));
}
