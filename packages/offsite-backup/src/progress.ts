import type { Logger } from 'pino';

export interface Progress {
  /** Bytes done so far (absolute). */
  update(bytes: number): void;
  /** The work is over (successfully or not): ends the TTY line. */
  end(): void;
}

const MIB = 1024 * 1024;
const mib = (n: number) => `${(n / MIB).toFixed(1)} MiB`;

/**
 * On a terminal, one line rewritten in place (bytes, total, rate); otherwise a JSON log line for each
 * `everyBytes` bytes done (the upload calls update once per part), so a log keeps a bounded number of lines.
 */
export function progress(
  log: Logger,
  what: { op: 'upload' | 'download'; backup: string; total?: number },
  options: { everyBytes?: number } = {},
): Progress {
  const tty = process.stderr.isTTY ? process.stderr : undefined;
  const started = Date.now();
  let lastDrawn = 0;
  let lastLogged = 0;
  let shown = false;
  return {
    update(bytes) {
      const now = Date.now();
      if (tty) {
        if (now - lastDrawn < 200) return;
        lastDrawn = now;
        const rate = bytes / Math.max((now - started) / 1000, 0.001);
        const total = what.total ? ` / ${mib(what.total)} (${Math.round((100 * bytes) / what.total)}%)` : '';
        tty.write(`\r\x1b[2K${what.op} ${what.backup}: ${mib(bytes)}${total}, ${mib(rate)}/s`);
        shown = true;
        return;
      }
      if (bytes - lastLogged < (options.everyBytes ?? 0)) return;
      lastLogged = bytes;
      log.info({ op: what.op, backup: what.backup, bytes, total: what.total }, 'progress');
    },
    end() {
      if (tty && shown) tty.write('\n');
    },
  };
}
