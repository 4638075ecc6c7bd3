/**
 * The demo page in headless Chromium (Debian's /usr/bin/chromium through playwright-core;
 * no browser download): a customer message, a staff reply and an edit, as a user clicks
 * and types them; then a screenshot.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { copyFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { startDemo, type Demo } from "../../src/demo/index.ts";

const CHROMIUM = "/usr/bin/chromium";
const skip = existsSync(CHROMIUM) ? false : `no ${CHROMIUM}: apt-get install chromium`;
/** Where the lead looks at the page without running it. */
const LEAD_COPY = "/work/demo-screenshot.png";

let demo: Demo;
let browser: Browser;
let page: Page;
const problems: string[] = [];

before(async () => {
  if (skip) return;
  demo = await startDemo();
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
  });
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.setDefaultTimeout(5000);
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("console", (m) => m.type() === "error" && problems.push(`console: ${m.text()}`));
  // Anything not served by the demo itself is a bug (the machine may have no internet).
  await page.route(/^(?!http:\/\/127\.0\.0\.1:)/, (route) => {
    problems.push(`external request: ${route.request().url()}`);
    return route.abort();
  });
});
after(async () => {
  await browser?.close();
  await demo?.close();
});

/** The texts of the bubbles in one of the page's walls (#chat, #cards, #thread). */
const bubbles = (wall: string, side = "") => page.locator(`#${wall} .msg${side} .text`);

test("the page plays customer and staff: a message, a reply, an edit, all live", { skip, timeout: 20_000 }, async (t) => {
  await page.goto(demo.url);
  await page.waitForSelector("#live[data-state=on]");
  assert.equal(await page.locator("#bot-name").textContent(), "Acme Support");
  assert.equal(await page.locator(".customer-tab[aria-selected=true]").textContent(), "EJEmma Johnson");

  // 1. The customer writes, with formatting typed like in Telegram's apps.
  await page.fill("#chat-input", "Hi! My **order 4821** arrived broken.");
  await page.press("#chat-input", "Enter");
  const card = page.locator("#cards .card.selected");
  await card.waitFor();
  assert.match((await card.textContent()) ?? "", /Emma Johnson[\s\S]*Status: open/);
  await page.locator('#cards .card[data-pinned="true"]').waitFor();
  const copy = page.locator("#thread .msg .text", { hasText: "arrived broken" });
  await copy.waitFor();
  assert.equal(await copy.locator("b").textContent(), "order 4821", "bold survives the relay");
  await bubbles("chat", ".other").filter({ hasText: "Hello, Emma!" }).waitFor();

  // 2. Staff answer in the card's comments; the customer gets it from the bot.
  await page.fill("#thread-input", "Sorry! A __new one__ ships today.");
  await page.press("#thread-input", "Enter");
  const answer = bubbles("chat", ".other").filter({ hasText: "ships today" });
  await answer.waitFor();
  assert.equal(await answer.locator("i").textContent(), "new one");
  assert.match((await page.locator("#cards .card.selected .comments-bar").textContent()) ?? "", /2 comments/);

  // 3. The customer edits their message (hover, Edit, change, Enter): the thread's copy follows.
  const mine = page.locator("#chat .msg.own", { hasText: "arrived broken" });
  await mine.hover();
  await mine.getByRole("button", { name: "Edit" }).click();
  assert.equal(await page.inputValue("#chat-input"), "Hi! My **order 4821** arrived broken.", "the composer holds the text, formatting as typed");
  await page.fill("#chat-input", "Hi! My **order 4821** arrived broken (the blue mug).");
  await page.press("#chat-input", "Enter");
  const edited = page.locator("#thread .msg", { hasText: "the blue mug" });
  await edited.waitFor();
  assert.equal(await edited.locator(".edited").count(), 1, "marked as edited in the thread");

  // 4. A canned reply through the inline box.
  await page.click("#inline-chip");
  await page.type("#thread-input", "deliv");
  await page.locator('#inline [data-result="delivery"]').click();
  await bubbles("chat", ".other").filter({ hasText: "Orders arrive within 5 business days, Emma." }).waitFor();

  // One fixed file, overwritten on each run: an artefact to look at, not a pile of folders.
  const shot = join(tmpdir(), "clientes-demo-screenshot.png");
  await page.screenshot({ path: shot });
  t.diagnostic(`screenshot: ${shot}`);
  if (existsSync("/work")) {
    await copyFile(shot, LEAD_COPY).then(
      () => t.diagnostic(`copy: ${LEAD_COPY}`),
      () => undefined,
    );
  }
  assert.deepEqual(problems, [], "no page errors, no external requests");
});
