import { type Challenge, type Credentials, digestAuthorization, parseChallenge } from '@wattbus/meter-wire/digest';

export type HttpErrorKind = 'timeout' | 'network' | 'status' | 'too-large' | 'closed';

/** A failed HTTP exchange with a device; drivers wrap it in a MeterReadError naming the meter. */
export class HttpError extends Error {
  constructor(
    readonly kind: HttpErrorKind,
    readonly url: string,
    message: string,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(`GET ${url}: ${message}`, options);
    this.name = 'HttpError';
  }
}

export interface HttpClientOptions {
  /** Deadline for the whole exchange: connection, authentication round trip and body. */
  timeoutMs: number;
  /** Sent when the device asks (401 with a Basic or Digest challenge). */
  credentials?: Credentials;
  /** Answers larger than this are refused (a misbehaving device must not exhaust a Pi's memory). */
  maxBytes?: number;
}

const DEFAULT_MAX_BYTES = 16 * 1024 * 1024;

/**
 * GETs text from a meter's local web server. Authenticates with Basic or Digest when challenged and keeps the
 * challenge, so later requests authenticate at once (Digest: same nonce, counting nc, new challenge when stale).
 */
export class HttpClient {
  private challenge: Challenge | undefined;
  private nonceCount = 0;
  private closing = new AbortController();

  constructor(private readonly options: HttpClientOptions) {}

  async getText(url: string): Promise<string> {
    const timeout = AbortSignal.timeout(this.options.timeoutMs);
    const closing = this.closing.signal;
    const signal = AbortSignal.any([timeout, closing]);
    try {
      let response = await this.fetchOnce(url, signal);
      const header = response.headers.get('www-authenticate');
      const challenge = response.status === 401 && header ? parseChallenge(header) : undefined;
      if (this.options.credentials && (challenge?.scheme === 'basic' || challenge?.scheme === 'digest')) {
        await response.body?.cancel();
        this.challenge = challenge;
        this.nonceCount = 0;
        response = await this.fetchOnce(url, signal);
      }
      if (!response.ok) {
        await response.body?.cancel();
        const hint = response.status === 401 ? ' (check username and password)' : '';
        throw new HttpError(
          'status',
          url,
          `answered HTTP ${response.status} ${response.statusText}${hint}`,
          response.status,
        );
      }
      return await this.readBody(response, url);
    } catch (err) {
      throw this.describe(err, url, timeout, closing);
    }
  }

  /** Ends the requests under way at once (their meter is being closed); later requests go out as usual. */
  abort(): void {
    this.closing.abort();
    this.closing = new AbortController();
  }

  private fetchOnce(url: string, signal: AbortSignal): Promise<Response> {
    const headers: Record<string, string> = {};
    const authorization = this.authorization(url);
    if (authorization) headers.authorization = authorization;
    return fetch(url, { signal, headers, redirect: 'error' });
  }

  private authorization(url: string): string | undefined {
    const { credentials } = this.options;
    if (!credentials || !this.challenge) return undefined;
    if (this.challenge.scheme === 'basic') {
      return `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
    }
    const { pathname, search } = new URL(url);
    this.nonceCount++;
    try {
      return digestAuthorization(this.challenge, credentials, 'GET', `${pathname}${search}`, this.nonceCount);
    } catch (err) {
      throw new HttpError('status', url, `cannot authenticate: ${(err as Error).message}`, 401, { cause: err });
    }
  }

  private async readBody(response: Response, url: string): Promise<string> {
    const max = this.options.maxBytes ?? DEFAULT_MAX_BYTES;
    const reader = response.body?.getReader();
    if (!reader) return '';
    const chunks: Uint8Array[] = [];
    let size = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > max) {
        await reader.cancel();
        throw new HttpError('too-large', url, `answer larger than ${max} bytes`);
      }
      chunks.push(value);
    }
    return Buffer.concat(chunks).toString('utf8');
  }

  private describe(err: unknown, url: string, timeout: AbortSignal, closing: AbortSignal): HttpError {
    if (err instanceof HttpError) return err;
    if (closing.aborted)
      return new HttpError('closed', url, 'aborted: the meter was closed', undefined, { cause: err });
    if (timeout.aborted) {
      return new HttpError('timeout', url, `no answer within ${this.options.timeoutMs} ms`, undefined, { cause: err });
    }
    // fetch reports "fetch failed" / "terminated"; the useful part (ECONNREFUSED, other side closed) is the cause.
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    const detail = cause?.code ?? cause?.message ?? (err as Error).message;
    return new HttpError('network', url, `${(err as Error).message} (${detail})`, undefined, { cause: err });
  }
}
