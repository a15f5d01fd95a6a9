import { TOPIC_ROOT, TopicError, topics } from '@wattbus/contract';

const ROOT_LEVELS = TOPIC_ROOT.split('/').length;

/**
 * Why the contract would never build this reading or receipt topic (a reserved or ill-formed site, meter or consumer
 * id, e.g. `wattbus/v1/house-12/status/reading`, which reads like the site's status, or
 * `wattbus/v1/house-12/receipt/reading`), or undefined for any other topic.
 */
export function contractTopicProblem(topic: string): string | undefined {
  if (!topic.startsWith(`${TOPIC_ROOT}/`)) return undefined;
  const levels = topic.split('/');
  if (levels.length !== ROOT_LEVELS + 3) return undefined;
  const [site, middle, last] = levels.slice(ROOT_LEVELS) as [string, string, string];
  try {
    if (middle === 'receipt') topics.receipt(site, last);
    else if (last === 'reading') topics.reading(site, middle);
    return undefined;
  } catch (err) {
    if (err instanceof TopicError) return err.message;
    throw err;
  }
}
