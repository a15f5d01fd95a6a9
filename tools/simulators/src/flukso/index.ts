export {
  type FluksoHttpDataFault,
  type FluksoHttpFault,
  FluksoHttpSimulator,
  type FluksoHttpSimulatorOptions,
} from './http-simulator.js';
export { type FluksoFault, type FluksoSimSensor, FluksoSimulator, type FluksoSimulatorOptions } from './simulator.js';
