export {
  type EgaugeDataFault,
  type EgaugeFault,
  type EgaugeSimRegister,
  EgaugeSimulator,
  type EgaugeSimulatorOptions,
} from './simulator.js';
export { historyXml, type XmlColumn } from './simulator-xml.js';
