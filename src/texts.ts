/**
 * Every text the bot shows, with its pt-BR and en defaults.
 *
 * Texts are HTML (the bot sends them with `parse_mode: "HTML"`); placeholders are
 * `{name}`-style and are filled by {@link renderText}, which escapes the values, so a
 * customer called `<b>Ana & Co</b>` shows up literally and never breaks the markup.
 * The config's `texts:` map overrides any key (R24 texts in docs/rules.md).
 */

/** The locales the bot ships defaults for. */
export const LOCALES = ["pt-BR", "en"] as const;
export type Locale = (typeof LOCALES)[number];

const PT = {
  welcome: "Olá, {first_name}! Recebemos sua mensagem e logo alguém da equipe vai responder por aqui.",
  welcome_start: "Olá, {first_name}! Escreva aqui o que você precisa; alguém da equipe vai responder por aqui.",
  reopen: "Olá de novo, {first_name}! Sua conversa foi reaberta; a equipe vai responder em breve.",
  closing: "Esta conversa foi encerrada. Se precisar de algo mais, é só escrever aqui.",
  card:
    "{status_icon} <b>{name}</b>{username}\n" +
    "ID: <code>{id}</code>{origin}\n" +
    "Status: {status}{overdue}{outside_hours} · Prioridade: {priority}{owner}{csat}{failures}\n" +
    "{hashtags}",
  card_username: " · @{username}",
  card_origin: " · Origem: <code>{origin}</code>",
  card_owner: " · 👤 {owner}",
  card_failures: "\n⚠️ Mensagens não entregues: {count}",
  card_overdue: " ⏰ atrasada",
  card_outside_hours: " 🌙 fora do horário",
  card_csat: " · ⭐ {score}",
  status_open: "aberta, sem pergunta ainda",
  status_waiting: "aguardando a equipe desde {since}",
  status_answered: "respondida",
  status_closed: "encerrada",
  status_banned: "banida",
  status_blocked: "cliente bloqueou o bot",
  tag_open: "aberta",
  tag_waiting: "aguardando",
  tag_answered: "respondida",
  tag_closed: "encerrada",
  tag_banned: "banida",
  tag_blocked: "bloqueou",
  tag_overdue: "atrasada",
  unsupported_customer: "Não foi possível entregar esta mensagem ({kind}) à equipe. Tente enviar de outra forma, por exemplo como texto.",
  unsupported_staff: "⚠️ O cliente enviou uma mensagem do tipo {kind}, que o bot não consegue repassar.",
  not_staff: "⚠️ Este comentário não foi enviado ao cliente: {name} não faz parte da equipe (lista <code>staff</code> da configuração).",
  delivery_failed: "⚠️ Mensagem não entregue ao cliente: {reason}",
  delivery_failed_team: "⚠️ Mensagem do cliente não pôde ser copiada aqui: {reason}",
  edit_failed_staff: "⚠️ A edição não chegou ao cliente ({reason}); ele continua vendo a versão anterior.",
  edited_marker: "✏️ Mensagem editada:",
  reason_blocked: "o cliente bloqueou o bot",
  reason_too_long: "a mensagem é longa demais para o Telegram",
  reason_no_copy: "o cliente não tem cópia da mensagem original (mais antiga que retention_days, ou não entregue)",
  reason_other: "{description}",
  staff_only_command: "⚠️ Só a equipe pode usar comandos aqui; {name} não está na lista <code>staff</code>.",
  unknown_command: "Comando desconhecido: <code>{command}</code>. Use /ajuda para ver os comandos.",
  usage_priority: "Uso: <code>/p N</code> (ou <code>/priority N</code>), com N de 1 (baixa) a 5 (urgente).",
  closed_ack: "✅ Conversa encerrada{silent}.",
  closed_ack_silent: " sem avisar o cliente",
  priority_ack: "Prioridade: {priority}.",
  banned_ack: "⛔ Cliente banido: as mensagens dele não serão repassadas.",
  unbanned_ack: "Cliente desbanido.",
  owner_ack: "👤 {owner} cuida desta conversa.",
  released_ack: "Ninguém cuida desta conversa agora.",
  take_anonymous: "Para assumir uma conversa, comente como você mesmo, não como o canal.",
  usage_assign: "Uso: <code>/atribuir NOME</code> ou <code>/atribuir ID</code>. A equipe: {staff}",
  assign_unknown: "Ninguém da equipe se chama <code>{name}</code>. A equipe: {staff}",
  assign_ambiguous: "<code>{name}</code> pode ser mais de uma pessoa: {staff}. Use o nome completo ou o ID.",
  tags_ack: "Etiquetas: {tags}",
  tags_none: "nenhuma",
  usage_tag: "Uso: <code>/etiqueta financeiro urgente</code> (palavras em minúsculas; no máximo {max} etiquetas).",
  usage_untag: "Uso: <code>/desetiquetar financeiro</code>.",
  tag_refused: "Não são etiquetas: {tags} (uma etiqueta é uma palavra com pelo menos uma letra; palavras de status, de prioridade e nomes da equipe já estão em uso).",
  tag_limit: "No máximo {max} etiquetas: {tags} ficaram de fora.",
  untag_missing: "Esta conversa não tem: {tags}.",
  reopened_ack: "🔄 Conversa reaberta.",
  already_open: "A conversa já está aberta.",
  already_closed: "A conversa já está encerrada.",
  button_take: "🙋 Assumir",
  button_release: "↩️ Liberar ({owner})",
  button_close: "✅ Encerrar",
  button_reopen: "🔄 Reabrir",
  button_priority_up: "▲ Prioridade",
  button_priority_down: "▼ Prioridade",
  button_not_staff: "Só a equipe pode usar estes botões: {name} não está na lista da equipe.",
  button_not_owner: "{owner} cuida desta conversa: /assumir passa para você, /liberar deixa sem ninguém.",
  button_stale: "Este card está desatualizado: use os comandos na conversa (/ajuda).",
  inline_button: "Falar com o atendimento",
  away: "Estamos fora do horário de atendimento agora: voltamos {next_open}. Sua mensagem já chegou à equipe e será respondida assim que voltarmos.",
  away_staff: "🌙 Chegou fora do horário de atendimento; o cliente foi avisado de que voltamos {next_open}.",
  csat_question: "Como foi o nosso atendimento? Toque numa nota de 1 a 5.",
  csat_button: "{score} ⭐",
  csat_rated: "Como foi o nosso atendimento? Sua nota: {score} ⭐. Obrigado! (Dá para mudar em até 24 horas.)",
  csat_thanks: "Obrigado! Sua nota: {score} ⭐.",
  csat_stale: "Esta pesquisa expirou: é de uma conversa anterior ou tem mais de 24 horas.",
  csat_foreign: "Esta pesquisa não é sua.",
  csat_staff: "⭐ {score} do cliente",
  csat_staff_changed: "⭐ {score} do cliente (antes: {previous})",
  next_open_today: "hoje às {time}",
  next_open_tomorrow: "amanhã às {time}",
  next_open_weekday: "{weekday} às {time}",
  next_open_date: "em {date} às {time}",
  help:
    "<b>Comandos da equipe</b> (responda dentro da conversa)\n" +
    "{commands}\n" +
    "Comentários que começam com <code>{note_prefix}</code> ficam só para a equipe.",
  customer_help:
    "Escreva aqui o que precisar (texto, fotos, documentos, áudio): sua mensagem chega à nossa equipe, que responde nesta mesma conversa.\n\n" +
    "{commands}",
  staff_private_help: "<b>Para a equipe</b>\n{commands}",
  notify_opened: "🆕 Nova conversa: <b>{name}</b>{origin}\n<a href=\"{link}\">Abrir o cartão</a>",
  notify_reopened: "🔄 Conversa reaberta: <b>{name}</b>{origin}\n<a href=\"{link}\">Abrir o cartão</a>",
  notify_waiting: "💬 <b>{name}</b> escreveu e aguarda resposta (a conversa é sua).\n<a href=\"{link}\">Abrir o cartão</a>",
  notify_sla: "⏰ <b>{name}</b> passou do prazo de {target}.\n<a href=\"{link}\">Abrir o cartão</a>",
  notify_origin: " · origem <code>{origin}</code>",
  notify_target_first: "primeira resposta",
  notify_target_response: "resposta",
  notify_ack_on: "🔔 Avisos ligados: escrevo aqui quando uma conversa abrir ou reabrir, quando um cliente seu aguardar e quando uma espera passar do prazo.",
  notify_ack_off: "🔕 Avisos desligados.",
  usage_notify: "Seus avisos estão <b>{state}</b>. Envie <code>/avisos on</code> ou <code>/avisos off</code>.",
  notify_state_on: "ligados",
  notify_state_off: "desligados",
  save_usage: "Uso: responda à mensagem a guardar com <code>/resposta Título</code>.",
  save_bad_title: "⚠️ O título precisa de letras ou números, com até {max} caracteres.",
  save_no_text: "⚠️ Essa mensagem não tem texto nem legenda para guardar.",
  save_ack: "✅ Guardada como resposta pronta <code>{id}</code> (“{title}”): digite <code>@{bot} {title}</code> para usar.",
  save_duplicate: "⚠️ Já existe uma resposta pronta <code>{id}</code> (“{title}”): escolha outro título, ou apague a antiga com <code>/remover {id}</code>.",
  unsave_usage: "Uso: <code>/remover id</code> (os ids: <code>clientes replies list</code>).",
  unsave_ack: "🗑 Resposta pronta <code>{id}</code> apagada.",
  unsave_not_found: "⚠️ Não há resposta pronta <code>{id}</code>{near}.",
  unsave_near: "; seria {ids}?",
  replies_read_only: "⚠️ O arquivo de respostas {file} é somente leitura: nada mudou. Torne-o gravável para o bot, ou edite-o com <code>clientes replies</code>.",
  replies_invalid: "⚠️ O arquivo de respostas {file} não foi alterado: {detail}",
  guard_removed: "🚪 {name} entrou no grupo e foi removido: aqui ficam só a equipe (a lista <code>staff</code>) e o bot. Para deixar entrar: <code>clientes staff add {id}</code>, depois adicione de novo.",
  guard_cannot_remove: "⚠️ {name} entrou no grupo, mas o bot não pode remover membros: dê a ele o direito “Banir usuários” (<code>clientes check</code> confere), ou remova à mão.",
} as const;

