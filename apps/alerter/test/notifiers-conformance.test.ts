import { fileURLToPath } from 'node:url';
import pino from 'pino';
import type { Notifier } from '../src/notify/notifier.js';
import { notifiers } from '../src/notify/registry.js';
import { pluginConformance } from './plugin-conformance.js';

const DIR = fileURLToPath(new URL('../src/notify/', import.meta.url));

pluginConformance(
  'notifier',
  DIR,
  notifiers,
  () => ({ log: pino({ level: 'silent' }) }),
  (notifier) => (notifier as Notifier).close(),
);
