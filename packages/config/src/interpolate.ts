import { type Document, isMap, isPair, isScalar, isSeq, type Node, type Scalar } from 'yaml';
import type { ConfigIssue } from './errors.js';
import { formatPath, type PathSegment } from './path.js';

export type Env = Readonly<Record<string, string | undefined>>;

export type InterpolationResult = { ok: true; value: string } | { ok: false; problem: string };

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Expands `${VAR}` and `${VAR:-default}` in one string. `$${` is an escape for a literal `${`.
 * Like the shell, `:-` also applies the default when the variable is set but empty.
 * Fails on a malformed `${...}`, or names every variable used without default that is not set.
 */
export function interpolateString(input: string, env: Env): InterpolationResult {
  let out = '';
  let i = 0;
  const unset: string[] = [];
  while (i < input.length) {
    const dollar = input.indexOf('$', i);
    if (dollar === -1) break;
    out += input.slice(i, dollar);
    if (input.startsWith('$${', dollar)) {
      out += '${';
      i = dollar + 3;
      continue;
    }
    if (!input.startsWith('${', dollar)) {
      out += '$';
      i = dollar + 1;
      continue;
    }
    const close = input.indexOf('}', dollar + 2);
    if (close === -1) {
      return { ok: false, problem: `unterminated "\${" (write "$\${" for a literal "\${")` };
    }
    const expression = input.slice(dollar + 2, close);
    const separator = expression.indexOf(':-');
    const name = separator === -1 ? expression : expression.slice(0, separator);
    if (!NAME.test(name)) {
      return {
        ok: false,
        problem: `invalid variable reference "\${${expression}}" (expected \${NAME} or \${NAME:-default}; write "$\${" for a literal "\${")`,
      };
    }
    const value = env[name];
    if (separator !== -1) {
      out += value === undefined || value === '' ? expression.slice(separator + 2) : value;
    } else if (value === undefined) {
      if (!unset.includes(name)) unset.push(name);
    } else {
      out += value;
    }
    i = close + 1;
  }
  if (unset.length === 1) return { ok: false, problem: `environment variable ${unset[0]} is not set` };
  if (unset.length > 1) return { ok: false, problem: `environment variables ${unset.join(', ')} are not set` };
  return { ok: true, value: out + input.slice(i) };
}

/**
 * Interpolates every string scalar value of a parsed YAML document in place (keys are left alone).
 * Returns one issue per failing scalar, naming its key path.
 *
 * An unquoted scalar is retyped after substitution as YAML would have read the text, limited to numbers
 * and booleans: `port: ${PORT:-1883}` gives the number 1883, `tls: ${TLS:-false}` the boolean false.
 * Quoted scalars (`"${PORT}"`) and `!!str` stay strings.
 */
export function interpolateDocument(doc: Document.Parsed, env: Env): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const visit = (node: unknown, path: PathSegment[]): void => {
    if (isMap(node)) {
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
        visit(pair.value, [...path, key]);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, index) => {
        visit(item, [...path, index]);
      });
    } else if (isScalar(node) && typeof node.value === 'string' && node.value.includes('$')) {
      const result = interpolateString(node.value, env);
      if (result.ok) node.value = retype(node, result.value);
      else issues.push({ path: formatPath(path), message: result.problem });
    }
  };
  visit(doc.contents as Node | null, []);
  return issues;
}

const BOOLEAN = /^(?:true|True|TRUE|false|False|FALSE)$/;
const NUMBER = /^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|0x[0-9a-fA-F]+|0o[0-7]+)$/;

function retype(node: Scalar, text: string): string | number | boolean {
  if (node.type !== 'PLAIN' || node.tag === 'tag:yaml.org,2002:str') return text;
  if (BOOLEAN.test(text)) return text.toLowerCase() === 'true';
  if (NUMBER.test(text)) return Number(text);
  return text;
}
