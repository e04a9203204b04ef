import { describe } from 'vitest';
import { isolationSmokeTest } from './isolation.js';

describe('test harness: a database per file (b)', () => isolationSmokeTest('b', 'a'));
