import { defineNotifier } from '../notifier.js';
import { EmailConfigSchema } from './config.js';
import { EmailNotifier } from './email.js';

export const emailNotifier = defineNotifier({
  name: 'email',
  description: "Mails alert changes to the site's recipients over SMTP, collected per recipient into digests",
  configSchema: EmailConfigSchema,
  create: (config, { log }) => new EmailNotifier(config, log),
});
