import type { Engine } from "../engine.ts";
import { badRequest, tooManyRequests } from "../errors.ts";
import type { Params } from "../params.ts";
import { isLoopbackHost, parseUrl, UrlError } from "../url.ts";
import type { HttpUrl } from "../url.ts";
import { allowedUpdatesParam, WithDescription } from "./common.ts";
import type { Handler } from "./common.ts";

/** What getUpdates answers while a webhook is set (Client.cpp process_get_updates_query). */
export const WEBHOOK_CONFLICT_DESCRIPTION =
  "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first";

const WEBHOOK_PORTS = new Set([443, 80, 88, 8443]);
const DEFAULT_MAX_CONNECTIONS = 40;

/**
 * WebhookActor's checks of a new URL ("Bad Request: bad webhook: …"). Telegram wants HTTPS on
 * ports 443, 80, 88 or 8443 and a public address; the sandbox reaches only this machine, so it
 * also takes plain http to a loopback host, on any port.
 */
function checkReachable(u: HttpUrl): void {
  const bad = (why: string) => badRequest(`bad webhook: ${why}`);
  if (u.protocol === "http") {
    if (!isLoopbackHost(u.host)) throw bad("An HTTPS URL must be provided for webhook");
    return;
  }
  if (!WEBHOOK_PORTS.has(u.port)) throw bad("Webhook can be set up only on ports 80, 88, 443 or 8443");
  if (!isLoopbackHost(u.host)) throw bad("Failed to resolve host: Name or service not known");
}

/** setWebhook with an empty URL and deleteWebhook: Client.cpp's "Webhook was deleted" path. */
function removeWebhook(e: Engine, p: Params): WithDescription {
  const drop = p.bool("drop_pending_updates");
  const allowed = allowedUpdatesParam(p);
  if (allowed !== undefined) e.updates.setAllowedUpdates(allowed);
  const was = e.webhook.active;
  e.webhook.delete();
  if (drop) e.updates.dropAll();
  return new WithDescription(true, was ? "Webhook was deleted" : "Webhook is already deleted");
}

export const webhookMethods: Record<string, Handler> = {
  setWebhook(e, p) {
    const url = p.str("url");
    if (url === "") return removeWebhook(e, p);
    const now = performance.now();
    if (e.webhook.floodControl && now < e.webhook.nextSetAllowedAt) throw tooManyRequests(1);
    e.webhook.nextSetAllowedAt = now + 1000;

    const maxConnections = p.has("max_connections") && p.str("max_connections") !== "" ? Math.min(100, Math.max(1, p.int("max_connections"))) : DEFAULT_MAX_CONNECTIONS;
    const secretToken = p.str("secret_token");
    const drop = p.bool("drop_pending_updates");
    const hasCustomCertificate = p.upload("certificate") !== undefined || p.upload(p.str("certificate")) !== undefined;
    const allowed = allowedUpdatesParam(p);
    const old = e.webhook.current;
    if (old && old.url === url && !old.hasCustomCertificate && !hasCustomCertificate && old.maxConnections === maxConnections && old.secretToken === secretToken && !drop) {
      if (allowed !== undefined) e.updates.setAllowedUpdates(allowed);
      return new WithDescription(true, "Webhook is already set");
    }

    e.updates.abortLongPoll("Conflict: terminated by setWebhook request");
    // The old webhook goes first; a refused new one leaves none.
    e.webhook.delete();
    if (drop) e.updates.dropAll();
    let parsed: HttpUrl;
    try {
      parsed = parseUrl(url, "https");
    } catch (error) {
      if (error instanceof UrlError) throw badRequest("invalid webhook URL specified");
      throw error;
    }
    if (secretToken.length > 256) throw badRequest("secret token is too long");
    if (!/^[A-Za-z0-9_-]*$/.test(secretToken)) throw badRequest("secret token contains unallowed characters");
    if (allowed !== undefined) e.updates.setAllowedUpdates(allowed);
    checkReachable(parsed);
    e.webhook.set({ url, parsed, secretToken, maxConnections, hasCustomCertificate });
    return new WithDescription(true, "Webhook was set");
  },

  deleteWebhook(e, p) {
    return removeWebhook(e, p);
  },

  getWebhookInfo(e) {
    return e.webhook.info();
  },
};
