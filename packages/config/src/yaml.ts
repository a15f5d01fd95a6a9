import { type Document, parseDocument, type YAMLError } from 'yaml';
import { ConfigError, type ConfigIssue } from './errors.js';

const MAX_REPORTED = 5;

/**
 * Parses YAML text into a Document (kept as a Document so env interpolation can see how each scalar
 * was written). Syntax errors become a ConfigError with line:column and an excerpt of the offending line.
 */
export function parseYaml(text: string, source: string): Document.Parsed {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length === 0) return doc;
  const issues = doc.errors.slice(0, MAX_REPORTED).map((error) => syntaxIssue(error, text));
  if (doc.errors.length > MAX_REPORTED) {
    issues.push({ path: '', message: `… and ${doc.errors.length - MAX_REPORTED} more YAML errors` });
  }
  throw new ConfigError(source, issues, { title: 'Invalid YAML in', cause: doc.errors[0] });
}

function syntaxIssue(error: YAMLError, text: string): ConfigIssue {
  const what = describe(error);
  const position = error.linePos?.[0];
  if (!position) return { path: '', message: what };
  const { line, col } = position;
  const sourceLine = (text.split(/\r?\n/)[line - 1] ?? '').replace(/\t/g, ' ');
  const hint = sourceLine.includes('${') && /[[\]{}]/.test(sourceLine.replace(/\$\{[^}]*\}/g, '')) ? FLOW_HINT : '';
  const gutter = String(line);
  const excerpt = `${gutter} | ${sourceLine}\n${' '.repeat(gutter.length)} | ${' '.repeat(Math.max(col - 1, 0))}^`;
  return { path: '', message: `${what}${hint}\n${excerpt}`, line, column: col };
}

const FLOW_HINT = ' (inside [ ] or { }, quote values that use ${...}: ["${VAR}"])';

function describe(error: YAMLError): string {
  if (error.code === 'MULTIPLE_DOCS') return 'a config file must hold a single YAML document, found a "---" separator';
  // With prettyErrors the message is "<what> at line L, column C:\n\n<context>"; keep only <what>.
  return (error.message.split('\n')[0] ?? error.message).replace(/ at line \d+, column \d+:?$/, '');
}
