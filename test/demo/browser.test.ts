/**
 * The demo page in headless Chromium (Debian's /usr/bin/chromium through playwright-core;
 * no browser download), as a user clicks and types: a customer message, a staff reply and
 * an edit, a canned reply, the sample kinds, an internal note, the priority chip, the
 * pinned bar, the card's buttons and its hashtags, the survey's stars in the customer's chat, the desk's clock
 * moved after hours (the away text, the note, the card's 🌙; in Portuguese too); then the layout at a phone's width (390 px) and at 1000 px, with screenshots
 * in test/output/ (not part of the repository).
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type Page } from "playwright-core";
import { startDemo, type Demo } from "../../src/demo/index.ts";

const CHROMIUM = "/usr/bin/chromium";
const skip = existsSync(CHROMIUM) ? false : `no ${CHROMIUM}: apt-get install chromium`;
/** Screenshots to look at; the folder is in .gitignore. */
const OUTPUT = fileURLToPath(new URL("../output/", import.meta.url));

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
  page = await browser.newPage({ viewport: { width: 1000, height: 800 } });
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

/**
 * Presses "+ customer" and waits until the new customer (the last tab) is the one shown: a
 * message typed before that would go from the previous customer.
 */
async function addCustomer(): Promise<void> {
  const tabs = ".customer-tab:not(.add)";
  const before = await page.locator(tabs).count();
  await page.click("#add-customer");
  await page.waitForFunction(
    ([sel, n]) => {
      const all = document.querySelectorAll(sel as string);
      return all.length > (n as number) && all[all.length - 1]!.getAttribute("aria-selected") === "true";
    },
    [tabs, before] as const,
  );
}

test("the page plays customer and staff: a message, a reply, an edit, all live", { skip, timeout: 20_000 }, async () => {
  await page.goto(demo.url);
  await page.waitForSelector("#live[data-state=on]");
  assert.equal(await page.locator("#bot-name").textContent(), "Acme Support");
  assert.equal(await page.locator(".customer-tab[aria-selected=true]").textContent(), "EJEmma Johnson");

  // 1. The customer writes, with formatting typed like in Telegram's apps.
  await page.fill("#chat-input", "Hi! My **order 4821** arrived broken.");
  await page.press("#chat-input", "Enter");
  const card = page.locator("#cards .card.selected");
  await card.waitFor();
  assert.match((await card.textContent()) ?? "", /Emma Johnson[\s\S]*Status: waiting for us since \d\d:\d\d/);
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
  assert.deepEqual(problems, [], "no page errors, no external requests");
});

test("next to the photos: a sample album, document, voice note and sticker, each relayed and shown as such", { skip, timeout: 20_000 }, async () => {
  const send = async (kind: string) => {
    await page.click("#chat-attach");
    await page.click(`#chat-samples [data-sample="${kind}"]`);
  };
  await page.fill("#chat-input", "three angles");
  await send("album");
  const album = page.locator("#thread .msg.has-album", { hasText: "three angles" });
  await album.waitFor();
  assert.equal(await album.locator(".album img").count(), 3, "one bubble, three photos, in the thread as in the chat");
  assert.equal(await page.locator("#chat .msg.has-album .album img").count(), 3);
  await send("document");
  await page.locator("#thread .doc .doc-name", { hasText: "invoice-4821.pdf" }).waitFor();
  await send("voice");
  await page.locator("#thread .voice .dur", { hasText: "0:04" }).waitFor();
  await send("sticker");
  await page.locator("#thread .msg.sticker .sticker-art").waitFor();
  // Staff can send them back (no album there: the sandbox posts albums only from a private chat).
  await page.click("#thread-attach");
  assert.equal(await page.locator('#thread-samples [data-sample="album"]').count(), 0);
  await page.click('#thread-samples [data-sample="document"]');
  await page.locator("#chat .msg.other .doc .doc-name", { hasText: "invoice-4821.pdf" }).waitFor();
  assert.deepEqual(problems, []);
});

