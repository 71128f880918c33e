import { migration001 } from './001-initial';
import { migration002 } from './002-evaluations-checkpoints-utility';
import { migration003 } from './003-dataset-tasks-test-split';
import { migration004 } from './004-run-history';
import { migration005 } from './005-evaluation-wall-clock';
import { migration006 } from './006-held-out-test-split';
import { migration007 } from './007-run-owners';
import { migration008 } from './008-answer-predictions';
import { migration009 } from './009-pretraining-runs';
import { migration010 } from './010-run-workers';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** Every migration, in order. Versions are 1..N with no gaps (checked by test/integration/db.test.ts). */
export const migrations: readonly Migration[] = [migration001, migration002, migration003, migration004, migration005, migration006, migration007, migration008, migration009, migration010];
