import { randomBytes } from 'node:crypto';
import { EmbeddedBroker } from '../../src/broker/embedded/index.js';
import { streamsAppSuite } from './app-cases.js';

streamsAppSuite('the embedded broker', {
  makeBroker: async () => new EmbeddedBroker(),
  uniqueName: (prefix) => `${prefix}_${randomBytes(5).toString('hex')}`,
  appConfig: () => ({}),
});
