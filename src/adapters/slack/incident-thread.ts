import type { DriftIncident } from '../../core/alerts/types.js';
import type { Clock } from '../../core/time/clock.js';

/**
 * Paces the messages of one drift incident: the first goes out at once, later
 * ones at most one per `minIntervalMs`. Changes that arrive in between are
 * coalesced: only the latest state is sent when the interval is up. The end
 * of the incident is not paced: "resolved" goes out as soon as it is known
 * (after a send in flight, never a minute later). While the incident stays
 * open, `remind` is called every `reminderMs` after the last message.
 */
export class IncidentThread {
  latest: DriftIncident;
  /** ts of the parent message (bot mode), once posted or found. */
  ts: string | undefined;
  /** The channel id of the thread, when known. */
  channel: string | undefined;
  /** When the incident began, as its first leader recorded it (an incident handed over keeps its age). */
  openedAt: Date;
  sentRevision = 0;
  sentResolved = false;
  private lastSentAt: number | undefined;
  private timer: { cancel(): void } | undefined;
  private reminder: { cancel(): void } | undefined;
  private sending: Promise<void> | undefined;
  private dirty = false;
  private closed = false;

  constructor(
    incident: DriftIncident,
    private readonly clock: Clock,
    private readonly minIntervalMs: number,
    /** Sends `incident`; `before` is what went out last. Must not throw. */
    private readonly deliver: (thread: IncidentThread, incident: DriftIncident, before: { revision: number; resolved: boolean }) => Promise<void>,
    private readonly reminders?: { everyMs: number; remind: (thread: IncidentThread) => Promise<void> },
  ) {
    this.latest = incident;
    this.openedAt = incident.openedAt;
  }

  get resolved(): boolean {
    return this.latest.resolvedAt !== undefined;
  }

  /** Records a new state and sends it now or when the interval allows (a resolution: now). */
  change(incident: DriftIncident): void {
    if (this.sentResolved || this.closed) return;
    this.latest = incident;
    if (this.resolved) this.stopTimers();
    this.schedule();
  }

  /** Resolves when no send is in flight. */
  async idle(): Promise<void> {
    while (this.sending) await this.sending;
  }

  cancel(): void {
    this.closed = true;
    this.stopTimers();
  }

  private stopTimers(): void {
    this.timer?.cancel();
    this.timer = undefined;
    this.reminder?.cancel();
    this.reminder = undefined;
  }

  private schedule(): void {
    if (this.sending) {
      this.dirty = true;
      return;
    }
    if (this.timer) return;
    const now = this.clock.now().getTime();
    const due = this.lastSentAt === undefined || this.resolved ? now : this.lastSentAt + this.minIntervalMs;
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
    this.sending = this.deliver(this, incident, before).finally(() => this.afterSend());
  }

  /** Once a message is out: what changed meanwhile goes next, else the reminder clock starts again. */
  private afterSend(): void {
    this.sending = undefined;
    if (this.dirty) {
      this.dirty = false;
      this.schedule();
    } else {
      this.armReminder();
    }
  }

  /** The next reminder, `everyMs` after the last message, while the incident is open. */
  private armReminder(): void {
    if (!this.reminders || this.reminders.everyMs <= 0 || this.sentResolved || this.closed) return;
    this.reminder?.cancel();
    const { everyMs, remind } = this.reminders;
    this.reminder = this.clock.setTimer(new Date(this.clock.now().getTime() + everyMs), () => {
      this.reminder = undefined;
      if (this.sentResolved || this.closed || this.sending) return;
      this.lastSentAt = this.clock.now().getTime();
      this.sending = remind(this).finally(() => this.afterSend());
    });
  }
}
