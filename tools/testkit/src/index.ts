export { type AedesHandle, startAedes } from './aedes.js';
export { type ChromiumProfile, chromiumProfile } from './chromium.js';
export { onProcessExit } from './cleanup.js';
export { everyEnvVar } from './every-env-var.js';
export { freePort, stablePort } from './free-port.js';
export { readStoredReadings, type StoredReading } from './influx-readings.js';
export { rollupLines } from './influx-rollups.js';
export {
  type InfluxdHandle,
  type InfluxResult,
  type InfluxSeries,
  type QueryOptions,
  type StartInfluxdOptions,
  startInfluxd,
} from './influxd.js';
export { type MosquittoHandle, type StartMosquittoOptions, startMosquitto } from './mosquitto.js';
export { mqttPacket, mqttString, mqttU16 } from './mqtt-bytes.js';
export { type CertificateFiles, makeTestPki, type TestPki } from './pki.js';
export {
  type ProcessHandle,
  runningProcessCount,
  type StartProcessOptions,
  startProcess,
  stopAllProcesses,
} from './process.js';
export { makePtyPair, type PtyPair, type PtyPairOptions } from './pty.js';
export { type RedisHandle, startRedis } from './redis.js';
export { APT_PACKAGES, type RequireBinaryOptions, requireBinary } from './require-binary.js';
export { resourcesStarted } from './resources-started.js';
export { isAddressInUse, retryWhileAddressInUse, type ServiceControls } from './service.js';
export { type TempDir, tempDir } from './temp-dir.js';
export { TEST_BROKER_NAMES, TEST_BROKERS, type TestBroker, type TestBrokerOptions } from './test-brokers.js';
export { type Truthy, type WaitForOptions, waitFor } from './wait-for.js';
export { REPO_ROOT, type StartAppOptions, startApp, type WattbusApp } from './wattbus-app.js';
