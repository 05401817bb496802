import { exactlyOnceSuite } from './eos-cases.js';
import { kafkaTarget } from './suite-target.js';

exactlyOnceSuite(kafkaTarget);
