// clientes demo page: plain JavaScript, no build step, no external URLs.
// Reads what the three Telegram places hold from GET /demo/view, acts as customers and
// staff through the sandbox's control API (/sandbox/*), and refreshes on every change the
// sandbox announces on its event stream (/sandbox/events).

// ------------------------------------------------------------------ texts

const TEXTS = {
  en: {
    intro:
      "Write as a customer on the left: the bot opens a <b>card</b> in the support channel and copies the message into the card's <b>comments</b>, where the team answers. " +
      "Try a reply, an edit, the buttons under a card (<b>Take</b>, <b>Close</b>, <b>Priority</b>), <code>/tag billing</code>, or a canned reply: type <code>@{bot} </code> in the comment box. " +
      "Click a hashtag on a card (<code>#waiting</code>) to see only the cards that carry it, as Telegram's search does. " +
      "Leave a customer waiting over a minute and their card says <b>⏰ overdue</b>; close a conversation and the customer gets <b>How did we do?</b> with 1–5 ⭐ to tap. " +
      "Business hours: {hours} ({zone}). Press <b>🌙 After hours</b> (the desk's clock jumps to closing time) and write as the customer: the away text, once per closed period; a note in the comments; <b>🌙</b> on the card.",
    live: "live",
    offline: "reconnecting…",
    placeChat: "Customer · private chat with the bot",
    placeChannel: "Support channel · topic cards",
    placeThread: "Card comments · the team's side",
    botSubtitle: "bot · what the customer sees",
    channelSubtitle: "channel · {cards} cards, {pinned} pinned (open)",
    channelFootnote: "The bot posts and updates one card per conversation; open ones stay pinned. Click a card to see its comments.",
    addCustomer: "+ customer",
    chatPlaceholder: "Message as {name}…",
    threadPlaceholder: "Comment as {name}…",
    formatHint: "**bold** __italic__ `code` ~~strike~~ ||spoiler||",
    keysHint: "Enter sends · Shift+Enter: new line",
    noteHint: "{prefix} at the start: internal note (not sent)",
    commandsHint: "/help: commands",
    note: "internal note",
    noteTitle: "Starts with {prefix}: stays in the thread, the customer never gets it",
    threadTitle: "Comments",
    threadSubtitle: "{group}",
    threadOn: "on {name}'s card",
    fromCustomer: "{name}'s message",
    copyHint: "The bot's copy of a message {name} sent to the bot",
    noCards: "No conversations yet. Write something as the customer on the left.",
    noChat: "This is {name}'s chat with the bot. Say hello: the first message opens a conversation.",
    noThread: "Click a card in the channel to open its comments.",
    noRoot: "The card's comments appear in a moment…",
    discussion: "Comments start here",
    commentAs: "Comment as",
    staff: "staff",
    notStaff: "not staff",
    channelAs: "{channel} (as the channel)",
    bot: "bot",
    reply: "Reply",
    edit: "Edit",
    edited: "edited",
    replyingTo: "Reply to {name}",
    editing: "Edit message",
    pinned: "pinned",
    pinnedMessage: "Pinned message",
    comments: "{count} comments",
    oneComment: "1 comment",
    noComments: "Leave a comment",
    samplesHint: "Send a sample (the text box is its caption):",
    sampleAlbum: "Album",
    sampleDocument: "Document",
    sampleVoice: "Voice",
    sampleSticker: "Sticker",
    sampleDocumentName: "invoice-4821.pdf",
    voiceNote: "voice note",
    priorityChip: "Set priority {next} (now {now}): the card changes",
    inlineHead: "Canned replies · inline mode of @{bot}",
    cannedButton: "Canned replies (@)",
    inlineNone: "No canned reply matches “{query}”.",
    inlineNotStaff: "Only staff get canned replies; {name} gets just a button:",
    inlineWaiting: "asking the bot…",
    pickCard: "Pick a card first: the comment goes into its thread.",
    photo: "photo",
    album: "album",
    searching: "Cards with {tag}: {count}",
    clearSearch: "Show all cards",
    pressedAs: "{name} pressed “{button}”",
    noAnswer: "The bot did not answer the press.",
    afterHours: "🌙 After hours",
    afterHoursTitle: "Move the desk's clock forward to its next closed period (pressed), or to its next opening",
    deskOpen: "{time} · open",
    deskClosed: "{time} · closed until {until}",
    deskClockTitle: "The desk's clock ({zone}): the relay and the simulated Telegram run on it",
    movedClosed: "The desk's clock is now {time}: closed until {until}. Write as the customer.",
    movedOpen: "The desk's clock is now {time}: open.",
  },
  "pt-BR": {
    intro:
      "Escreva como cliente à esquerda: o bot abre um <b>cartão</b> no canal de atendimento e copia a mensagem para os <b>comentários</b> do cartão, onde a equipe responde. " +
      "Experimente responder, editar, os botões sob um cartão (<b>Assumir</b>, <b>Encerrar</b>, <b>Prioridade</b>), <code>/etiqueta financeiro</code> ou uma resposta pronta: digite <code>@{bot} </code> na caixa de comentário. " +
      "Clique numa hashtag de um cartão (<code>#aguardando</code>) para ver só os cartões que a têm, como a busca do Telegram. " +
      "Deixe um cliente esperando mais de um minuto e o cartão mostra <b>⏰ atrasada</b>; encerre uma conversa e o cliente recebe <b>Como foi o nosso atendimento?</b> com notas de 1 a 5 ⭐ para tocar. " +
      "Horário de atendimento: {hours} ({zone}). Aperte <b>🌙 Fora do horário</b> (o relógio do atendimento pula para o fechamento) e escreva como cliente: o aviso de ausência, uma vez por período fechado; uma nota nos comentários; <b>🌙</b> no cartão.",
    live: "ao vivo",
    offline: "reconectando…",
    placeChat: "Cliente · conversa privada com o bot",
    placeChannel: "Canal de atendimento · cartões",
    placeThread: "Comentários do cartão · lado da equipe",
    botSubtitle: "bot · o que o cliente vê",
    channelSubtitle: "canal · {cards} cartões, {pinned} fixados (abertos)",
    channelFootnote: "O bot publica e atualiza um cartão por conversa; as abertas ficam fixadas. Clique num cartão para ver os comentários.",
    addCustomer: "+ cliente",
    chatPlaceholder: "Mensagem como {name}…",
    threadPlaceholder: "Comentar como {name}…",
    formatHint: "**negrito** __itálico__ `código` ~~riscado~~ ||spoiler||",
    keysHint: "Enter envia · Shift+Enter: nova linha",
    noteHint: "{prefix} no início: nota interna (não enviada)",
    commandsHint: "/ajuda: comandos",
    note: "nota interna",
    noteTitle: "Começa com {prefix}: fica nos comentários, o cliente nunca recebe",
    threadTitle: "Comentários",
    threadSubtitle: "{group}",
    threadOn: "no cartão de {name}",
    fromCustomer: "mensagem de {name}",
    copyHint: "A cópia, feita pelo bot, de uma mensagem que {name} enviou ao bot",
    noCards: "Nenhuma conversa ainda. Escreva algo como cliente à esquerda.",
    noChat: "Esta é a conversa de {name} com o bot. Diga olá: a primeira mensagem abre um atendimento.",
    noThread: "Clique num cartão do canal para abrir os comentários.",
    noRoot: "Os comentários do cartão aparecem em instantes…",
    discussion: "Início dos comentários",
    commentAs: "Comentar como",
    staff: "equipe",
    notStaff: "fora da equipe",
    channelAs: "{channel} (como o canal)",
    bot: "bot",
    reply: "Responder",
    edit: "Editar",
    edited: "editada",
    replyingTo: "Responder a {name}",
    editing: "Editar mensagem",
    pinned: "fixado",
    pinnedMessage: "Mensagem fixada",
    comments: "{count} comentários",
    oneComment: "1 comentário",
    noComments: "Comentar",
    samplesHint: "Envie um exemplo (o texto vira a legenda):",
    sampleAlbum: "Álbum",
    sampleDocument: "Documento",
    sampleVoice: "Voz",
    sampleSticker: "Figurinha",
    sampleDocumentName: "nota-fiscal-4821.pdf",
    voiceNote: "mensagem de voz",
    priorityChip: "Definir prioridade {next} (agora {now}): o cartão muda",
    inlineHead: "Respostas prontas · modo inline de @{bot}",
    cannedButton: "Respostas prontas (@)",
    inlineNone: "Nenhuma resposta pronta para “{query}”.",
    inlineNotStaff: "Só a equipe recebe respostas prontas; {name} recebe apenas um botão:",
    inlineWaiting: "perguntando ao bot…",
    pickCard: "Escolha um cartão primeiro: o comentário vai para os comentários dele.",
    photo: "foto",
    album: "álbum",
    searching: "Cartões com {tag}: {count}",
    clearSearch: "Mostrar todos os cartões",
    pressedAs: "{name} apertou “{button}”",
    noAnswer: "O bot não respondeu ao botão.",
    afterHours: "🌙 Fora do horário",
    afterHoursTitle: "Adianta o relógio do atendimento até o próximo período fechado (apertado) ou até a próxima abertura",
    deskOpen: "{time} · aberto",
    deskClosed: "{time} · fechado até {until}",
    deskClockTitle: "O relógio do atendimento ({zone}): o bot e o Telegram simulado seguem ele",
    movedClosed: "O relógio do atendimento agora marca {time}: fechado até {until}. Escreva como cliente.",
    movedOpen: "O relógio do atendimento agora marca {time}: aberto.",
  },
};

