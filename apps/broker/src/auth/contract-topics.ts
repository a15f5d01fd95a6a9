import { TOPIC_ROOT, TopicError, topics } from '@wattbus/contract';

const ROOT_LEVELS = TOPIC_ROOT.split('/').length;

/**
 * Why the contract would never build this reading topic (a reserved or ill-formed site or meter id, e.g.
 * `wattbus/v1/house-12/status/reading`, which reads like the site's status), or undefined for any other topic.
 */
export function readingTopicProblem(topic: string): string | undefined {
  if (!topic.startsWith(`${TOPIC_ROOT}/`) || !topic.endsWith('/reading')) return undefined;
  const levels = topic.split('/');
  if (levels.length !== ROOT_LEVELS + 3) return undefined;
  try {
    topics.reading(levels[ROOT_LEVELS] as string, levels[ROOT_LEVELS + 1] as string);
    return undefined;
  } catch (err) {
    if (err instanceof TopicError) return err.message;
    throw err;
  }
}
