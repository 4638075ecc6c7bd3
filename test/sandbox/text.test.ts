import { test } from "node:test";
import assert from "node:assert/strict";
import type { TelegramMessageEntity } from "@gramio/types";
import { formatText, ParseEntitiesError, utf16Length } from "../../src/sandbox/text.ts";

/** The error Telegram's answer would carry, without "Bad Request: ". */
function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof ParseEntitiesError, `expected ParseEntitiesError, got ${String(e)}`);
    return e.message;
  }
  assert.fail("expected Telegram to refuse the text");
}

const html = (s: string) => formatText(s, "HTML");

test("each HTML tag gives its entity, with UTF-16 offsets past a non-BMP emoji", () => {
  const cases: [string, string, Partial<TelegramMessageEntity>][] = [
    ["<b>", "</b>", { type: "bold" }],
    ["<strong>", "</strong>", { type: "bold" }],
    ["<i>", "</i>", { type: "italic" }],
    ["<em>", "</em>", { type: "italic" }],
    ["<u>", "</u>", { type: "underline" }],
    ["<ins>", "</ins>", { type: "underline" }],
    ["<s>", "</s>", { type: "strikethrough" }],
    ["<strike>", "</strike>", { type: "strikethrough" }],
    ["<del>", "</del>", { type: "strikethrough" }],
    ["<tg-spoiler>", "</tg-spoiler>", { type: "spoiler" }],
    ['<span class="tg-spoiler">', "</span>", { type: "spoiler" }],
    ["<code>", "</code>", { type: "code" }],
    ["<pre>", "</pre>", { type: "pre" }],
    ['<pre><code class="language-python">', "</code></pre>", { type: "pre", language: "python" }],
    ["<blockquote>", "</blockquote>", { type: "blockquote" }],
    ["<blockquote expandable>", "</blockquote>", { type: "expandable_blockquote" }],
    ['<a href="https://example.com/x">', "</a>", { type: "text_link", url: "https://example.com/x" }],
    ['<tg-emoji emoji-id="5368324170671202286">', "</tg-emoji>", { type: "custom_emoji", custom_emoji_id: "5368324170671202286" }],
  ];
  for (const [open, close, expected] of cases) {
    const result = html(`a😀${open}b😀${close}`);
    assert.equal(result.text, "a😀b😀", open);
    assert.deepEqual(result.entities, [{ offset: 3, length: 3, ...expected }], open);
  }
});

test("tag names are case-insensitive and a bare </> closes the innermost tag", () => {
  assert.deepEqual(html("<B>x</>").entities, [{ offset: 0, length: 1, type: "bold" }]);
});

test("a tg://user link becomes a text_mention, filled from the sandbox's users when it knows them", () => {
  const link = '<a href="tg://user?id=123456">Ann</a>';
  assert.deepEqual(html(link).entities, [
    { offset: 0, length: 3, type: "text_mention", user: { id: 123456, is_bot: false, first_name: "" } },
  ]);
  const known = formatText(link, "HTML", undefined, {
    resolveUser: (id) => ({ id, is_bot: false, first_name: "Ann" }),
  });
  assert.deepEqual(known.entities[0]?.user, { id: 123456, is_bot: false, first_name: "Ann" });
});

test("link URLs are normalised like Telegram does, and a bad href drops the link but keeps the text", () => {
  assert.deepEqual(html('<a href="example.com">site</a>').entities, [
    { offset: 0, length: 4, type: "text_link", url: "http://example.com/" },
  ]);
  assert.deepEqual(html("<a>telegram.org</a>").entities, [
    { offset: 0, length: 12, type: "text_link", url: "http://telegram.org/" },
  ]);
  assert.deepEqual(html('<a href="javascript:alert(1)">site</a>'), { text: "site", entities: [] });
});

test("nested tags give nested entities, split and ordered as Telegram does", () => {
  const result = html("<b>bold <i>both</i></b> <u>under</u>");
  assert.equal(result.text, "bold both under");
  // tdlib cuts a bold that contains an italic at the italic's edges.
  assert.deepEqual(result.entities, [
    { offset: 0, length: 5, type: "bold" },
    { offset: 5, length: 4, type: "bold" },
    { offset: 5, length: 4, type: "italic" },
    { offset: 10, length: 5, type: "underline" },
  ]);
  assert.deepEqual(html("<blockquote>q <b>x</b></blockquote>").entities, [
    { offset: 0, length: 3, type: "blockquote" },
    { offset: 2, length: 1, type: "bold" },
  ]);
});