let T = TEXTS.en;
/** A text with {placeholders} filled (values are inserted as text by the callers). */
function t(key, vars = {}) {
  return String(T[key] ?? TEXTS.en[key] ?? key).replace(/\{(\w+)\}/g, (all, k) => (k in vars ? String(vars[k]) : all));
}

// ------------------------------------------------------------------ small helpers

const $ = (id) => document.getElementById(id);
const escapeHtml = (s) => String(s).replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);

/** Creates an element: h("div", {class: "x", onclick}, child, "text", …). Text is never parsed as HTML. */
function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(props ?? {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else if (k === "class") el.className = v;
    else if (k === "dataset") Object.assign(el.dataset, v);
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children.flat()) if (c !== undefined && c !== null && c !== false) el.append(c instanceof Node ? c : String(c));
  return el;
}

const ICONS = {
  clip: '<svg viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round"><path d="M21 11.5l-8.6 8.6a5 5 0 0 1-7.1-7.1l8.6-8.6a3.3 3.3 0 0 1 4.7 4.7l-8.6 8.6a1.7 1.7 0 0 1-2.4-2.4l7.9-7.9"/></svg>',
  send: '<svg viewBox="0 0 24 24" fill="currentColor"><path d="M3.4 20.4l17.5-7.5a1 1 0 0 0 0-1.8L3.4 3.6a.9.9 0 0 0-1.3 1l1.7 6.1a1 1 0 0 0 .8.7L13 12l-8.4.6a1 1 0 0 0-.8.7l-1.7 6.1a.9.9 0 0 0 1.3 1z"/></svg>',
  pin: '<svg viewBox="0 0 24 24" fill="currentColor"><path d="M14.5 2.5l7 7-2.4.6-3.6 3.6.3 4.6-2 2-4-4-5.3 5.3-1-1 5.3-5.3-4-4 2-2 4.6.3 3.6-3.6z"/></svg>',
  comment: '<svg viewBox="0 0 24 24" width="18" height="18" fill="none" stroke="currentColor" stroke-width="2"><path d="M4 5h16v11H9l-5 4z" stroke-linejoin="round"/></svg>',
  lock: '<svg viewBox="0 0 24 24" width="11" height="11" fill="currentColor"><path d="M7 10V7a5 5 0 0 1 10 0v3h1a1 1 0 0 1 1 1v9a1 1 0 0 1-1 1H6a1 1 0 0 1-1-1v-9a1 1 0 0 1 1-1zm2 0h6V7a3 3 0 0 0-6 0z"/></svg>',
  play: '<svg viewBox="0 0 24 24" width="16" height="16" fill="currentColor"><path d="M8 5v14l11-7z"/></svg>',
  album: '<svg viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2"><rect x="3" y="3" width="8" height="8" rx="1"/><rect x="13" y="3" width="8" height="8" rx="1"/><rect x="3" y="13" width="8" height="8" rx="1"/><rect x="13" y="13" width="8" height="8" rx="1"/></svg>',
  doc: '<svg viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linejoin="round"><path d="M6 2h9l5 5v15H6z"/><path d="M14 2v6h6"/></svg>',
  mic: '<svg viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round"><rect x="9" y="2" width="6" height="12" rx="3"/><path d="M5 11a7 7 0 0 0 14 0M12 18v4"/></svg>',
  sticker: '<svg viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round"><circle cx="12" cy="12" r="9"/><path d="M8.5 14.5a4.5 4.5 0 0 0 7 0M9 9.5h.01M15 9.5h.01"/></svg>',
};
function icon(name) {
  const span = document.createElement("span");
  span.innerHTML = ICONS[name]; // our own constant markup
  return span.firstElementChild;
}

const PALETTE = ["#d4473f", "#d17a1e", "#7d5ad6", "#3f9a36", "#1f9aa0", "#2a7fc1", "#c4458a"];
const colorOf = (id) => PALETTE[Math.abs(Number(id)) % PALETTE.length];
const initials = (name) =>
  String(name)
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((w) => [...w][0].toUpperCase())
    .join("");
const fullName = (u) => [u?.first_name, u?.last_name].filter(Boolean).join(" ");
/** A message's time on the desk's clock, in its zone (as the cards show "waiting since HH:MM"). */
const timeOf = (unix) => new Date(unix * 1000).toLocaleTimeString(S.info?.locale ?? [], { hour: "2-digit", minute: "2-digit", timeZone: S.info?.hours?.timezone });

async function call(method, path, body) {
  const res = await fetch(path, method === "GET" ? {} : { method, headers: { "content-type": "application/json" }, body: JSON.stringify(body ?? {}) });
  const data = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(data.error ?? data.description ?? `${res.status} ${res.statusText}`);
  return data;
}
const get = (path) => call("GET", path);
const post = (path, body) => call("POST", path, body);

let toastTimer;
/** A notification at the bottom; `alert`: drawn as an alert (a button press's show_alert answer). */
function toast(message, alert = false) {
  const el = $("toast");
  el.classList.toggle("alert", alert);
  el.textContent = message;
  el.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => (el.hidden = true), 4500);
}
/** Runs an action, showing its error instead of failing silently. */
async function attempt(fn) {
  try {
    return await fn();
  } catch (err) {
    toast(err.message ?? String(err));
    return undefined;
  }
}

