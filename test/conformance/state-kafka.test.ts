import { stateSuite } from './state-cases.js';
import { kafkaTarget } from './suite-target.js';

stateSuite(kafkaTarget);
