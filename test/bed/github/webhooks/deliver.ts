import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import type { AppConfig } from '../apps.js';
import type { Bed } from '../bed.js';
import type { ContractChecker, ContractViolation } from '../contract/checker.js';
import { nodeId } from '../shapes/urls.js';
import { recordEvent } from '../usage.js';
import { DeliveryScheduler, type DeliveryOptions } from './schedule.js';

/** One try at delivering: GitHub lists each as a delivery of its own (same `guid`, own `id`). */
export interface DeliveryAttempt {
  id: number;
  /** null when the receiver could not be reached. */
  status: number | null;
  error?: string;
  /** Asked for (`redeliver`, or `POST /app/hook/deliveries/{id}/attempts`). */
  redelivery: boolean;
  /** GitHub's at-least-once delivery sent it again unasked (same id, same bytes). */
  duplicate?: boolean;
  deliveredAt: string;
  durationMs: number;
  response: { headers: Record<string, string>; body: string };
}

export interface Delivery {
  /** The `X-GitHub-Delivery` GUID: one per event and App, kept by redeliveries. */
  id: string;
  appId: number;
  installationId: number | null;
  repositoryId: number | null;
  event: string;
  action: string | undefined;
  url: string;
  headers: Record<string, string>;
  /** The exact bytes signed and sent; a redelivery sends them again. */
  body: string;
  attempts: DeliveryAttempt[];
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
  /** Sign and address as this App (default: the server's first App). */
  app?: AppConfig;
}

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

/** The permissions that let an App receive each event (any one of them). */
const EVENT_PERMISSIONS: Record<string, string[]> = {
  push: ['contents'],
  pull_request: ['pull_requests'],
  pull_request_review: ['pull_requests'],
  issue_comment: ['issues', 'pull_requests'],
  status: ['statuses'],
  deployment_status: ['deployments'],
  check_run: ['checks'],
  check_suite: ['checks'],
  label: ['metadata'],
  registry_package: ['packages'],
  workflow_run: ['actions'],
};

/** An App's webhook id (`X-GitHub-Hook-ID`): stable per App. */
export function hookIdOf(app: AppConfig): number {
  return 487_311_000 + (app.id % 1000);
}

/**
 * Posts webhooks the way GitHub's Hookshot does: each raised event to every
 * App installed on the repository that subscribes to it, signed with that
 * App's secret and naming its installation; keeps every delivery so it can
 * be redelivered byte for byte with the same delivery id.
 */
export class WebhookSender {
  /** Every event the server raised itself, delivered or not (no URL configured). */
  readonly emitted: { event: string; action: string | undefined; payload: object }[] = [];
  private readonly scheduler: DeliveryScheduler<Raised>;
  /** Redeliveries in flight (the deliveries API starts them in the background). */
  private readonly redeliveries = new Set<Promise<DeliveryResult>>();
  private readonly agent = `GitHub-Hookshot/${randomBytes(4).toString('hex').slice(0, 7)}`;

  constructor(
    private readonly bed: Bed,
    private readonly contract: ContractChecker,
    private readonly violations: ContractViolation[],
    order: DeliveryOptions = {},
    readonly deliveries: Delivery[] = [],
  ) {
    this.scheduler = new DeliveryScheduler<Raised>(order, async (raised, duplicate) => {
      if (duplicate && raised.delivery) {
        await this.post(raised.delivery, false, true);
        return;
      }
      const result = await this.send(raised.url, raised.event, raised.payload, { skipContract: true, app: raised.app });
      raised.delivery = this.deliveries.find((d) => d.id === result.deliveryId);
    });
  }

  /** The seed of this server's delivery order (`in-order` when a test opted out). */
  get seed(): string {
    return this.scheduler.seed;
  }

