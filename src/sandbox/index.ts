/**
 * The sandbox: a fake Telegram Bot API server over real HTTP, the ground truth for the relay's
 * end-to-end tests and the engine of `clientes demo`.
 */
export { startSandbox, Sandbox, DEFAULT_TOKEN, DEFAULT_CHANNEL_ID, DEFAULT_GROUP_ID } from "./sandbox.ts";
export type { SandboxState } from "./sandbox.ts";
export type {
  ChannelRights,
  GroupRights,
  Content,
  InlineAnswer,
  SandboxOptions,
  PollGuards,
  RequestLogEntry,
  FaultSpec,
} from "./types.ts";
export { ALL_CHANNEL_RIGHTS, ALL_GROUP_RIGHTS } from "./types.ts";
export type { SandboxEvent } from "./events.ts";
export { SandboxUsageError } from "./errors.ts";
export { CONFLICT_DESCRIPTION } from "./updates.ts";
export type { CallbackAnswer, CallbackPress } from "./callbacks.ts";
export type { WebhookInfo } from "./webhook.ts";
export { WEBHOOK_CONFLICT_DESCRIPTION } from "./methods/webhook.ts";
export { TELEGRAM_SERVICE_USER, CHANNEL_BOT_USER, GROUP_ANONYMOUS_BOT_USER } from "./world.ts";
