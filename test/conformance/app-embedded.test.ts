import { streamsAppSuite } from './app-cases.js';
import { embeddedTarget } from './suite-target.js';

streamsAppSuite(embeddedTarget);
