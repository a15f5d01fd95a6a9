import { describe, expect, it } from 'vitest';
import { filters, isSiteId, parseTopic, TopicError, topics } from './topics.js';

describe('topic builders', () => {
  it('build the contract v1 topics', () => {
    expect(topics.reading('house-12', 'main')).toBe('wattbus/v1/house-12/main/reading');
    expect(topics.status('house-12')).toBe('wattbus/v1/house-12/status');
    expect(topics.info('house-12')).toBe('wattbus/v1/house-12/info');
    expect(topics.health('house-12')).toBe('wattbus/v1/house-12/health');
    expect(topics.alert('house-12', 'missing-data')).toBe('wattbus/v1/alerts/house-12/missing-data');
    expect(topics.dlq('sink-worker')).toBe('wattbus/v1/dlq/sink-worker');
    expect(topics.receipt('house-12', 'sink-influx')).toBe('wattbus/v1/house-12/receipt/sink-influx');
    expect(filters.siteReceipts('house-12')).toBe('wattbus/v1/house-12/receipt/+');
    expect(() => topics.receipt('house-12', 'reading')).toThrow('consumer id "reading" is reserved');
    expect(() => topics.receipt('dlq', 'sink')).toThrow(TopicError);
    expect(filters.shared('sinks', filters.readings)).toBe('$share/sinks/wattbus/v1/+/+/reading');
    expect(filters.siteReadings('house-12')).toBe('wattbus/v1/house-12/+/reading');
    expect(() => filters.siteReadings('alerts')).toThrow(TopicError);
  });

  it.each([
    ['+', 'main'],
    ['#', 'main'],
    ['', 'main'],
    ['House', 'main'],
    ['a/b', 'main'],
    ['x'.repeat(65), 'main'],
    ['alerts', 'main'],
    ['dlq', 'main'],
    ['house', 'status'],
    ['house', 'receipt'],
    ['house', ''],
  ])('reject site %j meter %j', (site, meter) => {
    expect(() => topics.reading(site, meter)).toThrow(TopicError);
  });
});

describe('parseTopic', () => {
  it('round-trips every kind', () => {
    expect(parseTopic('wattbus/v1/house-12/main/reading')).toEqual({
      kind: 'reading',
      site: 'house-12',
      meter: 'main',
    });
    expect(parseTopic('wattbus/v1/house-12/status')).toEqual({ kind: 'status', site: 'house-12' });
    expect(parseTopic('wattbus/v1/house-12/info')).toEqual({ kind: 'info', site: 'house-12' });
    expect(parseTopic('wattbus/v1/house-12/health')).toEqual({ kind: 'health', site: 'house-12' });
    expect(parseTopic('wattbus/v1/alerts/house-12/overload')).toEqual({
      kind: 'alert',
      site: 'house-12',
      rule: 'overload',
    });
    expect(parseTopic('wattbus/v1/dlq/sink')).toEqual({ kind: 'dlq', consumer: 'sink' });
    expect(parseTopic('wattbus/v1/house-12/receipt/sink-influx')).toEqual({
      kind: 'receipt',
      site: 'house-12',
      consumer: 'sink-influx',
    });
  });

  it.each([
    ['wattbus/v1/+/main/reading', 'wildcards are not allowed'],
    ['wattbus/v1/#', 'wildcards are not allowed'],
    ['wattbus/v1//main/reading', 'empty topic level'],
    ['wattbus/v1/house-12/main/reading/', 'empty topic level'],
    ['wattbus/v2/house-12/main/reading', 'unsupported contract version "v2"'],
    ['other/v1/house-12/main/reading', 'not a wattbus topic'],
    ['wattbus/v1/House_12/main/reading', 'bad site id "House_12"'],
    ['wattbus/v1/house-12/main/readings', 'unknown wattbus topic layout'],
    ['wattbus/v1/dlq/main/reading', 'site id "dlq" is reserved'],
    ['wattbus/v1/house-12/receipt/reading', 'consumer id "reading" is reserved'],
    ['wattbus/v1/house-12/receipt/Sink', 'bad consumer id "Sink"'],
    ['wattbus/v1/house-12/receipt', 'unknown wattbus topic layout'],
    ['wattbus/v1/alerts/house-12/receipt', 'rule id "receipt" is reserved'],
  ])('rejects %s', (topic, message) => {
    expect(() => parseTopic(topic)).toThrow(message);
  });
});

describe('isSiteId', () => {
  it('takes ids of the contract pattern that are not reserved', () => {
    expect(['house-12', 'a', 'x_1-2'].every(isSiteId)).toBe(true);
    for (const bad of ['', 'House', 'a/b', '-a', 'alerts', 'dlq', 'x'.repeat(65), 12, null]) {
      expect(isSiteId(bad), String(bad)).toBe(false);
    }
  });
});
