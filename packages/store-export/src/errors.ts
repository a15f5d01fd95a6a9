/** Exit codes of wattbus-export, documented in the README. */
export const EXIT = {
  ok: 0,
  /** The store failed or could not be reached, or writing the output failed. */
  failed: 1,
  /** A bad command line or config. */
  usage: 2,
  /** The selection matches nothing: an unknown site, meter or group, or no readings in the range. */
  nothing: 3,
  interrupted: 130,
} as const;

/** An error with the exit code it ends the run with, and a message meant for the person who ran it. */
export class ExportError extends Error {
  override readonly name = 'ExportError';
  constructor(
    readonly exitCode: number,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export const usageError = (message: string) => new ExportError(EXIT.usage, message);
export const nothingError = (message: string) => new ExportError(EXIT.nothing, message);
export const storeError = (message: string, cause?: unknown) => new ExportError(EXIT.failed, message, { cause });
