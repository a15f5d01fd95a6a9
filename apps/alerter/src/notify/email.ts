import { readFileSync } from 'node:fs';
import type { Alert } from '@wattbus/contract';
import { createTransport, type Transporter } from 'nodemailer';
import type { Logger } from 'pino';
import type { EmailConfig } from '../config.js';
import { type Notifier, NotifyError } from './notifier.js';
import { withRetry } from './retry.js';

interface Digest {
  alerts: Alert[];
  timer: NodeJS.Timeout;
}

/** One line per change, then its open subjects. */
export function digestText(alerts: readonly Alert[]): string {
  return alerts
    .map((a) => {
      const head = `[${a.severity}] ${new Date(a.ts).toISOString()} ${a.site} ${a.rule} ${a.state}: ${a.message}`;
      return [
        head,
        ...a.open.map((o) => `    ${o.subject}: ${o.message} (since ${new Date(o.since).toISOString()})`),
      ].join('\n');
    })
    .join('\n\n');
}

/**
 * Mails alert changes to the site's recipients. Changes are collected per recipient for `digest_s` from the
 * first one, then sent as one mail, so one outage at many sites is one mail, not one per site and rule.
 */
export class EmailNotifier implements Notifier {
  readonly name = 'email';
  private transport: Transporter | undefined;
  private readonly pending = new Map<string, Digest>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly stopping = new AbortController();

  constructor(
    private readonly cfg: EmailConfig,
    private readonly log: Logger,
  ) {}

  recipientsOf(site: string): readonly string[] {
    return this.cfg.recipients.sites[site] ?? this.cfg.recipients.default;
  }

  notify(alert: Alert): void {
    for (const to of this.recipientsOf(alert.site)) {
      const digest = this.pending.get(to);
      if (digest) {
        digest.alerts.push(alert);
        continue;
      }
      const timer = setTimeout(() => this.flush(to), this.cfg.digest_s * 1000);
      this.pending.set(to, { alerts: [alert], timer });
    }
  }

  private flush(to: string): void {
    const digest = this.pending.get(to);
    if (!digest) return;
    clearTimeout(digest.timer);
    this.pending.delete(to);
    const p = this.send(to, digest.alerts)
      .catch((err: unknown) =>
        this.log.error({ err: (err as Error).message, ...(err as NotifyError).context }, 'mail failed'),
      )
      .finally(() => this.inFlight.delete(p));
    this.inFlight.add(p);
  }

  private getTransport(): Transporter {
    const { smtp } = this.cfg;
    this.transport ??= createTransport({
      host: smtp.host,
      port: smtp.port,
      secure: smtp.secure,
      requireTLS: smtp.require_tls,
      tls: { rejectUnauthorized: smtp.reject_unauthorized, ...(smtp.ca && { ca: readFileSync(smtp.ca) }) },
      ...(smtp.username !== undefined && { auth: { user: smtp.username, pass: smtp.password ?? '' } }),
    });
    return this.transport;
  }

  async send(to: string, alerts: readonly Alert[]): Promise<void> {
    const raised = alerts.filter((a) => a.state === 'raised').length;
    const sites = new Set(alerts.map((a) => a.site));
    const subject = `[wattbus] ${alerts.length} alert change${alerts.length === 1 ? '' : 's'} at ${sites.size} site${
      sites.size === 1 ? '' : 's'
    } (${raised} raised, ${alerts.length - raised} resolved)`;
    try {
      await withRetry(
        () => this.getTransport().sendMail({ from: this.cfg.from, to, subject, text: digestText(alerts) }),
        this.cfg.retry,
        this.stopping.signal,
        (err, n, delayMs) => this.log.warn({ to, attempt: n, delayMs, err: (err as Error).message }, 'mail retry'),
      );
      this.log.info({ to, alerts: alerts.length }, 'digest mailed');
    } catch (err) {
      throw new NotifyError(
        (err as Error).message,
        { notifier: this.name, target: to, attempts: (err as { attempts?: number }).attempts ?? 1 },
        { cause: err },
      );
    }
  }

  /** Sends every pending digest now (one try each), then closes the SMTP connection pool. */
  async close(): Promise<void> {
    this.stopping.abort();
    for (const to of [...this.pending.keys()]) this.flush(to);
    await Promise.allSettled([...this.inFlight]);
    this.transport?.close();
  }
}
