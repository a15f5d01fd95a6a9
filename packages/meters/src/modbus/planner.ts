import type { Field } from './register-map.js';

/** One read request and the fields its answer holds. */
export interface ReadBlock {
  fc: 3 | 4;
  address: number;
  count: number;
  fields: readonly Field[];
}

export interface PlanOptions {
  /** Registers one request may ask for (the device's limit, at most 125). */
  maxRegisters: number;
  /** Unused registers the plan may read to avoid a separate request. */
  maxGap: number;
}

const end = (f: Field) => f.address + f.words;

/**
 * The fewest requests covering every field: fields sorted by function and address are joined while the
 * request stays within `maxRegisters` and the hole between them is at most `maxGap` registers.
 */
export function planReads(fields: readonly Field[], options: PlanOptions): ReadBlock[] {
  const sorted = [...fields].sort((a, b) => a.fc - b.fc || a.address - b.address || b.words - a.words);
  const blocks: ReadBlock[] = [];
  let open: { fc: 3 | 4; address: number; end: number; fields: Field[] } | undefined;
  for (const field of sorted) {
    const joins =
      open !== undefined &&
      open.fc === field.fc &&
      field.address - open.end <= options.maxGap &&
      Math.max(open.end, end(field)) - open.address <= options.maxRegisters;
    if (open && joins) {
      open.end = Math.max(open.end, end(field));
      open.fields.push(field);
      continue;
    }
    if (open) blocks.push({ fc: open.fc, address: open.address, count: open.end - open.address, fields: open.fields });
    open = { fc: field.fc, address: field.address, end: end(field), fields: [field] };
  }
  if (open) blocks.push({ fc: open.fc, address: open.address, count: open.end - open.address, fields: open.fields });
  return blocks;
}

/** One request per field, in address order: what a reader without coalescing sends. */
export function planOneByOne(fields: readonly Field[]): ReadBlock[] {
  return [...fields]
    .sort((a, b) => a.fc - b.fc || a.address - b.address)
    .map((f) => ({ fc: f.fc, address: f.address, count: f.words, fields: [f] }));
}

/**
 * Smaller requests for a block the device refused: exception 2 (illegal data address) usually means an
 * unused register inside the block, so the fields are re-planned without gap filling; exception 3 (illegal
 * data value) usually means too many registers at once, so the block is halved. Undefined when the block
 * cannot be made smaller that way (the refusal then concerns a field itself).
 */
export function splitRefusedBlock(block: ReadBlock, exceptionCode: number): ReadBlock[] | undefined {
  if (block.fields.length < 2) return undefined;
  const widest = Math.max(...block.fields.map((f) => f.words));
  let smaller: ReadBlock[] | undefined;
  if (exceptionCode === 2) smaller = planReads(block.fields, { maxRegisters: block.count, maxGap: 0 });
  if (exceptionCode === 3) {
    smaller = planReads(block.fields, {
      maxRegisters: Math.max(widest, Math.floor(block.count / 2)),
      maxGap: block.count,
    });
  }
  return smaller && smaller.length > 1 ? smaller : undefined;
}
