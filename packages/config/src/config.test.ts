// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${VAR} in these strings is config text, not a template.
import { type Static, Type } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from './index.js';

const Role = Type.Union([
  Type.Literal('grid'),
  Type.Literal('consumption'),
  Type.Literal('production'),
  Type.Literal('other'),
]);

const Channel = Type.Object(
  {
    id: Type.String({ pattern: '^[a-z0-9_]+$', description: 'lowercase letters, digits and underscores' }),
    role: Role,
  },
  { additionalProperties: false },
);

const common = {
  id: Type.String({ minLength: 1 }),
  interval_ms: Type.Integer({ minimum: 1000, default: 5000 }),
  channels: Type.Array(Channel, { minItems: 1 }),
};

const ModbusMeter = Type.Object(
  {
    ...common,
    driver: Type.Literal('modbus'),
    host: Type.String(),
    port: Type.Integer({ minimum: 1, maximum: 65535, default: 502 }),
    password: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);

const SmlMeter = Type.Object(
  { ...common, driver: Type.Literal('sml'), device: Type.String(), baud: Type.Integer({ default: 9600 }) },
  { additionalProperties: false },
);

const AgentConfig = Type.Object(
  {
    site: Type.String({ minLength: 1 }),
    mqtt: Type.Object(
      {
        url: Type.String({ format: 'uri' }),
        username: Type.Optional(Type.String()),
        password: Type.Optional(Type.String()),
        keepalive_s: Type.Integer({ minimum: 1, default: 30 }),
      },
      { additionalProperties: false },
    ),
    meters: Type.Array(Type.Union([ModbusMeter, SmlMeter])),
    log_level: Type.Union([Type.Literal('debug'), Type.Literal('info'), Type.Literal('warn')], {
      default: 'info',
    }),
  },
  { additionalProperties: false },
);
type AgentConfig = Static<typeof AgentConfig>;

const VALID = `
site: home
mqtt:
  url: mqtt://broker.local:1883
  username: agent
meters:
  - id: main
    driver: modbus
    host: 10.0.0.5
    channels:
      - { id: import, role: grid }
      - { id: pv, role: production }
  - id: heatpump
    driver: sml
    device: /dev/ttyUSB0
    interval_ms: 2000
    channels:
      - { id: total, role: consumption }
`;

/** Parses and returns the ConfigError it must throw. */
function configError(text: string, env: NodeJS.ProcessEnv = {}): ConfigError {
  try {
    parseConfig(text, AgentConfig, { source: 'agent.yaml', env });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

/** VALID with one line replaced. */
function edit(from: string, to: string): string {
  expect(VALID).toContain(from);
  return VALID.replace(from, () => to);
}

describe('parseConfig: valid input', () => {
  it('returns the typed config with defaults applied, also inside union alternatives', () => {
    const config: AgentConfig = parseConfig(VALID, AgentConfig, { source: 'agent.yaml', env: {} });
    expect(config.site).toBe('home');
    expect(config.log_level).toBe('info');
    expect(config.mqtt).toEqual({ url: 'mqtt://broker.local:1883', username: 'agent', keepalive_s: 30 });
    expect(config.meters[0]).toMatchObject({ driver: 'modbus', port: 502, interval_ms: 5000 });
    expect(config.meters[1]).toMatchObject({ driver: 'sml', baud: 9600, interval_ms: 2000 });
  });

  it('does not share default objects between results', () => {
    const Schema = Type.Object({ tags: Type.Array(Type.String(), { default: [] }) });
    const a = parseConfig('{}', Schema, { env: {} });
    a.tags.push('x');
    expect(parseConfig('{}', Schema, { env: {} }).tags).toEqual([]);
  });
});

describe('parseConfig: validation messages', () => {
  it('suggests the intended key for a typo', () => {
    const error = configError(edit('  url: mqtt://', '  urll: mqtt://'));
    expect(error.issues).toContainEqual({ path: 'mqtt.urll', message: 'unknown key (did you mean "url"?)' });
    expect(error.issues).toContainEqual({ path: 'mqtt', message: 'missing required key "url"' });
    expect(error.file).toBe('agent.yaml');
    expect(error.message).toContain('Invalid config agent.yaml:\n');
    expect(error.message).toContain('\n  - mqtt.urll: unknown key (did you mean "url"?)');
  });

  it('lists the allowed keys for an unknown key that resembles none', () => {
    const error = configError(edit('  username: agent', '  username: agent\n  colour: blue'));
    expect(error.issues).toEqual([
      { path: 'mqtt.colour', message: 'unknown key (allowed: url, username, password, keepalive_s)' },
    ]);
  });

  it('reports a wrong type with the expected type, bounds and actual value', () => {
    const error = configError(edit('    interval_ms: 2000', '    interval_ms: fast'));
    expect(error.issues).toEqual([{ path: 'meters[1].interval_ms', message: 'expected integer ≥ 1000, got "fast"' }]);
  });

  it('reports values out of range', () => {
    const error = configError(edit('    host: 10.0.0.5', '    host: 10.0.0.5\n    port: 70000'));
    expect(error.issues).toEqual([
      { path: 'meters[0].port', message: 'expected integer between 1 and 65535, got 70000' },
    ]);
  });

  it('reports a missing required key at the object that lacks it', () => {
    const error = configError(VALID.replace('site: home\n', ''));
    expect(error.issues).toEqual([{ path: '(root)', message: 'missing required key "site"' }]);
    expect(error.message).toBe('Invalid config agent.yaml:\n  - (root): missing required key "site"');
  });

  it('writes nested array paths with indexes', () => {
    const error = configError(edit('{ id: pv, role: production }', '{ id: pv, role: solar }'));
    expect(error.issues).toEqual([
      {
        path: 'meters[0].channels[1].role',
        message: 'expected one of: grid, consumption, production, other (got "solar")',
      },
    ]);
  });

  it('suggests the closest enum value', () => {
    const error = configError(edit('role: grid', 'role: gird'));
    expect(error.issues[0]?.message).toBe(
      'expected one of: grid, consumption, production, other (got "gird"; did you mean "grid"?)',
    );
  });

  it('shows the pattern and the schema description', () => {
    const error = configError(edit('{ id: import,', '{ id: Import-1,'));
    expect(error.issues).toEqual([
      {
        path: 'meters[0].channels[0].id',
        message:
          'expected a string matching /^[a-z0-9_]+$/ (lowercase letters, digits and underscores), got "Import-1"',
      },
    ]);
  });

  it('checks formats', () => {
    const error = configError(edit('url: mqtt://broker.local:1883', 'url: broker.local'));
    expect(error.issues).toEqual([{ path: 'mqtt.url', message: 'expected a valid uri, got "broker.local"' }]);
  });

  it('judges a tagged union member by its own alternative only', () => {
    const error = configError(edit('    device: /dev/ttyUSB0', '    device: /dev/ttyUSB0\n    host: x'));
    expect(error.issues).toEqual([
      {
        path: 'meters[1].host',
        message: 'unknown key (allowed: id, interval_ms, channels, driver, device, baud)',
      },
    ]);
  });

  it('reports an unknown union tag as one line', () => {
    const error = configError(edit('driver: sml', 'driver: dlms'));
    expect(error.issues).toEqual([{ path: 'meters[1].driver', message: 'expected one of: modbus, sml (got "dlms")' }]);
  });

  it('reports a missing union tag', () => {
    const error = configError(edit('    driver: sml\n', ''));
    expect(error.issues).toEqual([
      { path: 'meters[1]', message: 'missing required key "driver" (one of: modbus, sml)' },
    ]);
  });

  it('collapses a union of plain types into one line', () => {
    const Schema = Type.Object({ timeout: Type.Union([Type.Literal('auto'), Type.Integer({ minimum: 1 })]) });
    const parse = (text: string) => () => parseConfig(text, Schema, { source: 's.yaml', env: {} });
    expect(parse('timeout: [1]')).toThrow('  - timeout: expected "auto" or integer ≥ 1, got [1]');
    expect(parse('timeout: 0')).toThrow('  - timeout: expected integer ≥ 1, got 0');
    expect(parse('timeout: aut')).toThrow('  - timeout: expected "auto", got "aut"');
  });

  it("names a union's description when the value is of none of its types", () => {
    const Url = Type.String({ pattern: '^mqtt://' });
    const Schema = Type.Object({
      url: Type.Union([Url, Type.Array(Url, { minItems: 1 })], { description: 'a URL, or a list of URLs' }),
    });
    const parse = (text: string) => () => parseConfig(text, Schema, { env: {} });
    expect(parse('url: 42')).toThrow('  - url: expected string or array (a URL, or a list of URLs), got 42');
    expect(parse('url: [mqtt://a, http://b]')).toThrow(
      '  - url[1]: expected a string matching /^mqtt:///, got "http://b"',
    );
    expect(parse('url: []')).toThrow('  - url: expected at least 1 item, got 0');
  });

  it('reports a const mismatch', () => {
    const Schema = Type.Object({ version: Type.Literal(1) });
    expect(() => parseConfig('version: 2', Schema, { env: {} })).toThrow('  - version: expected 1, got 2');
  });

  it('truncates long values', () => {
    const error = configError(edit('site: home', `site: [${'x, '.repeat(40)}x]`));
    expect(error.issues).toEqual([
      { path: 'site', message: 'expected non-empty string, got ["x","x","x","x","x","x","x","x","x","x…' },
    ]);
  });

  it('reports an empty file as a wrong root type', () => {
    const error = configError('');
    expect(error.issues).toEqual([{ path: '(root)', message: 'expected object, got null' }]);
  });

  it('collects every problem into one message', () => {
    const error = configError(
      edit('site: home', 'site: ""').replace('interval_ms: 2000', 'interval_ms: 10').replace('role: grid', 'role: x'),
    );
    expect(error.message).toBe(
      [
        'Invalid config agent.yaml:',
        '  - site: must not be empty',
        '  - meters[0].channels[0].role: expected one of: grid, consumption, production, other (got "x")',
        '  - meters[1].interval_ms: expected integer ≥ 1000, got 10',
      ].join('\n'),
    );
  });
});

describe('parseConfig: environment interpolation', () => {
  const withPassword = (value: string) => edit('  username: agent', `  username: agent\n  password: ${value}`);

  it('substitutes a set variable', () => {
    const config = parseConfig(withPassword('${WATTBUS_PW}'), AgentConfig, { env: { WATTBUS_PW: 's3cret' } });
    expect(config.mqtt.password).toBe('s3cret');
  });

  it('substitutes inside a longer string', () => {
    const text = edit('url: mqtt://broker.local:1883', 'url: mqtt://${MQTT_HOST}:${MQTT_PORT:-1883}');
    const config = parseConfig(text, AgentConfig, { env: { MQTT_HOST: 'mqtt.example' } });
    expect(config.mqtt.url).toBe('mqtt://mqtt.example:1883');
  });

  it('uses the default when the variable is unset or empty', () => {
    const text = withPassword('${WATTBUS_PW:-fallback}');
    expect(parseConfig(text, AgentConfig, { env: {} }).mqtt.password).toBe('fallback');
    expect(parseConfig(text, AgentConfig, { env: { WATTBUS_PW: '' } }).mqtt.password).toBe('fallback');
  });

  it('fails on an unset variable, naming the key path and the variable', () => {
    const text = edit('    host: 10.0.0.5', '    host: 10.0.0.5\n    password: ${WATTBUS_PW}');
    const error = configError(text);
    expect(error.issues).toEqual([
      { path: 'meters[0].password', message: 'environment variable WATTBUS_PW is not set' },
    ]);
    expect(error.message).toBe(
      'Invalid config agent.yaml:\n  - meters[0].password: environment variable WATTBUS_PW is not set',
    );
  });

  it('keeps an escaped $${...} literally', () => {
    const config = parseConfig(withPassword('"$${NOT_A_VAR}x"'), AgentConfig, { env: {} });
    expect(config.mqtt.password).toBe('${NOT_A_VAR}x');
  });

  it('reads an unquoted substituted number as a number, a quoted one as a string', () => {
    const Schema = Type.Object({ port: Type.Integer(), tls: Type.Boolean(), pin: Type.String() });
    const env = { PORT: '8883', TLS: 'true', PIN: '0042' };
    const config = parseConfig('port: ${PORT}\ntls: ${TLS}\npin: "${PIN}"', Schema, { env });
    expect(config).toEqual({ port: 8883, tls: true, pin: '0042' });
  });

  it('leaves keys and non-string values alone', () => {
    const Schema = Type.Record(Type.String(), Type.Unknown());
    const config = parseConfig('${KEY}: 5\nplain: $HOME\n', Schema, { env: { KEY: 'k', HOME: '/h' } });
    expect(config).toEqual({ '${KEY}': 5, plain: '$HOME' });
  });

  it('rejects a malformed reference', () => {
    const error = configError(withPassword('${WATTBUS PW}'));
    expect(error.issues[0]?.path).toBe('mqtt.password');
    expect(error.issues[0]?.message).toContain('invalid variable reference "${WATTBUS PW}"');
  });
});

describe('parseConfig: YAML syntax', () => {
  it('reports syntax errors with line and column and the offending line', () => {
    const error = configError('site: home\nmqtt:\n  url: a: b\n');
    expect(error.issues).toHaveLength(1);
    expect(error.issues[0]).toMatchObject({ path: '', line: 3, column: 8 });
    expect(error.message).toBe(
      [
        'Invalid YAML in agent.yaml:',
        '  - line 3:8: Nested mappings are not allowed in compact mappings',
        '    3 |   url: a: b',
        '      |        ^',
      ].join('\n'),
    );
  });

  it('hints at quoting when ${...} breaks a flow collection', () => {
    const error = configError('site: home\ntags: [${TAG}]\n');
    expect(error.issues[0]).toMatchObject({ line: 2 });
    expect(error.message).toContain('quote values that use ${...}');
  });

  it('rejects more than one document', () => {
    const error = configError('site: a\n---\nsite: b\n');
    expect(error.message).toContain('line 2:1: a config file must hold a single YAML document');
  });

  it('rejects duplicate keys', () => {
    const error = configError('site: a\nsite: b\n');
    expect(error.message).toContain('line 2:1: Map keys must be unique');
  });
});

describe('schemas', () => {
  it('rejects an invalid schema as a programming error, not a ConfigError', () => {
    const Schema = Type.Object({ n: Type.Integer({ minimun: 1 } as never) });
    const parse = () => parseConfig('n: 1', Schema, { env: {} });
    expect(parse).toThrow(/Invalid config schema: .*minimun/);
    expect(parse).toThrow(/Invalid config schema/);
    expect(parse).not.toThrow(ConfigError);
  });
});
