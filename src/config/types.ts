import type { LogFormat } from "../log.ts";
import type { Hours } from "../core/hours.ts";
import type { Sla } from "../core/sla.ts";
import type { Locale, TextOverrides } from "../texts.ts";

/** A member of the support team, by Telegram user id. */
export interface StaffMember {
  id: number;
  name?: string;
  /**
   * Private messages from the bot when a conversation opens or reopens, when their customer
   * waits, when a wait passes its target (key `notify`, default false). Their own
   * `/notify on|off` to the bot wins.
   */
  notify?: boolean;
}

/** Webhook mode (key `webhook`): Telegram posts updates to `url`, the daemon listens on `listen`. */
export interface WebhookConfig {
  /** The public HTTPS address Telegram posts to (key `url`); the operator's TLS reverse proxy answers there. */
  url: string;
  /** Where the daemon's HTTP server listens (key `listen`, default 127.0.0.1:8443); port 0 picks a free one. */
  listen: { host: string; port: number };
  /**
   * Sent by Telegram with each request (key `secret_token`; env CLIENTES_WEBHOOK_SECRET wins).
   * Absent: the daemon derives one from the bot token (src/daemon/webhook.ts).
   */
  secretToken?: string;
  /** How many requests Telegram sends at once, 1–100 (key `max_connections`, default 40). */
  maxConnections: number;
}

/**
 * The validated configuration. YAML keys are snake_case (see config.example.yaml);
 * paths here are already absolute (relative ones resolve against the config's folder).
 */
export interface Config {
  /** Absolute path of the config file this came from. */
  path: string;
  bot: {
    /** Bot token; env CLIENTES_BOT_TOKEN wins over the file. Never print it: see scrub() in src/redact.ts. */
    token: string;
    /** Bot API root without a trailing slash; env CLIENTES_API_ROOT wins. Default https://api.telegram.org */
    apiRoot: string;
  };
  /** The support channel: numeric id or "@name". */
  channel: number | string;
  /** The channel's linked discussion group: numeric id or "@name". */
  group: number | string;
  /** Absolute path of the daemon's lowdb store. Default data/clientes.json */
  store: string;
  /** Absolute path of the canned replies file (.yaml, .yml or .json). Default replies.yaml */
  replies: string;
  staff: StaffMember[];
  /** Default "pt-BR". */
  locale: Locale;
  /** Text overrides (key `texts`), for the configured locale. */
  texts: TextOverrides;
  /** Text overrides for one locale's customers (`texts.en`, `texts.pt-BR`); win over `texts` for that locale. */
  textsByLocale: Partial<Record<Locale, TextOverrides>>;
  /**
   * Customer texts follow the customer's Telegram language (`pt*` pt-BR, `en*` en, else
   * `locale`); false: every customer gets `locale` (key `locale_per_customer`, default true).
   */
  localePerCustomer: boolean;
  /** Comments starting with this stay internal (key `note_prefix`, default "#"). */
  notePrefix: string;
  /** Days to keep message links (key `retention_days`, default 30). */
  retentionDays: number;
  /** Sign relayed staff messages with the agent's name (key `signatures`, default false). */
  signatures: boolean;
  /** Ask the customer "How did we do?" (1–5 ⭐) when a conversation is closed (key `csat`, default false). */
  csat: boolean;
  /**
   * Under backlog (the group's ~20 messages a minute used up), send a conversation's waiting
   * texts as one comment (key `coalesce`, default true); false: always one comment per message.
   */
  coalesce: boolean;
  /** Log level (key `log_level`): "debug" | "info" | "warn" | "error"; default "info". */
  logLevel: "debug" | "info" | "warn" | "error";
  /** Log format (key `log_format`): "text" for people, "json" lines for journald/Loki; default "text". */
  logFormat: LogFormat;
  /** getUpdates long-poll timeout in seconds (key `poll_timeout`, default 25). */
  pollTimeout: number;
  /**
   * Seconds a Bot API call may go unanswered before it is abandoned and retried (key
   * `request_timeout`, default 20; getUpdates gets poll_timeout on top).
   */
  requestTimeout: number;
  /** Remove anyone who joins the discussion group and is not the bot, its creator or staff (key `guard_group`, default true). */
  guardGroup: boolean;
  /** Business hours (key `hours`); absent: always open, response times in wall-clock time. */
  hours?: Hours;
  /** Response targets (key `sla`); absent: none. */
  sla?: Sla;
  /** Webhook mode (key `webhook`); absent: the daemon polls with getUpdates. */
  webhook?: WebhookConfig;
}
