import { defineDriver } from '../driver.js';
import { ModbusConfigSchema } from './config.js';
import { ModbusMeter } from './driver.js';
import { registerMap } from './models.js';

export {
  type ModbusConfig,
  ModbusConfigSchema,
  type ModbusRtuConfig,
  ModbusRtuConfigSchema,
  type ModbusTcpConfig,
  ModbusTcpConfigSchema,
} from './config.js';
export { framingOf, ModbusMeter } from './driver.js';
export { MODELS, registerMap } from './models.js';
export { compileRegisterMap, type Field, type RegisterMap, RegisterMapError } from './register-map.js';

/** The `modbus` driver: meters described by a register map, over Modbus RTU (RS-485) or Modbus TCP. */
export const modbusDriver = defineDriver({
  name: 'modbus',
  description:
    'Modbus RTU (RS-485 serial line) and Modbus TCP meters read through a register map per model ' +
    '(ORNO OR-WE-515/517, Eastron SDM120/SDM630); meters on one line share it safely.',
  configSchema: ModbusConfigSchema,
  create: (config, ctx) => new ModbusMeter(config, ctx, registerMap(config.model)),
});
