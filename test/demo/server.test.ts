/**
 * `clientes demo` end to end over HTTP, as the page drives it: the sandbox's control API
 * (proxied under /sandbox/), the demo's own /demo/ endpoints, the real daemon in between.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm, stat } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TelegramMessage, TelegramUser } from "@gramio/types";
import { PAGE_DIR, startDemo, type ClockStatus, type Demo } from "../../src/demo/index.ts";
import { rawRequest } from "../sandbox/helpers.ts";
import { eventually, getJson, postJson, textOf, view } from "./helpers.ts";

const exists = (path: string) => stat(path).then(() => true, () => false);

interface Info {
  locale: string;
  bot: TelegramUser;
  channel: { id: number; title: string };
  group: { id: number; title: string };
  staff: TelegramUser[];
  notStaff: TelegramUser[];
  samples: string[];
  hours: { timezone: string; week: Record<string, string> };
}

/** The texts of a conversation's three places, for the business-hours tests. */
async function placesOf(base: string, customer: number) {
  const v = await view(base, customer);
  const card = v.cards.find((c) => c.customerId === customer);
  return {
    chat: v.chat.filter((m) => m.from?.is_bot).map(textOf),
    thread: v.thread?.messages.map(textOf) ?? [],
    card: card ? textOf(card.message) : "",
  };
}

