export { abortUnfinishedUploads, applyRetention, listBackups, type Manifest, makeClient } from './bucket.js';
export { ConfigError, describeConfig, loadConfig, type OffsiteConfig } from './config.js';
export { DecryptionError, decryptStream, encryptStream } from './encryption.js';
export { fetchBackup } from './fetch.js';
export { uploadBackup } from './upload.js';
