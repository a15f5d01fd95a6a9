import { encodeValue } from './encode.js';
import type { SimulatedMap } from './simulated-map.js';
import { type ChannelValues, plausibleValues } from './values.js';

/**
 * What a simulated unit does with requests: answer normally, stay silent (no answer), answer with a
 * damaged CRC (RTU; over TCP the answer is cut short instead), answer with a Modbus exception, or answer
 * with its byte count off by `byteCountOff` (the data and the CRC as they should be: a firmware bug).
 */
export type Fault = 'none' | 'silent' | 'bad-crc' | { exception: number } | { byteCountOff: number };

export interface UnitOptions {
  /** Values to serve; default: plausible values for every field of the map. */
  values?: ChannelValues;
  /** Answer exception 2 when a request touches a register the map does not define (some meters do). */
  strict?: boolean;
}

export interface LoggedRequest {
  unit: number;
  fc: number;
  address: number;
  count: number;
}

/** An answer PDU (function code onwards), or undefined for silence. */
export type Answer = { pdu: Buffer; corrupt: boolean } | undefined;

interface Unit {
  map: SimulatedMap;
  /** Register values by function code, then address. */
  registers: Map<number, Map<number, number>>;
  fault: Fault;
  strict: boolean;
}

/**
 * The simulated meters on one line, by unit id: their registers, their faults and the requests seen. The
 * RTU and TCP slaves only add framing around `answer()`.
 */
export class SlaveBank {
  /** Every well-formed read request seen on the line, addressed to a present unit or not. */
  readonly requests: LoggedRequest[] = [];
  private readonly units = new Map<number, Unit>();

  /** Adds a meter at `unitId`; returns the values it serves. */
  addUnit(unitId: number, map: SimulatedMap, options: UnitOptions = {}): ChannelValues {
    const unit: Unit = { map, registers: new Map(), fault: 'none', strict: options.strict ?? false };
    this.units.set(unitId, unit);
    const values = options.values ?? plausibleValues(map);
    this.setValues(unitId, values);
    return values;
  }

  /** Writes values (contract units, by map channel) into the unit's registers. */
  setValues(unitId: number, values: ChannelValues): void {
    const unit = this.unit(unitId);
    for (const field of unit.map.fields) {
      const value = values[field.channel]?.[field.value];
      if (value === undefined) continue;
      let registers = unit.registers.get(field.fc);
      if (!registers) {
        registers = new Map();
        unit.registers.set(field.fc, registers);
      }
      for (const [i, word] of encodeValue(field, value).entries()) registers.set(field.address + i, word);
    }
  }

  setFault(unitId: number, fault: Fault): void {
    this.unit(unitId).fault = fault;
  }

  removeUnit(unitId: number): void {
    this.units.delete(unitId);
  }

  /** Requests seen for one unit. */
  requestsFor(unitId: number): LoggedRequest[] {
    return this.requests.filter((r) => r.unit === unitId);
  }

  /** The answer of unit `unitId` to a request PDU (function code, address, count). */
  answer(unitId: number, pdu: Uint8Array): Answer {
    if (pdu.length < 5) return undefined;
    const request = Buffer.from(pdu);
    const fc = request[0] ?? 0;
    const address = request.readUInt16BE(1);
    const count = request.readUInt16BE(3);
    this.requests.push({ unit: unitId, fc, address, count });
    const unit = this.units.get(unitId);
    if (!unit || unit.fault === 'silent') return undefined;
    const exception = (code: number): Answer => ({ pdu: Buffer.from([fc | 0x80, code]), corrupt: false });
    if (typeof unit.fault === 'object' && 'exception' in unit.fault) return exception(unit.fault.exception);
    if (fc !== 3 && fc !== 4) return exception(1);
    if (count < 1 || count > unit.map.maxRegistersPerRead) return exception(3);
    if (address + count > 0x10000) return exception(2);
    const registers = unit.registers.get(fc) ?? new Map<number, number>();
    const pduOut = Buffer.alloc(2 + 2 * count);
    pduOut[0] = fc;
    pduOut[1] = 2 * count + (typeof unit.fault === 'object' ? unit.fault.byteCountOff : 0);
    for (let i = 0; i < count; i++) {
      const word = registers.get(address + i);
      if (word === undefined && unit.strict) return exception(2);
      pduOut.writeUInt16BE(word ?? 0, 2 + 2 * i);
    }
    return { pdu: pduOut, corrupt: unit.fault === 'bad-crc' };
  }

  private unit(unitId: number): Unit {
    const unit = this.units.get(unitId);
    if (!unit) throw new Error(`no simulated unit ${unitId}`);
    return unit;
  }
}