  async send(url: string, event: string, payload: object, options: SendOptions = {}): Promise<DeliveryResult> {
    const app = options.app ?? this.bed.app;
    if (!options.skipContract) this.check(event, payload);
    recordEvent(event, actionOf(payload));
    const body = JSON.stringify(payload);
    const id = options.deliveryId ?? randomUUID();
    const ids = payload as { installation?: { id?: number }; repository?: { id?: number } };
    const delivery: Delivery = {
      id,
      appId: app.id,
      installationId: ids.installation?.id ?? null,
      repositoryId: ids.repository?.id ?? null,
      event,
      action: actionOf(payload),
      url,
      body,
      attempts: [],
      headers: {
        'content-type': 'application/json',
        'user-agent': this.agent,
        'x-github-event': event,
        'x-github-delivery': id,
        'x-github-hook-id': String(hookIdOf(app)),
        'x-github-hook-installation-target-type': 'integration',
        'x-github-hook-installation-target-id': String(app.id),
        'x-hub-signature': `sha1=${createHmac('sha1', app.webhookSecret).update(body).digest('hex')}`,
        'x-hub-signature-256': signWebhook(app.webhookSecret, body),
      },
    };
    this.deliveries.push(delivery);
    return this.post(delivery, false);
  }

  async redeliver(deliveryId: string): Promise<DeliveryResult> {
    const delivery = this.deliveries.find((d) => d.id === deliveryId);
    if (!delivery) throw new Error(`no delivery ${deliveryId} to redeliver`);
    const attempt = this.post(delivery, true);
    this.redeliveries.add(attempt);
    void attempt.finally(() => this.redeliveries.delete(attempt));
    return attempt;
  }

  /**
   * Queues a server-raised event for every App installed on its repository
   * that subscribes to it. Each goes out as GitHub's would: possibly after
   * events raised later, possibly twice, possibly while another is in flight
   * (see schedule.ts).
   */
  enqueue(event: string, payload: object, onlyApp?: number): void {
    this.check(event, payload);
    recordEvent(event, actionOf(payload));
    this.emitted.push({ event, action: actionOf(payload), payload });
    const fullName = (payload as { repository?: { full_name?: string } }).repository?.full_name;
    const repo = fullName ? this.bed.state.repo(fullName) : undefined;
    if (!repo) return;
    for (const app of this.bed.apps.values()) {
      if (onlyApp !== undefined && app.id !== onlyApp) continue;
      const installation = this.bed.tokens.installationFor(repo, app.id);
      if (!installation || !installation.events.includes(event) || !app.webhookUrl) continue;
      // An App hears an event only with a permission that covers it (GitHub's per-event requirement).
      if (!(EVENT_PERMISSIONS[event] ?? ['metadata']).some((scope) => installation.permissions[scope])) continue;
      const addressed = { ...payload, installation: { id: installation.id, node_id: nodeId('MDIz', installation.id) } };
      this.scheduler.enqueue({ app, url: app.webhookUrl, event, payload: addressed });
    }
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

  /** Resolves once every queued delivery has been attempted, duplicates and redeliveries included. */
  async settled(): Promise<void> {
    await this.scheduler.settled();
    while (this.redeliveries.size > 0) await Promise.allSettled([...this.redeliveries]);
  }

  private async post(delivery: Delivery, redelivery: boolean, duplicate = false): Promise<DeliveryResult> {
    const started = performance.now();
    const base = { id: this.bed.state.nextId(), redelivery, ...(duplicate ? { duplicate } : {}), deliveredAt: new Date(this.bed.now()).toISOString().replace(/\.\d{3}Z$/, 'Z') };
    try {
      const response = await fetch(delivery.url, { method: 'POST', headers: delivery.headers, body: delivery.body });
      const text = await response.text();
      const headers = Object.fromEntries(response.headers.entries());
      delivery.attempts.push({ ...base, status: response.status, durationMs: performance.now() - started, response: { headers, body: text } });
      return { deliveryId: delivery.id, status: response.status, body: text };
    } catch (error) {
      delivery.attempts.push({ ...base, status: null, error: String(error), durationMs: performance.now() - started, response: { headers: {}, body: '' } });
      return { deliveryId: delivery.id, status: null, body: '' };
    }
  }
}

/** A server-raised event on its way to one App; `delivery` once sent, for a duplicate to repeat. */
interface Raised {
  app: AppConfig;
  url: string;
  event: string;
  payload: object;
  delivery?: Delivery;
}