describe("a running demo", () => {
  let demo: Demo;
  let base: string;
  let info: Info;
  let emma: TelegramUser;
  let ana: TelegramUser;
  let root: number;
  let postId: number;
  const botSays = (chat: TelegramMessage[]) => chat.filter((m) => m.from?.is_bot).map(textOf);

  before(async () => {
    demo = await startDemo();
    base = demo.url;
    info = await getJson<Info>(`${base}/demo/info`);
    emma = (await view(base)).customers[0]!;
    ana = info.staff[0]!;
  });
  after(async () => {
    await demo.close();
  });

  test("serves the page and its assets from one origin, with nothing fetched from the internet", async () => {
    const page = await fetch(`${base}/`);
    assert.equal(page.status, 200);
    assert.match(page.headers.get("content-type") ?? "", /text\/html/);
    const html = await page.text();
    assert.match(html, /<script src="\/app\.js"/);
    for (const asset of ["/app.js", "/style.css", "/favicon.svg", "/samples/parcel.svg"]) {
      const res = await fetch(`${base}${asset}`);
      assert.equal(res.status, 200, asset);
      await res.arrayBuffer();
    }
    for (const file of ["index.html", "app.js", "style.css"]) {
      const text = await readFile(join(PAGE_DIR, file), "utf8");
      assert.doesNotMatch(text, /(src|href)\s*=\s*["']https?:\/\//i, `${file} loads nothing from another host`);
      assert.doesNotMatch(text, /url\(\s*["']?https?:|@import/i, `${file} has no external CSS resources`);
      assert.doesNotMatch(text, /(fetch|EventSource)\(\s*["'`]https?:/, `${file} calls only its own origin`);
    }
    const missing = await fetch(`${base}/demo/nothing`);
    assert.equal(missing.status, 404);
    assert.match(((await missing.json()) as { error: string }).error, /no such endpoint/);
    const outside = await fetch(`${base}/../package.json`);
    assert.equal(outside.status, 404, "only the page's own files are served");
    await outside.arrayBuffer();
  });

  test("/demo/info names the bot, the channel and group, the staff, and the sample photos", () => {
    assert.equal(info.locale, "en");
    assert.equal(info.bot.username, "acme_support_bot");
    assert.equal(info.channel.id, demo.sandbox.channelId);
    assert.equal(info.group.id, demo.sandbox.groupId);
    assert.deepEqual(info.staff.map((s) => s.first_name), ["Ana", "Bruno"]);
    assert.deepEqual(demo.config.staff.map((s) => s.id), info.staff.map((s) => s.id), "the daemon's staff are the page's staff");
    assert.ok(info.samples.includes("parcel.svg") && info.samples.length >= 3);
    assert.equal(emma.first_name, "Emma", "one customer is there from the start");
  });

  test("a customer's message opens a pinned card and lands in its thread, formatting kept; the customer is welcomed", async () => {
    await postJson(`${base}/sandbox/sendPrivate`, {
      userId: emma.id,
      content: { text: "Hi! My order arrived broken.", entities: [{ type: "bold", offset: 4, length: 8 }] },
    });
    const v = await eventually(async () => {
      const v = await view(base, emma.id);
      return v.thread && v.thread.messages.length >= 2 ? v : undefined;
    }, "the card's thread with the message");
    assert.equal(v.cards.length, 1);
    const card = v.cards[0]!;
    assert.equal(card.customerId, emma.id, "the card is about Emma");
    assert.match(textOf(card.message), /Emma Johnson/);
    assert.equal(v.selectedCard, card.message.message_id, "the customer's card is selected by default");
    await eventually(async () => (await view(base, emma.id)).cards[0]?.pinned, "the open card pinned");
    const copy = v.thread!.messages[1]!;
    assert.equal(copy.text, "Hi! My order arrived broken.");
    assert.deepEqual(copy.entities, [{ type: "bold", offset: 4, length: 8 }]);
    assert.deepEqual(v.thread!.fromCustomer, [copy.message_id], "the page can tell the customer's copies from the bot's own messages");
    root = v.thread!.rootId;
    postId = card.message.message_id;
    await eventually(async () => botSays((await view(base, emma.id)).chat).some((t) => /Hello, Emma!/.test(t)), "the welcome text");
  });

  test("a staff comment reaches the customer from the bot; a reply to the customer's message arrives as a reply", async () => {
    await postJson(`${base}/sandbox/comment`, { as: ana.id, replyTo: root, content: { text: "Sorry! We'll send a new one." } });
    await eventually(async () => botSays((await view(base, emma.id)).chat).includes("Sorry! We'll send a new one."), "the comment in Emma's chat");

    const thread = (await view(base, emma.id, postId)).thread!;
    const customerCopy = thread.messages.find((m) => m.text === "Hi! My order arrived broken.")!;
    await postJson(`${base}/sandbox/comment`, { as: "channel", replyTo: customerCopy.message_id, content: { text: "Which colour was it?" } });
    const reply = await eventually(async () => (await view(base, emma.id)).chat.find((m) => m.text === "Which colour was it?"), "the channel's reply");
    assert.equal(reply.from?.id, info.bot.id, "the customer only ever sees the bot");
    assert.equal(reply.reply_to_message?.text, "Hi! My order arrived broken.", "a reply to the customer's own message");
  });

  test("edits travel both ways: the customer's edit changes the thread's copy, a staff edit the customer's copy", async () => {
    const chat = (await view(base, emma.id)).chat;
    const mine = chat.find((m) => m.from?.id === emma.id && m.text === "Hi! My order arrived broken.")!;
    await postJson(`${base}/sandbox/editPrivate`, { userId: emma.id, messageId: mine.message_id, content: { text: "Hi! My blue mug arrived broken." } });
    await eventually(async () => (await view(base, emma.id)).thread?.messages.some((m) => m.text === "Hi! My blue mug arrived broken." && m.edit_date), "the edited copy in the thread");

    const comment = (await view(base, emma.id)).thread!.messages.find((m) => m.text === "Sorry! We'll send a new one.")!;
    await postJson(`${base}/sandbox/editInChat`, { chatId: info.group.id, as: ana.id, messageId: comment.message_id, content: { text: "Sorry! We'll send a new one today." } });
    const edited = await eventually(async () => (await view(base, emma.id)).chat.find((m) => m.text === "Sorry! We'll send a new one today."), "the edited comment in Emma's chat");
    assert.ok(edited.edit_date, "shown as edited");
  });

  test("a photo from the bundled samples is relayed, and the page gets the sample's picture behind its file id", async () => {
    await postJson(`${base}/sandbox/sendPrivate`, { userId: emma.id, content: { photo: "broken-mug.svg", caption: "like this" } });
    const copy = await eventually(async () => (await view(base, emma.id)).thread?.messages.find((m) => m.photo && m.caption === "like this"), "the photo in the thread");
    const fileId = copy.photo!.at(-1)!.file_id;
    const res = await fetch(`${base}/demo/files/${encodeURIComponent(fileId)}`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("content-type"), "image/svg+xml");
    assert.equal(await res.text(), await readFile(join(PAGE_DIR, "samples", "broken-mug.svg"), "utf8"));
    const album = await postJson<TelegramMessage[]>(`${base}/sandbox/sendAlbum`, { userId: emma.id, items: [{ photo: "parcel.svg", caption: "the box" }, { photo: "receipt.svg" }] });
    const second = await fetch(`${base}/demo/files/${encodeURIComponent(album[1]!.photo!.at(-1)!.file_id)}`);
    assert.equal(await second.text(), await readFile(join(PAGE_DIR, "samples", "receipt.svg"), "utf8"), "each photo of an album gets its own picture");
    const unknown = await fetch(`${base}/demo/files/AgACAgEAAxkBAAnotknown`);
    assert.equal(unknown.status, 200, "an unknown file id still gets a picture");
    assert.match(await unknown.text(), /<svg/);
  });

  test("the inline box: staff get the canned replies; picking one sends it, name filled, to the customer", async () => {
    const answer = await postJson<{ results: Array<{ id: string; title: string }> }>(`${base}/sandbox/inlineQuery`, { userId: ana.id, query: "hours", chatType: "supergroup" });
    assert.deepEqual(answer.results.map((r) => r.title), ["Opening hours"]);
    const all = await postJson<{ results: unknown[] }>(`${base}/sandbox/inlineQuery`, { userId: ana.id, query: "" });
    assert.equal(all.results.length, 4, "the sample replies file has four replies");
    await postJson(`${base}/sandbox/sendInlineResult`, { userId: ana.id, chatId: info.group.id, answer, resultId: "hours", replyTo: root });
    await eventually(async () => botSays((await view(base, emma.id)).chat).includes("Hi Emma! We answer Monday to Friday, 9am to 6pm."), "the filled reply in Emma's chat");

    const stranger = await postJson<{ results: unknown[]; button?: { text: string } }>(`${base}/sandbox/inlineQuery`, { userId: info.notStaff[0]!.id, query: "hours" });
    assert.deepEqual(stranger.results, [], "not staff: no replies");
    assert.equal(stranger.button?.text, "Talk to support");
  });

  test("/close: the customer gets the closing text, the card shows it closed and is unpinned", async () => {
    await postJson(`${base}/sandbox/comment`, { as: ana.id, replyTo: root, content: { text: "/close" } });
    await eventually(async () => botSays((await view(base, emma.id)).chat).some((t) => /This conversation is closed/.test(t)), "the closing text");
    const card = await eventually(async () => {
      const c = (await view(base, emma.id)).cards[0]!;
      return /Status: closed/.test(textOf(c.message)) && !c.pinned ? c : undefined;
    }, "the card closed and unpinned");
    assert.ok(card.comments >= 5);
    await eventually(
      async () => (await view(base, emma.id)).thread?.messages.some((m) => m.from?.id === info.bot.id && /Conversation closed/.test(textOf(m))),
      "the acknowledgement in the thread",
    );
  });

  test("the demo asks for a rating after /close (csat on, 1-minute targets); the customer's tap shows in the thread and on the card", async () => {
    assert.equal(demo.config.csat, true);
    assert.deepEqual(demo.config.sla, { firstResponseMinutes: 1, responseMinutes: 1 }, "short enough to see ⏰ overdue");
    const survey = await eventually(async () => (await view(base, emma.id)).chat.find((m) => m.reply_markup !== undefined && /How did we do/.test(textOf(m))), "the survey");
    const four = (survey.reply_markup as { inline_keyboard: Array<Array<{ text: string; callback_data: string }>> }).inline_keyboard[0]![3]!;
    assert.equal(four.text, "4 ⭐");
    await postJson(`${base}/sandbox/pressButton`, { userId: emma.id, chatId: emma.id, messageId: survey.message_id, data: four.callback_data });
    await eventually(async () => (await view(base, emma.id)).thread?.messages.some((m) => textOf(m) === "⭐ 4 from the customer"), "the rating in the thread");
    await eventually(async () => /⭐ 4/.test(textOf((await view(base, emma.id)).cards[0]!.message)), "the rating on the card");
  });

  test("a second customer gets a card and a thread of their own", async () => {
    const liam = await postJson<TelegramUser>(`${base}/demo/customers`, {});
    assert.equal(liam.first_name, "Liam");
    const named = await postJson<TelegramUser>(`${base}/demo/customers`, { first_name: "Zoe", username: "zoe_z" });
    assert.equal(named.username, "zoe_z");
    await postJson(`${base}/sandbox/sendPrivate`, { userId: liam.id, content: { text: "Do you ship to Portugal?" } });
    const v = await eventually(async () => {
      const v = await view(base, liam.id);
      return v.thread?.messages.some((m) => m.text === "Do you ship to Portugal?") ? v : undefined;
    }, "Liam's thread");
    assert.deepEqual(v.customers.map((c) => c.first_name), ["Emma", "Liam", "Zoe"]);
    assert.equal(v.customerId, liam.id);
    assert.equal(v.cards.length, 2);
    assert.equal(v.cards.find((c) => c.message.message_id === v.selectedCard)?.customerId, liam.id, "Liam's card is selected");
    assert.ok(!v.thread!.messages.some((m) => /blue mug/.test(textOf(m))), "nothing of Emma's conversation");
    assert.ok(v.chat.every((m) => m.chat.id === liam.id));
    const other = await view(base, liam.id, postId);
    assert.equal(other.selectedCard, postId, "any card can be opened while Liam's chat is shown");
    assert.equal(other.thread?.rootId, root);
    const bad = await fetch(`${base}/demo/view?customer=abc`);
    assert.equal(bad.status, 400);
    await bad.arrayBuffer();
  });

  test("pinnedLast is the card pinned most recently (what Telegram's pinned bar shows), not the newest card", async () => {
    const liamCard = (await view(base)).cards.find((c) => c.customerId !== emma.id && c.pinned);
    assert.ok(liamCard, "Liam's open card is pinned");
    assert.equal((await view(base)).pinnedLast, liamCard.message.message_id);
    // Emma's closed conversation reopens: her (older) card is pinned again, last.
    await postJson(`${base}/sandbox/sendPrivate`, { userId: emma.id, content: { text: "and another thing" } });
    await eventually(async () => (await view(base)).pinnedLast === postId, "Emma's card pinned last");
  });

  test("the sandbox's event stream is proxied: the page hears of each change", async () => {
    const controller = new AbortController();
    const res = await fetch(`${base}/sandbox/events`, { signal: controller.signal });
    assert.match(res.headers.get("content-type") ?? "", /text\/event-stream/);
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let seen = "";
    await postJson(`${base}/sandbox/sendPrivate`, { userId: emma.id, content: { text: "one more thing" } });
    try {
      while (!/event: message\ndata: .*"chatId":-?\d+/.test(seen)) {
        const { value, done } = await reader.read();
        if (done) break;
        seen += decoder.decode(value);
      }
    } finally {
      controller.abort();
    }
    assert.match(seen, /event: message/);
  });

  test("only its own page may use it: a foreign Host (DNS rebinding) and a cross-origin POST get 403, and there is no CORS", async () => {
    const port = new URL(base).port;
    const rebound = await rawRequest(`${base}/demo/info`, { headers: { host: `attacker.example:${port}` } });
    assert.equal(rebound.status, 403);
    assert.match(JSON.parse(rebound.text).error, /Host "attacker\.example:\d+" is not this server/);
    const proxied = await rawRequest(`${base}/sandbox/state`, { headers: { host: "attacker.example" } });
    assert.equal(proxied.status, 403, "the sandbox behind the page too");
    assert.equal((await rawRequest(`${base}/demo/info`, { headers: { host: `localhost:${port}` } })).status, 200);

    const before = (await view(base)).customers.length;
    const clockBefore = await getJson<ClockStatus>(`${base}/demo/clock`);
    const json = { "content-type": "application/json" };
    for (const path of ["/demo/customers", "/sandbox/sendPrivate", "/demo/clock"]) {
      const r = await rawRequest(`${base}${path}`, { method: "POST", headers: { ...json, origin: "https://attacker.example" }, body: JSON.stringify({ userId: emma.id, content: { text: "from another site" } }) });
      assert.equal(r.status, 403, path);
      assert.match(JSON.parse(r.text).error, /from the page at https:\/\/attacker\.example is refused/);
      assert.equal(r.headers["access-control-allow-origin"], undefined);
    }
    assert.equal((await view(base)).customers.length, before, "no customer was added");
    const clockAfter = await getJson<ClockStatus>(`${base}/demo/clock`);
    assert.ok(clockAfter.open === clockBefore.open && clockAfter.now - clockBefore.now < 60_000, "the desk's clock did not move");
    assert.ok(!(await view(base, emma.id)).chat.some((m) => m.text === "from another site"), "nothing was sent");
    const own = await rawRequest(`${base}/demo/customers`, { method: "POST", headers: { ...json, origin: base }, body: JSON.stringify({ first_name: "Same Origin" }) });
    assert.equal(own.status, 200, "the page's own POSTs work");
    assert.equal(own.headers["access-control-allow-origin"], undefined);
    const page = await rawRequest(`${base}/`);
    assert.equal(page.headers["access-control-allow-origin"], undefined);
  });

  test("sandbox errors reach the page as {error} with the sandbox's status", async () => {
    const res = await fetch(`${base}/sandbox/editPrivate`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ userId: emma.id, messageId: 99999, content: { text: "x" } }),
    });
    assert.equal(res.status, 404);
    assert.match(((await res.json()) as { error: string }).error, /does not exist/);
  });

  test("business hours: 🌙 after hours the customer gets the away text once, the thread a note, the card 🌙; back in hours, none", async () => {
    assert.deepEqual(info.hours, { timezone: "Europe/London", week: { "mon-fri": "09:00-18:00", sat: "09:00-12:00" } }, "the page can say when the desk is open");
    assert.deepEqual(demo.config.hours?.week.sat, [{ from: 540, to: 720 }], "the daemon runs with the same hours");
    assert.match(await readFile(join(demo.dir, "config.yaml"), "utf8"), /hours:\n  timezone: Europe\/London\n  week:\n    mon-fri: 09:00-18:00\n    sat: 09:00-12:00/);
    const start = await getJson<ClockStatus>(`${base}/demo/clock`);
    assert.equal(start.open, true, "the demo starts in business hours, whatever the time");
    assert.ok(start.until !== null && start.until - start.now >= 50 * 60_000, "for about an hour at least");

    const owl = await postJson<TelegramUser>(`${base}/demo/customers`, { first_name: "Olive", last_name: "Owl" });
    const closed = await postJson<ClockStatus>(`${base}/demo/clock`, { open: false });
    assert.equal(closed.open, false);
    assert.ok(closed.now >= start.now && closed.until !== null && closed.until > closed.now, "forward, to a period that ends");
    assert.equal(demo.clock.now() - closed.now < 60_000, true, "the daemon's clock is the page's");

    await postJson(`${base}/sandbox/sendPrivate`, { userId: owl.id, content: { text: "anyone there?" } });
    const away = /^We are outside business hours right now: we are back (tomorrow|on Monday) at 09:00\. Your message has reached the team/;
    const first = await eventually(async () => {
      const p = await placesOf(base, owl.id);
      return p.chat.some((t) => away.test(t)) && p.thread.includes("anyone there?") ? p : undefined;
    }, "the away text in the customer's chat and the message in the thread");
    const back = away.exec(first.chat.find((t) => away.test(t))!)![1];
    assert.deepEqual(first.thread.slice(1), [`🌙 Arrived outside business hours; the customer was told we are back ${back} at 09:00.`, "anyone there?"], "the note, then the message");
    assert.match(first.card, /Status: waiting for us since \d\d:\d\d 🌙 outside hours · /);

    await postJson(`${base}/sandbox/sendPrivate`, { userId: owl.id, content: { text: "hello??" } });
    await eventually(async () => (await placesOf(base, owl.id)).thread.includes("hello??"), "the second message relayed");

    const open = await postJson<ClockStatus>(`${base}/demo/clock`, { open: true });
    assert.equal(open.open, true);
    assert.ok(open.now > closed.now, "the clock only moves forward");
    await postJson(`${base}/sandbox/sendPrivate`, { userId: owl.id, content: { text: "good morning" } });
    const last = await eventually(async () => {
      const p = await placesOf(base, owl.id);
      return p.thread.includes("good morning") ? p : undefined;
    }, "the message in hours relayed");
    assert.equal(last.thread.filter((t) => t.startsWith("🌙")).length, 1, "one note: one closed period");
    assert.equal(last.chat.filter((t) => away.test(t)).length, 1, "one away text");

    const bad = await fetch(`${base}/demo/clock`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ open: "yes" }) });
    assert.equal(bad.status, 400);
    assert.match(((await bad.json()) as { error: string }).error, /"open" must be true/);
  });
});

describe("business hours in Portuguese", () => {
  test("after hours: voltamos …, a note in Portuguese and 🌙 fora do horário on the card", async () => {
    const demo = await startDemo({ locale: "pt-BR" });
    try {
      const base = demo.url;
      assert.equal(((await getJson<Info>(`${base}/demo/info`)).hours.timezone), "America/Sao_Paulo");
      const mariana = (await view(base)).customers[0]!;
      await postJson(`${base}/demo/clock`, { open: false });
      await postJson(`${base}/sandbox/sendPrivate`, { userId: mariana.id, content: { text: "oi, tem alguém aí?" } });
      const p = await eventually(async () => {
        const p = await placesOf(base, mariana.id);
        return p.chat.some((t) => t.startsWith("Estamos fora")) && p.thread.includes("oi, tem alguém aí?") ? p : undefined;
      }, "the away text and the message in the thread");
      assert.match(p.chat.find((t) => t.startsWith("Estamos fora"))!, /^Estamos fora do horário de atendimento agora: voltamos (amanhã|segunda-feira) às 09:00\. Sua mensagem já chegou à equipe/);
      assert.match(p.thread[1]!, /^🌙 Chegou fora do horário de atendimento; o cliente foi avisado de que voltamos (amanhã|segunda-feira) às 09:00\.$/);
      assert.match(p.card, / 🌙 fora do horário · /);
    } finally {
      await demo.close();
    }
  });
});

describe("stopping", () => {
  test("close() stops the page, the daemon and the sandbox, and removes the temp folder", async () => {
    const demo = await startDemo();
    assert.ok(await exists(join(demo.dir, "replies.yaml")));
    const { url, dir } = demo;
    const apiRoot = demo.sandbox.apiRoot;
    await demo.close();
    assert.equal(await demo.daemon, null, "the daemon stopped cleanly");
    assert.equal(await exists(dir), false, "temp folder removed");
    await assert.rejects(fetch(`${url}/demo/info`), "the page is gone");
    await assert.rejects(fetch(`${apiRoot}/sandbox/state`), "the sandbox is gone");
    await demo.close(); // twice is harmless
  });

  test("the first Ctrl+C removes the temp folder (it holds a config with a token) at once: a second one that ends the process finds nothing left", async () => {
    const stop = new AbortController();
    const demo = await startDemo({ signal: stop.signal });
    assert.ok(await exists(join(demo.dir, "config.yaml")));
    stop.abort("SIGINT");
    // Synchronously gone: nothing, not even a second signal, can run in between.
    assert.equal(existsSync(demo.dir), false);
    await demo.close();
    assert.equal(existsSync(demo.dir), false);
  });

  test("--host: the page listens where told (0.0.0.0 reaches it from 127.0.0.1 too); Host names are still checked", async () => {
    const demo = await startDemo({ host: "0.0.0.0" });
    try {
      assert.equal(demo.host, "0.0.0.0");
      assert.match(demo.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      const info = await getJson<{ locale: string }>(`${demo.url}/demo/info`);
      assert.equal(info.locale, "en");
      const rebound = await rawRequest(`${demo.url}/demo/info`, { headers: { host: "attacker.example" } });
      assert.equal(rebound.status, 403);
      const byAddress = await rawRequest(`${demo.url}/demo/info`, { headers: { host: `192.168.1.20:${new URL(demo.url).port}` } });
      assert.equal(byAddress.status, 200, "an address (as from another machine on the network) is fine");
    } finally {
      await demo.close();
    }
    await assert.rejects(startDemo({ host: "203.0.113.7" }), (err: Error & { hint?: string }) => {
      assert.match(err.message, /cannot listen on 203\.0\.113\.7: it is not an address of this machine/);
      assert.match(err.hint ?? "", /--host 0\.0\.0\.0/);
      return true;
    });
  });

  test("keep: the temp folder stays, with the config, the replies and the daemon's store", async () => {
    const root = await mkdtemp(join(tmpdir(), "clientes-demo-test-"));
    try {
      const demo = await startDemo({ keep: true, tmpRoot: root, locale: "pt-BR" });
      await demo.close();
      assert.ok(demo.dir.startsWith(root));
      assert.deepEqual((await readdir(demo.dir)).sort(), ["config.yaml", "data", "replies.yaml"]);
      assert.match(await readFile(join(demo.dir, "config.yaml"), "utf8"), /locale: pt-BR/);
      assert.match(await readFile(join(demo.dir, "replies.yaml"), "utf8"), /Horário de atendimento/);
      assert.ok(await exists(join(demo.dir, "data", "clientes.json")));
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  test("a taken port is a clear error, and nothing is left running or on disk", async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, "127.0.0.1", r));
    const port = (blocker.address() as AddressInfo).port;
    const root = await mkdtemp(join(tmpdir(), "clientes-demo-test-"));
    try {
      await assert.rejects(startDemo({ port, tmpRoot: root }), (err: Error & { hint?: string }) => {
        assert.match(err.message, new RegExp(`port ${port} .*already in use`));
        assert.match(err.hint ?? "", /--port/);
        return true;
      });
      assert.deepEqual(await readdir(root), [], "the temp folder was removed");
    } finally {
      blocker.close();
      await rm(root, { recursive: true, force: true });
    }
  });
});
