import type { Locale, Texts } from "../texts.ts";
import type { Hours } from "./hours.ts";
import type { Sla } from "./sla.ts";

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
  notePrefix: string;
  /** The configured locale: which command names the menus show, the language of `/help`'s list and of dates in the away text. */
  locale: Locale;
  texts: Texts;
  /** Sign relayed staff messages with the agent's name. */
  signatures: boolean;
  /** How long to wait after an album's last part before sending it as one album. */
  albumSettleMs: number;
  /** Business hours; absent: always open. */
  hours?: Hours;
  /** Response targets; absent: none. */
  sla?: Sla;
}

/** A Bot API call the core wants made. */
export interface ApiCall {
  method: string;
  params: Record<string, unknown>;
}
