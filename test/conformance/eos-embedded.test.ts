import { exactlyOnceSuite } from './eos-cases.js';
import { embeddedTarget } from './suite-target.js';

exactlyOnceSuite(embeddedTarget);
