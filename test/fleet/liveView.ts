// A browser's view of one chat over real HTTP: an SSE connection that, like EventSource,
// reconnects with Last-Event-ID whenever the stream ends, and applies the frames to a view state
// exactly as the webview does (ViewSink). It records which instance served each connection.
import * as http from "node:http";
import type { ChatItem, ChatState } from "../../src/protocol/transcript";
import { AUTH } from "./cluster";
import { ViewSink } from "./view";

export class LiveView {
  readonly sink = new ViewSink();
  /** X-Pi-Instance of every connection, in order. */
  readonly servedBy: string[] = [];
  private req: http.ClientRequest | undefined;
  private closed = false;

  constructor(
    private port: number,
    readonly chatId: string,
  ) {}

  get state(): ChatState {
    return this.sink.state;
  }

  get lastEventId(): string | undefined {
    return this.sink.lastEventId;
  }

  /** Opens the stream (again); `port` moves the next connections to another address. */
  connect(port = this.port): Promise<void> {
    this.port = port;
    return new Promise((resolve) => {
      const headers: Record<string, string> = { ...AUTH, accept: "text/event-stream", host: `127.0.0.1:${port}` };
      if (this.sink.lastEventId) headers["last-event-id"] = this.sink.lastEventId;
      const req = http.request({ host: "127.0.0.1", port, path: `/api/v1/chats/${this.chatId}/events`, headers, agent: false }, (res) => {
        this.servedBy.push(String(res.headers["x-pi-instance"] ?? `status ${res.statusCode}`));
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => this.sink.write(chunk));
        res.on("close", () => this.again());
        resolve();
      });
      req.on("error", () => {
        this.again();
        resolve();
      });
      req.end();
      this.req = req;
    });
  }

  /** Cuts the connection without a reconnect (the test reconnects where it wants). */
  cut(): void {
    const req = this.req;
    this.req = undefined;
    req?.destroy();
  }

  close(): void {
    this.closed = true;
    this.cut();
  }

  private again(): void {
    if (this.closed || !this.req) return;
    this.req = undefined;
    setTimeout(() => void (this.closed ? undefined : this.connect()), 300).unref();
  }
}

export function assistantTexts(items: ChatItem[]): string[] {
  return items.filter((i) => i.kind === "assistant").map((i) => (i.kind === "assistant" ? i.blocks.map((b) => (b.type === "text" ? b.text : "")).join("") : ""));
}

export function userTexts(items: ChatItem[]): string[] {
  return items.flatMap((i) => (i.kind === "user" ? [i.text] : []));
}

export function notices(items: ChatItem[]): string[] {
  return items.flatMap((i) => (i.kind === "notice" ? [i.text] : []));
}
