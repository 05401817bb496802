import { streamsAppSuite } from './app-cases.js';
import { kafkaTarget } from './suite-target.js';

streamsAppSuite(kafkaTarget);
