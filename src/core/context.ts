import type { APIMethodParams, APIMethods } from "@gramio/types";
import type { Reply } from "../replies/types.ts";
import { localeOf, type Locale, type Texts } from "../texts.ts";
import type { Hours } from "./hours.ts";
import type { Sla } from "./sla.ts";
import type { Customer } from "./state.ts";

/** What the core needs to know about the deployment, resolved once at start-up. */
export interface CoreContext {
  /** Numeric id of the support channel. */
  channel: number;
  /** Numeric id of its linked discussion group. */
  group: number;
  botId: number;
  botUsername: string;
  /** Staff user ids; changes to the config's staff list replace this set. */
  staff: ReadonlySet<number>;
  staffNames: ReadonlyMap<number, string>;
  /** Staff with `notify: true` in the config (their own `/notify` choice, in the store, wins). */
  notify: ReadonlySet<number>;
  notePrefix: string;
  /** The configured locale: which command names the menus show, the language of `/help`'s list and of dates in the away text. */
  locale: Locale;
  /** The texts of the configured locale: everything staff see. */
  texts: Texts;
  /** Each locale's texts, for customers (see {@link customerTexts}). */
  localeTexts: Readonly<Record<Locale, Texts>>;
  /** Customer texts follow each customer's Telegram language (config `locale_per_customer`). */
  localePerCustomer: boolean;
  /** Sign relayed staff messages with the agent's name. */
  signatures: boolean;
  /** Under backlog, merge a conversation's waiting texts into one comment (src/core/merge.ts). */
  coalesce: boolean;
  /** How long to wait after an album's last part before sending it as one album. */
  albumSettleMs: number;
  /** Send the satisfaction survey when a conversation is closed (config `csat`). */
  csat?: boolean;
  /** Business hours; absent: always open. */
  hours?: Hours;
  /** Remove anyone who joins the group and is not the bot, its creator or staff (config `guard_group`). */
  guardGroup: boolean;
  /** Response targets; absent: none. */
  sla?: Sla;
  /** The canned replies on offer now (the daemon's live list), to tell which one a staff message came from. */
  replies?: readonly Reply[];
}

/** Every Bot API method with its own parameters. */
type Calls = { [M in keyof APIMethods]: { method: M; params: APIMethodParams<M> } };

/**
 * A Bot API call the core wants made, typed per method: `ApiCall<"sendMessage">` has
 * sendMessage's parameters; plain `ApiCall` is any of them, and `port.call(c.method,
 * c.params)` takes it as it is.
 */
export type ApiCall<M extends keyof APIMethods = keyof APIMethods> = Calls[M];

/**
 * R32 customer-language: the texts a customer gets (welcome, reopen, closing, notices): in their Telegram
 * language when the config allows it, else in the configured locale.
 */
export function customerTexts(ctx: CoreContext, customer: Customer): Texts {
  if (!ctx.localePerCustomer) return ctx.texts;
  return ctx.localeTexts[customerLocale(ctx, customer)];
}

/** The locale of a customer's texts (and of the dates in them). */
export function customerLocale(ctx: CoreContext, customer: Customer): Locale {
  return ctx.localePerCustomer ? localeOf(customer.language_code, ctx.locale) : ctx.locale;
}
