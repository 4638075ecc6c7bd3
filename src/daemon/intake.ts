/**
 * The one path from Telegram's updates to their stored effects, shared by the poll loop and
 * the webhook server: handle each update (the core changes shared state synchronously, so
 * updates taken at the same time are handled one after the other, in the order they came),
 * store the effects in one write (concurrent takes share it: group commit), and start their
 * deliveries once that write's line is in the journal, while it is synced. The caller confirms the updates to Telegram once `take` resolves —
 * the poll loop by the offset written with them, the webhook by answering 200 (R25
 * durable-offset) — so a crash in between makes Telegram send them again, and
 * {@link wasHandled} gives them no second effect.
 */
import type { TelegramInlineQuery, TelegramUpdate, TelegramUser } from "@gramio/types";
import type { ApiCall, CoreContext } from "../core/context.ts";
import { markHandled, wasHandled } from "../core/handled.ts";
import { answerRepliesEdit, type RepliesEdit, type RepliesOutcome } from "../core/replies-edit.ts";
import type { State, World } from "../core/state.ts";
import { handleUpdate } from "../core/updates.ts";
import type { Logger } from "../log.ts";
import type { JournaledStore } from "../store/index.ts";
import { describeForOperator } from "../telegram/errors.ts";
import type { TelegramPort } from "../telegram/port.ts";
import type { Deliverer } from "./deliverer.ts";

export interface IntakeDeps {
  world: World;
  ctx: () => CoreContext;
  store: JournaledStore<State>;
  deliverer: Deliverer;
  /** Answers an inline query right away: it is not a message, nothing to store or order. */
  answer: (q: TelegramInlineQuery) => void;
  /** For the immediate calls (outside any conversation's order). */
  port: TelegramPort;
  log: Logger;
  now: () => number;
  /** Removes someone who joined the group (R38 closed-group). */
  guard: (user: TelegramUser) => Promise<void>;
  /** Makes an edit of the replies file a thread command asked for (R36 save-reply). */
  editReplies: (edit: RepliesEdit) => Promise<RepliesOutcome>;
}

/** Handles updates, in the order given, and resolves once their effects are stored. */
export type Take = (updates: readonly TelegramUpdate[]) => Promise<void>;

/** The daemon's one {@link Take}. A failing store write rejects it (nothing is confirmed then). */
export function createIntake(d: IntakeDeps): Take {
  const { world, log } = d;
  return async (updates) => {
    const touched = new Set<number>();
    const immediate: ApiCall[] = [];
    const edits: RepliesEdit[] = [];
    const intruders: TelegramUser[] = [];
    const now = d.now();
    for (const update of updates) {
      const id = update.update_id;
      if (wasHandled(world.state, id, now)) {
        log.debug(`update ${id} was handled already (Telegram sent it again): no second effect`, { update: id });
        continue;
      }
      try {
        if (update.inline_query) {
          d.answer(update.inline_query);
        } else {
          const fx = handleUpdate(world, d.ctx(), update, now);
          for (const c of fx.wake) touched.add(c);
          immediate.push(...fx.immediate);
          edits.push(...fx.replies);
          intruders.push(...fx.intruders);
          for (const line of fx.log) log.info(line);
        }
      } catch (err) {
        // One malformed update must not stop the desk; it is logged with its id for a bug report.
        log.error(`update ${id} could not be handled`, { update: id, error: err });
      }
      markHandled(world.state, id, now);
    }
    // Removed before the updates are confirmed: a crash repeats the removal, which is harmless.
    for (const user of intruders) await d.guard(user);
    // Replies file edits are made before the updates are confirmed: a crash repeats the
    // command, which finds its reply saved already.
    for (const edit of edits) {
      answerRepliesEdit(world, d.ctx(), edit, await d.editReplies(edit), d.now());
      touched.add(edit.customer);
    }
    // Even when every update was a repeat: its first copy's write may still be under way.
    const { appended, durable } = d.store.stage();
    // Deliveries start once the line holding their jobs is in the journal, while it is being
    // synced (R25): a crash from here on finds the jobs or gets the updates again, and their
    // outcomes are journaled after that line. A line the disk refuses starts none.
    appended.then(
      () => {
        for (const c of touched) d.deliverer.kick(c);
      },
      () => undefined,
    );
    await durable;
    for (const c of immediate) {
      d.port.call(c.method, c.params).catch((err: unknown) => log.warn(`${c.method}: ${describeForOperator(err)}`));
    }
  };
}
