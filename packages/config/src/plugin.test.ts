import { Type } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { buildRegistry, configSchemas, type DefinePlugin, definePlugin } from './plugin.js';

const defineGreeter: DefinePlugin<{ punctuation: string }, () => string> = definePlugin;

const hello = defineGreeter({
  name: 'hello',
  description: 'says hello',
  configSchema: Type.Object({ to: Type.String({ default: 'world' }) }),
  // `config.to` is typed from the schema: a typo here fails the typecheck.
  create: (config, context) => () => `hello ${config.to}${context.punctuation}`,
});
const bye = defineGreeter({
  name: 'bye',
  description: 'says bye',
  configSchema: Type.Object({ times: Type.Integer({ default: 1 }) }),
  create: (config) => () => 'bye '.repeat(config.times).trim(),
});

describe('plugins', () => {
  it('a registry finds each plugin by its name, in list order, and cannot be changed', () => {
    const greeters = buildRegistry('greeter', [hello, bye]);
    expect(Object.keys(greeters)).toEqual(['hello', 'bye']);
    expect(greeters.hello.create({ to: 'you' }, { punctuation: '!' })()).toBe('hello you!');
    expect(greeters.bye.create({ times: 2 }, { punctuation: '' })()).toBe('bye bye');
    expect(Object.isFrozen(greeters)).toBe(true);
  });

  it('refuses two plugins of one name, naming it', () => {
    const again = { ...bye, name: 'hello' as string };
    expect(() => buildRegistry('greeter', [hello, again])).toThrow('two greeter plugins are named "hello"');
    // @ts-expect-error literal names are checked by the type checker too
    expect(() => buildRegistry('greeter', [hello, bye, { ...bye }])).toThrow('two greeter plugins are named "bye"');
  });

  it('gives the config schemas of a registry by plugin name, for the section that configures them', () => {
    const section = configSchemas(buildRegistry('greeter', [hello, bye]));
    expect(section).toEqual({ hello: hello.configSchema, bye: bye.configSchema });
    expect(Object.keys(section)).toEqual(['hello', 'bye']);
  });
});
