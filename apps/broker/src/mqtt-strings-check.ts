import { isUtf8 } from 'node:buffer';
import type { Client } from 'aedes';
import { checkParsedStrings } from './aedes-internals.js';

/**
 * MQTT 3.1.1 §1.5.3: a string (topic, topic filter, client id, username) holding U+0000 or ill-formed UTF-8 is
 * a protocol violation, and the receiver closes the connection; mosquitto does. mqtt-packet decodes strings
 * with Buffer.toString, which turns bad bytes into U+FFFD and keeps U+0000, so Aedes accepted them. This
 * checks the raw bytes of each string as the client's parser reads it.
 */
export function checkStrings(client: Client): void {
  checkParsedStrings(client, (bytes) =>
    isUtf8(bytes) && !bytes.includes(0)
      ? undefined
      : new Error('malformed UTF-8 string: U+0000 or ill-formed UTF-8 (MQTT 3.1.1 §1.5.3)'),
  );
}
