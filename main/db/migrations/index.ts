import { migration001 } from './001-initial';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** Every migration, in order. Versions are 1..N with no gaps (checked by test/integration/db.test.ts). */
export const migrations: readonly Migration[] = [migration001];
