import { errors } from 'cassandra-driver';
import { describe, expect, it } from 'vitest';
import { testConfig as config } from '../../test/cassandra-config.js';
import { toSinkError } from './errors.js';
import { durabilityWarning, schemaWarning } from './server-checks.js';

describe('what the Cassandra sink tells an operator', () => {
  it('warns when the node acknowledges writes before its commit log is synced', () => {
    expect(durabilityWarning('periodic', config)).toMatchObject({
      message: expect.stringContaining('commitlog_sync: periodic'),
      fields: { commitlog_sync: 'periodic', consistency: 'local_quorum' },
    });
    for (const safe of ['batch', 'group', undefined]) expect(durabilityWarning(safe, config)).toBeUndefined();
  });

  it('warns about non-frozen maps left by an earlier version, naming them', () => {
    expect(schemaWarning(['labels', 'values'], 'wattbus')).toMatchObject({
      message: expect.stringContaining('wattbus.readings has non-frozen map columns'),
      fields: { keyspace: 'wattbus', columns: ['labels', 'values'] },
    });
    expect(schemaWarning([], 'wattbus')).toBeUndefined();
  });

  it("says which hosts failed on one line, without the driver's stack traces", () => {
    const refused = new Error('connect ECONNREFUSED 127.0.0.1:9042');
    refused.stack = `${refused.message}\n    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1555:16)`;
    const driverError = new errors.NoHostAvailableError({ '127.0.0.1:9042': refused, '127.0.0.2:9042': refused });
    expect(driverError.message).toContain('\n'); // what the worker logged before
    const error = toSinkError(driverError, 'write of 3 readings');
    expect(error.message).toBe(
      'sink cassandra: write of 3 readings: All host(s) tried for query failed (127.0.0.1:9042: connect ECONNREFUSED 127.0.0.1:9042; 127.0.0.2:9042: connect ECONNREFUSED 127.0.0.1:9042)',
    );
    expect(error.permanent).toBe(false);
    expect(toSinkError(new errors.NoHostAvailableError({}), 'write').message).toBe(
      'sink cassandra: write: All host(s) tried for query failed (no node is up yet)',
    );
  });
});
