// The browser tests' site: the page's assets built as shipped, a real server with a real pi
// behind a TCP relay (so a test can cut every connection), and tabs that record CSP
// violations and page errors.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import pino from "pino";
import type { Browser, Page } from "playwright-core";
import { configFromEnv, type ServerConfig } from "../../src/server/config";
import { createPiServer, type PiServer } from "../../src/server/httpServer";
import { startPiFixture, type PiFixture } from "../support/piFixture";
import { buildAssetsRoot } from "../support/webviewBuild";

/** dist/webview/ (entries and chunks) built from the current source, next to the stylesheet: what the server serves. */
export async function buildAssets(): Promise<string> {
  return buildAssetsRoot();
}

/** A TCP relay in front of the server, so a test can cut every connection like a network drop. */
export interface Relay {
  port: number;
  target: number;
  /** Connections accepted so far. */
  accepted: number;
  drop(): void;
  close(): Promise<void>;
}

async function startRelay(): Promise<Relay> {
  const pairs = new Set<{ a: net.Socket; b: net.Socket }>();
  const relay: Relay = {
    port: 0,
    target: 0,
    accepted: 0,
    drop: () => {
      for (const p of pairs) {
        p.a.destroy();
        p.b.destroy();
      }
      pairs.clear();
    },
    close: () => {
      relay.drop();
      return new Promise<void>((r) => server.close(() => r()));
    },
  };
  const server = net.createServer((a) => {
    relay.accepted++;
    const b = net.connect(relay.target, "127.0.0.1");
    const pair = { a, b };
    pairs.add(pair);
    const end = () => {
      a.destroy();
      b.destroy();
      pairs.delete(pair);
    };
    for (const s of [a, b]) {
      s.on("error", end);
      s.on("close", end);
    }
    a.pipe(b);
    b.pipe(a);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  relay.port = (server.address() as net.AddressInfo).port;
  return relay;
}

export interface Site {
  fx: PiFixture;
  server: PiServer;
  relay: Relay;
  /** The page's origin, through the relay. */
  base: string;
  dataDir: string;
  close(): Promise<void>;
}

export async function startSite(
  assetsRoot: string,
  env: NodeJS.ProcessEnv,
  overrides: Partial<ServerConfig> = {},
  hostOptions: Parameters<typeof startPiFixture>[1] = {},
): Promise<Site> {
  const fx = await startPiFixture({}, hostOptions);
  const relay = await startRelay();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "pi-remote-data-"));
  // The browser reaches the server as 127.0.0.1:<relay port>: that Host must be accepted.
  const config = configFromEnv(env, { port: 0, host: "127.0.0.1", dataDir, allowedHosts: [`127.0.0.1:${relay.port}`], ...overrides });
  const server = createPiServer({ host: fx.host, workspace: fx.workspace, config, log: pino({ level: process.env.SERVER_LOG ?? "silent" }), assetsRoot });
  await server.listen();
  relay.target = server.port;
  return {
    fx,
    server,
    relay,
    base: `http://127.0.0.1:${relay.port}`,
    dataDir,
    async close() {
      await server.close();
      await relay.close();
      await fx.cleanup();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface Tab {
  page: Page;
  violations(): Promise<string[]>;
  errors: string[];
}

// Expected noise in the console: Chromium logs every failed load (the wrong password's 401,
// the cut stream's ERR_INCOMPLETE_CHUNKED_ENCODING). Anything else is a bug.
const EXPECTED_CONSOLE = /^Failed to load resource: /;

/** A page in its own context (like a separate browser window) that records CSP violations and errors. */
export async function openTab(browser: Browser, url: string, tabs: Tab[]): Promise<Tab> {
  const context = await browser.newContext({ viewport: { width: 1000, height: 800 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error" && !EXPECTED_CONSOLE.test(m.text())) errors.push(`console: ${m.text()}`);
  });
  await page.addInitScript(() => {
    const w = window as unknown as { __violations: string[] };
    w.__violations = [];
    document.addEventListener("securitypolicyviolation", (e) => w.__violations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  await page.goto(url);
  const tab = { page, errors, violations: () => page.evaluate(() => (window as unknown as { __violations: string[] }).__violations) };
  tabs.push(tab);
  return tab;
}

/** No CSP violation and no page error in any tab; then the tabs close. */
export async function closeTabs(tabs: Tab[]): Promise<void> {
  for (const tab of tabs.splice(0)) {
    assert.deepEqual(await tab.violations(), [], "no CSP violation");
    assert.deepEqual(tab.errors, [], "no page errors");
    await tab.page.context().close();
  }
}
