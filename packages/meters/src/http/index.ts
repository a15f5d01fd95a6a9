export { HttpClient, type HttpClientOptions, HttpError, type HttpErrorKind } from './client.js';
export { deviceUrl, getDevicePage, type HttpDeviceConfig, httpClientFor, httpDeviceProperties } from './config.js';
export { HttpDeviceSimulator } from './device-simulator.js';
export { type Challenge, type Credentials, digestAuthorization, parseChallenge, verifyDigest } from './digest.js';
export {
  type SimAnswer,
  SimHttpServer,
  type SimHttpServerOptions,
  TRANSPORT_FAULTS,
  type TransportFault,
} from './sim-server.js';