// ------------------------------------------------------------------ formatted text

/** Renders text with Telegram entities (UTF-16 offsets, like JS strings) as DOM. */
function formatted(text, entities) {
  const frag = document.createDocumentFragment();
  if (!entities?.length) {
    frag.append(text);
    return frag;
  }
  const cuts = new Set([0, text.length]);
  for (const e of entities) {
    cuts.add(Math.min(e.offset, text.length));
    cuts.add(Math.min(e.offset + e.length, text.length));
  }
  const points = [...cuts].sort((a, b) => a - b);
  for (let i = 0; i + 1 < points.length; i++) {
    const [a, b] = [points[i], points[i + 1]];
    let node = document.createTextNode(text.slice(a, b));
    for (const e of entities) if (e.offset <= a && e.offset + e.length >= b) node = wrapEntity(e, node, text);
    frag.append(node);
  }
  return frag;
}

const SAFE_URL = /^(https?:|mailto:|tg:)/i;
function wrapEntity(e, node, text) {
  const tags = { bold: "b", italic: "i", underline: "u", strikethrough: "s", code: "code" };
  if (tags[e.type]) return h(tags[e.type], {}, node);
  switch (e.type) {
    case "pre":
      return h("span", { class: "pre" }, node);
    case "text_link":
      return SAFE_URL.test(e.url ?? "") ? h("a", { href: e.url, target: "_blank", rel: "noopener noreferrer" }, node) : h("span", { class: "link" }, node);
    case "url": {
      const raw = text.slice(e.offset, e.offset + e.length);
      const href = /^[a-z]+:/i.test(raw) ? raw : `https://${raw}`;
      return SAFE_URL.test(href) ? h("a", { href, target: "_blank", rel: "noopener noreferrer" }, node) : h("span", { class: "link" }, node);
    }
    case "hashtag": {
      // Like Telegram: tapping a hashtag searches the chat for it.
      const tag = text.slice(e.offset, e.offset + e.length);
      return h("span", { class: "link hashtag", dataset: { hashtag: tag }, role: "button", onclick: (ev) => (ev.stopPropagation(), searchHashtag(tag)) }, node);
    }
    case "mention":
    case "cashtag":
    case "bot_command":
    case "email":
    case "phone_number":
    case "text_mention":
      return h("span", { class: "link" }, node);
    case "spoiler":
      return h("span", { class: "spoiler", onclick: (ev) => ev.currentTarget.classList.toggle("shown") }, node);
    case "blockquote":
    case "expandable_blockquote":
      return h("span", { class: "quote" }, node);
    default:
      return node;
  }
}

/** Telegram-app style markers typed in a composer → {text, entities}. */
const MARKERS = [
  ["**", "bold"],
  ["__", "italic"],
  ["~~", "strikethrough"],
  ["||", "spoiler"],
  ["`", "code"],
];
function parseMarkers(input) {
  let text = "";
  const entities = [];
  const open = {};
  let i = 0;
  while (i < input.length) {
    const marker = MARKERS.find(([m]) => input.startsWith(m, i));
    if (marker) {
      const [m, type] = marker;
      if (open[type] !== undefined) {
        if (text.length > open[type]) entities.push({ type, offset: open[type], length: text.length - open[type] });
        delete open[type];
        i += m.length;
        continue;
      }
      if (input.indexOf(m, i + m.length) > i + m.length) {
        open[type] = text.length;
        i += m.length;
        continue;
      }
    }
    text += input[i];
    i += 1;
  }
  // Telegram trims the text; keep the entities on the same characters.
  const lead = text.length - text.trimStart().length;
  const trimmed = text.trim();
  const out = entities
    .map((e) => ({ ...e, offset: e.offset - lead }))
    .map((e) => ({ ...e, length: Math.min(e.length + Math.min(0, e.offset), trimmed.length - Math.max(0, e.offset)), offset: Math.max(0, e.offset) }))
    .filter((e) => e.length > 0)
    .sort((a, b) => a.offset - b.offset);
  return { text: trimmed, entities: out };
}

/** The reverse, to edit a message in the composer. */
function toMarkers(text, entities) {
  const marks = [];
  for (const e of entities ?? []) {
    const marker = MARKERS.find(([, type]) => type === e.type)?.[0];
    if (!marker) continue;
    marks.push({ at: e.offset, close: false, marker, len: e.length });
    marks.push({ at: e.offset + e.length, close: true, marker, len: e.length });
  }
  marks.sort((a, b) => a.at - b.at || Number(b.close) - Number(a.close) || (a.close ? a.len - b.len : b.len - a.len));
  let out = "";
  let pos = 0;
  for (const m of marks) {
    out += text.slice(pos, m.at) + m.marker;
    pos = m.at;
  }
  return out + text.slice(pos);
}

// ------------------------------------------------------------------ state

const S = {
  info: null,
  view: null,
  customerId: null,
  /** The card the user clicked; null = the current customer's card. */
  cardId: null,
  /** Who comments in the thread: a user id or "channel". */
  as: null,
  chatCtx: null, // {mode: "reply"|"edit", message}
  threadCtx: null,
  samplesOpen: { chat: false, thread: false },
  inline: { seq: 0, query: null, answer: null, userId: null, pending: false },
  /** The desk's clock (GET /demo/clock) and the page's Date.now() when it was read. */
  clock: null,
  clockReadAt: 0,
  rendered: {},
  /** Each card's text when last drawn: a different one makes it flash. */
  cardTexts: {},
  /** When each flashing card started to. */
  flashSince: {},
  /** The hashtag the channel is searched for (a clicked #waiting), or null: all cards. */
  hashtag: null,
};

const isStaff = (id) => S.info.staff.some((s) => s.id === id);
const userById = (id) => [...S.info.staff, ...S.info.notStaff, ...(S.view?.customers ?? [])].find((u) => u.id === id);
const currentCustomer = () => S.view?.customers.find((c) => c.id === S.view.customerId);
const selectedCard = () => S.view?.cards.find((c) => c.message.message_id === S.view.selectedCard);
const asName = () => (S.as === "channel" ? S.info.channel.title : fullName(userById(S.as)));

// ------------------------------------------------------------------ refresh

let refreshing = false;
let again = false;
let refreshTimer;
function scheduleRefresh(delay = 25) {
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(refresh, delay);
}
async function refresh() {
  if (refreshing) {
    again = true;
    return;
  }
  refreshing = true;
  try {
    do {
      again = false;
      const q = new URLSearchParams();
      const asked = { customer: S.customerId, card: S.cardId };
      if (asked.customer !== null) q.set("customer", String(asked.customer));
      if (asked.card !== null) q.set("card", String(asked.card));
      const view = await get(`/demo/view?${q}`);
      // Another customer or card was picked while this was under way (a click, "+ customer"): the
      // answer is about the old one, and taking its customerId would undo the pick.
      if (S.customerId !== asked.customer || S.cardId !== asked.card) {
        again = true;
        continue;
      }
      S.view = view;
      S.customerId = view.customerId;
      render();
    } while (again);
  } catch (err) {
    toast(err.message);
  } finally {
    refreshing = false;
  }
}

function render() {
  renderCustomers();
  renderChat();
  renderCards();
  renderThread();
  renderChips();
  renderComposers();
}

