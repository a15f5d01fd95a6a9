import { isIPv4, isIPv6 } from 'node:net';
import type { Format } from 'ajv';

/**
 * The string formats config schemas may use (`Type.String({ format: 'uri' })`). Ajv in strict mode
 * rejects schemas with unknown formats, and ajv-formats is not a dependency, so the common ones live here.
 */
export const formats: Record<string, Format> = {
  uri: (value: string) => /^[A-Za-z][A-Za-z0-9+.-]*:/.test(value) && URL.canParse(value),
  hostname:
    /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/,
  ipv4: (value: string) => isIPv4(value),
  ipv6: (value: string) => isIPv6(value),
  email: /^[^\s@]+@[^\s@]+\.[^\s@]+$/,
  date: (value: string) => /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(value)),
  'date-time': (value: string) =>
    /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})$/.test(value) &&
    !Number.isNaN(Date.parse(value)),
  uuid: /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/,
};
