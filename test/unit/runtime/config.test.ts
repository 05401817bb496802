import { describe, expect, it } from 'vitest';
import { ConfigError, resolveConfig, type StreamsConfig } from '../../../src/runtime/config.js';

describe('resolveConfig', () => {
  it('fills defaults', () => {
    const config = resolveConfig({ applicationId: 'app-1' });
    expect(config).toMatchObject({
      applicationId: 'app-1',
      brokers: [],
      commitIntervalMs: 1000,
      processingGuarantee: 'at_least_once',
      deserializationExceptionHandler: 'continue',
      processingExceptionHandler: 'continue',
      clientId: 'app-1',
    });
  });

  it.each<[string, object, RegExp]>([
    ['applicationId', { applicationId: 'has space' }, /invalid config 'applicationId'/],
    ['applicationId', {}, /invalid config 'applicationId': required/],
    ['brokers', { applicationId: 'a', brokers: ['localhost'] }, /invalid config 'brokers'.*host:port/],
    ['commitIntervalMs', { applicationId: 'a', commitIntervalMs: -5 }, /invalid config 'commitIntervalMs': must be a positive integer/],
    ['processingGuarantee', { applicationId: 'a', processingGuarantee: 'exactly_once' }, /invalid config 'processingGuarantee'/],
    ['deserializationExceptionHandler', { applicationId: 'a', deserializationExceptionHandler: 'ignore' }, /'deserializationExceptionHandler'/],
  ])('names the bad key %s', (key, config, message) => {
    expect(() => resolveConfig(config as StreamsConfig)).toThrowError(message);
    try {
      resolveConfig(config as StreamsConfig);
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).key).toBe(key);
    }
  });

  it('rejects unknown keys and suggests the closest known one', () => {
    expect(() => resolveConfig({ applicationId: 'a', comitIntervalMs: 10 } as StreamsConfig)).toThrowError(
      "invalid config 'comitIntervalMs': unknown key (did you mean 'commitIntervalMs'?)",
    );
    expect(() => resolveConfig({ applicationId: 'a', zzz: 1 } as StreamsConfig)).toThrowError("invalid config 'zzz': unknown key");
  });
});