/**
 * Re-renders a wall only when what it shows changed; keeps the scroll at the bottom if it was
 * there. Another `scope` (another chat or thread) starts at the bottom, like opening a chat.
 */
function paint(el, key, build, scope = "") {
  if (S.rendered[el.id] === key) return;
  S.rendered[el.id] = key;
  const fresh = !el.dataset.painted || el.dataset.scope !== scope;
  el.dataset.scope = scope;
  const nearBottom = el.scrollHeight - el.scrollTop - el.clientHeight < 60 || fresh;
  const keep = el.scrollTop;
  el.replaceChildren(...build());
  el.dataset.painted = "1";
  const stick = () => (el.scrollTop = el.scrollHeight);
  if (nearBottom) {
    stick();
    for (const img of el.querySelectorAll("img")) if (!img.complete) img.addEventListener("load", stick, { once: true });
  } else el.scrollTop = keep;
}

// ------------------------------------------------------------------ place 1: the customer's chat

function renderCustomers() {
  const v = S.view;
  const key = JSON.stringify([v.customers, v.customerId, T === TEXTS.en]);
  if (S.rendered.customers === key) return;
  S.rendered.customers = key;
  $("customers").replaceChildren(
    ...v.customers.map((c) =>
      h(
        "button",
        { type: "button", class: "customer-tab", role: "tab", "aria-selected": String(c.id === v.customerId), dataset: { customer: c.id }, onclick: () => selectCustomer(c.id) },
        h("span", { class: "avatar small", style: `background:${colorOf(c.id)}` }, initials(fullName(c))),
        fullName(c),
      ),
    ),
    h("button", { type: "button", class: "customer-tab add", id: "add-customer", onclick: addCustomer }, t("addCustomer")),
  );
}

function renderChat() {
  const v = S.view;
  const customer = currentCustomer();
  paint($("chat"), JSON.stringify([v.chat, v.customerId]), () => {
    if (!customer) return [];
    if (v.chat.length === 0) return [h("div", { class: "empty" }, t("noChat", { name: customer.first_name }))];
    return groupAlbums(v.chat).map(({ m, album }) => {
      if (m.pinned_message) return h("div", { class: "service" }, `${fullName(m.from)} · ${t("pinnedMessage")}`);
      const own = m.from?.id === customer.id;
      const target = album?.find((a) => a.caption) ?? m;
      return bubble(m, {
        own,
        album,
        // The bot's buttons in the chat (the satisfaction survey): the customer taps them.
        keyboard: own ? null : keyboardOf(m, (b) => press(customer.id, customer.id, m, b)),
        actions: [
          [t("reply"), () => setContext("chat", { mode: "reply", message: m })],
          own && editable(target) && [t("edit"), () => setContext("chat", { mode: "edit", message: target })],
        ],
      });
    });
  }, `customer ${v.customerId}`);
}

function selectCustomer(id) {
  if (S.customerId === id) return;
  S.customerId = id;
  S.cardId = null;
  S.chatCtx = null;
  S.threadCtx = null;
  refresh();
}

async function addCustomer() {
  const user = await attempt(() => post("/demo/customers", {}));
  if (user) selectCustomer(user.id);
  $("chat-input").focus();
}

// ------------------------------------------------------------------ a message bubble

function describeKind(m) {
  for (const k of ["video", "animation", "document", "audio", "voice", "video_note", "sticker", "location", "venue", "contact", "poll", "dice"]) {
    if (m[k] === undefined) continue;
    const detail = m[k].file_name ?? m[k].emoji ?? m[k].title ?? m[k].question ?? m[k].first_name ?? "";
    return `[${k.replace("_", " ")}${detail ? `: ${detail}` : ""}]`;
  }
  return "";
}

function preview(m) {
  if (!m) return "";
  const text = m.text ?? m.caption;
  if (text) return text.replace(/\s+/g, " ");
  if (m.photo) return `[${t(m.media_group_id ? "album" : "photo")}]`;
  if (m.voice) return `[${t("voiceNote")}]`;
  if (m.sticker) return `${m.sticker.emoji ?? ""} [sticker]`.trim();
  return describeKind(m) || "…";
}

/** An internal note: a person's comment that starts with the note prefix (the bot never relays it). */
function isNote(m) {
  const text = m.text ?? m.caption ?? "";
  return !m.is_automatic_forward && m.from?.id !== S.info.bot.id && text.startsWith(S.info.notePrefix);
}

/** Consecutive messages of one album as one item: [{m, album?: [messages]}]. */
function groupAlbums(messages) {
  const out = [];
  for (const m of messages) {
    const last = out[out.length - 1];
    if (m.media_group_id && last && last.m.media_group_id === m.media_group_id) last.album.push(m);
    else out.push(m.media_group_id ? { m, album: [m] } : { m });
  }
  return out;
}

