import type { ValueName } from '@wattbus/contract';
import type { Encoding } from '@wattbus/meter-wire/modbus';

/**
 * What a simulated unit needs of a compiled register map (the driver's `RegisterMap` fits it): the simulators
 * take it by shape, so they need not depend on the driver package whose tests use them.
 */
export interface SimulatedMap {
  channels: readonly string[];
  maxRegistersPerRead: number;
  fields: readonly SimulatedField[];
}

export interface SimulatedField extends Encoding {
  value: ValueName;
  channel: string;
  fc: number;
}
