/**
 * Delivers outbox events (store/schema-webhooks.ts `events`) to webhook subscriptions, in its own loop: a sync
 * only appends events in its transactions, so a slow or failing receiver never holds a sync up.
 *
 * Per webhook, events go out in outbox order, one at a time: while an event waits for a retry, later events
 * for that webhook wait behind it (a receiver never sees `isolation.changed` to `not_isolated` before the one
 * to `isolated`). A failed attempt is retried after 10 s, 30 s, 2 min, 10 min and 1 h — six attempts, then
 * the delivery is `failed` and the next event goes. `ping`s (test deliveries) are not held in that queue.
 *
 * Delivery is at least once: an attempt in flight when the process stops is made again on the next start,
 * so receivers should de-duplicate on the body's `id`.
 */
import type { Logger } from '@mde-bridge/client';
import type { Kysely, Selectable } from 'kysely';
import { type SecretBox, secretBox } from '../secrets/secret-box.js';
import type { Database } from '../store/schema.js';
import type { WebhookDeliveryTable, WebhookTable } from '../store/schema-webhooks.js';
import type { Store } from '../store/store.js';
import { secretContext } from './webhook-repository.js';
import { DELIVERY_HEADER, EVENT_HEADER, SIGNATURE_HEADER, signPayload } from './webhook-signature.js';

/** Waits between attempt n and n + 1; one more attempt than waits. */
export const RETRY_DELAYS_MS = [10_000, 30_000, 120_000, 600_000, 3_600_000] as const;
export const MAX_ATTEMPTS = RETRY_DELAYS_MS.length + 1;
export const DELIVERY_TIMEOUT_MS = 10_000;
export const POLL_INTERVAL_MS = 1_000;
/** Events read from the outbox per query. */
const BATCH = 100;
/**
 * PostgreSQL hands out event ids when rows are inserted, not when they commit: an event of a transaction still
 * open can appear below one already read, behind the cursor. Events are appended as the last step of their
 * transaction, so reading only those older than this leaves such a transaction time to commit (SQLite has
 * one writer at a time and needs no wait).
 */
const PG_SETTLE_MS = 2_000;

export interface DispatchOptions {
  store: Store;
  logger: Logger;
  box: SecretBox;
  fetch: typeof fetch;
  now: () => Date;
  /** Events younger than this are left for the next round (default: by engine, see PG_SETTLE_MS). */
  settleMs?: number;
  timeoutMs?: number;
  /** Aborts requests in flight (the dispatcher is stopping); their deliveries stay pending. */
  signal?: AbortSignal;
}

type Delivery = Selectable<WebhookDeliveryTable>;

/** One round over every enabled webhook: due retries and pings, then new events. */
export async function dispatchWebhooks(options: DispatchOptions): Promise<void> {
  const { db } = options.store;
  const hooks = await db.selectFrom('webhooks').selectAll().where('enabled', '=', 1).execute();
  for (const hook of hooks) {
    if (options.signal?.aborted) return;
    let secret: string;
    try {
      secret = options.box.open(hook.secret_ciphertext, secretContext(hook.id));
    } catch (err) {
      options.logger.error(
        { webhook: hook.id, err: (err as Error).message },
        'cannot open the webhook secret; not delivering',
      );
      continue;
    }
    await dispatchOne(options, hook, secret);
  }
}

