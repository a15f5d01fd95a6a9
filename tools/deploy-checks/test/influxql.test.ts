import { describe, expect, it } from 'vitest';
import { FIELDS, MEASUREMENT, TAGS } from '../src/influx-schema.js';
import { checkQuery, queryRefs } from '../src/influxql.js';

const schema = { measurement: MEASUREMENT, fields: FIELDS, tags: TAGS };
const W = '"site" =~ /^$site$/ AND $timeFilter';

describe('the written schema', () => {
  it('is the sink measurement with every registry value name and seq', () => {
    expect(MEASUREMENT).toBe('reading');
    for (const f of ['power_w', 'energy_import_wh', 'voltage_v_l1', 'frequency_hz', 'power_factor', 'seq']) {
      expect(FIELDS.has(f), f).toBe(true);
    }
    expect(FIELDS.has('power')).toBe(false);
    expect([...TAGS].sort()).toEqual(['channel', 'city', 'meter', 'postcode', 'role', 'site', 'tariff']);
  });
});

describe('checkQuery', () => {
  it('reads the queries the dashboards use', () => {
    const q = `SELECT mean("voltage_v") AS "V", spread("energy_import_wh") / 1000 FROM "reading" WHERE "role" = 'grid' AND ${W} GROUP BY time($__interval), "meter", "channel" fill(none) tz('$timezone')`;
    expect(queryRefs(q)).toEqual({
      measurements: ['reading'],
      fields: ['voltage_v', 'energy_import_wh'],
      whereKeys: ['role', 'site'],
      tags: ['meter', 'channel'],
    });
    expect(checkQuery(q, schema)).toEqual([]);
    expect(checkQuery('SHOW TAG VALUES FROM "reading" WITH KEY = "meter" WHERE "site" =~ /^$site$/', schema)).toEqual(
      [],
    );
  });

  it.each([
    ['SELECT mean("power_w") FROM "readings" WHERE $timeFilter', 'measurement "readings" is not written'],
    ['SELECT mean("power") FROM "reading" WHERE $timeFilter', 'field "power" is not written'],
    ['SELECT mean("power_w") FROM "reading" WHERE $timeFilter GROUP BY "street"', 'tag "street" is not written'],
    ['SELECT mean("power_w") FROM "reading" WHERE "host" = \'a\'', 'WHERE key "host" is neither a tag nor a field'],
    ['SHOW TAG VALUES FROM "reading" WITH KEY = "agent"', 'tag "agent" is not written'],
    ['SELECT mean(power_w) FROM "reading"', 'SELECT: unquoted name "power_w" (quote field names)'],
    ['SELECT mean(/^voltage/) FROM "reading"', 'cannot read the query at "^voltage/)'],
    ['SELECT sum("p") FROM (SELECT mean("power_w") AS "p" FROM "reading")', 'FROM must name one measurement'],
    ['SELECT mean("power_w") FROM "reading" WHERE site = \'a\'', 'WHERE: unquoted name "site"'],
    ['SELECT mean("power_w") FROM "reading" GROUP BY role', 'GROUP BY: unquoted or unknown "role"'],
  ])('fails on %s', (query, problem) => {
    const problems = checkQuery(query, schema);
    expect(problems.join('; ')).toContain(problem);
  });
});
