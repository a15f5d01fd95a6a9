/** One problem found in a config file. */
export interface ConfigIssue {
  /**
   * Where the problem is, e.g. `meters[0].channels[1].role`; `(root)` for the top level.
   * Empty when no key applies (unreadable file, YAML syntax error — see `line`/`column`).
   */
  path: string;
  /** What is wrong, e.g. `expected integer ≥ 1000, got "fast"`. */
  message: string;
  /** 1-based source position, set for YAML syntax errors. */
  line?: number;
  column?: number;
}

export interface ConfigErrorOptions {
  /** First words of the message, before the file name. Default `Invalid config`. */
  title?: string;
  cause?: unknown;
}

/**
 * Thrown for anything that keeps a config file from becoming a valid config object.
 * `message` is complete and meant for humans: apps print it and exit.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly file: string;
  readonly issues: readonly ConfigIssue[];

  constructor(file: string, issues: readonly ConfigIssue[], options: ConfigErrorOptions = {}) {
    super(renderMessage(options.title ?? 'Invalid config', file, issues), { cause: options.cause });
    this.file = file;
    this.issues = issues;
  }
}

function renderMessage(title: string, file: string, issues: readonly ConfigIssue[]): string {
  const [only] = issues;
  if (issues.length === 1 && only && only.path === '' && only.line === undefined) {
    return `${title} ${file}: ${only.message}`;
  }
  return `${title} ${file}:\n${issues.map(renderIssue).join('\n')}`;
}

function renderIssue(issue: ConfigIssue): string {
  const where =
    issue.line !== undefined ? `line ${issue.line}:${issue.column ?? 1}: ` : issue.path === '' ? '' : `${issue.path}: `;
  // Continuation lines (e.g. a source excerpt) are indented under the bullet.
  return `  - ${where}${issue.message.replace(/\n/g, '\n    ')}`;
}
