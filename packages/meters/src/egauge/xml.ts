import { XMLParser, XMLValidator } from 'fast-xml-parser';

/** An eGauge answer that is not what the XML API specifies. */
export class EgaugeFormatError extends Error {
  override name = 'EgaugeFormatError';
}

export interface HistoryColumn {
  name: string;
  /** Register type code (`t` attribute): P, S, V, I, F… */
  type: string;
}

/** Stored data from `/cgi-bin/egauge-show`: the register totals at each row's time, by register name. */
export interface History {
  serial?: string;
  /** Columns of the newest block. */
  columns: HistoryColumn[];
  /** Row time (s since epoch) → register name → total as the device wrote it (parsed only when used). */
  rows: Map<number, Map<string, string>>;
  /** Time of the newest row, s; undefined when there are no rows. */
  newestTs?: number;
}

/** One register of `/cgi-bin/egauge?inst&tot`, values as the device wrote them. */
export interface InstantRegister {
  type: string;
  /** Running total (`<v>`), in the register's total unit (W·s, mV·s…). */
  total: string;
  /** Value over the last second (`<i>`), in W, VA, V, A or Hz. */
  instant: string;
}

/** `/cgi-bin/egauge?inst&tot`: every register's total and instantaneous value at the device time `ts` (s). */
export interface Instant {
  serial?: string;
  ts: number;
  registers: Map<string, InstantRegister>;
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  textNodeName: '#text',
  isArray: (name, jpath) => name === 'cname' || name === 'r' || name === 'c' || jpath === 'group.data',
});

type Node = Record<string, unknown>;

function parseXml(xml: string): Node {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) {
    const { msg, line } = valid.err;
    throw new EgaugeFormatError(`not well-formed XML: ${msg.replace(/\s+/g, ' ')} (line ${line})`);
  }
  return asNode(parser.parse(xml));
}

const asNode = (value: unknown): Node => (typeof value === 'object' && value !== null ? (value as Node) : {});

function integerAttribute(node: Node, name: string, where: string): number {
  // time_stamp and epoch are hex ("0x5b5a8a8c"), time_delta decimal; Number() reads both
  const raw = node[name];
  const value = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(value))
    throw new EgaugeFormatError(`${where}: attribute ${name}="${String(raw)}" is not an integer`);
  return value;
}

function column(raw: unknown): HistoryColumn {
  if (typeof raw === 'string') return { name: raw.trim(), type: '' };
  const node = asNode(raw);
  return { name: String(node['#text'] ?? '').trim(), type: String(node.t ?? '') };
}

/**
 * Parses the answer of `egauge-show` (`<group serial><data time_stamp time_delta><cname t>…<r><c>…`). Rows run from
 * newest to oldest, `time_delta` seconds apart within a `<data>` block; a block without `<cname>` reuses the
 * previous block's columns.
 */
export function parseHistory(xml: string): History {
  const group = asNode(parseXml(xml).group);
  const blocks = group.data;
  if (!Array.isArray(blocks)) throw new EgaugeFormatError('no <group><data> element: not an egauge-show answer');
  const history: History = { columns: [], rows: new Map() };
  if (typeof group.serial === 'string') history.serial = group.serial;
  let columns: HistoryColumn[] = [];
  for (const [b, block] of blocks.map(asNode).entries()) {
    const where = `<data> block ${b + 1}`;
    if (Array.isArray(block.cname)) columns = block.cname.map(column);
    if (b === 0) history.columns = columns;
    const rows = Array.isArray(block.r) ? block.r.map(asNode) : [];
    if (rows.length === 0) continue;
    const first = integerAttribute(block, 'time_stamp', where);
    const delta = integerAttribute(block, 'time_delta', where);
    if (delta <= 0) throw new EgaugeFormatError(`${where}: time_delta must be positive (got ${delta})`);
    for (const [k, row] of rows.entries()) {
      const cells = Array.isArray(row.c) ? row.c : [];
      if (cells.length !== columns.length) {
        throw new EgaugeFormatError(`${where}, row ${k + 1}: ${cells.length} values for ${columns.length} columns`);
      }
      const ts = first - k * delta;
      const values = new Map<string, string>();
      for (const [i, col] of columns.entries()) values.set(col.name, String(cells[i]).trim());
      if (!history.rows.has(ts)) history.rows.set(ts, values);
      history.newestTs = Math.max(history.newestTs ?? ts, ts);
    }
  }
  return history;
}

/**
 * Parses the answer of `egauge?inst&tot` (`<data serial><ts>…</ts><r t n [rt]><v>total</v><i>instant</i></r>…`).
 * With `tot`, the device adds virtual registers (`rt="total"`: "Total Usage", "Total Generation").
 */
export function parseInstant(xml: string): Instant {
  const data = parseXml(xml).data;
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new EgaugeFormatError('no <data> element: not an egauge?inst answer');
  }
  const node = asNode(data);
  if (node.ts === undefined) throw new EgaugeFormatError('no <ts> element (the device time)');
  const ts = typeof node.ts === 'string' && node.ts.trim() !== '' ? Number(node.ts) : Number.NaN;
  if (!Number.isSafeInteger(ts)) throw new EgaugeFormatError(`<ts>${String(node.ts)}</ts> is not an integer`);
  const instant: Instant = { ts, registers: new Map() };
  if (typeof node.serial === 'string') instant.serial = node.serial;
  for (const [k, raw] of (Array.isArray(node.r) ? node.r : []).map(asNode).entries()) {
    if (typeof raw.n !== 'string') throw new EgaugeFormatError(`register ${k + 1} has no name (n attribute)`);
    instant.registers.set(raw.n, {
      type: String(raw.t ?? ''),
      total: String(raw.v ?? '').trim(),
      instant: String(raw.i ?? '').trim(),
    });
  }
  return instant;
}
