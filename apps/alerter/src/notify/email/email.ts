import { readFileSync } from 'node:fs';
import type { Alert } from '@wattbus/contract';
import { createTransport, type Transporter } from 'nodemailer';
import type { Logger } from 'pino';
import { type Notifier, NotifyError } from '../notifier.js';
import { withRetry } from '../retry.js';
import type { EmailConfig } from './config.js';

/** A digest lists this many changes at most and counts the rest, so a mass outage still makes one small mail… */
export const DIGEST_MAX_CHANGES = 50;
/** …with this many open subjects of each change. */
export const DIGEST_MAX_SUBJECTS = 10;

/** The changes collected for one recipient: the first ones, and counts of all. */
export class Digest {
  readonly listed: Alert[] = [];
  total = 0;
  raised = 0;
  readonly sites = new Set<string>();
  timer: NodeJS.Timeout | undefined;

  static of(alerts: readonly Alert[]): Digest {
    const d = new Digest();
    for (const a of alerts) d.add(a);
    return d;
  }

  add(alert: Alert): void {
    this.total++;
    if (alert.state === 'raised') this.raised++;
    this.sites.add(alert.site);
    if (this.listed.length < DIGEST_MAX_CHANGES) this.listed.push(alert);
  }

  subject(): string {
    const { total, raised } = this;
    const sites = this.sites.size;
    return `[wattbus] ${total} alert change${total === 1 ? '' : 's'} at ${sites} site${sites === 1 ? '' : 's'} (${raised} raised, ${total - raised} resolved)`;
  }

  /** One paragraph per change: a line, then its open subjects. */
  text(): string {
    const parts = this.listed.map((a) => {
      const head = `[${a.severity}] ${new Date(a.ts).toISOString()} ${a.site} ${a.rule} ${a.state}: ${a.message}`;
      const shown = a.open.slice(0, DIGEST_MAX_SUBJECTS);
      const notShown = (a.open_total ?? a.open.length) - shown.length;
      return [
        head,
        ...shown.map((o) => `    ${o.subject}: ${o.message} (since ${new Date(o.since).toISOString()})`),
        ...(notShown > 0 ? [`    (and ${notShown} more open)`] : []),
      ].join('\n');
    });
    const more = this.total - this.listed.length;
    if (more > 0) parts.push(`(and ${more} more changes; the retained alerts on wattbus/v1/alerts/# hold every state)`);
    return parts.join('\n\n');
  }
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
      let digest = this.pending.get(to);
      if (!digest) {
        digest = new Digest();
        digest.timer = setTimeout(() => this.flush(to), this.cfg.digest_s * 1000);
        this.pending.set(to, digest);
      }
      digest.add(alert);
    }
  }

  private flush(to: string): void {
    const digest = this.pending.get(to);
    if (!digest) return;
    clearTimeout(digest.timer);
    this.pending.delete(to);
    const p = this.send(to, digest)
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

  async send(to: string, digest: Digest): Promise<void> {
    const subject = digest.subject();
    const text = digest.text();
    try {
      await withRetry(
        () => this.getTransport().sendMail({ from: this.cfg.from, to, subject, text }),
        this.cfg.retry,
        this.stopping.signal,
        (err, n, delayMs) => this.log.warn({ to, attempt: n, delayMs, err: (err as Error).message }, 'mail retry'),
      );
      this.log.info({ to, alerts: digest.total }, 'digest mailed');
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
