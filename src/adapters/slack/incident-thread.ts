import type { DriftIncident } from '../../core/alerts/types.js';
import type { Clock } from '../../core/time/clock.js';

/**
 * Paces the messages of one drift incident: the first goes out at once, later
 * ones at most one per `minIntervalMs`. Changes that arrive in between are
 * coalesced: only the latest state is sent when the interval is up.
 */
export class IncidentThread {
  latest: DriftIncident;
  /** ts of the parent message (bot mode), once posted. */
  ts: string | undefined;
  sentRevision = 0;
  sentResolved = false;
  private lastSentAt: number | undefined;
  private timer: { cancel(): void } | undefined;
  private sending: Promise<void> | undefined;
  private dirty = false;

  constructor(
    incident: DriftIncident,
    private readonly clock: Clock,
    private readonly minIntervalMs: number,
    /** Sends `incident`; `before` is what went out last. Must not throw. */
    private readonly deliver: (thread: IncidentThread, incident: DriftIncident, before: { revision: number; resolved: boolean }) => Promise<void>,
  ) {
    this.latest = incident;
  }

  get resolved(): boolean {
    return this.latest.resolvedAt !== undefined;
  }

  /** Records a new state and sends it now or when the interval allows. */
  change(incident: DriftIncident): void {
    if (this.sentResolved) return;
    this.latest = incident;
    this.schedule();
  }

  /** Resolves when no send is in flight. */
  async idle(): Promise<void> {
    while (this.sending) await this.sending;
  }

  cancel(): void {
    this.timer?.cancel();
    this.timer = undefined;
  }

  private schedule(): void {
    if (this.sending) {
      this.dirty = true;
      return;
    }
    if (this.timer) return;
    const now = this.clock.now().getTime();
    const due = this.lastSentAt === undefined ? now : this.lastSentAt + this.minIntervalMs;
    if (due <= now) {
      this.send();
      return;
    }
    this.timer = this.clock.setTimer(new Date(due), () => {
      this.timer = undefined;
      this.send();
    });
  }

  private send(): void {
    if (this.sentRevision === this.latest.revision && this.sentResolved === this.resolved) return;
    const incident = this.latest;
    const before = { revision: this.sentRevision, resolved: this.sentResolved };
    this.sentRevision = incident.revision;
    this.sentResolved = incident.resolvedAt !== undefined;
    this.lastSentAt = this.clock.now().getTime();
    this.sending = this.deliver(this, incident, before).finally(() => {
      this.sending = undefined;
      if (this.dirty) {
        this.dirty = false;
        this.schedule();
      }
    });
  }
}
