import { Type } from '@sinclair/typebox';
import { ConfigError, loadConfig } from '@wattbus/config';
import { Id } from '@wattbus/contract';
import { nothingError, usageError } from './errors.js';

/** The `groups:` list of a portal config (the same shape): which sites a group holds. */
const GroupsFileSchema = Type.Object(
  {
    groups: Type.Array(
      Type.Object(
        { id: Id('group id'), sites: Type.Array(Id('site id'), { minItems: 1 }) },
        { additionalProperties: true },
      ),
    ),
  },
  { additionalProperties: true },
);

/** The sites of the named groups, from a file with a `groups:` list such as the portal's config. */
export function sitesOfGroups(file: string | undefined, groups: readonly string[]): string[] {
  if (groups.length === 0) return [];
  if (file === undefined)
    throw usageError('--group needs --groups <file> (a file with a groups: list, e.g. portal.yaml)');
  let known: Array<{ id: string; sites: string[] }>;
  try {
    // only the groups matter here: the rest of a portal config is not validated (nor its ${VAR}s required)
    known = loadConfig(file, GroupsFileSchema, { env: new Proxy({}, { get: () => '' }) }).groups;
  } catch (err) {
    if (err instanceof ConfigError) throw usageError(err.message);
    throw err;
  }
  return groups.flatMap((id) => {
    const group = known.find((g) => g.id === id);
    if (group === undefined) {
      throw nothingError(
        `--group: unknown group "${id}" in ${file} (known: ${known.map((g) => g.id).join(', ') || 'none'})`,
      );
    }
    return group.sites;
  });
}
