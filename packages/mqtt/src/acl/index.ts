/**
 * Mosquitto-format ACL files with mosquitto 2.0's semantics: shared by the embedded broker (which enforces
 * them) and the household portal (which shows a user only what the broker would deliver to it).
 * Imported as `@wattbus/mqtt/acl`, so neither has to load the MQTT client.
 */
export { type AclFile, loadAcl, parseAcl, READ, WRITE } from './acl-file.js';
export { AuthFileError } from './auth-file-error.js';
export { ClientAcl } from './client-acl.js';
export { compileFilter, isValidFilter, topicMatches } from './topic-match.js';
