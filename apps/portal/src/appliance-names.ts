import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { ID_PATTERN } from '@wattbus/contract';

/** Longest name a household may give a signature, in characters. */
export const MAX_NAME_LENGTH = 64;
/** As many names as a site's estimates may list signatures (contract: ApplianceEstimates). */
export const MAX_NAMES = 256;

const SIGNATURE = new RegExp(ID_PATTERN);
// Control and format characters (newlines, bidi overrides, zero-width) would let a name disguise itself.
const CONTROL = /[\p{Cc}\p{Cf}\u2028\u2029]/u;

export type Names = Record<string, string>;

/** Why a name cannot be stored, or undefined. An empty name (after trimming) removes the name. */
export function nameProblem(signature: unknown, name: unknown): string | undefined {
  if (typeof signature !== 'string' || !SIGNATURE.test(signature)) return 'signature: expected a signature id';
  if (typeof name !== 'string') return 'name: expected a string';
  if ([...name].length > MAX_NAME_LENGTH) return `name: at most ${MAX_NAME_LENGTH} characters`;
  if (CONTROL.test(name)) return 'name: no control characters';
  return undefined;
}

/**
 * The names households gave their appliance signatures, one JSON file per site in the portal's data dir,
 * written atomically (temp file, fsync, rename) so a crash leaves the old names or the new, never half a file.
 * Writes of one site are serialised so two renames at once cannot lose one.
 */
export class ApplianceNames {
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(private readonly dir: string) {}

  private file(site: string): string {
    return join(this.dir, 'appliance-names', `${site}.json`);
  }

  async get(site: string): Promise<Names> {
    let text: string;
    try {
      text = await readFile(this.file(site), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw err;
    }
    const names = JSON.parse(text) as unknown;
    if (typeof names !== 'object' || names === null || Array.isArray(names))
      throw new Error(`${this.file(site)}: not an object`);
    return names as Names;
  }

  /** Sets (or with an empty name removes) one name; returns the site's names. Validate with nameProblem first. */
  set(site: string, signature: string, name: string): Promise<Names> {
    const next = (this.queues.get(site) ?? Promise.resolve())
      .catch(() => undefined)
      .then(async () => {
        const names = await this.get(site);
        const trimmed = name.trim();
        if (trimmed === '') delete names[signature];
        else {
          if (!(signature in names) && Object.keys(names).length >= MAX_NAMES) {
            throw new RangeError(`at most ${MAX_NAMES} names per site`);
          }
          names[signature] = trimmed;
        }
        await this.save(site, names);
        return names;
      });
    this.queues.set(site, next);
    return next;
  }

  private async save(site: string, names: Names): Promise<void> {
    const file = this.file(site);
    await mkdir(join(this.dir, 'appliance-names'), { recursive: true });
    const temp = `${file}.tmp`;
    const handle = await open(temp, 'w');
    try {
      await handle.writeFile(`${JSON.stringify(names, null, 2)}\n`);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
  }
}