test("an internal note looks internal; the hints for #, formatting and Shift+Enter are on screen; the /p chip changes the card", { skip, timeout: 20_000 }, async () => {
  for (const hint of ["#chat-hint", "#thread-hint"]) {
    assert.ok(await page.locator(hint).isVisible(), `${hint} is shown, not only on hover`);
    assert.match((await page.locator(hint).textContent()) ?? "", /\*\*bold\*\*.*Shift\+Enter: new line/);
  }
  assert.match((await page.locator("#thread-hint").textContent()) ?? "", /^# at the start: internal note \(not sent\)/);

  await page.fill("#thread-input", "# check the stock before promising a date");
  await page.press("#thread-input", "Enter");
  const note = page.locator("#thread .msg.note", { hasText: "check the stock" });
  await note.waitFor();
  assert.equal(await note.locator(".tag.note").textContent(), "internal note");
  const style = await note.locator(".bubble").evaluate((el) => getComputedStyle(el).borderStyle);
  assert.equal(style, "dashed", "drawn unlike a message that reaches the customer");
  assert.equal(await page.locator("#thread .msg.note").count(), 1, "only the note is marked");

  const chip = page.locator('#chips [data-command="/p"]');
  assert.equal(await chip.textContent(), "/p 4", "the card is at priority 3: the chip offers another one");
  await chip.click();
  const card = page.locator("#cards .card.selected");
  await card.locator(".prio.p4").waitFor();
  assert.match((await card.textContent()) ?? "", /Priority: 4/);
  await page.locator("#cards .card.flash").waitFor();
  assert.equal(await chip.textContent(), "/p 5", "and next time yet another");
  assert.deepEqual(problems, []);
});

test("the pinned bar shows the card pinned last, and opens it", { skip, timeout: 20_000 }, async () => {
  await page.click("#add-customer");
  await page.locator(".customer-tab[aria-selected=true]", { hasText: "Liam" }).waitFor();
  await page.fill("#chat-input", "Do you ship to Portugal?");
  await page.press("#chat-input", "Enter");
  await page.locator("#pinbar", { hasText: "Liam Smith" }).waitFor();

  // Emma's conversation closes (unpinned) and reopens (pinned again): now hers is the latest pin.
  await page.click('.customer-tab:has-text("Emma")');
  await page.locator("#thread-subtitle", { hasText: "Emma" }).waitFor();
  await page.click('#chips [data-command="/close"]');
  await page.locator("#cards .card.selected[data-pinned=false]").waitFor();
  await page.fill("#chat-input", "One more question");
  await page.press("#chat-input", "Enter");
  await page.locator("#cards .card.selected[data-pinned=true]").waitFor();
  await page.locator("#pinbar", { hasText: "Emma Johnson" }).waitFor();
  assert.match((await page.locator("#pinbar b").textContent()) ?? "", /Pinned message · 2/);

  await page.click('.customer-tab:has-text("Liam")');
  await page.locator("#thread-subtitle", { hasText: "Liam" }).waitFor();
  await page.click("#pinbar");
  await page.locator("#thread-subtitle", { hasText: "Emma" }).waitFor();
  assert.deepEqual(problems, []);
});

test("the card's buttons press as the chosen person, and its hashtags search the channel", { skip, timeout: 20_000 }, async () => {
  await page.click('.customer-tab:has-text("Emma")');
  const card = page.locator("#cards .card.selected");
  await card.locator(".kb-button", { hasText: "Take" }).waitFor();
  // Ana (staff) takes it: the answer is a notification, the card shows her and offers Release.
  await card.locator(".kb-button", { hasText: "Take" }).click();
  await page.locator("#toast:not(.alert)", { hasText: "Ana owns this conversation" }).waitFor();
  await card.locator(".kb-button", { hasText: "Release (Ana)" }).waitFor();
  await card.locator(".hashtag", { hasText: "#ana" }).waitFor();
  // Someone not on the staff presses Close: an alert, and the conversation stays open.
  await page.selectOption("#as", { label: "Olivia Owner (not staff)" });
  await card.locator(".kb-button", { hasText: "Close" }).click();
  await page.locator("#toast.alert", { hasText: "Only the team can use these buttons" }).waitFor();
  assert.equal(await card.locator(".kb-button", { hasText: "Reopen" }).count(), 0);
  await page.selectOption("#as", { index: 0 });
  // Clicking #waiting shows only the cards that wait, as Telegram's search would.
  await addCustomer();
  await page.fill("#chat-input", "Hello?");
  await page.press("#chat-input", "Enter");
  await page.locator("#cards .card.selected .hashtag", { hasText: "#waiting" }).waitFor();
  const total = await page.locator("#cards .card").count();
  await page.fill("#thread-input", "Hi, how can we help?");
  await page.press("#thread-input", "Enter");
  await page.locator("#cards .card.selected .hashtag", { hasText: "#answered" }).click();
  await page.locator("#search", { hasText: "Cards with #answered" }).waitFor();
  const shown = await page.locator("#cards .card").count();
  assert.ok(shown >= 1 && shown < total, `the search shows some cards (${shown} of ${total})`);
  for (const text of await page.locator("#cards .card .text").allTextContents()) assert.match(text, /#answered/);
  await page.click("#clear-search");
  await page.locator("#search").waitFor({ state: "hidden" });
  assert.equal(await page.locator("#cards .card").count(), total);
  assert.deepEqual(problems, []);
});

test("after /close the customer's chat shows the survey's stars, and tapping one rates the conversation", { skip, timeout: 20_000 }, async () => {
  await addCustomer();
  await page.fill("#chat-input", "Where is my parcel?");
  await page.press("#chat-input", "Enter");
  await page.locator("#cards .card.selected .hashtag", { hasText: "#waiting" }).waitFor();
  await page.fill("#thread-input", "/close");
  await page.press("#thread-input", "Enter");
  const stars = page.locator("#chat .msg.other .kb-button", { hasText: "4 ⭐" });
  await stars.waitFor();
  assert.equal(await page.locator("#chat .msg.other .kb-button").count(), 5);
  await stars.click();
  await page.locator("#toast:not(.alert)", { hasText: "Thank you! You gave 4 ⭐." }).waitFor();
  await page.locator("#chat .msg.other .text", { hasText: "You gave 4 ⭐" }).waitFor();
  await page.locator("#thread .msg .text", { hasText: "⭐ 4 from the customer" }).waitFor();
  await page.locator("#cards .card.selected .text", { hasText: "⭐ 4" }).waitFor();
  assert.deepEqual(problems, []);
});

test("🌙 After hours: the away text in the customer's chat, a note in the comments, 🌙 on the card; back in hours, no away text", { skip, timeout: 20_000 }, async () => {
  assert.match((await page.locator("#intro").textContent()) ?? "", /Business hours: Mon–Fri 09:00–18:00, Sat 09:00–12:00 \(Europe\/London\)\. Press 🌙 After hours/);
  const clock = page.locator("#desk-clock");
  assert.equal(await clock.getAttribute("data-state"), "open", "the demo starts in business hours");
  assert.match((await page.locator("#desk-time").textContent()) ?? "", /^\w{3} \d\d:\d\d · open$/);
  await addCustomer();

  await page.click("#after-hours");
  await page.locator("#desk-clock[data-state=closed]").waitFor();
  assert.equal(await page.locator("#after-hours").getAttribute("aria-pressed"), "true");
  assert.match((await page.locator("#desk-time").textContent()) ?? "", /^\w{3} \d\d:\d\d · closed until \w{3} 09:00$/);
  await page.locator("#toast", { hasText: "Write as the customer." }).waitFor();
  await page.fill("#chat-input", "Is the shop still open?");
  await page.press("#chat-input", "Enter");
  const away = page.locator("#chat .msg.other .text", { hasText: "We are outside business hours right now" });
  await away.waitFor();
  assert.match((await away.textContent()) ?? "", /we are back (tomorrow|on Monday) at 09:00\./);
  const note = page.locator("#thread .msg .text", { hasText: "🌙 Arrived outside business hours" });
  await note.waitFor();
  await page.locator("#thread .msg .text", { hasText: "Is the shop still open?" }).waitFor();
  await page.locator("#cards .card.selected .text", { hasText: "🌙 outside hours" }).waitFor();

  await page.click("#after-hours");
  await page.locator("#desk-clock[data-state=open]").waitFor();
  assert.equal(await page.locator("#after-hours").getAttribute("aria-pressed"), "false");
  await page.fill("#chat-input", "Good morning!");
  await page.press("#chat-input", "Enter");
  await page.locator("#thread .msg .text", { hasText: "Good morning!" }).waitFor();
  assert.equal(await note.count(), 1, "no second note: the message came in hours");
  assert.equal(await away.count(), 1, "no second away text");
  assert.deepEqual(problems, []);
});

/** What sticks out of the page at this width: elements past the edge, or cut inside their box. */
function clipped(p: Page): Promise<string[]> {
  return p.evaluate(() => {
    const out: string[] = [];
    const root = document.documentElement;
    if (root.scrollWidth > root.clientWidth) out.push(`the page scrolls sideways: ${root.scrollWidth} > ${root.clientWidth}`);
    const selectors = [".place", ".composer .send", ".composer textarea", "#chips .chip", "#as", ".customer-tab", "#pinbar", ".card", ".composer-hint", "#live", "#desk-time", "#after-hours"];
    for (const sel of selectors) {
      for (const el of Array.from(document.querySelectorAll<HTMLElement>(sel))) {
        const r = el.getBoundingClientRect();
        if (r.width === 0) continue;
        const name = `${sel}${el.id ? `#${el.id}` : ""} "${(el.textContent ?? "").trim().slice(0, 30)}"`;
        if (r.left < -0.5 || r.right > root.clientWidth + 0.5) out.push(`${name} is past the edge (${Math.round(r.left)}–${Math.round(r.right)})`);
        if (["BUTTON", "SELECT"].includes(el.tagName) && el.scrollWidth > el.clientWidth + 1) out.push(`${name} cuts its own text`);
      }
    }
    return out;
  });
}

for (const [width, height] of [
  [390, 844],
  [1000, 800],
] as const) {
  test(`at ${width} px wide nothing is cut off or out of reach; screenshot in test/output/`, { skip, timeout: 20_000 }, async (t) => {
    await page.setViewportSize({ width, height });
    await page.locator("#live[data-state=on]").waitFor();
    assert.deepEqual(await clipped(page), []);
    for (const id of ["#chat-input", "#thread-input", "#cards", "#thread", "#as"]) {
      assert.ok(await page.locator(id).isVisible(), `${id} visible at ${width} px`);
    }
    await mkdir(OUTPUT, { recursive: true });
    const shot = `${OUTPUT}demo-${width}.png`;
    await page.screenshot({ path: shot, fullPage: true });
    t.diagnostic(`screenshot: ${shot}`);
    assert.deepEqual(problems, []);
  });
}

test("em português, a 390 px: 🌙 Fora do horário, the away text and the card's 🌙 in Portuguese, nothing cut off", { skip, timeout: 30_000 }, async () => {
  const pt = await startDemo({ locale: "pt-BR" });
  const phone = await browser.newPage({ viewport: { width: 390, height: 844 } });
  phone.setDefaultTimeout(5000);
  phone.on("pageerror", (e) => problems.push(`page error (pt-BR): ${e.message}`));
  try {
    await phone.goto(pt.url);
    await phone.waitForSelector("#live[data-state=on]");
    assert.match((await phone.locator("#intro").textContent()) ?? "", /Horário de atendimento: seg\.–sex\. 09:00–18:00, sáb\. 09:00–12:00 \(America\/Sao_Paulo\)/);
    assert.equal(await phone.locator("#after-hours").textContent(), "🌙 Fora do horário");
    await phone.click("#after-hours");
    await phone.locator("#desk-clock[data-state=closed]").waitFor();
    assert.match((await phone.locator("#desk-time").textContent()) ?? "", /· fechado até \S+ 09:00$/);
    assert.deepEqual(await clipped(phone), []);
    await phone.fill("#chat-input", "Vocês estão abertos?");
    await phone.press("#chat-input", "Enter");
    await phone.locator("#chat .msg.other .text", { hasText: "Estamos fora do horário de atendimento agora" }).waitFor();
    await phone.locator("#thread .msg .text", { hasText: "🌙 Chegou fora do horário de atendimento" }).waitFor();
    await phone.locator("#cards .card.selected .text", { hasText: "🌙 fora do horário" }).waitFor();
    await mkdir(OUTPUT, { recursive: true });
    await phone.evaluate(() => window.scrollTo(0, 0));
    await phone.screenshot({ path: `${OUTPUT}demo-390-pt-BR.png` });
    assert.deepEqual(problems, []);
  } finally {
    await phone.close();
    await pt.close();
  }
});