async function dispatchOne(options: DispatchOptions, hook: Selectable<WebhookTable>, secret: string) {
  const { db } = options.store;
  const nowIso = options.now().toISOString();
  const pending = await db
    .selectFrom('webhook_deliveries')
    .selectAll()
    .where('webhook_id', '=', hook.id)
    .where('status', '=', 'pending')
    .orderBy('id')
    .execute();
  let blocked = false;
  for (const row of pending) {
    const ping = row.event_type === 'ping';
    if (row.at > nowIso || (blocked && !ping)) {
      if (!ping) blocked = true;
      continue;
    }
    const retrying = await attempt(options, hook, secret, row);
    if (retrying && !ping) blocked = true;
  }
  if (blocked) return;

  const types = JSON.parse(hook.events) as string[];
  const horizon = new Date(options.now().getTime() - settleMsOf(options)).toISOString();
  let cursor = Number(hook.last_event_id);
  for (;;) {
    if (options.signal?.aborted) return;
    const events = await db
      .selectFrom('events')
      .leftJoin('tenants', 'tenants.id', 'events.tenant')
      .select([
        'events.id',
        'events.tenant',
        'events.type',
        'events.subject',
        'events.data',
        'events.at',
        'tenants.name as tenantName',
      ])
      .where('events.id', '>', cursor)
      .where('events.type', 'in', types)
      .where('events.at', '<=', horizon)
      .orderBy('events.id')
      .limit(BATCH)
      .execute();
    for (const e of events) {
      const id = Number(e.id);
      const payload = JSON.stringify({
        id: String(id),
        type: e.type,
        at: e.at,
        tenant: { id: e.tenant, name: e.tenantName ?? e.tenant },
        subject: e.subject,
        data: JSON.parse(e.data),
      });
      const row = await db.transaction().execute(async (trx) => {
        const inserted = await trx
          .insertInto('webhook_deliveries')
          .values({
            webhook_id: hook.id,
            event_id: String(id),
            event_type: e.type,
            attempt: 1,
            status: 'pending',
            response_status: null,
            error: null,
            at: options.now().toISOString(),
            next_attempt_at: null,
            payload,
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        await moveCursor(trx, hook.id, id);
        return inserted;
      });
      cursor = id;
      if (await attempt(options, hook, secret, row)) return;
    }
    if (events.length < BATCH) break;
  }
  // Skip past the events this webhook does not subscribe to, so the next round does not scan them again.
  const newest = await db
    .selectFrom('events')
    .select((eb) => eb.fn.max('id').as('id'))
    .where('id', '>', cursor)
    .where('at', '<=', horizon)
    .executeTakeFirst();
  if (newest?.id !== null && newest?.id !== undefined) await moveCursor(db, hook.id, Number(newest.id));
}

function settleMsOf(options: DispatchOptions): number {
  return options.settleMs ?? (options.store.caps.engine === 'postgres' ? PG_SETTLE_MS : 0);
}

async function moveCursor(db: Kysely<Database>, webhookId: string, eventId: number) {
  await db
    .updateTable('webhooks')
    .set({ last_event_id: eventId })
    .where('id', '=', webhookId)
    .where('last_event_id', '<', eventId)
    .execute();
}

/** Sends one delivery and records the outcome; true when a retry was scheduled. */
async function attempt(
  options: DispatchOptions,
  hook: Selectable<WebhookTable>,
  secret: string,
  row: Delivery,
): Promise<boolean> {
  const { db } = options.store;
  const at = options.now();
  const outcome = await send(options, hook.url, secret, row);
  if (outcome === 'stopped') return true;
  if (outcome.ok) {
    await db
      .updateTable('webhook_deliveries')
      .set({
        status: 'delivered',
        response_status: outcome.status,
        error: null,
        at: at.toISOString(),
        next_attempt_at: null,
      })
      .where('id', '=', row.id)
      .execute();
    return false;
  }
  const attemptNo = Number(row.attempt);
  const delay = RETRY_DELAYS_MS[attemptNo - 1];
  const retryAt = delay === undefined ? null : new Date(at.getTime() + delay).toISOString();
  options.logger.warn(
    {
      webhook: hook.id,
      delivery: String(row.id),
      event: row.event_id,
      attempt: attemptNo,
      status: outcome.status,
      error: outcome.error,
      retryAt,
    },
    retryAt ? 'webhook delivery failed; will retry' : 'webhook delivery failed; giving up',
  );
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('webhook_deliveries')
      .set({
        status: 'failed',
        response_status: outcome.status,
        error: outcome.error,
        at: at.toISOString(),
        next_attempt_at: retryAt,
      })
      .where('id', '=', row.id)
      .execute();
    if (retryAt)
      await trx
        .insertInto('webhook_deliveries')
        .values({
          webhook_id: row.webhook_id,
          event_id: row.event_id,
          event_type: row.event_type,
          attempt: attemptNo + 1,
          status: 'pending',
          response_status: null,
          error: null,
          at: retryAt,
          next_attempt_at: retryAt,
          payload: row.payload,
        })
        .execute();
  });
  return retryAt !== null;
}

