import { readFileSync } from 'node:fs';

/** Where and how backups go off site. Read from the environment; secrets from files (never logged). */
export interface OffsiteConfig {
  /** Absent: the AWS endpoint of `region`. */
  endpoint?: string;
  region: string;
  bucket: string;
  /** '' or ending with '/'. */
  prefix: string;
  forcePathStyle: boolean;
  credentials: { accessKeyId: string; secretAccessKey: string };
  /** Complete backups kept in the bucket; older ones are deleted after a successful upload. */
  keep: number;
  partSizeBytes: number;
  /** 32 bytes: backups are encrypted before they leave the machine. Absent: stored as plain tar. */
  encryptionKey?: Buffer;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid off-site backup config:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

const MIB = 1024 * 1024;

/** Validates every key and reports all problems at once, each naming its key (never a secret's value). */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): OffsiteConfig {
  const problems: string[] = [];
  const get = (key: string) => env[key]?.trim() ?? '';

  const bucket = get('OFFSITE_S3_BUCKET');
  if (bucket === '') problems.push('OFFSITE_S3_BUCKET: required');
  else if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) {
    problems.push(`OFFSITE_S3_BUCKET: not a valid bucket name (got '${bucket}')`);
  }

  const endpoint = get('OFFSITE_S3_ENDPOINT');
  if (endpoint !== '' && !/^https?:\/\/[^/\s]+\/?$/.test(endpoint)) {
    problems.push(`OFFSITE_S3_ENDPOINT: must be http(s)://host[:port] (got '${endpoint}')`);
  }
  const region = get('OFFSITE_S3_REGION') || 'us-east-1';
  if (!/^[a-z0-9-]+$/.test(region)) problems.push(`OFFSITE_S3_REGION: not a region name (got '${region}')`);

  let prefix = get('OFFSITE_S3_PREFIX') || 'wattbus/influx/';
  if (prefix.startsWith('/') || prefix.includes('//')) {
    problems.push(`OFFSITE_S3_PREFIX: must not start with '/' or contain '//' (got '${prefix}')`);
  }
  if (!prefix.endsWith('/')) prefix += '/';

  const pathStyle = get('OFFSITE_S3_FORCE_PATH_STYLE') || (endpoint === '' ? 'false' : 'true');
  if (pathStyle !== 'true' && pathStyle !== 'false') {
    problems.push(`OFFSITE_S3_FORCE_PATH_STYLE: must be true or false (got '${pathStyle}')`);
  }

  const keep = positiveInteger('OFFSITE_KEEP', get('OFFSITE_KEEP') || '10', problems);
  const partMib = positiveInteger('OFFSITE_PART_SIZE_MB', get('OFFSITE_PART_SIZE_MB') || '16', problems);
  // S3's limits: parts of at least 5 MiB (but the last), at most 10,000 parts (lib-storage refuses more).
  if (partMib !== undefined && (partMib < 5 || partMib > 5120)) {
    problems.push(`OFFSITE_PART_SIZE_MB: must be between 5 and 5120 (got ${partMib})`);
  }

  const accessKeyId = secretFile('OFFSITE_S3_ACCESS_KEY_ID_FILE', get('OFFSITE_S3_ACCESS_KEY_ID_FILE'), problems);
  const secretAccessKey = secretFile(
    'OFFSITE_S3_SECRET_ACCESS_KEY_FILE',
    get('OFFSITE_S3_SECRET_ACCESS_KEY_FILE'),
    problems,
  );

  let encryptionKey: Buffer | undefined;
  const keyPath = get('OFFSITE_ENCRYPTION_KEY_FILE');
  if (keyPath !== '') {
    const hex = secretFile('OFFSITE_ENCRYPTION_KEY_FILE', keyPath, problems);
    if (hex !== undefined && !/^[0-9a-fA-F]{64}$/.test(hex)) {
      problems.push(
        `OFFSITE_ENCRYPTION_KEY_FILE: ${keyPath} must hold 32 bytes as 64 hex digits (make one with: openssl rand -hex 32)`,
      );
    } else if (hex !== undefined) encryptionKey = Buffer.from(hex, 'hex');
  }

  if (problems.length > 0) throw new ConfigError(problems);
  return {
    ...(endpoint === '' ? {} : { endpoint: endpoint.replace(/\/$/, '') }),
    region,
    bucket,
    prefix,
    forcePathStyle: pathStyle === 'true',
    credentials: { accessKeyId: accessKeyId as string, secretAccessKey: secretAccessKey as string },
    keep: keep as number,
    partSizeBytes: (partMib as number) * MIB,
    ...(encryptionKey ? { encryptionKey } : {}),
  };
}

function positiveInteger(key: string, raw: string, problems: string[]): number | undefined {
  if (/^[1-9][0-9]*$/.test(raw)) return Number(raw);
  problems.push(`${key}: must be a positive integer (got '${raw}')`);
  return undefined;
}

/** The trimmed content of a secrets file; problems name the key and the path, never the content. */
function secretFile(key: string, path: string, problems: string[]): string | undefined {
  if (path === '') {
    problems.push(`${key}: required (the path of a file holding the secret)`);
    return undefined;
  }
  let text: string;
  try {
    text = readFileSync(path, 'utf8').trim();
  } catch (err) {
    problems.push(`${key}: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
    return undefined;
  }
  if (text === '') problems.push(`${key}: ${path} is empty`);
  return text === '' ? undefined : text;
}

/** What may be logged about a config: no credentials, no key. */
export function describeConfig(c: OffsiteConfig): Record<string, unknown> {
  return {
    endpoint: c.endpoint ?? `aws:${c.region}`,
    bucket: c.bucket,
    prefix: c.prefix,
    keep: c.keep,
    encrypted: c.encryptionKey !== undefined,
    part_size_mib: c.partSizeBytes / MIB,
  };
}
