/**
 * A deliberately small reader of the InfluxQL our dashboards use, to check that every query refers only to
 * the measurement, fields and tags the Influx sink writes. It understands
 *   SELECT <fn>("field" | /^regex$/) [AS "alias"], … [/ 1000] FROM "measurement" [WHERE …] [GROUP BY …] [fill(…)] [tz(…)]
 *   SHOW TAG VALUES FROM "measurement" WITH KEY = "tag" [WHERE …]
 * and rejects anything else (subqueries, several measurements), so a query it cannot read fails the check instead
 * of passing unchecked. A field regex (the rollups' tariff periods have names only the tariffs know) must be
 * anchored at both ends and match at least one written field.
 */
export interface QueryRefs {
  measurements: string[];
  fields: string[];
  /** Keys compared in WHERE (tags or fields). */
  whereKeys: string[];
  /** Tags in GROUP BY, or the key of SHOW TAG VALUES. */
  tags: string[];
}

type Token = { kind: 'ident' | 'word' | 'string' | 'regex' | 'number' | 'punct' | 'var'; text: string };

const TOKEN =
  /\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'|(\$\{?[A-Za-z_][A-Za-z0-9_]*\}?)|([A-Za-z_][A-Za-z0-9_]*)|(\d+(?:\.\d+)?[a-z]*)|(=~|!~|!=|<>|<=|>=|[=<>(),*/+-]))/y;
// A regex literal only where InfluxQL expects one: after =~ or !~, and as a function's field argument right after
// "(" (elsewhere "/" divides).
const REGEX = /\s*(\/(?:[^/\\]|\\.)*\/)/y;

export function tokenize(query: string): Token[] {
  const tokens: Token[] = [];
  let pos = 0;
  while (pos < query.length) {
    const last = tokens.at(-1)?.text;
    if (last === '=~' || last === '!~' || (last === '(' && /^\s*\//.test(query.slice(pos)))) {
      REGEX.lastIndex = pos;
      const r = REGEX.exec(query);
      if (!r?.[1]) throw new Error(`expected a /regex/ after ${last}`);
      tokens.push({ kind: 'regex', text: r[1] });
      pos = REGEX.lastIndex;
      continue;
    }
    TOKEN.lastIndex = pos;
    const m = TOKEN.exec(query);
    if (!m) {
      if (/^\s*$/.test(query.slice(pos))) break;
      throw new Error(`cannot read the query at "${query.slice(pos, pos + 20).trim()}"`);
    }
    pos = TOKEN.lastIndex;
    if (m[1] !== undefined) tokens.push({ kind: 'ident', text: m[1] });
    else if (m[2] !== undefined) tokens.push({ kind: 'string', text: m[2] });
    else if (m[3] !== undefined) tokens.push({ kind: 'var', text: m[3] });
    else if (m[4] !== undefined) tokens.push({ kind: 'word', text: m[4] });
    else if (m[5] !== undefined) tokens.push({ kind: 'number', text: m[5] });
    else tokens.push({ kind: 'punct', text: m[6] as string });
  }
  return tokens;
}

const isWord = (t: Token | undefined, w: string) => t?.kind === 'word' && t.text.toUpperCase() === w;
const COMPARISON = new Set(['=', '!=', '<>', '=~', '!~', '<', '>', '<=', '>=']);

/** Splits the tokens into clauses by their leading keyword(s). */
function clauses(tokens: Token[]): Map<string, Token[]> {
  const out = new Map<string, Token[]>();
  let current = '';
  let depth = 0;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    if (t.text === '(') depth++;
    if (t.text === ')') depth--;
    let key: string | undefined;
    if (depth === 0 && t.kind === 'word') {
      const w = t.text.toUpperCase();
      if (['SELECT', 'FROM', 'WHERE', 'LIMIT', 'SLIMIT', 'OFFSET'].includes(w)) key = w;
      else if ((w === 'GROUP' || w === 'ORDER') && isWord(tokens[i + 1], 'BY')) {
        key = `${w} BY`;
        i++;
      } else if (w === 'SHOW' && isWord(tokens[i + 1], 'TAG') && isWord(tokens[i + 2], 'VALUES')) {
        key = 'SHOW TAG VALUES';
        i += 2;
      } else if (w === 'WITH' && isWord(tokens[i + 1], 'KEY')) {
        key = 'WITH KEY';
        i++;
      }
    }
    if (key) {
      if (out.has(key)) throw new Error(`${key} appears twice`);
      current = key;
      out.set(key, []);
    } else {
      if (!current) throw new Error(`unexpected "${t.text}" at the start`);
      out.get(current)?.push(t);
    }
  }
  return out;
}

function measurementOf(from: Token[] | undefined): string[] {
  if (!from || from.length === 0) throw new Error('no FROM');
  // FROM "m", FROM "db"."rp"."m" is not used by our dashboards: exactly one quoted name
  if (from.length !== 1 || from[0]?.kind !== 'ident') {
    throw new Error(`FROM must name one measurement in double quotes (got ${from.map((t) => t.text).join(' ')})`);
  }
  return [from[0].text];
}