const sizeText = (bytes) => (bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : bytes >= 1024 ? `${(bytes / 1024).toFixed(1)} KB` : `${bytes} B`);
const durationText = (s) => `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;

/** A voice note's bars, always the same for the same file. */
function waveform(seed) {
  let n = [...String(seed)].reduce((a, c) => (a * 31 + c.charCodeAt(0)) >>> 0, 7);
  const bars = [];
  for (let i = 0; i < 28; i++) {
    n = (n * 1103515245 + 12345) >>> 0;
    bars.push(h("i", { style: `height:${25 + (n % 75)}%` }));
  }
  return h("span", { class: "wave" }, bars);
}

function mediaOf(m, album) {
  const parts = [];
  const photoSrc = (p) => `/demo/files/${encodeURIComponent(p.photo[p.photo.length - 1].file_id)}`;
  if (album && album.length > 1) {
    parts.push(h("div", { class: `album n${Math.min(album.length, 4)}` }, album.filter((a) => a.photo).map((a) => h("img", { class: "photo", src: photoSrc(a), alt: t("photo") }))));
  } else if (m.photo) {
    parts.push(h("img", { class: "photo", src: photoSrc(m), alt: t("photo"), width: 260, height: 195 }));
  } else if (m.document) {
    const ext = (m.document.file_name ?? "").split(".").pop()?.slice(0, 4) || "file";
    parts.push(
      h("div", { class: "doc" }, h("span", { class: "doc-icon" }, ext), h("span", { class: "doc-text" }, h("span", { class: "doc-name" }, m.document.file_name ?? "file"), h("span", { class: "doc-size" }, sizeText(m.document.file_size ?? 0)))),
    );
  } else if (m.voice) {
    parts.push(h("div", { class: "voice", title: t("voiceNote") }, h("span", { class: "play" }, icon("play")), waveform(m.voice.file_unique_id), h("span", { class: "dur" }, durationText(m.voice.duration ?? 0))));
  } else if (m.sticker) {
    parts.push(h("div", { class: "sticker-art", title: "sticker" }, m.sticker.emoji ?? "🙂"));
  }
  return parts;
}

/** A sender's display name in the group: the chat for posts as a chat, else the person. */
function senderName(m) {
  if (m.sender_chat) return m.sender_chat.title ?? "";
  return fullName(m.from);
}

/** What a message shows: its media (an album as one grid), then its text with the time. */
function body(m, album) {
  const parts = mediaOf(m, album);
  // An album's caption is on whichever item has one (the first, as apps send it).
  const captioned = album?.find((a) => a.caption) ?? m;
  const text = captioned.text ?? captioned.caption;
  const el = h("div", { class: "text" });
  if (text) el.append(formatted(text, captioned.entities ?? captioned.caption_entities));
  else if (parts.length === 0) el.append(h("span", { class: "kind" }, describeKind(m)));
  const edited = (album ?? [m]).some((a) => a.edit_date);
  el.append(h("span", { class: "meta" }, edited ? h("span", { class: "edited" }, t("edited")) : null, timeOf(m.date)));
  parts.push(el);
  return parts;
}

/** Messages whose text or caption can be edited (not stickers, polls, …). */
const editable = (m) => m.text !== undefined || m.photo || m.document || m.voice || m.video || m.audio || m.animation;

/**
 * One message. opts: own (right side), name ([text, color, tags…]), quote (the replied
 * message to show), actions ([label, fn] pairs; falsy entries skipped), extraClass.
 */
function bubble(m, opts) {
  const quote = opts.quote === undefined ? m.reply_to_message : opts.quote;
  const actions = (opts.actions ?? []).filter(Boolean);
  const kind = m.sticker ? " sticker" : opts.album?.length > 1 ? " has-album" : "";
  return h(
    "div",
    { class: `msg ${opts.own ? "own" : "other"}${kind} ${opts.extraClass ?? ""}`, dataset: { id: m.message_id } },
    h(
      "div",
      { class: "bubble" },
      opts.name,
      m.via_bot ? h("div", { class: "via" }, `via @${m.via_bot.username}`) : null,
      quote ? h("div", { class: "reply-quote" }, h("div", { class: "rq-name" }, opts.quoteName?.(quote) ?? senderName(quote)), h("div", { class: "rq-text" }, preview(quote))) : null,
      body(m, opts.album),
      opts.keyboard ?? null,
    ),
    actions.length ? h("div", { class: "actions" }, actions.map(([label, fn]) => h("button", { type: "button", class: "act", onclick: fn }, label))) : null,
  );
}

// ------------------------------------------------------------------ place 2: the channel's cards

/** How long a changed card flashes (style.css: .card.flash). */
const FLASH_MS = 1600;

function renderCards() {
  const v = S.view;
  const pinned = v.cards.filter((c) => c.pinned);
  $("channel-subtitle").textContent = t("channelSubtitle", { cards: v.cards.length, pinned: pinned.length });
  // Like Telegram's pinned bar: the message pinned last.
  const last = v.cards.find((c) => c.message.message_id === v.pinnedLast);
  const bar = $("pinbar");
  bar.hidden = !last;
  if (last) {
    bar.dataset.post = String(last.message.message_id);
    bar.onclick = () => selectCard(last);
    bar.replaceChildren(
      h("span", { class: "pin-line" }),
      h("div", { style: "min-width:0" }, h("b", {}, `${t("pinnedMessage")}${pinned.length > 1 ? ` · ${pinned.length}` : ""}`), h("div", { class: "pin-text" }, preview(last.message))),
    );
  }
  // A card the bot just edited (status, priority…) flashes, so the change is seen.
  // It keeps flashing through repaints (a new comment redraws the cards) until the animation ends.
  const shown = (c) => c.message.text ?? c.message.caption ?? "";
  const now = Date.now();
  for (const c of v.cards) {
    const id = c.message.message_id;
    if (S.cardTexts[id] !== undefined && S.cardTexts[id] !== shown(c)) S.flashSince[id] = now;
    S.cardTexts[id] = shown(c);
  }
  const flashing = (id) => S.flashSince[id] !== undefined && now - S.flashSince[id] < FLASH_MS;
  const cards = S.hashtag ? v.cards.filter((c) => hashtagsOf(c.message).includes(S.hashtag)) : v.cards;
  const search = $("search");
  search.hidden = !S.hashtag;
  if (S.hashtag) {
    search.replaceChildren(
      h("span", {}, t("searching", { tag: S.hashtag, count: cards.length })),
      h("button", { type: "button", class: "chip", id: "clear-search", onclick: () => searchHashtag(null) }, t("clearSearch")),
    );
  }
  paint($("cards"), JSON.stringify([cards, v.selectedCard, T === TEXTS.en, S.hashtag]), () => {
    if (v.cards.length === 0) return [h("div", { class: "empty" }, t("noCards"))];
    return cards.map((c) =>
      h(
        "div",
        {
          class: `card${c.pinned ? " pinned" : ""}${c.message.message_id === v.selectedCard ? " selected" : ""}${flashing(c.message.message_id) ? " flash" : ""}`,
          style: flashing(c.message.message_id) ? `animation-delay:-${now - S.flashSince[c.message.message_id]}ms` : undefined,
          dataset: { post: c.message.message_id, pinned: String(c.pinned) },
          role: "button",
          tabindex: "0",
          onclick: () => selectCard(c),
          onkeydown: (ev) => ev.key === "Enter" && selectCard(c),
        },
        h(
          "div",
          { class: "post-head" },
          S.info.channel.title,
          h("span", { class: "spacer" }),
          priorityOf(c) !== null ? h("span", { class: `prio p${priorityOf(c)}` }, `P${priorityOf(c)}`) : null,
          c.pinned ? h("span", { class: "pin-badge" }, icon("pin"), t("pinned")) : null,
        ),
        body(c.message),
        keyboardOf(c.message, (b) => press(S.as === "channel" ? S.info.notStaff[0].id : S.as, S.info.channel.id, c.message, b)),
        h("div", { class: "comments-bar" }, icon("comment"), c.comments === 0 ? t("noComments") : c.comments === 1 ? t("oneComment") : t("comments", { count: c.comments }), h("span", { class: "chev" }, "›")),
      ),
    );
  });
}

/** The hashtags Telegram found in a message (its entities). */
function hashtagsOf(m) {
  const text = m.text ?? m.caption ?? "";
  return (m.entities ?? m.caption_entities ?? []).filter((e) => e.type === "hashtag").map((e) => text.slice(e.offset, e.offset + e.length));
}

/** Shows only the cards with this hashtag (null: all of them), as Telegram's search of a chat does. */
function searchHashtag(tag) {
  S.hashtag = tag;
  render();
}

/**
 * A message's inline keyboard; `onPress(button)` presses one (under a card: as the person
 * chosen under "Comment as"; in the customer's chat: as the customer, e.g. the survey's stars).
 */
function keyboardOf(message, onPress) {
  const rows = message.reply_markup?.inline_keyboard ?? [];
  if (rows.length === 0) return null;
  return h(
    "div",
    { class: "keyboard" },
    rows.map((row) =>
      h(
        "div",
        { class: "kb-row" },
        row.map((b) =>
          h("button", { type: "button", class: "kb-button", dataset: { data: b.callback_data ?? "" }, onclick: (ev) => (ev.stopPropagation(), onPress(b)) }, b.text),
        ),
      ),
    ),
  );
}

/**
 * Presses a button under a message as `userId` (for a card, the channel's owner when
 * commenting as the channel: a press is always a person's), then shows the bot's answer as
 * their app would: a short notification, or an alert.
 */
async function press(userId, chatId, message, button) {
  const q = await attempt(() => post("/sandbox/pressButton", { userId, chatId, messageId: message.message_id, data: button.callback_data }));
  if (!q) return;
  for (let i = 0; i < 50; i++) {
    const p = await attempt(() => get(`/sandbox/callbacks/${q.id}`));
    if (p?.answer) return toast(p.answer.text || t("pressedAs", { name: fullName(q.from), button: button.text }), p.answer.show_alert);
    await new Promise((r) => setTimeout(r, 100));
  }
  toast(t("noAnswer"), true);
}

/** The priority a card shows ("Priority: 3"), or null. */
function priorityOf(card) {
  const m = /(?:Priority|Prioridade):\s*([1-5])\b/.exec(card?.message.text ?? card?.message.caption ?? "");
  return m ? Number(m[1]) : null;
}

function selectCard(card) {
  S.cardId = card.message.message_id;
  if (card.customerId !== null && card.customerId !== S.customerId) {
    S.customerId = card.customerId;
    S.chatCtx = null;
  }
  S.threadCtx = null;
  refresh();
}

// ------------------------------------------------------------------ place 3: the card's comments

function isMine(m) {
  if (S.as === "channel") return m.sender_chat?.id === S.info.channel.id && !m.is_automatic_forward;
  return m.from?.id === S.as && !m.sender_chat;
}

function nameLine(m, customer, note = false) {
  if (m.is_automatic_forward) return h("div", { class: "name" }, m.sender_chat?.title ?? "");
  const tags = [];
  if (note) tags.push(h("span", { class: "tag note", title: t("noteTitle", { prefix: S.info.notePrefix }) }, icon("lock"), t("note")));
  if (m.from?.id === S.info.bot.id) tags.push(h("span", { class: "tag bot" }, t("bot")));
  if (customer) tags.push(h("span", { class: "tag customer", title: t("copyHint", { name: fullName(customer) }) }, t("fromCustomer", { name: customer.first_name })));
  else if (m.sender_chat?.id === S.info.channel.id || isStaff(m.from?.id)) tags.push(h("span", { class: "tag staff" }, t("staff")));
  else if (m.from && !m.from.is_bot) tags.push(h("span", { class: "tag warn" }, t("notStaff")));
  const color = m.sender_chat ? "#d0672a" : colorOf(m.from?.id ?? 0);
  return h("div", { class: "name", style: `color:${color}` }, senderName(m), tags);
}

function renderThread() {
  const v = S.view;
  const card = selectedCard();
  const who = card?.customerId != null ? userById(card.customerId) : null;
  $("thread-title").textContent = t("threadTitle");
  $("thread-subtitle").textContent = card ? t("threadOn", { name: who ? fullName(who) : "?" }) : t("threadSubtitle", { group: S.info.group.title });
  paint($("thread"), JSON.stringify([v.thread, S.as]), () => {
    if (!card) return [h("div", { class: "empty" }, v.cards.length ? t("noThread") : t("noCards"))];
    if (!v.thread) return [h("div", { class: "empty" }, t("noRoot"))];
    const [root, ...comments] = v.thread.messages;
    const out = [];
    if (root) {
      out.push(bubble(root, { own: false, name: nameLine(root), quote: null, extraClass: "root", actions: [[t("reply"), () => setContext("thread", { mode: "reply", message: root })]] }));
      out.push(h("div", { class: "divider" }, t("discussion")));
    }
    for (const { m, album } of groupAlbums(comments)) {
      if (m.pinned_message) {
        out.push(h("div", { class: "service" }, `${senderName(m)} · ${t("pinnedMessage")}`));
        continue;
      }
      const mine = isMine(m);
      const parent = m.reply_to_message;
      const copyOf = v.thread.fromCustomer.includes(m.message_id) ? who : null;
      const target = album?.find((a) => a.caption) ?? m;
      out.push(
        bubble(m, {
          own: mine,
          album,
          name: nameLine(m, copyOf, isNote(target)),
          extraClass: isNote(target) ? "note" : "",
          // Replies to the card itself are the thread: Telegram shows no quote for them.
          quote: parent && parent.message_id !== v.thread.rootId ? parent : null,
          actions: [
            [t("reply"), () => setContext("thread", { mode: "reply", message: m })],
            mine && editable(target) && [t("edit"), () => setContext("thread", { mode: "edit", message: target })],
          ],
        }),
      );
    }
    return out;
  }, `card ${v.selectedCard}`);
}

// ------------------------------------------------------------------ composers

function renderComposers() {
  const customer = currentCustomer();
  $("chat-input").placeholder = customer ? t("chatPlaceholder", { name: customer.first_name }) : "";
  $("thread-input").placeholder = t("threadPlaceholder", { name: asName() });
  for (const pane of ["chat", "thread"]) {
    const ctx = S[`${pane}Ctx`];
    const box = $(`${pane}-context`);
    box.hidden = !ctx;
    if (ctx) {
      const title = ctx.mode === "edit" ? t("editing") : t("replyingTo", { name: pane === "chat" && ctx.message.from?.is_bot ? S.info.bot.first_name : senderName(ctx.message) });
      box.querySelector(".context-text").replaceChildren(h("b", {}, title), h("span", {}, preview(ctx.message)));
    }
    $(`${pane}-samples`).hidden = !S.samplesOpen[pane];
  }
}

function setContext(pane, ctx) {
  S[`${pane}Ctx`] = ctx;
  const input = $(`${pane}-input`);
  if (ctx?.mode === "edit") {
    input.value = toMarkers(ctx.message.text ?? ctx.message.caption ?? "", ctx.message.entities ?? ctx.message.caption_entities);
  } else if (S[`${pane}WasEditing`]) input.value = "";
  S[`${pane}WasEditing`] = ctx?.mode === "edit";
  renderComposers();
  input.focus();
  autosize(input);
}

function autosize(input) {
  input.style.height = "auto";
  input.style.height = `${Math.min(input.scrollHeight + 2, 120)}px`;
}

/** The file a sample kind sends (the sandbox mints a file for the name). */
function sampleFile(kind) {
  if (kind === "document") return t("sampleDocumentName");
  if (kind === "voice") return "voice-note.ogg";
  return "thumbs-up.webp";
}

/**
 * Content for the sandbox: text with entities, or an attachment ({kind, name?}) with the
 * text as its caption (a sticker has none).
 */
function contentOf(value, attachment) {
  const { text, entities } = parseMarkers(value);
  const caption = { ...(text ? { caption: text } : {}), ...(entities.length ? { caption_entities: entities } : {}) };
  if (attachment?.kind === "photo") return { photo: attachment.name, ...caption };
  if (attachment?.kind === "sticker") return { sticker: attachment.file ?? sampleFile("sticker") };
  if (attachment) return { [attachment.kind]: attachment.file ?? sampleFile(attachment.kind), ...caption };
  return { text, ...(entities.length ? { entities } : {}) };
}

/** An album of the sample photos, the text as the first one's caption. */
function albumOf(value) {
  return S.info.samples.slice(0, 3).map((name, i) => (i === 0 ? contentOf(value, { kind: "photo", name }) : { photo: name }));
}

/** For an edit: the same file (by file id) with the new caption, or the new text. */
function editedContent(original, value) {
  if (original.photo) return contentOf(value, { kind: "photo", name: original.photo[original.photo.length - 1].file_id });
  for (const kind of ["document", "voice", "video", "audio", "animation"]) {
    if (original[kind]) return contentOf(value, { kind, file: original[kind].file_id });
  }
  return contentOf(value);
}

async function sendFromChat(attachment) {
  const input = $("chat-input");
  const value = input.value;
  const customer = currentCustomer();
  if (!customer || (attachment === undefined && !value.trim())) return;
  const ctx = S.chatCtx;
  const ok = await attempt(() =>
    ctx?.mode === "edit"
      ? post("/sandbox/editPrivate", { userId: customer.id, messageId: ctx.message.message_id, content: editedContent(ctx.message, value) })
      : attachment?.kind === "album"
        ? post("/sandbox/sendAlbum", { userId: customer.id, items: albumOf(value) })
        : post("/sandbox/sendPrivate", { userId: customer.id, content: contentOf(value, attachment), ...(ctx?.mode === "reply" ? { replyTo: ctx.message.message_id } : {}) }),
  );
  if (!ok) return;
  input.value = "";
  autosize(input);
  S.samplesOpen.chat = false;
  S.chatWasEditing = false;
  S.chatCtx = null;
  renderComposers();
  refresh();
}

async function sendFromThread(attachment) {
  const input = $("thread-input");
  const value = input.value;
  if (attachment === undefined && !value.trim()) return;
  if (inlineQueryOf(value) !== null && attachment === undefined) {
    const first = S.inline.answer?.results?.[0];
    if (first) return pickInline(first.id);
    return;
  }
  const thread = S.view.thread;
  if (!thread) return toast(t("pickCard"));
  const ctx = S.threadCtx;
  const ok = await attempt(() =>
    ctx?.mode === "edit"
      ? post("/sandbox/editInChat", { chatId: S.info.group.id, as: S.as, messageId: ctx.message.message_id, content: editedContent(ctx.message, value) })
      : post("/sandbox/comment", { as: S.as, replyTo: ctx?.mode === "reply" ? ctx.message.message_id : thread.rootId, content: contentOf(value, attachment) }),
  );
  if (!ok) return;
  input.value = "";
  autosize(input);
  S.samplesOpen.thread = false;
  S.threadWasEditing = false;
  S.threadCtx = null;
  renderComposers();
  refresh();
}

/**
 * Staff commands, one click each (they go into the thread like any comment). The priority
 * chip always offers another priority than the card's, so a click visibly changes the card.
 */
function renderChips() {
  const now = priorityOf(selectedCard()) ?? 3;
  const next = (now % 5) + 1;
  const key = JSON.stringify([now, T === TEXTS.en]);
  if (S.rendered.chips === key) return;
  S.rendered.chips = key;
  const p = `/p ${next}`;
  const commands = S.info.locale === "pt-BR" ? ["/assumir", "/etiqueta financeiro", "/fim", "/fs", p, "/ban", "/unban", "/ajuda"] : ["/take", "/tag billing", "/close", "/close silent", p, "/ban", "/unban", "/help"];
  $("chips").replaceChildren(
    h("button", { type: "button", class: "chip inline-chip", id: "inline-chip", title: t("inlineHead", { bot: S.info.bot.username }), onclick: startInline }, t("cannedButton")),
    ...commands.map((c) =>
      h("button", { type: "button", class: "chip", dataset: { command: c === p ? "/p" : c }, title: c === p ? t("priorityChip", { next, now }) : undefined, onclick: () => sendCommand(c) }, c),
    ),
  );
}

async function sendCommand(command) {
  const thread = S.view?.thread;
  if (!thread) return toast(t("pickCard"));
  const ok = await attempt(() => post("/sandbox/comment", { as: S.as, replyTo: thread.rootId, content: { text: command } }));
  if (ok) refresh();
}

/** The other kinds a person can send, next to the photos (an album only from a private chat: the sandbox sends those). */
function sampleKinds(pane) {
  const kinds = [
    pane === "chat" && { kind: "album", icon: "album", label: t("sampleAlbum") },
    { kind: "document", icon: "doc", label: t("sampleDocument") },
    { kind: "voice", icon: "mic", label: t("sampleVoice") },
    { kind: "sticker", icon: "sticker", label: t("sampleSticker") },
  ];
  return kinds.filter(Boolean);
}

function renderSamples(pane) {
  const send = (attachment) => (pane === "chat" ? sendFromChat(attachment) : sendFromThread(attachment));
  $(`${pane}-samples`).replaceChildren(
    h("span", { class: "hint" }, t("samplesHint")),
    h(
      "div",
      { class: "sample-row" },
      ...S.info.samples.map((name) =>
        h(
          "button",
          { type: "button", class: "sample", title: name, dataset: { sample: name }, onclick: () => send({ kind: "photo", name }) },
          h("img", { src: `/samples/${encodeURIComponent(name)}`, alt: name }),
        ),
      ),
      ...sampleKinds(pane).map((k) => h("button", { type: "button", class: "sample kind-sample", dataset: { sample: k.kind }, onclick: () => send({ kind: k.kind }) }, icon(k.icon), h("span", {}, k.label))),
    ),
  );
}

// ------------------------------------------------------------------ inline mode (canned replies)

function inlineQueryOf(value) {
  const prefix = `@${S.info.bot.username}`;
  if (!value.toLowerCase().startsWith(prefix.toLowerCase())) return null;
  const rest = value.slice(prefix.length);
  if (rest !== "" && !/^\s/.test(rest)) return null;
  return rest.trim();
}

function startInline() {
  const input = $("thread-input");
  input.value = `@${S.info.bot.username} `;
  input.focus();
  onThreadInput();
}

let inlineTimer;
function onThreadInput() {
  const input = $("thread-input");
  autosize(input);
  const query = inlineQueryOf(input.value);
  if (query === null) {
    S.inline.query = null;
    $("inline").hidden = true;
    return;
  }
  clearTimeout(inlineTimer);
  inlineTimer = setTimeout(() => runInline(query), 180);
}

async function runInline(query) {
  const seq = ++S.inline.seq;
  // The channel cannot type in the inline box; a person does, so the first staff member asks.
  const userId = S.as === "channel" ? S.info.staff[0].id : S.as;
  S.inline = { ...S.inline, query, userId, pending: true };
  renderInline();
  const answer = await attempt(() => post("/sandbox/inlineQuery", { userId, query, chatType: "supergroup" }));
  if (seq !== S.inline.seq) return; // a newer query is on its way
  S.inline = { ...S.inline, answer: answer ?? null, pending: false };
  renderInline();
}

function renderInline() {
  const box = $("inline");
  const { query, answer, pending, userId } = S.inline;
  box.hidden = query === null;
  if (query === null) return;
  const items = [h("div", { class: "inline-head" }, t("inlineHead", { bot: S.info.bot.username }), pending ? ` · ${t("inlineWaiting")}` : "")];
  if (answer && !pending) {
    if (answer.results.length) {
      for (const r of answer.results) {
        items.push(
          h(
            "button",
            { type: "button", class: "inline-item", dataset: { result: r.id }, onclick: () => pickInline(r.id) },
            h("div", { class: "it-title" }, r.title ?? r.id),
            h("div", { class: "it-desc" }, r.description ?? ""),
          ),
        );
      }
    } else if (answer.button) {
      items.push(h("div", { class: "inline-empty" }, t("inlineNotStaff", { name: fullName(userById(userId)) })), h("button", { type: "button", class: "inline-button", disabled: true }, answer.button.text));
    } else items.push(h("div", { class: "inline-empty" }, t("inlineNone", { query })));
  }
  box.replaceChildren(...items);
}

async function pickInline(resultId) {
  const thread = S.view?.thread;
  if (!thread) return toast(t("pickCard"));
  const { answer, userId } = S.inline;
  const ctx = S.threadCtx;
  const replyTo = ctx?.mode === "reply" ? ctx.message.message_id : thread.rootId;
  const ok = await attempt(() => post("/sandbox/sendInlineResult", { userId, chatId: S.info.group.id, answer, resultId, replyTo }));
  if (!ok) return;
  $("thread-input").value = "";
  S.inline = { ...S.inline, query: null, answer: null };
  S.threadCtx = null;
  renderInline();
  renderComposers();
  refresh();
}

// ------------------------------------------------------------------ wiring

function renderAs() {
  const select = $("as");
  const options = [
    ...S.info.staff.map((s) => h("option", { value: String(s.id) }, `${fullName(s)} (${t("staff")})`)),
    h("option", { value: "channel" }, t("channelAs", { channel: S.info.channel.title })),
    ...S.info.notStaff.map((u) => h("option", { value: String(u.id) }, `${fullName(u)} (${t("notStaff")})`)),
  ];
  select.replaceChildren(...options);
  select.value = String(S.as);
  select.onchange = () => {
    S.as = select.value === "channel" ? "channel" : Number(select.value);
    S.threadCtx = null;
    renderComposers();
    renderThread();
    const query = inlineQueryOf($("thread-input").value);
    if (query !== null) runInline(query);
  };
}

/** The hint line under a composer: what # and the markers do, and which keys send. */
function renderHint(pane) {
  const parts =
    pane === "chat"
      ? [t("formatHint"), t("keysHint")]
      : [t("noteHint", { prefix: S.info.notePrefix }), t("commandsHint"), t("formatHint"), t("keysHint")];
  $(`${pane}-hint`).replaceChildren(...parts.flatMap((p, i) => (i > 0 ? [h("span", { class: "sep" }, " · "), h("span", {}, p)] : [h("span", {}, p)])));
}

function wireComposer(pane, send) {
  const input = $(`${pane}-input`);
  renderHint(pane);
  $(`${pane}-form`).addEventListener("submit", (ev) => {
    ev.preventDefault();
    send();
  });
  input.addEventListener("keydown", (ev) => {
    if (ev.key === "Enter" && !ev.shiftKey && !ev.isComposing) {
      ev.preventDefault();
      send();
    } else if (ev.key === "Escape") {
      setContext(pane, null);
      S.samplesOpen[pane] = false;
      renderComposers();
    }
  });
  if (pane === "thread") input.addEventListener("input", onThreadInput);
  else input.addEventListener("input", () => autosize(input));
  const attach = $(`${pane}-attach`);
  attach.append(icon("clip"));
  attach.title = t("samplesHint");
  attach.addEventListener("click", () => {
    S.samplesOpen[pane] = !S.samplesOpen[pane];
    renderComposers();
  });
  $(`${pane}-form`).querySelector(".send").append(icon("send"));
  $(`${pane}-context`).querySelector(".close-context").addEventListener("click", () => setContext(pane, null));
  renderSamples(pane);
}

// ------------------------------------------------------------------ the desk's clock (business hours)

/** "Mon–Fri 09:00–18:00, Sat 09:00–12:00" from the config's week ({"mon-fri": "09:00-18:00", …}). */
function hoursSummary(week) {
  const days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
  const name = (d) => new Intl.DateTimeFormat(S.info.locale, { weekday: "short", timeZone: "UTC" }).format(Date.UTC(2024, 0, 1 + days.indexOf(d))); // 2024-01-01 was a Monday
  return Object.entries(week)
    .map(([span, ranges]) => `${span.split("-").map(name).join("–")} ${String(ranges).replace(/-/g, "–")}`)
    .join(", ");
}

/** The desk's time now, from the last reading: the page's own clock runs on from there. */
const deskNow = () => S.clock.now + (Date.now() - S.clockReadAt);
const deskTime = (ms) =>
  new Intl.DateTimeFormat(S.info.locale, { weekday: "short", hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone: S.clock.timezone }).format(ms);

/** Reads the desk's clock, or moves it (`open`: to the next open period, or closed one). */
async function readClock(open) {
  S.clock = open === undefined ? await get("/demo/clock") : await post("/demo/clock", { open });
  S.clockReadAt = Date.now();
  renderClock();
  return S.clock;
}

function renderClock() {
  const c = S.clock;
  if (!c) return;
  const vars = { time: deskTime(deskNow()), until: c.until === null ? "—" : deskTime(c.until) };
  $("desk-time").textContent = t(c.open ? "deskOpen" : "deskClosed", vars);
  $("desk-clock").dataset.state = c.open ? "open" : "closed";
  $("after-hours").setAttribute("aria-pressed", String(!c.open));
}

async function toggleAfterHours() {
  const c = await attempt(() => readClock(!S.clock.open));
  if (!c) return;
  const vars = { time: deskTime(c.now), until: c.until === null ? "—" : deskTime(c.until) };
  toast(t(c.open ? "movedOpen" : "movedClosed", vars));
  scheduleRefresh();
}

/**
 * Shows the clock running. Reads it again once its period should have ended (the desk opens or
 * closes by itself), and every half minute (another tab may have moved it).
 */
function tickClock() {
  if (!S.clock) return;
  const ended = S.clock.until !== null && deskNow() >= S.clock.until;
  if (ended || Date.now() - S.clockReadAt > 30_000) readClock().catch(() => undefined);
  else renderClock();
}

function connectEvents() {
  const live = $("live");
  const events = new EventSource("/sandbox/events");
  const relevant = ["message", "edit", "delete", "pin", "unpin", "user", "block", "unblock", "ban", "unban"];
  for (const type of relevant) events.addEventListener(type, () => scheduleRefresh());
  events.onopen = () => {
    live.dataset.state = "on";
    live.textContent = t("live");
    scheduleRefresh(0); // catch up on anything missed while disconnected
  };
  events.onerror = () => {
    live.dataset.state = "off";
    live.textContent = t("offline");
  };
}

async function boot() {
  S.info = await get("/demo/info");
  T = TEXTS[S.info.locale] ?? TEXTS.en;
  document.documentElement.lang = S.info.locale;
  S.as = S.info.staff[0].id;
  for (const el of document.querySelectorAll("[data-t]")) el.textContent = t(el.dataset.t);
  const intro = $("intro");
  // markup from TEXTS, the values escaped
  intro.innerHTML = t("intro", { bot: escapeHtml(S.info.bot.username), hours: escapeHtml(hoursSummary(S.info.hours.week)), zone: escapeHtml(S.info.hours.timezone) });
  $("after-hours").textContent = t("afterHours");
  $("after-hours").title = t("afterHoursTitle");
  $("desk-clock").title = t("deskClockTitle", { zone: S.info.hours.timezone });
  $("after-hours").addEventListener("click", toggleAfterHours);
  $("live").textContent = t("offline");
  $("bot-name").textContent = S.info.bot.first_name;
  $("bot-avatar").textContent = initials(S.info.bot.first_name);
  $("channel-name").textContent = S.info.channel.title;
  $("channel-avatar").textContent = initials(S.info.channel.title.replace(/[^\p{L}\s]/gu, ""));
  $("group-avatar").append(icon("comment"));
  renderAs();
  renderChips();
  wireComposer("chat", () => sendFromChat());
  wireComposer("thread", () => sendFromThread());
  await readClock();
  setInterval(tickClock, 5000);
  await refresh();
  connectEvents();
  $("chat-input").focus();
}

boot().catch((err) => toast(`The demo page could not start: ${err.message}`));
