/** A topic filter split into levels once, for matching many topics against it. */
export type CompiledFilter = readonly string[];

export function compileFilter(filter: string): CompiledFilter {
  return filter.split('/');
}

/**
 * Whether a topic filter is valid: `+` and `#` only as whole levels, `#` only last, no NUL
 * (mosquitto_sub_topic_check).
 */
export function isValidFilter(filter: string): boolean {
  if (filter === '' || filter.includes('\0')) return false;
  const levels = filter.split('/');
  return levels.every(
    (level, i) =>
      (level === '#' && i === levels.length - 1) || level === '+' || (!level.includes('+') && !level.includes('#')),
  );
}

const DOLLAR = 36;

/**
 * MQTT matching of `topic` against a compiled filter, without allocating: `#` also matches the parent level,
 * `+` matches an empty level, and topics starting with `$` only match filters starting with `$` (and
 * vice versa, as mosquitto_topic_matches_sub does).
 */
export function topicMatches(filter: CompiledFilter, topic: string): boolean {
  const first = filter[0] ?? '';
  if ((first.charCodeAt(0) === DOLLAR) !== (topic.charCodeAt(0) === DOLLAR)) return false;
  let pos = 0;
  for (const level of filter) {
    if (level === '#') return true;
    if (pos > topic.length) return false;
    let end = topic.indexOf('/', pos);
    if (end === -1) end = topic.length;
    if (level !== '+' && (end - pos !== level.length || !topic.startsWith(level, pos))) return false;
    pos = end + 1;
  }
  return pos === topic.length + 1;
}

const dollar = (filter: CompiledFilter) => (filter[0] ?? '').charCodeAt(0) === DOLLAR;

/** Whether some topic matches both filters (`#` also matches the parent level; `$` topics only `$` filters). */
export function filtersOverlap(a: CompiledFilter, b: CompiledFilter): boolean {
  if (dollar(a) !== dollar(b)) return false;
  for (let i = 0; ; i++) {
    const x = a[i];
    const y = b[i];
    if (x === '#' || y === '#') return true;
    if (x === undefined || y === undefined) return x === y;
    if (x !== '+' && y !== '+' && x !== y) return false;
  }
}

/** Whether every topic that matches `inner` matches `outer` too. */
export function filterCovers(outer: CompiledFilter, inner: CompiledFilter): boolean {
  if (dollar(outer) !== dollar(inner)) return false;
  for (let i = 0; ; i++) {
    const o = outer[i];
    const n = inner[i];
    if (o === '#') return true;
    if (o === undefined || n === undefined) return o === n;
    if (n === '#' || (o !== '+' && (n === '+' || n !== o))) return false;
  }
}
