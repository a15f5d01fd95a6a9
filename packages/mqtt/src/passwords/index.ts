/**
 * Mosquitto-format password files and their hashes ($7$ PBKDF2-SHA512, $6$ SHA512), as mosquitto_passwd writes
 * them: read by the embedded broker, written by its `passwd` command and by the test tooling that secures
 * either broker. Imported as `@wattbus/mqtt/passwords`, so none of them has to load the MQTT client.
 */
export {
  loadPasswordFile,
  type PasswordFileProblem,
  type PasswordTable,
  parsePasswordFile,
  setPasswordLine,
} from './password-file.js';
export {
  DEFAULT_ITERATIONS,
  formatPasswordHash,
  hashPassword,
  type PasswordHash,
  parsePasswordHash,
  verifyPassword,
} from './password-hash.js';