/** The keys of every text; `texts:` in the config may override any of them. */
export type TextKey = keyof typeof PT;

const EN: Record<TextKey, string> = {
  welcome: "Hello, {first_name}! We got your message; someone from the team will answer here shortly.",
  welcome_start: "Hello, {first_name}! Write here what you need; someone from the team will answer here.",
  reopen: "Welcome back, {first_name}! Your conversation is open again; the team will answer soon.",
  closing: "This conversation is closed. If you need anything else, just write here.",
  card:
    "{status_icon} <b>{name}</b>{username}\n" +
    "ID: <code>{id}</code>{origin}\n" +
    "Status: {status}{overdue}{outside_hours} · Priority: {priority}{owner}{csat}{failures}\n" +
    "{hashtags}",
  card_username: " · @{username}",
  card_origin: " · Origin: <code>{origin}</code>",
  card_owner: " · 👤 {owner}",
  card_failures: "\n⚠️ Undelivered messages: {count}",
  card_overdue: " ⏰ overdue",
  card_outside_hours: " 🌙 outside hours",
  card_csat: " · ⭐ {score}",
  status_open: "open, nothing asked yet",
  status_waiting: "waiting for us since {since}",
  status_answered: "answered",
  status_closed: "closed",
  status_banned: "banned",
  status_blocked: "customer blocked the bot",
  tag_open: "open",
  tag_waiting: "waiting",
  tag_answered: "answered",
  tag_closed: "closed",
  tag_banned: "banned",
  tag_blocked: "blocked",
  tag_overdue: "overdue",
  unsupported_customer: "This message ({kind}) could not be delivered to the team. Please send it another way, for example as text.",
  unsupported_staff: "⚠️ The customer sent a {kind} message, which the bot cannot relay.",
  not_staff: "⚠️ This comment was not sent to the customer: {name} is not on the team (the config's <code>staff</code> list).",
  delivery_failed: "⚠️ Not delivered to the customer: {reason}",
  delivery_failed_team: "⚠️ The customer's message could not be copied here: {reason}",
  edit_failed_staff: "⚠️ The edit did not reach the customer ({reason}); they still see the previous version.",
  edited_marker: "✏️ Edited message:",
  reason_blocked: "the customer blocked the bot",
  reason_too_long: "the message is too long for Telegram",
  reason_no_copy: "the customer has no copy of the original (older than retention_days, or never delivered)",
  reason_other: "{description}",
  staff_only_command: "⚠️ Only the team can use commands here; {name} is not in the <code>staff</code> list.",
  unknown_command: "Unknown command: <code>{command}</code>. Send /help for the list.",
  usage_priority: "Usage: <code>/priority N</code> (or <code>/p N</code>), N from 1 (low) to 5 (urgent).",
  closed_ack: "✅ Conversation closed{silent}.",
  closed_ack_silent: " without telling the customer",
  priority_ack: "Priority: {priority}.",
  banned_ack: "⛔ Customer banned: their messages will not be relayed.",
  unbanned_ack: "Customer unbanned.",
  owner_ack: "👤 {owner} owns this conversation.",
  released_ack: "Nobody owns this conversation now.",
  take_anonymous: "To take a conversation, comment as yourself, not as the channel.",
  usage_assign: "Usage: <code>/assign NAME</code> or <code>/assign ID</code>. The team: {staff}",
  assign_unknown: "Nobody on the staff list is called <code>{name}</code>. The team: {staff}",
  assign_ambiguous: "<code>{name}</code> could be more than one person: {staff}. Use the full name or the ID.",
  tags_ack: "Tags: {tags}",
  tags_none: "none",
  usage_tag: "Usage: <code>/tag billing urgent</code> (lower-case words; at most {max} tags).",
  usage_untag: "Usage: <code>/untag billing</code>.",
  tag_refused: "Not tags: {tags} (a tag is a word with at least one letter; status and priority words and staff names are taken).",
  tag_limit: "At most {max} tags: {tags} left out.",
  untag_missing: "This conversation does not have: {tags}.",
  reopened_ack: "🔄 Conversation reopened.",
  already_open: "The conversation is already open.",
  already_closed: "The conversation is already closed.",
  button_take: "🙋 Take",
  button_release: "↩️ Release ({owner})",
  button_close: "✅ Close",
  button_reopen: "🔄 Reopen",
  button_priority_up: "▲ Priority",
  button_priority_down: "▼ Priority",
  button_not_staff: "Only the team can use these buttons: {name} is not on the staff list.",
  button_not_owner: "{owner} owns this conversation: /take takes it over, /release leaves it to nobody.",
  button_stale: "This card is out of date: use the commands in its thread (/help).",
  inline_button: "Talk to support",
  away: "We are outside business hours right now: we are back {next_open}. Your message has reached the team, and we will answer as soon as we are back.",
  away_staff: "🌙 Arrived outside business hours; the customer was told we are back {next_open}.",
  csat_question: "How did we do? Tap a score from 1 to 5.",
  csat_button: "{score} ⭐",
  csat_rated: "How did we do? You gave {score} ⭐. Thank you! (You can change it within 24 hours.)",
  csat_thanks: "Thank you! You gave {score} ⭐.",
  csat_stale: "This survey has expired: it is about an earlier conversation, or more than 24 hours old.",
  csat_foreign: "This survey is not yours.",
  csat_staff: "⭐ {score} from the customer",
  csat_staff_changed: "⭐ {score} from the customer (was {previous})",
  next_open_today: "today at {time}",
  next_open_tomorrow: "tomorrow at {time}",
  next_open_weekday: "on {weekday} at {time}",
  next_open_date: "on {date} at {time}",
  help:
    "<b>Team commands</b> (reply inside the conversation)\n" +
    "{commands}\n" +
    "Comments that start with <code>{note_prefix}</code> stay internal.",
  customer_help:
    "Write here whatever you need (text, photos, documents, voice): your message reaches our team, who answer in this same chat.\n\n" +
    "{commands}",
  staff_private_help: "<b>For the team</b>\n{commands}",
  notify_opened: "🆕 New conversation: <b>{name}</b>{origin}\n<a href=\"{link}\">Open the card</a>",
  notify_reopened: "🔄 Conversation reopened: <b>{name}</b>{origin}\n<a href=\"{link}\">Open the card</a>",
  notify_waiting: "💬 <b>{name}</b> wrote and waits for an answer (you own this conversation).\n<a href=\"{link}\">Open the card</a>",
  notify_sla: "⏰ <b>{name}</b> waits past the {target} target.\n<a href=\"{link}\">Open the card</a>",
  notify_origin: " · origin <code>{origin}</code>",
  notify_target_first: "first-response",
  notify_target_response: "response",
  notify_ack_on: "🔔 Notifications on: I will write to you here when a conversation opens or reopens, when a customer of yours waits, and when a wait passes its target.",
  notify_ack_off: "🔕 Notifications off.",
  usage_notify: "Your notifications are <b>{state}</b>. Send <code>/notify on</code> or <code>/notify off</code>.",
  notify_state_on: "on",
  notify_state_off: "off",
  save_usage: "Usage: reply to the message to save with <code>/save Title</code>.",
  save_bad_title: "⚠️ The title needs letters or digits, and at most {max} characters.",
  save_no_text: "⚠️ That message has no text or caption to save.",
  save_ack: "✅ Saved as canned reply <code>{id}</code> (“{title}”): type <code>@{bot} {title}</code> to use it.",
  save_duplicate: "⚠️ A canned reply <code>{id}</code> already exists (“{title}”): choose another title, or remove that one with <code>/unsave {id}</code>.",
  unsave_usage: "Usage: <code>/unsave id</code> (the ids: <code>clientes replies list</code>).",
  unsave_ack: "🗑 Canned reply <code>{id}</code> removed.",
  unsave_not_found: "⚠️ There is no canned reply <code>{id}</code>{near}.",
  unsave_near: "; did you mean {ids}?",
  replies_read_only: "⚠️ The replies file {file} is read-only: nothing changed. Make it writable for the bot, or edit it with <code>clientes replies</code>.",
  replies_invalid: "⚠️ The replies file {file} was not changed: {detail}",
  guard_removed: "🚪 {name} joined the group and was removed: only the team (the <code>staff</code> list) and the bot belong here. To let them in: <code>clientes staff add {id}</code>, then add them again.",
  guard_cannot_remove: "⚠️ {name} joined the group, but the bot may not remove members: give it the “Ban Users” right (<code>clientes check</code> verifies it), or remove them by hand.",
};

