/** ISO 8601 with an explicit offset or Z: a local time without one is ambiguous on DST days, so it is refused. */
const WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

export function parseInstant(text: string): number | string {
  if (!WITH_OFFSET.test(text)) {
    return `start "${text.slice(0, 40)}" is not an ISO 8601 time with an offset (e.g. 2026-03-29T02:00:00+01:00)`;
  }
  const ts = Date.parse(text);
  return Number.isNaN(ts) ? `start "${text}" is not a valid time` : ts;
}
