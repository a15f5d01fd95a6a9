export { HttpDeviceSimulator } from './device-simulator.js';
export {
  type SimAnswer,
  SimHttpServer,
  type SimHttpServerOptions,
  TRANSPORT_FAULTS,
  type TransportFault,
} from './sim-server.js';
