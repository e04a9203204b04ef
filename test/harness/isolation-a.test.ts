import { describe } from 'vitest';
import { isolationSmokeTest } from './isolation.js';

describe('test harness: a database per file (a)', () => isolationSmokeTest('a', 'b'));
