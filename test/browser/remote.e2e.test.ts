// The browser page end to end: a real server with a real pi and the scripted model, the real
// webview bundle in Chromium. Sign-in (password and one-time ticket link), streaming, tool
// cards, two pages on one chat, a stream dropped mid-answer, the + button, and no CSP violations.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import type { Browser, Page } from "playwright-core";
import { chatPageUrl } from "../../src/server/links";
import { launchBrowser } from "../e2e/workbench";
import { assistantText, waitFor } from "../support/piFixture";
import { buildAssets, closeTabs, openTab, type Site, startSite, type Tab } from "./site";

const PASSWORD = "open sesame, remote pi";

describe("browser page on a real server (password)", function () {
  this.timeout(180_000);
  let browser: Browser;
  let assets: string;
  let site: Site;
  const tabs: Tab[] = [];

  const open = (url: string) => openTab(browser, url, tabs);

  const signIn = async (page: Page) => {
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.locator('[data-testid="prompt-input"]').waitFor();
  };

  const send = async (page: Page, text: string) => {
    const input = page.locator('[data-testid="prompt-input"]');
    await input.fill(text);
    await input.press("Enter");
  };

  const waitReady = (page: Page) => page.locator('[data-testid="status"]', { hasText: /^ready$/ }).waitFor({ timeout: 30_000 });

  const lastAnswer = (page: Page) => page.locator('[data-testid="assistant-message"] .markdown').last();

  const chatOf = (page: Page) => new URL(page.url()).searchParams.get("chat") ?? "";

  before(async () => {
    [assets, browser] = await Promise.all([buildAssets(), launchBrowser()]);
    site = await startSite(assets, { UI_PASSWORD: PASSWORD, RATE_LIMIT_LOGIN_MAX: "50" });
  });

  after(async () => {
    await browser?.close();
    await site?.close();
    if (assets) fs.rmSync(assets, { recursive: true, force: true });
  });

  afterEach(() => closeTabs(tabs));

  it("signs in (a wrong password is refused), streams the answer and shows the write tool card", async () => {
    const { page } = await open(`${site.base}/`);
    const form = page.locator('[data-testid="login-form"]');
    await form.waitFor();
    assert.equal(await page.getByLabel("Password").getAttribute("type"), "password");
    await page.getByLabel("Password").fill("not the password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.locator('[data-testid="login-error"]', { hasText: "Wrong password." }).waitFor();
    assert.equal(await page.getByLabel("Password").getAttribute("aria-invalid"), "true");
    assert.equal(await page.locator('[data-testid="prompt-input"]').count(), 0, "no chat before signing in");
    await signIn(page);

    const id = chatOf(page);
    assert.ok(site.fx.host.get(id), "the page put the live chat it created into its URL");
    await waitReady(page);
    await send(page, "hello from the browser");
    await lastAnswer(page).filter({ hasText: "You said: hello from the browser" }).waitFor();
    await waitReady(page);

    await send(page, "write remote.txt written from a browser");
    const card = page.locator('[data-testid="tool-card"]');
    await card.waitFor();
    assert.match((await card.textContent()) ?? "", /write/);
    await page.locator('[data-testid="tool-card"][data-status="done"]').waitFor();
    await waitReady(page);
    assert.equal(fs.readFileSync(path.join(site.fx.workspace, "remote.txt"), "utf8"), "written from a browser\n");
    assert.equal(await page.evaluate(() => sessionStorage.getItem("pi.auth") !== null), true, "the token is kept for this tab");
  });

  it("a second page on the same ?chat= sees the first page's prompt live", async () => {
    const one = await open(`${site.base}/`);
    await signIn(one.page);
    const id = chatOf(one.page);
    assert.ok(id);
    const two = await open(`${site.base}/?chat=${encodeURIComponent(id)}`);
    await signIn(two.page);
    assert.equal(chatOf(two.page), id);
    await waitReady(two.page);
    // The most recent chat was picked for page one, so page two shows the earlier chat too.
    assert.ok((await two.page.locator('[data-testid="user-message"]').count()) >= 1);

    await send(one.page, "hello from page one");
    await two.page.locator('[data-testid="user-message"]', { hasText: "hello from page one" }).waitFor();
    await lastAnswer(two.page).filter({ hasText: "You said: hello from page one" }).waitFor();
    await waitReady(two.page);
    // A draft stays per tab and per chat: page two's input is untouched.
    assert.equal(await two.page.locator('[data-testid="prompt-input"]').inputValue(), "");
  });

  it("resumes a stream cut mid-answer: the transcript ends with exactly what the model sent", async () => {
    const { page } = await open(`${site.base}/`);
    await signIn(page);
    await waitReady(page);
    const id = chatOf(page);
    const before = site.server.hub.stats(id);
    const n = 150;
    const expected = Array.from({ length: n }, (_, i) => `w${i} `).join("");
    await send(page, `slow ${n}`);
    await lastAnswer(page).filter({ hasText: "w5 " }).waitFor();
    const acceptedBefore = site.relay.accepted;
    site.relay.drop();
    await page.locator('[data-testid="connection-banner"]', { hasText: "Reconnecting" }).waitFor();
    const textAtDrop = (await lastAnswer(page).textContent()) ?? "";
    // Chromium's EventSource retries after the server's `retry: 1000`.
    await page.locator('[data-testid="connection-banner"]').waitFor({ state: "detached", timeout: 15_000 });
    await waitFor("the host to finish the answer", () => {
      const s = site.fx.host.get(id);
      return s?.status === "ready" && assistantText(s.snapshot().items).endsWith(expected);
    }, 30_000);
    await waitReady(page);
    await page.waitForFunction((text) => {
      const all = document.querySelectorAll('[data-testid="assistant-message"] .markdown');
      return all[all.length - 1]?.textContent?.trim() === text;
    }, expected.trim(), { timeout: 10_000 });
    assert.equal(((await lastAnswer(page).textContent()) ?? "").trim(), expected.trim());
    assert.ok(textAtDrop.trim().length < expected.trim().length, `the stream was cut mid-answer (${textAtDrop.length}/${expected.length})`);
    assert.ok(site.relay.accepted > acceptedBefore, "the page reconnected");
    const after = site.server.hub.stats(id);
    assert.ok(after && before && after.replays > before.replays, "the gap was replayed from Last-Event-ID, not resent whole");
  });

  it("a ticket link signs in without the password form and leaves no #ticket behind; a used link does not", async () => {
    const id = [...site.fx.host.chats()][0].id;
    const link = chatPageUrl(site.base, id, site.server.issueLoginTicket());
    const { page } = await open(link);
    await page.locator('[data-testid="prompt-input"]').waitFor();
    assert.equal(await page.locator('[data-testid="login-form"]').count(), 0);
    assert.equal(await page.evaluate(() => location.hash), "", "the ticket left the address bar");
    assert.equal(chatOf(page), id);
    await waitReady(page);

    const again = await open(link);
    await again.page.locator('[data-testid="login-error"]', { hasText: "already used" }).waitFor();
    assert.equal(await again.page.evaluate(() => location.hash), "");
    await signIn(again.page);
    assert.equal(chatOf(again.page), id, "the password still leads to the linked chat");
  });

  it("streams with one-time stream tokens (a new one per reconnect), never the session token in a URL", async () => {
    const { page } = await open(`${site.base}/`);
    const urls: string[] = [];
    page.on("request", (r) => urls.push(r.url()));
    await signIn(page);
    await waitReady(page);
    const token = await page.evaluate(() => (JSON.parse(sessionStorage.getItem("pi.auth") ?? "{}") as { token?: string }).token ?? "");
    assert.ok(token.length > 20, "signed in with a token");
    site.relay.drop();
    await page.locator('[data-testid="connection-banner"]', { hasText: "Reconnecting" }).waitFor();
    await page.locator('[data-testid="connection-banner"]').waitFor({ state: "detached", timeout: 15_000 });
    const streams = urls.filter((u) => u.includes("/events"));
    const tokens = streams.map((u) => new URL(u).searchParams.get("stream_token"));
    assert.ok(streams.length >= 2, `the stream was opened, then reopened: ${streams.length}`);
    assert.ok(tokens.every((t) => !!t), "every stream URL carries a stream token");
    assert.equal(new Set(tokens).size, tokens.length, "a new one each time");
    assert.ok(!urls.some((u) => u.includes(token) || u.includes("access_token")), "the session token is in no URL");
  });

  it("Sign out ends the token on the server and shows the sign-in form", async () => {
    const { page } = await open(`${site.base}/`);
    await signIn(page);
    await waitReady(page);
    const token = await page.evaluate(() => (JSON.parse(sessionStorage.getItem("pi.auth") ?? "{}") as { token?: string }).token ?? "");
    const chats = () => fetch(`http://127.0.0.1:${site.server.port}/api/v1/chats`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.status);
    assert.equal(await chats(), 200);
    await page.locator('[data-testid="sign-out"]').click();
    await page.locator('[data-testid="login-form"]').waitFor();
    assert.equal(await page.evaluate(() => sessionStorage.getItem("pi.auth")), null, "the tab forgot it");
    assert.equal(await chats(), 401, "and the server no longer accepts it (a copy is worthless)");
    await signIn(page);
  });

  it("the + button opens a new chat with its own pi, and the page follows it to ?chat=<new id>", async () => {
    const { page } = await open(`${site.base}/`);
    await signIn(page);
    await waitReady(page);
    const old = chatOf(page);
    assert.ok((await page.locator('[data-testid="user-message"]').count()) >= 1, "the most recent chat has messages");
    const before = site.fx.host.chats().length;
    await page.locator('[data-testid="new-session"]').click();
    await page.waitForFunction((id) => {
      const shown = new URL(location.href).searchParams.get("chat");
      return !!shown && shown !== id;
    }, old);
    const fresh = chatOf(page);
    assert.ok(site.fx.host.get(fresh), "the new chat is live on the server");
    assert.equal(site.fx.host.chats().length, before + 1, "one new chat");
    assert.ok(site.fx.host.get(old), "the browser keeps the replaced chat open (it is not VS Code's to stop)");
    assert.notEqual(site.fx.host.get(fresh)?.pid, site.fx.host.get(old)?.pid, "each chat has its own pi");
    await page.locator('[data-testid="user-message"]').first().waitFor({ state: "detached" });
    await waitReady(page);
    await send(page, "hello in the new chat");
    await lastAnswer(page).filter({ hasText: "You said: hello in the new chat" }).waitFor();
    assert.ok(assistantText(site.fx.host.get(fresh)?.snapshot().items ?? []).includes("hello in the new chat"), "the message went to the new chat");
    assert.ok(!assistantText(site.fx.host.get(old)?.snapshot().items ?? []).includes("hello in the new chat"), "not to the old one");
  });
});

describe("browser page on a server that signs in only by ticket (as VS Code starts it)", function () {
  this.timeout(120_000);
  let browser: Browser;
  let assets: string;
  let site: Site;

  before(async () => {
    [assets, browser] = await Promise.all([buildAssets(), launchBrowser()]);
    site = await startSite(assets, {}, { requireAuth: true });
  });

  after(async () => {
    await browser?.close();
    await site?.close();
    if (assets) fs.rmSync(assets, { recursive: true, force: true });
  });

  it("says how to sign in without a ticket, and opens the chat with one", async () => {
    const tabs: Tab[] = [];
    const { page } = await openTab(browser, `${site.base}/`, tabs);
    await page.locator('[data-testid="login-unavailable"]', { hasText: "Open Session in Browser" }).waitFor();
    assert.equal(site.fx.host.chats().length, 0, "nothing was created anonymously");

    await page.goto(chatPageUrl(site.base, "no-such-chat", site.server.issueLoginTicket()));
    await page.locator('[data-testid="prompt-input"]').waitFor();
    assert.equal(await page.evaluate(() => location.hash), "");
    const id = new URL(page.url()).searchParams.get("chat") ?? "";
    assert.notEqual(id, "no-such-chat", "a stale ?chat= falls back to a live chat");
    assert.ok(site.fx.host.get(id));
    await page.locator('[data-testid="status"]', { hasText: /^ready$/ }).waitFor({ timeout: 30_000 });
    const input = page.locator('[data-testid="prompt-input"]');
    await input.fill("hello ticket");
    await input.press("Enter");
    await page.locator('[data-testid="assistant-message"]', { hasText: "You said: hello ticket" }).waitFor();
    await closeTabs(tabs);
  });
});
