/**
 * The parts of docker compose's variable handling these checks need: reading a `.env` file and
 * interpolating `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:?error}`, `${VAR?error}`, `$VAR` and
 * `$$` (a literal `$`) in every string of a parsed compose file.
 */
export function parseEnvFile(text: string): Map<string, string> {
  const vars = new Map<string, string>();
  for (const [i, raw] of text.split('\n').entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (!m?.[1]) throw new Error(`line ${i + 1}: not NAME=value: ${raw}`);
    vars.set(m[1], (m[2] ?? '').replace(/^"(.*)"$/, '$1'));
  }
  return vars;
}

const REF = /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g;

/** Names of the variables a string refers to (not counting `$$` escapes). */
export function variablesIn(s: string): string[] {
  return [...s.matchAll(REF)].map((m) => m[1] ?? m[4]).filter((n): n is string => n !== undefined);
}

export function interpolate(s: string, env: ReadonlyMap<string, string>): string {
  return s.replace(REF, (whole, braced?: string, op?: string, arg?: string, bare?: string) => {
    if (whole === '$$') return '$';
    const name = (braced ?? bare) as string;
    const value = env.get(name);
    const unsetOrEmpty = value === undefined || (op?.startsWith(':') && value === '');
    if (op?.endsWith('-') && unsetOrEmpty) return arg ?? '';
    if (op?.endsWith('?') && unsetOrEmpty) throw new Error(`${name}: ${arg}`);
    if (value === undefined) throw new Error(`${name} is not set`);
    return value;
  });
}

/** Applies `fn` to every string in a JSON-like value (keys are left alone, as compose does). */
export function mapStrings(value: unknown, fn: (s: string) => string): unknown {
  if (typeof value === 'string') return fn(value);
  if (Array.isArray(value)) return value.map((v) => mapStrings(v, fn));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapStrings(v, fn)]));
  }
  return value;
}

/** Every string in a JSON-like value. */
export function allStrings(value: unknown): string[] {
  const out: string[] = [];
  mapStrings(value, (s) => {
    out.push(s);
    return s;
  });
  return out;
}
