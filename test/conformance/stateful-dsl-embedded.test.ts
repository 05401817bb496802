import { statefulDslSuite } from './stateful-dsl-cases.js';
import { embeddedTarget } from './suite-target.js';

statefulDslSuite(embeddedTarget);
