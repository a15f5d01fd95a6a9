import { isUtf8 } from 'node:buffer';
import type { Client } from 'aedes';

/** The part of mqtt-packet 9's parser (inside Aedes' client) that reads every UTF-8 string of a packet. */
interface StringParser {
  _list: { slice(start: number, end: number): Buffer };
  _pos: number;
  _parseString(): string | null;
  _emitError(err: Error): void;
}

/**
 * MQTT 3.1.1 §1.5.3: a string (topic, topic filter, client id, username) holding U+0000 or ill-formed UTF-8 is
 * a protocol violation, and the receiver closes the connection; mosquitto does. mqtt-packet decodes strings
 * with Buffer.toString, which turns bad bytes into U+FFFD and keeps U+0000, so Aedes accepted them. This
 * checks the raw bytes of each string as the client's parser reads it. It reaches into mqtt-packet's parser
 * (the version pinned by aedes); a test of the broker fails if that changes.
 */
export function checkStrings(client: Client): void {
  const parser = (client as unknown as { _parser: StringParser })._parser;
  const parseString = parser._parseString;
  parser._parseString = function (this: StringParser) {
    const start = this._pos + 2; // after the length
    const value = parseString.call(this);
    if (value === null) return null;
    const bytes = this._list.slice(start, this._pos);
    if (isUtf8(bytes) && !bytes.includes(0)) return value;
    this._emitError(new Error('malformed UTF-8 string: U+0000 or ill-formed UTF-8 (MQTT 3.1.1 §1.5.3)'));
    return null;
  };
}
