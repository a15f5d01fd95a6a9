export {
  type EcodevicesDataFault,
  type EcodevicesFault,
  type EcodevicesSimState,
  EcodevicesSimulator,
  type EcodevicesSimulatorOptions,
  PRIOR_ART_STATE,
  type SimTeleinfo,
} from './simulator.js';
