// Playwright helpers for the VS Code workbench in Debian's Chromium: launch quietly and
// offline, run palette commands, and reach into webview iframes.
import * as fs from "node:fs";
import * as path from "node:path";
import { chromium, type Browser, type Frame, type Page } from "playwright-core";

export const OUTPUT_DIR = path.join(__dirname, "..", "..", "test-output");

export async function launchBrowser(): Promise<Browser> {
  const executablePath = process.env.CHROMIUM ?? "/usr/bin/chromium";
  if (!fs.existsSync(executablePath)) throw new Error(`${executablePath} is missing: run 'bash test/env/ensure-tools.sh' first`);
  return chromium.launch({
    executablePath,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--disable-dev-shm-usage",
      // Nothing but loopback resolves: a test can never reach out.
      "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
    ],
  });
}

/** The page's (and its webviews') console errors and uncaught exceptions, for failure reports. */
const pageErrors = new WeakMap<Page, string[]>();

export async function openWorkbench(browser: Browser, url: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const errors: string[] = [];
  pageErrors.set(page, errors);
  page.on("console", (m) => {
    if (m.type() === "error" && /pi chat|webview|vscode-webview/i.test(`${m.text()} ${m.location().url}`)) errors.push(`console: ${m.text()}`.slice(0, 500));
  });
  page.on("pageerror", (e) => errors.push(`pageerror: ${String(e)}`.slice(0, 500)));
  await page.goto(url);
  await page.waitForSelector(".monaco-workbench", { timeout: 60_000 });
  await page.waitForSelector(".activitybar", { timeout: 60_000 });
  return page;
}

/** F1, type the command's title, pick it. Contributed commands appear only once the extension host scanned them. */
export async function runCommand(page: Page, title: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await page.keyboard.press("Escape");
    await page.keyboard.press("F1");
    const input = page.locator(".quick-input-widget input");
    await input.waitFor({ state: "visible", timeout: 10_000 });
    await input.fill(`>${title}`);
    const row = page.locator(".quick-input-list .monaco-list-row", { hasText: title }).first();
    try {
      await row.waitFor({ state: "visible", timeout: 3_000 });
      await row.click();
      return;
    } catch {
      if (Date.now() > deadline) throw new Error(`command "${title}" never appeared in the palette`);
    }
  }
}

/** The inner frame of the webview whose title is `title` (the view's name or the panel's title). */
export async function findWebviewFrame(page: Page, title: string | RegExp, timeoutMs = 60_000): Promise<Frame> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const frame of page.frames()) {
      const el = await frame.frameElement().catch(() => undefined);
      if (!el) continue;
      const [id, frameTitle] = await Promise.all([el.getAttribute("id").catch(() => null), el.getAttribute("title").catch(() => null)]);
      if (id === "active-frame" && frameTitle !== null && (typeof title === "string" ? frameTitle === title : title.test(frameTitle))) {
        const ready = await frame.locator("#app").count().catch(() => 0);
        if (ready) return frame;
      }
    }
    if (Date.now() > deadline) throw new Error(`no webview titled "${title}" appeared`);
    await page.waitForTimeout(250);
  }
}

export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(OUTPUT_DIR, { recursive: true });
  const file = path.join(OUTPUT_DIR, name);
  await page.screenshot({ path: file });
  return file;
}

/** After a failed UI test: a screenshot, what the chat showed, and the extension's own log. */
export async function reportFailure(title: string, page: Page | undefined, chat: Frame | undefined, logFile: string | undefined): Promise<void> {
  if (page) await screenshot(page, `failed-${title.replace(/[^a-z0-9]+/gi, "-").slice(0, 60) || "test"}.png`).catch(() => undefined);
  const chatText = chat ? await chat.locator("#app").innerText().catch((e: unknown) => `(chat unreadable: ${String(e)})`) : "(no chat frame)";
  console.log(`--- chat webview text:\n${chatText.slice(-3000)}`);
  const log = logFile && fs.existsSync(logFile) ? fs.readFileSync(logFile, "utf8").slice(-6000) : "(none)";
  console.log(`--- extension log:\n${log}`);
  const errors = page ? (pageErrors.get(page) ?? []) : [];
  if (errors.length) console.log(`--- page errors (last 20):\n${errors.slice(-20).join("\n")}`);
}