/** Default texts per locale. */
export const DEFAULT_TEXTS: Record<Locale, Record<TextKey, string>> = { "pt-BR": PT, en: EN };

/** All text keys, for validating the config's `texts:` map. */
export const TEXT_KEYS = Object.keys(PT) as TextKey[];

/** The plain text an HTML text shows (tags dropped, the escapes and numeric references undone). */
export function stripTags(html: string): string {
  return html
    .replace(/<[^>]*>/g, "")
    .replace(/&#x([0-9a-f]+);/gi, (_, hex: string) => String.fromCodePoint(parseInt(hex, 16)))
    .replace(/&#(\d+);/g, (_, dec: string) => String.fromCodePoint(Number(dec)))
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, "&");
}
/**
 * Texts without a default: what they belong to is off until the config sets one (an
 * empty text counts as not set). `terms`: what a customer's `/terms` is answered with.
 */
export const OPTIONAL_TEXT_KEYS = ["terms"] as const;
export type OptionalTextKey = (typeof OPTIONAL_TEXT_KEYS)[number];

/** What the config's `texts:` may set. */
export type TextOverrides = Partial<Record<TextKey | OptionalTextKey, string>>;

/** Escapes a value for Telegram's HTML parse mode. */
export function escapeHtml(value: string): string {
  return value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** "Ana Souza": a Telegram user's first and last name, as the bot shows a person. */
export function fullName(user: { first_name?: unknown; last_name?: unknown }): string {
  return [user.first_name, user.last_name].filter(Boolean).join(" ");
}

/** A resolved set of texts: the locale's defaults with the config's overrides on top. */
export type Texts = Record<TextKey, string> & Partial<Record<OptionalTextKey, string>>;

/**
 * The locale of a customer's texts, from their Telegram `language_code`: `pt…` is pt-BR,
 * `en…` is en, anything else (or none) is `fallback`, the config's locale.
 */
export function localeOf(languageCode: string | undefined, fallback: Locale): Locale {
  const code = (languageCode ?? "").toLowerCase();
  if (code === "pt" || code.startsWith("pt-") || code.startsWith("pt_")) return "pt-BR";
  if (code === "en" || code.startsWith("en-") || code.startsWith("en_")) return "en";
  return fallback;
}

/** Merges the overrides from the config over the locale's defaults; an empty optional text is left out. */
export function resolveTexts(locale: Locale, overrides: TextOverrides = {}): Texts {
  const texts: Texts = { ...DEFAULT_TEXTS[locale], ...overrides };
  for (const key of OPTIONAL_TEXT_KEYS) if (texts[key]?.trim() === "") delete texts[key];
  return texts;
}

/**
 * Fills `{placeholders}` in a text. Values are HTML-escaped unless listed in `raw`
 * (for fragments that are themselves rendered texts). Unknown placeholders stay as typed.
 */
export function renderText(
  template: string,
  vars: object,
  raw: readonly string[] = [],
): string {
  const values = vars as Record<string, unknown>;
  return template.replace(/\{([a-z_]+)\}/g, (whole, key: string) => {
    const value = values[key];
    if (key === "name" && value === undefined && "first_name" in values) {
      return escapeHtml(fullName(values));
    }
    if (value === undefined) return whole;
    return raw.includes(key) ? String(value) : escapeHtml(String(value));
  });
}
