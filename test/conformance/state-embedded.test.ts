import { randomBytes } from 'node:crypto';
import { EmbeddedBroker } from '../../src/broker/embedded/index.js';
import { stateSuite } from './state-cases.js';

stateSuite('the embedded broker', {
  makeBroker: async () => new EmbeddedBroker(),
  uniqueName: (prefix) => `${prefix}_${randomBytes(5).toString('hex')}`,
  appConfig: () => ({}),
});
