/** What went wrong talking Modbus, always naming the line (`target`) and, when known, the request. */

export interface ReadRequest {
  unit: number;
  fc: 3 | 4;
  address: number;
  count: number;
}

const hex = (n: number) => `0x${n.toString(16).toUpperCase().padStart(4, '0')}`;

/** "input registers 0x0000-0x004F" */
export function describeRegisters(req: Pick<ReadRequest, 'fc' | 'address' | 'count'>): string {
  const kind = req.fc === 3 ? 'holding' : 'input';
  return `${kind} registers ${hex(req.address)}-${hex(req.address + req.count - 1)}`;
}

export class ModbusError extends Error {
  constructor(
    /** The serial port path or tcp://host:port. */
    readonly target: string,
    readonly request: ReadRequest | undefined,
    detail: string,
    options?: { cause?: unknown },
  ) {
    const unit = request ? ` unit ${request.unit}` : '';
    super(`modbus ${target}${unit}: ${detail}`, options);
    this.name = new.target.name;
  }
}

/** No (complete) answer within the timeout: unit absent, wrong id or serial settings, wiring. */
export class ModbusTimeoutError extends ModbusError {}

/** An answer arrived but its CRC does not match: noise, bad termination, two devices with one id. */
export class ModbusCrcError extends ModbusError {}

/** An answer that is not a valid reply to the request (length, unit or function code wrong). */
export class ModbusResponseError extends ModbusError {}

/** An answer whose byte count does not match its data: as untrustworthy as a CRC error. */
export function malformedAnswer(target: string, req: ReadRequest, cause?: unknown): ModbusResponseError {
  return new ModbusResponseError(
    target,
    req,
    `malformed answer reading ${describeRegisters(req)}: its byte count does not match its data`,
    { cause },
  );
}

/** The port or connection could not be opened, or went away (adapter unplugged, socket closed). */
export class ModbusConnectionError extends ModbusError {}

/** The device answered with a Modbus exception. */
export class ModbusExceptionError extends ModbusError {
  constructor(
    target: string,
    request: ReadRequest,
    readonly code: number,
  ) {
    super(target, request, `exception ${code} (${exceptionText(code)}) reading ${describeRegisters(request)}`);
  }
}

/** Modbus Application Protocol v1.1b3, §7 exception codes. */
const EXCEPTION_TEXT: Readonly<Record<number, string>> = {
  1: 'illegal function',
  2: 'illegal data address',
  3: 'illegal data value',
  4: 'server device failure',
  5: 'acknowledge',
  6: 'server device busy',
  8: 'memory parity error',
  10: 'gateway path unavailable',
  11: 'gateway target device failed to respond',
};

export function exceptionText(code: number): string {
  return EXCEPTION_TEXT[code] ?? 'unknown exception';
}

/** The shapes modbus-serial rejects with (it does not export its error classes). */
interface ModbusSerialError {
  message?: unknown;
  errno?: unknown;
  modbusCode?: unknown;
  name?: unknown;
}

/**
 * The message of anything thrown or emitted: modbus-serial's errors are plain objects with a `message`, and
 * serialport's messages start with a redundant "Error: ".
 */
export function errorMessage(err: unknown): string {
  const message =
    typeof err === 'object' && err !== null && typeof (err as { message?: unknown }).message === 'string'
      ? (err as { message: string }).message
      : String(err);
  return message.replace(/^Error: /, '');
}

/** Turns whatever modbus-serial rejected a read with into one of the errors above. */
export function classifyReadError(err: unknown, target: string, req: ReadRequest, timeoutMs: number): ModbusError {
  if (err instanceof ModbusError) return err;
  const e = (typeof err === 'object' && err !== null ? err : {}) as ModbusSerialError;
  const message = errorMessage(err);
  if (typeof e.modbusCode === 'number') return new ModbusExceptionError(target, req, e.modbusCode);
  if (e.errno === 'ETIMEDOUT') {
    return new ModbusTimeoutError(target, req, `no answer within ${timeoutMs} ms reading ${describeRegisters(req)}`, {
      cause: err,
    });
  }
  if (message === 'CRC error') {
    return new ModbusCrcError(target, req, `CRC error in the answer reading ${describeRegisters(req)}`, { cause: err });
  }
  // modbus-serial trusts the answer's byte count and reads past the frame when it claims too much.
  if (err instanceof RangeError && (err as NodeJS.ErrnoException).code === 'ERR_OUT_OF_RANGE') {
    return malformedAnswer(target, req, err);
  }
  if (/^(Data length error|Unexpected data error)/.test(message)) {
    return new ModbusResponseError(target, req, `bad answer reading ${describeRegisters(req)}: ${message}`, {
      cause: err,
    });
  }
  return new ModbusConnectionError(target, req, message, { cause: err });
}
