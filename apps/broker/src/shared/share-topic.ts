import { isValidFilter } from '@wattbus/mqtt/acl';

export const SHARE_PREFIX = '$share/';

export interface ShareTopic {
  group: string;
  filter: string;
}

/**
 * `$share/{group}/{filter}` (MQTT 5 §4.8.2, which mosquitto also accepts from MQTT 3.1.1 clients): the group a
 * non-empty name without `/`, `+` or `#`, the filter a valid topic filter. undefined for any other topic; an
 * Error for a `$share/` subscription that is not well formed.
 */
export function parseShareTopic(topic: string): ShareTopic | Error | undefined {
  if (!topic.startsWith(SHARE_PREFIX)) return undefined;
  const rest = topic.slice(SHARE_PREFIX.length);
  const slash = rest.indexOf('/');
  const group = slash === -1 ? rest : rest.slice(0, slash);
  const filter = slash === -1 ? '' : rest.slice(slash + 1);
  if (group === '' || /[+#]/.test(group)) return new Error(`invalid share name in ${topic}`);
  if (!isValidFilter(filter)) return new Error(`invalid topic filter in ${topic}`);
  return { group, filter };
}
