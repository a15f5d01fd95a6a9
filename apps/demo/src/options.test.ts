import { describe, expect, it } from 'vitest';
import { parseOptions } from './options.js';

describe('parseOptions', () => {
  it('defaults to port 1883', () => {
    expect(parseOptions([], {})).toEqual({ ok: true, options: { port: 1883, help: false } });
  });

  it('takes --port, over WATTBUS_DEMO_PORT', () => {
    expect(parseOptions(['--port', '18830'], { WATTBUS_DEMO_PORT: '1999' })).toMatchObject({
      ok: true,
      options: { port: 18830 },
    });
    expect(parseOptions(['--port=1884'], {})).toMatchObject({ options: { port: 1884 } });
    expect(parseOptions([], { WATTBUS_DEMO_PORT: '1999' })).toMatchObject({ options: { port: 1999 } });
  });

  it('rejects bad ports and unknown options with a message', () => {
    expect(parseOptions(['--port', 'abc'], {})).toEqual({
      ok: false,
      error: '--port: expected a port number between 1 and 65535, got "abc"',
    });
    expect(parseOptions(['--port', '70000'], {})).toMatchObject({ ok: false });
    expect(parseOptions([], { WATTBUS_DEMO_PORT: '0' })).toMatchObject({
      ok: false,
      error: expect.stringContaining('WATTBUS_DEMO_PORT'),
    });
    expect(parseOptions(['--verbose'], {})).toMatchObject({ ok: false, error: expect.stringContaining('--verbose') });
  });

  it('knows --help', () => {
    expect(parseOptions(['--help'], {})).toMatchObject({ ok: true, options: { help: true } });
  });
});
