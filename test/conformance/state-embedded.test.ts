import { stateSuite } from './state-cases.js';
import { embeddedTarget } from './suite-target.js';

stateSuite(embeddedTarget);
