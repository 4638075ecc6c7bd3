/**
 * reply_markup as the Bot API server and tdlib read it (Client.cpp get_reply_markup /
 * get_inline_keyboard_button, td ReplyMarkup.cpp): the JSON is checked field by field, buttons
 * without text are skipped, rows stop at 12 buttons and the keyboard at 300, URLs are checked
 * and normalized, and Telegram refuses callback_data over 64 bytes (BUTTON_DATA_INVALID).
 * Only an inline keyboard is shown on the message; reply keyboards are accepted and not shown.
 */
import type { Stored } from "./content.ts";
import { ApiError, badRequest } from "./errors.ts";
import type { Params } from "./params.ts";
import { formatUrl, parseUrl, UrlError } from "./url.ts";

/** Telegram's limit on callback_data, in bytes. */
export const MAX_CALLBACK_DATA_BYTES = 64;
const MAX_ROW_BUTTONS = 12;
const MAX_BUTTONS = 300;
const STYLES = new Set(["primary", "danger", "success"]);

/** The message's inline keyboard after a send or edit: `value` undefined means none. */
export interface MarkupParam {
  value: Stored | undefined;
}

/** A Bot API server parse error, which it reports with the first letter lower-cased. */
function parseError(text: string): ApiError {
  return badRequest(text.charAt(0).toLowerCase() + text.slice(1));
}

function buttonError(text: string): ApiError {
  return parseError(`Can't parse inline keyboard button: ${text}`);
}

/** td's get_optional_string_field: strings, and numbers as their text. */
function optionalString(o: Record<string, unknown>, name: string): string {
  const v = o[name];
  if (v === undefined) return "";
  if (typeof v === "string") return v;
  if (typeof v === "number") return String(v);
  throw buttonError(`Field "${name}" must be of type String`);
}

function requiredString(o: Record<string, unknown>, name: string): string {
  if (o[name] === undefined) throw buttonError(`Can't find field "${name}"`);
  return optionalString(o, name);
}

function requiredObject(o: Record<string, unknown>, name: string): Record<string, unknown> {
  const v = o[name];
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw buttonError(`Field "${name}" must be of type Object`);
  return v as Record<string, unknown>;
}

