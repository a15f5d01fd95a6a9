/** The XML an eGauge writes, from plain data: used by the simulator (and handy for fixtures). */

export interface XmlColumn {
  name: string;
  type: string;
}

const escapeXml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const hex = (n: number) => `0x${n.toString(16)}`;

/** `egauge-show`: one `<data>` block, rows newest first, `delta` seconds apart. */
export function historyXml(options: {
  serial: string;
  epoch: number;
  newestTs: number;
  delta: number;
  columns: readonly XmlColumn[];
  rows: ReadonlyArray<readonly string[]>;
}): string {
  const { serial, epoch, newestTs, delta, columns, rows } = options;
  const lines = [
    '<?xml version="1.0" encoding="UTF-8" ?>',
    '<!DOCTYPE group PUBLIC "-//ESL/DTD eGauge 1.0//EN" "http://www.egauge.net/DTD/egauge-hist.dtd">',
    `<group serial="${serial}">`,
    `<data columns="${columns.length}" time_stamp="${hex(newestTs)}" time_delta="${delta}" epoch="${hex(epoch)}">`,
    ...columns.map((c) => ` <cname t="${c.type}">${escapeXml(c.name)}</cname>`),
    ...rows.map((cells) => ` <r>${cells.map((c) => `<c>${escapeXml(c)}</c>`).join('')}</r>`),
    '</data>',
    '</group>',
    '',
  ];
  return lines.join('\n');
}

export interface InstantRegister extends XmlColumn {
  did?: number;
  rt?: string;
  total: string;
  instant: string;
}

/** `egauge?inst`: each register's total (`v`) and its value over the last second (`i`, in W, V, A, Hz). */
export function instantaneousXml(options: {
  serial: string;
  ts: number;
  registers: readonly InstantRegister[];
}): string {
  const lines = [
    '<?xml version="1.0" encoding="UTF-8" ?>',
    `<data serial="${options.serial}">`,
    ` <ts>${options.ts}</ts>`,
    ...options.registers.map((r) => {
      const attrs = [`t="${r.type}"`, `n="${escapeXml(r.name)}"`];
      if (r.did !== undefined) attrs.push(`did="${r.did}"`);
      if (r.rt !== undefined) attrs.push(`rt="${r.rt}"`);
      return ` <r ${attrs.join(' ')}><v>${r.total}</v><i>${r.instant}</i></r>`;
    }),
    '</data>',
    '',
  ];
  return lines.join('\n');
}
