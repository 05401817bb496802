import { statefulDslSuite } from './stateful-dsl-cases.js';
import { kafkaTarget } from './suite-target.js';

statefulDslSuite(kafkaTarget);
