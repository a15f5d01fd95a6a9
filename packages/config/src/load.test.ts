// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${VAR} in these strings is config text, not a template.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Type } from '@sinclair/typebox';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './index.js';

const Schema = Type.Object(
  { site: Type.String(), mqtt: Type.Object({ url: Type.String(), password: Type.Optional(Type.String()) }) },
  { additionalProperties: false },
);

const dir = mkdtempSync(join(tmpdir(), 'wattbus-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

function loadError(file: string, env: NodeJS.ProcessEnv = {}): ConfigError {
  try {
    loadConfig(file, Schema, { env });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('loads, interpolates and validates a file', () => {
    const file = write('ok.yaml', 'site: home\nmqtt:\n  url: mqtt://x\n  password: ${PW}\n');
    expect(loadConfig(file, Schema, { env: { PW: 'pw' } })).toEqual({
      site: 'home',
      mqtt: { url: 'mqtt://x', password: 'pw' },
    });
  });

  it('names the file in validation errors', () => {
    const file = write('bad.yaml', 'site: home\nmqtt: {}\nsitee: x\n');
    const error = loadError(file);
    expect(error.file).toBe(file);
    expect(error.message).toBe(
      `Invalid config ${file}:\n  - sitee: unknown key (did you mean "site"?)\n  - mqtt: missing required key "url"`,
    );
  });

  it('names the file and the unset variable', () => {
    const file = write('env.yaml', 'site: home\nmqtt:\n  url: mqtt://x\n  password: ${PW}\n');
    expect(loadError(file).message).toBe(
      `Invalid config ${file}:\n  - mqtt.password: environment variable PW is not set`,
    );
  });

  it('reports YAML syntax errors with the file and line', () => {
    const file = write('syntax.yaml', 'site: home\nmqtt: [\n');
    const error = loadError(file);
    expect(error.file).toBe(file);
    expect(error.message).toMatch(new RegExp(`^Invalid YAML in ${file}:\\n  - line \\d+:\\d+: `));
  });

  it('reports a missing file', () => {
    const file = join(dir, 'nope.yaml');
    const error = loadError(file);
    expect(error.file).toBe(file);
    expect(error.issues).toEqual([{ path: '', message: 'file not found' }]);
    expect(error.message).toBe(`Cannot read config ${file}: file not found`);
    expect(error.cause).toMatchObject({ code: 'ENOENT' });
  });

  it('reports a directory given as the file', () => {
    expect(loadError(dir).message).toBe(`Cannot read config ${dir}: is a directory, not a file`);
  });
});