test("HTML entities decode; a bare & and unknown named entities stay as typed", () => {
  assert.equal(html("&lt;b&gt; &amp; &quot;q&quot; &#65;&#x42; &#x1F600;").text, '<b> & "q" AB 😀');
  assert.equal(html("Tom & Jerry &copy; &nbsp;x &#12345678;").text, "Tom & Jerry &copy; &nbsp;x &#12345678;");
  const emoji = html("&#x1F600;<b>x</b>");
  assert.deepEqual(emoji.entities, [{ offset: 2, length: 1, type: "bold" }]);
});

test("every HTML error comes back with tdlib's text and the byte offset in the input", () => {
  const cases: [string, string][] = [
    ["<x>", 'Unsupported start tag "x" at byte offset 0'],
    ["😀 <br>", 'Unsupported start tag "br" at byte offset 5'],
    ["a < b", 'Unsupported start tag "" at byte offset 2'],
    ["a <b", "Unclosed start tag at byte offset 2"],
    ["<b>x", 'Can\'t find end tag corresponding to start tag "b"'],
    ["<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'],
    ["x</b>", "Unexpected end tag at byte offset 1"],
    ["<b>x</b", "Unclosed end tag at byte offset 4"],
    ["<a href=x,y>z</a>", "Unexpected end of name token at byte offset 8"],
    ["<a =x>z</a>", 'Empty attribute name in the tag "a" at byte offset 0'],
    ["<a href", 'Unclosed start tag "a" at byte offset 0'],
    ["<a href='x", "Unclosed start tag at byte offset 0"],
    ["<span>x</span>", 'Tag "span" must have class "tg-spoiler" at byte offset 0'],
    ['<tg-emoji emoji-id="0">x</tg-emoji>', "Invalid custom emoji identifier specified"],
    [
      "&#xD83D;",
      "Text contains invalid Unicode characters after decoding HTML entities, check for unmatched surrogate code units",
    ],
  ];
  for (const [input, message] of cases) {
    assert.equal(errorOf(() => html(input)), `can't parse entities: ${message}`, input);
  }
});

test("text is trimmed and entities shift with it; control characters are cleaned", () => {
  assert.deepEqual(html("  \n hi <b>there</b>  \n"), {
    text: "hi there",
    entities: [{ offset: 3, length: 5, type: "bold" }],
  });
  assert.deepEqual(formatText("  hi there  ", undefined, [{ type: "italic", offset: 5, length: 7 }]), {
    text: "hi there",
    entities: [{ offset: 3, length: 5, type: "italic" }],
  });
  // Telegram never trims into an entity: the space under <b> stays.
  assert.deepEqual(html("<b> x</b>"), { text: " x", entities: [{ offset: 0, length: 2, type: "bold" }] });
  assert.equal(formatText("a\tb\r\nc").text, "a b\nc");
});

test("a text with nothing visible comes back empty", () => {
  assert.deepEqual(formatText("  \n  "), { text: "", entities: [] });
  assert.deepEqual(html("<b> </b>\n"), { text: "", entities: [] });
  assert.deepEqual(formatText("\u200b\u00a0"), { text: "", entities: [] });
  assert.deepEqual(formatText(""), { text: "", entities: [] });
});

test("Telegram adds bot commands, mentions, hashtags, cashtags, URLs and e-mails by itself", () => {
  const text = "/start @user #tag $USD https://example.com/x a@b.co";
  assert.deepEqual(formatText(text), {
    text,
    entities: [
      { offset: 0, length: 6, type: "bot_command" },
      { offset: 7, length: 5, type: "mention" },
      { offset: 13, length: 4, type: "hashtag" },
      { offset: 18, length: 4, type: "cashtag" },
      { offset: 23, length: 21, type: "url" },
      { offset: 45, length: 6, type: "email" },
    ],
  });
});

test("automatic entities follow tdlib's rules, not a loose regexp", () => {
  // One-letter top-level domains, unknown TLDs without a protocol, short usernames: not linked.
  assert.deepEqual(formatText("https://x.y example.abcdefg @ab #123 /cmd/x").entities, []);
  assert.deepEqual(formatText("tg://resolve?domain=x and telegram.org.").entities, [
    { offset: 0, length: 21, type: "url" },
    { offset: 26, length: 12, type: "url" },
  ]);
  assert.deepEqual(formatText("#tag@chatname /start@my_bot").entities, [
    { offset: 0, length: 13, type: "hashtag" },
    { offset: 14, length: 13, type: "bot_command" },
  ]);
});

test("automatic entities never overlap explicit ones, and bold is split around them", () => {
  assert.deepEqual(html("<code>/start</code> <a href='https://t.me/x'>@user</a>").entities, [
    { offset: 0, length: 6, type: "code" },
    { offset: 7, length: 5, type: "text_link", url: "https://t.me/x" },
  ]);
  assert.deepEqual(html("<b>go /start now</b>").entities, [
    { offset: 0, length: 3, type: "bold" },
    { offset: 3, length: 6, type: "bot_command" },
    { offset: 3, length: 6, type: "bold" },
    { offset: 9, length: 4, type: "bold" },
  ]);
});

test("MarkdownV2: the main markup and escapes", () => {
  const result = formatText(
    "*bold* _italic_ __under__ ~strike~ ||spoiler|| `code` [link](https://example.com) \\.\\!\n```js\nx = 1\n```",
    "MarkdownV2",
  );
  assert.equal(result.text, "bold italic under strike spoiler code link .!\nx = 1");
  assert.deepEqual(result.entities, [
    { offset: 0, length: 4, type: "bold" },
    { offset: 5, length: 6, type: "italic" },
    { offset: 12, length: 5, type: "underline" },
    { offset: 18, length: 6, type: "strikethrough" },
    { offset: 25, length: 7, type: "spoiler" },
    { offset: 33, length: 4, type: "code" },
    { offset: 38, length: 4, type: "text_link", url: "https://example.com/" },
    { offset: 46, length: 5, type: "pre", language: "js" },
  ]);
  assert.deepEqual(formatText(">quote\n>more\nafter", "MarkdownV2").entities, [
    { offset: 0, length: 11, type: "blockquote" },
  ]);
});

test("MarkdownV2 errors carry tdlib's text", () => {
  const cases: [string, string][] = [
    ["Price: 5.00", "Character '.' is reserved and must be escaped with the preceding '\\'"],
    ["a-b", "Character '-' is reserved and must be escaped with the preceding '\\'"],
    ["*bold", "Can't find end of Bold entity at byte offset 0"],
    ["😀 _it", "Can't find end of Italic entity at byte offset 5"],
    ["[x](https://a.com", "Can't find end of a URL at byte offset 4"],
    ["![👍]", "Custom emoji entity must contain a tg://emoji URL"],
    ["![👍](tg://emoji?id=1", "Can't find end of a custom emoji URL at byte offset 8"],
    ["![👍](https://a.com)", "Custom emoji URL must have scheme tg"],
    ["![👍](tg://emojis?id=1)", 'Custom emoji URL must have host "emoji"'],
    ["![👍](tg://emoji)", "Custom emoji URL must have an emoji identifier"],
    ["![👍](tg://emoji?id=01)", "Invalid custom emoji identifier specified"],
  ];
  for (const [input, message] of cases) {
    assert.equal(errorOf(() => formatText(input, "MarkdownV2")), `can't parse entities: ${message}`, input);
  }
});

test("legacy Markdown: bold, italic, code, pre and links", () => {
  const result = formatText("*bold* _it_ `code` [text](https://example.com) ```py\nx```", "Markdown");
  assert.equal(result.text, "bold it code text x");
  assert.deepEqual(result.entities, [
    { offset: 0, length: 4, type: "bold" },
    { offset: 5, length: 2, type: "italic" },
    { offset: 8, length: 4, type: "code" },
    { offset: 13, length: 4, type: "text_link", url: "https://example.com/" },
    { offset: 18, length: 1, type: "pre", language: "py" },
  ]);
  assert.equal(
    errorOf(() => formatText("a *bold", "Markdown")),
    "can't parse entities: Can't find end of the entity starting at byte offset 2",
  );
});

test("parse_mode is case-insensitive; an unknown one is refused; 'None' means plain text", () => {
  assert.deepEqual(formatText("<b>x</b>", "html").entities, [{ offset: 0, length: 1, type: "bold" }]);
  assert.deepEqual(formatText("*x*", "MARKDOWNV2").entities, [{ offset: 0, length: 1, type: "bold" }]);
  assert.equal(errorOf(() => formatText("x", "XML")), "unsupported parse_mode");
  assert.equal(formatText("<b>x</b>", "None").text, "<b>x</b>");
});

test("explicit entities are used only without a parse mode, and automatic types in them are ignored", () => {
  const entities: TelegramMessageEntity[] = [
    { type: "bold", offset: 0, length: 5 },
    { type: "url", offset: 0, length: 5 },
    { type: "pre", offset: 6, length: 5, language: "ts" },
    { type: "text_link", offset: 12, length: 4, url: "tg://user?id=7" },
  ];
  assert.deepEqual(formatText("hello world link", undefined, entities).entities, [
    { offset: 0, length: 5, type: "bold" },
    { offset: 6, length: 5, type: "pre", language: "ts" },
    { offset: 12, length: 4, type: "text_mention", user: { id: 7, is_bot: false, first_name: "" } },
  ]);
  assert.deepEqual(formatText("*x*", "MarkdownV2", [{ type: "italic", offset: 0, length: 3 }]).entities, [
    { offset: 0, length: 1, type: "bold" },
  ]);
});

test("bad explicit entities are refused with the Bot API's text", () => {
  const cases: [unknown, string][] = [
    [1, "can't parse MessageEntity: expected an Object"],
    [{ type: "bold", length: 1 }, `can't parse MessageEntity: Can't find field "offset"`],
    [{ type: "bold", offset: "x", length: 1 }, `can't parse MessageEntity: Field "offset" must be a valid Number`],
    [{ type: "bold", offset: 0, length: true }, `can't parse MessageEntity: Field "length" must be a Number`],
    [{ type: {}, offset: 0, length: 1 }, `can't parse MessageEntity: Field "type" must be of type String`],
    [{ type: "", offset: 0, length: 1 }, "can't parse MessageEntity: Type is not specified"],
    [{ type: "shiny", offset: 0, length: 1 }, "can't parse MessageEntity: Unsupported type specified"],
    [{ type: "text_link", offset: 0, length: 1 }, `can't parse MessageEntity: Can't find field "url"`],
    [{ type: "text_mention", offset: 0, length: 1, user: 5 }, `can't parse MessageEntity: Field "user" must be of type Object`],
    [{ type: "text_link", offset: 0, length: 1, url: "nope" }, "entity URL 'nope' is invalid: Wrong HTTP URL"],
    [{ type: "custom_emoji", offset: 0, length: 1, custom_emoji_id: "0" }, "invalid custom emoji identifier specified"],
    [{ type: "bold", offset: -1, length: 1 }, "receive an entity with incorrect offset -1"],
    [{ type: "bold", offset: 0, length: -1 }, "receive an entity with incorrect length -1"],
    [{ type: "bold", offset: 6, length: 1 }, "entity begins after the end of the text at UTF-16 offset 6"],
    [{ type: "bold", offset: 0, length: 9 }, "entity beginning at UTF-16 offset 0 ends after the end of the text at UTF-16 offset 9"],
  ];
  for (const [entity, message] of cases) {
    const entities = [entity] as TelegramMessageEntity[];
    assert.equal(errorOf(() => formatText("hello", undefined, entities)), message, JSON.stringify(entity));
  }
  const emoji = (offset: number, length: number) => [{ type: "bold", offset, length }] as TelegramMessageEntity[];
  assert.equal(
    errorOf(() => formatText("😀", undefined, emoji(1, 1))),
    "entity begins in a middle of a UTF-16 symbol at byte offset 4",
  );
  assert.equal(
    errorOf(() => formatText("😀", undefined, emoji(0, 1))),
    "entity beginning at UTF-16 offset 0 ends in a middle of a UTF-16 symbol at byte offset 4",
  );
});

test("a text over 32768 UTF-8 bytes is refused before parsing", () => {
  assert.equal(errorOf(() => formatText("é".repeat(16385), "HTML")), "text is too long");
  assert.equal(formatText("é".repeat(16384)).text.length, 16384);
});

test("utf16Length counts UTF-16 code units, as Telegram's 4096/1024 limits do", () => {
  assert.equal(utf16Length(""), 0);
  assert.equal(utf16Length("é"), 1);
  assert.equal(utf16Length("a😀"), 3);
  assert.equal(utf16Length("👨‍👩‍👧"), 8);
});

test("a card's hashtags over HTTP: #p5, #waiting, #ana and #billing_2 are hashtags, #5 is not, at most 256 characters", async () => {
  const { startSandbox } = await import("../../src/sandbox/index.ts");
  const sb = await startSandbox({ pollGuards: false });
  try {
    const res = await fetch(`${sb.apiRoot}/bot${sb.token}/sendMessage`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ chat_id: sb.channelId, text: `Ana Souza\n#waiting #p5 #ana #5 #billing_2 #${"a".repeat(300)}` }),
    });
    const m = (await res.json()).result;
    const tags = m.entities.filter((e: TelegramMessageEntity) => e.type === "hashtag").map((e: TelegramMessageEntity) => m.text.slice(e.offset, e.offset + e.length));
    assert.deepEqual(tags, ["#waiting", "#p5", "#ana", "#billing_2", `#${"a".repeat(256)}`]);
  } finally {
    await sb.close();
  }
});
