import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import type { AppConfig } from '../bed.js';
import type { ContractChecker, ContractViolation } from '../contract/checker.js';
import { DeliveryScheduler, type DeliveryOptions } from './schedule.js';

export interface Delivery {
  id: string;
  event: string;
  action: string | undefined;
  url: string;
  headers: Record<string, string>;
  /** The exact bytes signed and sent; a redelivery sends them again. */
  body: string;
  /** `duplicate`: GitHub's at-least-once delivery sent it again unasked (same id, same bytes). */
  attempts: { status: number | null; error?: string; redelivery: boolean; duplicate?: boolean }[];
}

export interface DeliveryResult {
  deliveryId: string;
  /** null when the receiver could not be reached. */
  status: number | null;
  body: string;
}

export interface SendOptions {
  deliveryId?: string;
  /** Tests that deliberately send malformed payloads skip the OpenAPI check. */
  skipContract?: boolean;
}

const HOOK_ID = '487311963';

/** `sha256=<hex>` HMAC of the raw body with the webhook secret, as in X-Hub-Signature-256. */
export function signWebhook(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

function actionOf(payload: object): string | undefined {
  const action = (payload as { action?: unknown }).action;
  return typeof action === 'string' ? action : undefined;
}

/** The x-webhooks name for an event and action: `pull_request` + `closed` → `pull-request-closed`. */
export function webhookName(event: string, action: string | undefined): string {
  const base = event.replace(/_/g, '-');
  return action ? `${base}-${action.replace(/_/g, '-')}` : base;
}

/**
 * Posts webhooks the way GitHub's Hookshot does and keeps every delivery so
 * it can be redelivered byte for byte with the same delivery id.
 */
export class WebhookSender {
  readonly deliveries: Delivery[] = [];
  /** Every event the server raised itself, delivered or not (no URL configured). */
  readonly emitted: { event: string; action: string | undefined; payload: object }[] = [];
  /** Where the server's own events go (the App's webhook URL); unset = events are only recorded. */
  url: string | undefined;
  private readonly scheduler: DeliveryScheduler<Raised>;
  private readonly agent = `GitHub-Hookshot/${randomBytes(4).toString('hex').slice(0, 7)}`;

  constructor(
    private readonly app: AppConfig,
    private readonly contract: ContractChecker,
    private readonly violations: ContractViolation[],
    order: DeliveryOptions = {},
  ) {
    this.scheduler = new DeliveryScheduler<Raised>(order, async (raised, duplicate) => {
      if (duplicate && raised.delivery) {
        await this.post(raised.delivery, false, true);
        return;
      }
      const result = await this.send(raised.url, raised.event, raised.payload, { skipContract: true });
      raised.delivery = this.deliveries.find((d) => d.id === result.deliveryId);
    });
  }

  /** The seed of this server's delivery order (`in-order` when a test opted out). */
  get seed(): string {
    return this.scheduler.seed;
  }

  async send(url: string, event: string, payload: object, options: SendOptions = {}): Promise<DeliveryResult> {
    const actionName = actionOf(payload);
    if (!options.skipContract) this.check(event, payload);
    const body = JSON.stringify(payload);
    const id = options.deliveryId ?? randomUUID();
    const delivery: Delivery = {
      id,
      event,
      action: actionName,
      url,
      body,
      attempts: [],
      headers: {
        'content-type': 'application/json',
        'user-agent': this.agent,
        'x-github-event': event,
        'x-github-delivery': id,
        'x-github-hook-id': HOOK_ID,
        'x-github-hook-installation-target-type': 'integration',
        'x-github-hook-installation-target-id': String(this.app.id),
        'x-hub-signature': `sha1=${createHmac('sha1', this.app.webhookSecret).update(body).digest('hex')}`,
        'x-hub-signature-256': signWebhook(this.app.webhookSecret, body),
      },
    };
    this.deliveries.push(delivery);
    return this.post(delivery, false);
  }

  async redeliver(deliveryId: string): Promise<DeliveryResult> {
    const delivery = this.deliveries.find((d) => d.id === deliveryId);
    if (!delivery) throw new Error(`no delivery ${deliveryId} to redeliver`);
    return this.post(delivery, true);
  }

  /**
   * Queues a server-raised event. It goes out as GitHub's would: possibly after events raised
   * later, possibly twice, possibly while another is in flight (see schedule.ts).
   */
  enqueue(event: string, payload: object): void {
    this.check(event, payload);
    this.emitted.push({ event, action: actionOf(payload), payload });
    const url = this.url;
    if (!url) return;
    this.scheduler.enqueue({ url, event, payload });
  }

  private check(event: string, payload: object): void {
    const name = webhookName(event, actionOf(payload));
    const errors = this.contract.checkWebhook(name, payload);
    if (errors.length) this.violations.push({ kind: 'webhook', subject: name, errors });
  }

  /** See DeliveryScheduler.withoutDuplicates. */
  withoutDuplicates(reason: string): () => void {
    return this.scheduler.withoutDuplicates(reason);
  }

  /** Resolves once every queued delivery has been attempted, duplicates included. */
  settled(): Promise<void> {
    return this.scheduler.settled();
  }

  private async post(delivery: Delivery, redelivery: boolean, duplicate = false): Promise<DeliveryResult> {
    const mark = duplicate ? { duplicate } : {};
    try {
      const response = await fetch(delivery.url, { method: 'POST', headers: delivery.headers, body: delivery.body });
      const text = await response.text();
      delivery.attempts.push({ status: response.status, redelivery, ...mark });
      return { deliveryId: delivery.id, status: response.status, body: text };
    } catch (error) {
      delivery.attempts.push({ status: null, error: String(error), redelivery, ...mark });
      return { deliveryId: delivery.id, status: null, body: '' };
    }
  }
}

/** A server-raised event on its way out; `delivery` once sent, for a duplicate to repeat. */
interface Raised {
  url: string;
  event: string;
  payload: object;
  delivery?: Delivery;
}
