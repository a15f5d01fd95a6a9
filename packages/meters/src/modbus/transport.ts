import modbusSerial from 'modbus-serial';
import {
  classifyReadError,
  errorMessage,
  ModbusConnectionError,
  ModbusTimeoutError,
  malformedAnswer,
  type ReadRequest,
} from './errors.js';

/** modbus-serial is CommonJS: its client class is module.exports, which it also exposes as `.default`. */
export const ModbusRTU = modbusSerial.default;
export type ModbusClient = InstanceType<typeof ModbusRTU>;

/** How to reach one line; the rest (requests, errors, reconnecting) is the same for RTU and TCP. */
export interface Link {
  /** The serial port path or tcp://host:port, for messages. */
  readonly target: string;
  /** Whether a timed-out request leaves the link suspect (TCP: a half-open socket looks like this). */
  readonly reopenAfterTimeout: boolean;
  /** A client whose port is open. */
  open(): Promise<ModbusClient>;
  /** Closes what open() returned; never throws. */
  shut(client: ModbusClient): Promise<void>;
  /** Waits, if needed, before a request goes out. */
  beforeRequest(): Promise<void>;
}

export interface ModbusTransport {
  readonly target: string;
  /** Opens the line unless it is open and healthy. */
  connect(): Promise<void>;
  /** Reads registers; (re)opens the line first when needed. */
  read(req: ReadRequest, timeoutMs: number): Promise<number[]>;
  /** Fails the request in flight, and every later one, at once: the line's last meter is closing it. */
  abort(reason: string): void;
  close(): Promise<void>;
}

/**
 * A modbus-serial client over a Link. A line that failed (port closed, adapter unplugged, socket reset) is
 * closed and reopened before the next request, so reading resumes by itself once the device is back.
 */
export class ClientTransport implements ModbusTransport {
  private client: ModbusClient | undefined;
  /** Why the open client can no longer be used. */
  private lostReason: string | undefined;
  /** Fails the in-flight request as soon as the line goes away, instead of at its timeout. */
  private abortInFlight: ((err: Error) => void) | undefined;
  /** Why the line is being closed for good (see abort). */
  private abortedReason: string | undefined;

  constructor(private readonly link: Link) {}

  get target(): string {
    return this.link.target;
  }

  async connect(): Promise<void> {
    if (this.client && this.lostReason === undefined) return;
    await this.drop();
    let client: ModbusClient;
    try {
      client = await this.link.open();
    } catch (err) {
      throw new ModbusConnectionError(this.target, undefined, `cannot open: ${errorMessage(err)}`, { cause: err });
    }
    client.on('close', () => this.markLost('connection closed'));
    client.on('error', (err: unknown) => this.markLost(errorMessage(err)));
    this.client = client;
    this.lostReason = undefined;
  }

  async read(req: ReadRequest, timeoutMs: number): Promise<number[]> {
    await this.connect();
    const client = this.client as ModbusClient;
    await this.link.beforeRequest();
    if (this.abortedReason !== undefined) throw new ModbusConnectionError(this.target, req, this.abortedReason);
    client.setTimeout(timeoutMs);
    let words: number[];
    try {
      words = await new Promise<number[]>((resolve, reject) => {
        this.abortInFlight = reject;
        const done = (err: unknown, res: { data: number[] } | undefined) =>
          err ? reject(err) : resolve(res?.data ?? []);
        if (req.fc === 3) client.writeFC3(req.unit, req.address, req.count, done);
        else client.writeFC4(req.unit, req.address, req.count, done);
      });
    } catch (err) {
      const error = classifyReadError(err, this.target, req, timeoutMs);
      if (error instanceof ModbusConnectionError) this.lostReason ??= error.message;
      if (error instanceof ModbusTimeoutError && this.link.reopenAfterTimeout) this.lostReason ??= error.message;
      throw error;
    } finally {
      this.abortInFlight = undefined;
    }
    // A byte count that claims less than the frame carries (or more, read from the CRC) gives another number of
    // registers than asked for: every value decoded from them would be shifted.
    if (words.length !== req.count) throw malformedAnswer(this.target, req);
    return words;
  }

  abort(reason: string): void {
    this.abortedReason ??= reason;
    this.abortInFlight?.(new Error(reason));
  }

  async close(): Promise<void> {
    await this.drop();
  }

  private markLost(reason: string): void {
    this.lostReason ??= reason;
    this.abortInFlight?.(new Error(reason));
  }

  private async drop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (!client) return;
    // The client is an EventEmitter (its typings only declare `on`).
    (client as unknown as NodeJS.EventEmitter).removeAllListeners();
    client.on('error', () => {});
    await this.link.shut(client);
  }
}
