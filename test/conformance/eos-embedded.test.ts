import { randomBytes } from 'node:crypto';
import { EmbeddedBroker } from '../../src/broker/embedded/index.js';
import { exactlyOnceSuite } from './eos-cases.js';

exactlyOnceSuite('the embedded broker', {
  makeBroker: async () => new EmbeddedBroker(),
  uniqueName: (prefix) => `${prefix}_${randomBytes(5).toString('hex')}`,
  appConfig: () => ({}),
});
