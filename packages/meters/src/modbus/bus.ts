import { BusLock } from './bus-lock.js';
import { ModbusConnectionError, type ReadRequest } from './errors.js';
import type { ModbusTransport } from './transport.js';

/** One meter's share of a line. */
export interface BusHandle {
  readonly target: string;
  connect(): Promise<void>;
  read(req: ReadRequest, timeoutMs: number): Promise<number[]>;
  /** Gives the share back; the last one closes the line. Safe to call twice. */
  release(): Promise<void>;
}

interface SharedLine {
  transport: ModbusTransport;
  lock: BusLock;
  settings: string;
  /** Which meter reads which unit id: two meters answering to one id would garble each other. */
  units: Map<number, string>;
}

/** Who takes a share of a line: the meter and the unit id it reads. */
export interface LineUser {
  meterId: string;
  unit: number;
}

/**
 * Lines shared by every meter opened on them, keyed by serial port path (or tcp://host:port): one port,
 * one request on the wire at a time. Lines are per process, like the devices they stand for.
 */
export class BusRegistry {
  private readonly lines = new Map<string, SharedLine>();
  /** A line being closed by its last user; a new user of the same key waits for it (the port is exclusive). */
  private readonly closing = new Map<string, Promise<void>>();

  acquire(key: string, settings: string, user: LineUser, createTransport: () => ModbusTransport): BusHandle {
    let line = this.lines.get(key);
    if (line && line.settings !== settings) {
      throw new ModbusConnectionError(
        key,
        undefined,
        `already open with ${line.settings}, this meter asks for ${settings}: meters on one line must use the same settings`,
      );
    }
    const owner = line?.units.get(user.unit);
    if (owner !== undefined) {
      throw new ModbusConnectionError(key, undefined, `unit ${user.unit} is already read by meter ${owner}`);
    }
    if (!line) {
      line = { transport: createTransport(), lock: new BusLock(), settings, units: new Map() };
      this.lines.set(key, line);
    }
    line.units.set(user.unit, user.meterId);
    const shared = line;
    const previousClose = this.closing.get(key);
    const whenFree = async <T>(task: () => Promise<T>): Promise<T> => {
      await previousClose;
      return task();
    };
    let released = false;
    return {
      target: shared.transport.target,
      connect: () => shared.lock.run(() => whenFree(() => shared.transport.connect())),
      read: (req, timeoutMs) => shared.lock.run(() => whenFree(() => shared.transport.read(req, timeoutMs))),
      release: async () => {
        if (released) return;
        released = true;
        shared.units.delete(user.unit);
        if (shared.units.size > 0) return;
        this.lines.delete(key);
        // A read under way would hold the lock until its timeout: end it, so closing the line does not wait for it.
        shared.transport.abort('the line is being closed');
        const closed = shared.lock
          .run(() => shared.transport.close())
          .finally(() => {
            if (this.closing.get(key) === closed) this.closing.delete(key);
          });
        this.closing.set(key, closed);
        await closed;
      },
    };
  }

  /** Keys of the lines in use (for tests). */
  get openKeys(): string[] {
    return [...this.lines.keys()];
  }
}

/** The registry the driver uses. */
export const sharedBuses = new BusRegistry();