/** tdlib LinkManager::check_link for a URL button: the normalized URL, or Telegram's error. */
function checkButtonUrl(url: string): string {
  const invalid = (why: string) => badRequest(`inline keyboard button URL '${url}' is invalid: ${why}`);
  const parse = (link: string) => {
    try {
      return parseUrl(link, "http");
    } catch (error) {
      if (error instanceof UrlError) throw invalid(error.message);
      throw error;
    }
  };
  if (/^tg:/i.test(url)) {
    const rest = url.slice(3).replace(/^\/\//, "");
    const u = parse(rest);
    if (/^https?:\/\//i.test(rest) || u.userinfo !== "" || u.specifiedPort !== 0 || u.isIpv6) throw invalid("Wrong tg URL");
    if (!/^[a-z0-9_-]+$/.test(u.host)) throw invalid("Unallowed characters in URL host");
    return `tg://${u.host}${u.query.length > 1 && u.query[1] === "?" ? u.query.slice(1) : u.query}`;
  }
  const u = parse(url);
  if (!u.host.includes(".") && !u.isIpv6) throw invalid("Wrong HTTP URL");
  return formatUrl(u);
}

/** One InlineKeyboardButton as the Bot API server parses it (before tdlib's checks). */
function parseButton(raw: unknown): Stored {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw buttonError("InlineKeyboardButton must be an Object");
  const o = raw as Record<string, unknown>;
  const text = requiredString(o, "text");
  const icon = optionalString(o, "icon_custom_emoji_id");
  const style = optionalString(o, "style").toLowerCase();
  if (style !== "" && style !== "default" && !STYLES.has(style)) throw buttonError("invalid button style specified");
  const out: Stored = { text };
  if (icon !== "" && icon !== "0") out.icon_custom_emoji_id = icon;
  if (STYLES.has(style)) out.style = style;

  const url = optionalString(o, "url");
  const data = url === "" ? optionalString(o, "callback_data") : "";
  let kind: Stored;
  if (url !== "") kind = { url };
  else if (data !== "") kind = { callback_data: data };
  else if (o.callback_game !== undefined) kind = { callback_game: {} };
  else if (o.pay !== undefined) kind = { pay: true };
  else if (o.switch_inline_query !== undefined) kind = { switch_inline_query: requiredString(o, "switch_inline_query") };
  else if (o.switch_inline_query_chosen_chat !== undefined) kind = { switch_inline_query_chosen_chat: structuredClone(requiredObject(o, "switch_inline_query_chosen_chat")) };
  else if (o.switch_inline_query_current_chat !== undefined) kind = { switch_inline_query_current_chat: requiredString(o, "switch_inline_query_current_chat") };
  else if (o.login_url !== undefined) kind = { url: requiredString(requiredObject(o, "login_url"), "url") };
  else if (o.web_app !== undefined) kind = { web_app: { url: requiredString(requiredObject(o, "web_app"), "url") } };
  else if (o.copy_text !== undefined) kind = { copy_text: { text: requiredString(requiredObject(o, "copy_text"), "text") } };
  else throw buttonError("Text buttons are unallowed in the inline keyboard");

  return { ...out, ...kind };
}

/** tdlib's checks of a parsed button, and Telegram's limit on callback_data. */
function checkButton(button: Stored): Stored {
  if (typeof button.url === "string") button.url = checkButtonUrl(button.url);
  if (typeof button.callback_data === "string" && Buffer.byteLength(button.callback_data) > MAX_CALLBACK_DATA_BYTES) throw badRequest("BUTTON_DATA_INVALID");
  return button;
}

function arrayOfArrays(markup: Record<string, unknown>, field: string, rowsError: string): unknown[][] | undefined {
  const v = markup[field];
  if (v === undefined) return undefined;
  if (!Array.isArray(v)) throw parseError(`Field "${field}" must be of type Array`);
  if (!v.every(Array.isArray)) throw parseError(rowsError);
  return v as unknown[][];
}

/**
 * The reply_markup parameter: undefined when absent; otherwise the inline keyboard to show
 * (`value` undefined for a reply keyboard or an empty one). `inlineOnly` (edits) refuses any
 * other kind, as tdlib does.
 */
export function replyMarkup(p: Params, opts: { inlineOnly?: boolean } = {}): MarkupParam | undefined {
  const markup = p.json<Record<string, unknown>>("reply_markup", "reply keyboard markup");
  if (markup === undefined) return undefined;
  if (typeof markup !== "object" || markup === null || Array.isArray(markup)) throw badRequest("object expected as reply markup");
  const keyboard = arrayOfArrays(markup, "keyboard", `Field "keyboard" must be an Array of Arrays`);
  const rows = arrayOfArrays(markup, "inline_keyboard", `Field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays`);
  // The Bot API server parses every button; tdlib then skips those without text and cuts the rest.
  const parsed = (rows ?? []).map((row) => row.map(parseButton));
  const inline: Stored[][] = [];
  let total = 0;
  for (const row of parsed) {
    const buttons: Stored[] = [];
    for (const button of row) {
      if (total >= MAX_BUTTONS || buttons.length >= MAX_ROW_BUTTONS) break;
      if (button.text === "" && button.icon_custom_emoji_id === undefined) continue;
      buttons.push(checkButton(button));
      total++;
    }
    if (buttons.length > 0) inline.push(buttons);
  }
  const isReplyKeyboard = (keyboard?.length ?? 0) > 0;
  if (!isReplyKeyboard && inline.length > 0) return { value: { inline_keyboard: inline } };
  const shown = isReplyKeyboard || markup.remove_keyboard === true || markup.hide_keyboard === true || markup.force_reply === true;
  if (opts.inlineOnly && shown) throw badRequest("inline keyboard expected");
  return { value: undefined };
}

/** Whether a message's keyboard has a button with this callback_data. */
export function hasCallbackButton(markup: unknown, data: string): boolean {
  const rows = (markup as { inline_keyboard?: Stored[][] } | undefined)?.inline_keyboard ?? [];
  return rows.some((row) => row.some((b) => b.callback_data === data));
}