type SendOutcome = { ok: boolean; status: number | null; error: string | null } | 'stopped';

async function send(
  options: DispatchOptions,
  url: string,
  secret: string,
  row: Delivery,
): Promise<SendOutcome> {
  const timeoutMs = options.timeoutMs ?? DELIVERY_TIMEOUT_MS;
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = options.signal ? AbortSignal.any([timeout, options.signal]) : timeout;
  try {
    const response = await options.fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'mde-bridge-webhooks',
        [SIGNATURE_HEADER]: signPayload(secret, row.payload),
        [EVENT_HEADER]: row.event_type,
        [DELIVERY_HEADER]: String(row.id),
      },
      body: row.payload,
      signal,
      // A redirect is an answer, not a new destination: following it could send signed events elsewhere.
      redirect: 'manual',
    });
    await response.body?.cancel().catch(() => {});
    const ok = response.status >= 200 && response.status < 300;
    return {
      ok,
      status: response.status,
      error: ok ? null : `the receiver answered HTTP ${response.status}`,
    };
  } catch (err) {
    if (options.signal?.aborted) return 'stopped';
    if (timeout.aborted) return { ok: false, status: null, error: `no answer within ${timeoutMs / 1000} s` };
    const cause = (err as Error & { cause?: { code?: string; message?: string } }).cause;
    const detail = cause?.code ?? cause?.message ?? (err as Error).message;
    return { ok: false, status: null, error: `request failed: ${detail}`.slice(0, 500) };
  }
}

export interface WebhookDispatcher {
  /** Runs a round now instead of at the next tick (a test delivery was queued). */
  poke(): void;
  stop(): Promise<void>;
}

const runningDispatchers = new Set<WebhookDispatcher>();

/** Wakes every dispatcher of this process (the API queues a ping and wants it sent at once). */
export function pokeWebhookDispatchers(): void {
  for (const dispatcher of runningDispatchers) dispatcher.poke();
}

/** Starts the delivery loop: a round every second, and at once when poked. */
export function startWebhookDispatcher(options: {
  store: Store;
  logger: Logger;
  fetch?: typeof fetch;
  env?: NodeJS.ProcessEnv;
  box?: SecretBox;
  now?: () => Date;
  intervalMs?: number;
}): WebhookDispatcher {
  const stopping = new AbortController();
  let wake: (() => void) | null = null;
  let poked = false;
  const dispatch: DispatchOptions = {
    store: options.store,
    logger: options.logger,
    box: options.box ?? secretBox(options.env ?? process.env),
    fetch: options.fetch ?? fetch,
    now: options.now ?? (() => new Date()),
    signal: stopping.signal,
  };
  const loop = (async () => {
    while (!stopping.signal.aborted) {
      poked = false;
      try {
        await dispatchWebhooks(dispatch);
      } catch (err) {
        options.logger.error({ err: (err as Error).message }, 'webhook delivery round failed');
      }
      if (stopping.signal.aborted || poked) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, options.intervalMs ?? POLL_INTERVAL_MS);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = null;
    }
  })();
  const dispatcher: WebhookDispatcher = {
    poke() {
      poked = true;
      wake?.();
    },
    async stop() {
      runningDispatchers.delete(dispatcher);
      stopping.abort();
      wake?.();
      await loop;
    },
  };
  runningDispatchers.add(dispatcher);
  return dispatcher;
}