function whereKeys(where: Token[] | undefined): string[] {
  if (!where) return [];
  const keys: string[] = [];
  for (const [i, t] of where.entries()) {
    const next = where[i + 1];
    if (t.kind === 'ident') {
      if (next?.kind !== 'punct' || !COMPARISON.has(next.text)) throw new Error(`WHERE: "${t.text}" is not compared`);
      keys.push(t.text);
    } else if (t.kind === 'word' && !['AND', 'OR', 'TIME', 'NOW'].includes(t.text.toUpperCase())) {
      throw new Error(`WHERE: unquoted name "${t.text}" (quote tag and field names)`);
    }
  }
  return keys;
}

function selectFields(select: Token[] | undefined): string[] {
  if (!select || select.length === 0) throw new Error('no SELECT');
  const fields: string[] = [];
  for (const [i, t] of select.entries()) {
    const prev = select[i - 1];
    const next = select[i + 1];
    if (isWord(t, 'SELECT')) throw new Error('subqueries are not supported by this check');
    if ((t.kind === 'ident' && !isWord(prev, 'AS')) || t.kind === 'regex') fields.push(t.text);
    if (t.kind === 'word' && !isWord(t, 'AS') && next?.text !== '(' && !isWord(prev, 'AS')) {
      throw new Error(`SELECT: unquoted name "${t.text}" (quote field names)`);
    }
  }
  if (fields.length === 0) throw new Error('SELECT names no field');
  if (select.some((t) => t.kind === 'regex') && select.some((t) => t.kind === 'punct' && '*/+-'.includes(t.text))) {
    throw new Error('SELECT: InfluxDB refuses arithmetic on a field regex ("unsupported expression with regex field")');
  }
  return fields;
}

function groupByTags(group: Token[] | undefined): string[] {
  if (!group) return [];
  const tags: string[] = [];
  let depth = 0;
  for (const [i, t] of group.entries()) {
    if (t.text === '(') depth++;
    else if (t.text === ')') depth--;
    else if (depth === 0 && t.kind === 'ident') tags.push(t.text);
    else if (depth === 0 && t.kind === 'word') {
      // time(…), fill(…) and tz(…) are functions here; any other bare word is a tag we want quoted
      if (!['time', 'fill', 'tz'].includes(t.text) || group[i + 1]?.text !== '(') {
        throw new Error(`GROUP BY: unquoted or unknown "${t.text}"`);
      }
    } else if (depth === 0 && t.kind !== 'punct') throw new Error(`GROUP BY: unexpected "${t.text}"`);
  }
  return tags;
}

export function queryRefs(query: string): QueryRefs {
  const parts = clauses(tokenize(query));
  const where = whereKeys(parts.get('WHERE'));
  if (parts.has('SHOW TAG VALUES')) {
    const key = parts.get('WITH KEY') ?? [];
    if (key.length !== 2 || key[0]?.text !== '=' || key[1]?.kind !== 'ident') {
      throw new Error('SHOW TAG VALUES needs WITH KEY = "tag"');
    }
    return { measurements: measurementOf(parts.get('FROM')), fields: [], whereKeys: where, tags: [key[1].text] };
  }
  return {
    measurements: measurementOf(parts.get('FROM')),
    fields: selectFields(parts.get('SELECT')),
    whereKeys: where,
    tags: groupByTags(parts.get('GROUP BY')),
  };
}

/** Problems of one query against the written schema; empty when it only refers to what exists. */
export function checkQuery(
  query: string,
  schema: { measurement: string; fields: ReadonlySet<string>; tags: ReadonlySet<string> },
): string[] {
  let refs: QueryRefs;
  try {
    refs = queryRefs(query);
  } catch (e) {
    return [(e as Error).message];
  }
  const problems: string[] = [];
  for (const m of refs.measurements) {
    if (m !== schema.measurement) problems.push(`measurement "${m}" is not written (only "${schema.measurement}")`);
  }
  for (const f of refs.fields) {
    if (!f.startsWith('/')) {
      if (!schema.fields.has(f)) problems.push(`field "${f}" is not written`);
    } else if (!/^\/\^.*\$\/$/.test(f)) {
      problems.push(`field regex ${f} must be anchored at both ends (/^…$/)`);
    } else if (![...schema.fields].some((name) => new RegExp(f.slice(1, -1)).test(name))) {
      problems.push(`field regex ${f} matches no written field`);
    }
  }
  for (const t of refs.tags) if (!schema.tags.has(t)) problems.push(`tag "${t}" is not written`);
  for (const k of refs.whereKeys) {
    if (!schema.tags.has(k) && !schema.fields.has(k)) problems.push(`WHERE key "${k}" is neither a tag nor a field`);
  }
  return problems;
}
