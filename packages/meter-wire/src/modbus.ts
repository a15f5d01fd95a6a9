export { DATA_TYPES, type DataType, decodeRaw, decodeValue, type Encoding, WORDS, type WordOrder } from './decode.js';
export {
  bitsPerChar,
  charTimeMs,
  describeFraming,
  interFrameGapMs,
  type Parity,
  READ_REQUEST_BYTES,
  readLineTimeMs,
  readResponseBytes,
  type SerialFraming,
} from './line-timing.js';
export { applyScale, removeScale } from './scale.js';
export { waitUntil } from './wait-until.js';
