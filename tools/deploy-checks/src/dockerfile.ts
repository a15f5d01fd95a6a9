/** A Dockerfile as a list of instructions (continuation lines joined, comments and parser directives dropped). */
export interface Instruction {
  keyword: string;
  args: string;
  line: number;
}

export function parseDockerfile(text: string): Instruction[] {
  const out: Instruction[] = [];
  let pending = '';
  let start = 0;
  for (const [i, raw] of text.split('\n').entries()) {
    if (pending === '' && /^\s*(#|$)/.test(raw)) continue;
    if (pending === '') start = i + 1;
    if (/^\s*#/.test(raw)) continue; // a comment inside a continued instruction
    if (raw.endsWith('\\')) {
      pending += `${raw.slice(0, -1)} `;
      continue;
    }
    const full = (pending + raw).trim();
    pending = '';
    const m = /^(\S+)\s*(.*)$/.exec(full);
    if (m?.[1]) out.push({ keyword: m[1].toUpperCase(), args: m[2] ?? '', line: start });
  }
  if (pending) throw new Error('the Dockerfile ends in a continuation line');
  return out;
}

/** Replaces ${NAME} / $NAME with the defaults of the global ARGs (those before the first FROM). */
export function resolveGlobalArgs(instructions: Instruction[], s: string): string {
  const args = new Map<string, string>();
  for (const ins of instructions) {
    if (ins.keyword === 'FROM') break;
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(\S+)$/.exec(ins.args);
    if (ins.keyword === 'ARG' && m?.[1] && m[2]) args.set(m[1], m[2]);
  }
  return s.replace(/\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g, (whole, name: string) => args.get(name) ?? whole);
}
