// The browser's sessions page (?view=chats) on a real server with a real pi behind the guard
// (bash asks): every chat with its state, a waiting question answered inline that then runs the
// command, the web app manifest and the service worker, a notification when a chat starts
// waiting, and axe-core audits of the sessions page and the chat page.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import type { Browser, Page } from "playwright-core";
import type { GuardConfig } from "../../src/host/chatHost";
import { API_PREFIX } from "../../src/protocol/serverPaths";
import { launchBrowser, screenshot } from "../e2e/workbench";
import { auditAccessibility } from "../support/axe";
import { bundleGuard } from "../support/guardBundle";
import { waitFor } from "../support/piFixture";
import { buildAssets, closeTabs, openTab, type Site, startSite, type Tab } from "./site";

describe("browser sessions page, manifest, service worker and notifications", function () {
  this.timeout(180_000);
  let browser: Browser;
  let assets: string;
  let site: Site;
  const tabs: Tab[] = [];

  const api = async <T>(method: string, route: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${site.base}${API_PREFIX}${route}`, { method, headers: body === undefined ? {} : { "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${route}: ${res.status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  };

  /** A new chat named `name`, ready for a prompt. */
  const newChat = async (name: string): Promise<string> => {
    const { chatId } = await api<{ chatId: string }>("POST", "/chats");
    await waitFor(`${name} to start`, () => site.fx.host.get(chatId)?.status === "ready", 30_000);
    await api("POST", `/chats/${chatId}/name`, { name });
    return chatId;
  };

  // The prompt's reply may wait for the run; the test watches the host instead.
  const prompt = (chatId: string, text: string) => void api("POST", `/chats/${chatId}/prompt`, { text }).catch(() => undefined);

  const row = (page: Page, chatId: string) => page.locator(`[data-testid="chat-row"][data-chat-id="${chatId}"]`);

  before(async () => {
    const guardJs = await bundleGuard();
    const guard: GuardConfig = { path: guardJs, bashPolicy: "ask", bashAllow: [], loadUserExtensions: false };
    [assets, browser] = await Promise.all([buildAssets(), launchBrowser()]);
    site = await startSite(assets, {}, {}, { guard: () => guard });
  });

  after(async () => {
    await browser?.close();
    await site?.close();
    if (assets) fs.rmSync(assets, { recursive: true, force: true });
  });

  afterEach(() => closeTabs(tabs));

  it("lists every chat with its state, and a question answered inline runs the command", async () => {
    const idle = await newChat("idle chat");
    const slow = await newChat("slow chat");
    const asking = await newChat("asking chat");
    prompt(slow, "slow 400");
    prompt(asking, "bash echo from the sessions page > inline.txt");
    await waitFor("the bash approval", () => (site.fx.host.get(asking)?.waiting.length ?? 0) > 0, 30_000);

    const { page } = await openTab(browser, `${site.base}/?view=chats`, tabs);
    await row(page, asking).locator('[data-testid="dialog-card"]').waitFor({ timeout: 15_000 });
    assert.equal(await row(page, idle).getAttribute("data-state"), "ready");
    assert.equal(await row(page, slow).getAttribute("data-state"), "working");
    assert.equal(await row(page, asking).getAttribute("data-state"), "waiting");
    assert.equal(await row(page, asking).locator('[data-testid="chat-state"]').textContent(), "waiting for you");
    assert.equal(await row(page, slow).locator(".chat-row-title").textContent(), "slow chat");
    assert.match((await row(page, slow).locator(".chat-row-meta").textContent()) ?? "", /pi-demo/, "the model is shown");
    assert.equal(await page.locator('[data-testid="waiting-count"]').textContent(), "1 waiting for you");
    assert.equal(await row(page, asking).locator(".chat-row-title").getAttribute("href"), `?chat=${asking}`);
    await auditAccessibility(page, "sessions page");
    await screenshot(page, "sessions-page.png");

    await row(page, asking).locator('[data-testid="dialog-card"] button', { hasText: "Allow once" }).click();
    const file = path.join(site.fx.workspace, "inline.txt");
    await waitFor("the approved command to run", () => fs.existsSync(file), 30_000);
    assert.equal(fs.readFileSync(file, "utf8"), "from the sessions page\n");
    // The run ends: the page saw it, so the chat is "done" (not just idle) until it works again.
    await page.locator(`[data-testid="chat-row"][data-chat-id="${asking}"][data-state="done"]`).waitFor({ timeout: 30_000 });
    assert.equal(await row(page, asking).locator('[data-testid="dialog-card"]').count(), 0, "the answered question is gone");
    await page.locator(`[data-testid="chat-row"][data-chat-id="${slow}"][data-state="done"]`).waitFor({ timeout: 30_000 });
    assert.equal(await page.locator('[data-testid="waiting-count"]').count(), 0);

    // Open a chat from the list: its own page, with the same chat.
    await row(page, asking).locator(".chat-row-title").click();
    await page.locator('[data-testid="user-message"]', { hasText: "from the sessions page" }).waitFor();
    assert.equal(new URL(page.url()).searchParams.get("chat"), asking);
    await page.locator('[data-testid="status"]', { hasText: /^ready$/ }).waitFor({ timeout: 30_000 });
    await auditAccessibility(page, "browser chat page");
    await page.locator('[data-testid="all-chats"]').click();
    await page.locator('[data-testid="chats-list"]').waitFor();
  });

  it("serves the web app manifest, and the service worker registers with the page's scope", async () => {
    const { page } = await openTab(browser, `${site.base}/?view=chats`, tabs);
    const href = await page.locator('link[rel="manifest"]').getAttribute("href");
    assert.equal(href, "manifest.webmanifest", "relative: it works behind a path prefix");
    const res = await page.request.get(new URL(href ?? "", page.url()).href);
    assert.equal(res.status(), 200);
    assert.match(res.headers()["content-type"] ?? "", /^application\/manifest\+json/);
    const manifest = (await res.json()) as { start_url: string; scope: string; display: string; icons: Array<{ src: string; sizes: string; type: string }> };
    assert.equal(manifest.display, "standalone");
    assert.equal(manifest.scope, "./");
    for (const size of ["192x192", "512x512"]) {
      const icon = manifest.icons.find((i) => i.sizes === size);
      assert.ok(icon, `a ${size} icon`);
      const img = await page.request.get(new URL(icon.src, res.url()).href);
      assert.equal(img.status(), 200);
      assert.equal(img.headers()["content-type"], "image/png");
    }
    const sw = await page.evaluate(async () => {
      const reg = await navigator.serviceWorker.ready;
      return { scope: reg.scope, script: reg.active?.scriptURL };
    });
    assert.equal(sw.scope, `${site.base}/`);
    assert.equal(sw.script, `${site.base}/sw.js`);
    // It caches nothing: the API still answers live, and the page is the server's.
    const swResponse = await page.request.get(`${site.base}/sw.js`);
    assert.match(swResponse.headers()["content-security-policy"] ?? "", /worker-src 'self'/);
    assert.equal(await page.evaluate(async () => (await caches.keys()).length), 0, "no cache storage");
  });

  it("notifies when a chat the page shows starts waiting (permission granted)", async () => {
    const chat = await newChat("notify chat");
    const { page } = await openTab(browser, `${site.base}/?view=chats`, tabs);
    await page.context().grantPermissions(["notifications"], { origin: site.base });
    await page.evaluate(() => navigator.serviceWorker.ready);
    await row(page, chat).waitFor();
    const bell = page.locator('[data-testid="notifications"]');
    // Granted beforehand (as here) the bell starts on; it turns off and on again.
    await page.reload();
    await row(page, chat).waitFor();
    assert.equal(await bell.getAttribute("aria-pressed"), "true");
    await bell.click();
    assert.equal(await bell.getAttribute("aria-pressed"), "false");
    await bell.click();
    assert.equal(await bell.getAttribute("aria-pressed"), "true");

    prompt(chat, "bash echo notify me");
    await page.locator(`[data-testid="chat-row"][data-chat-id="${chat}"][data-state="waiting"]`).waitFor({ timeout: 30_000 });
    const shown = await page.waitForFunction(async () => {
      const reg = await navigator.serviceWorker.ready;
      const list = await reg.getNotifications();
      return list.length ? list.map((n) => ({ title: n.title, body: n.body, url: (n.data as { url?: string } | null)?.url })) : false;
    }, undefined, { timeout: 15_000 });
    const [notification] = (await shown.jsonValue()) as Array<{ title: string; body: string; url: string }>;
    assert.equal(notification.title, "notify chat: waiting for you");
    assert.match(notification.body, /echo notify me/);
    assert.equal(notification.url, `?chat=${chat}`);
    await row(page, chat).locator('[data-testid="dialog-card"] button', { hasText: "Deny" }).click();
    await page.locator(`[data-testid="chat-row"][data-chat-id="${chat}"][data-state="done"]`).waitFor({ timeout: 30_000 });
  });
});
