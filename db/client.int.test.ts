import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { closeDb, db, relaxedDb } from './client';

afterAll(() => closeDb());

describe('the database clients', () => {
  it('commits through `db` only once the write-ahead log is on disk, through `relaxedDb` without waiting for it', async () => {
    const setting = async (client: typeof db) => (await client.execute<{ synchronous_commit: string }>(sql`show synchronous_commit`)).rows[0].synchronous_commit;
    expect(await setting(db)).toBe('on');
    expect(await setting(relaxedDb)).toBe('off');
  });

  it('shows what `relaxedDb` committed to `db` at once (only durability is relaxed, not visibility)', async () => {
    // A temporary table is per connection: use a real one, unique to this run.
    const table = sql.identifier(`relaxed_visibility_${process.pid}_${Date.now()}`);
    await db.execute(sql`create table ${table} (n int)`);
    try {
      await relaxedDb.execute(sql`insert into ${table} values (42)`);
      expect((await db.execute<{ n: number }>(sql`select n from ${table}`)).rows).toEqual([{ n: 42 }]);
    } finally {
      await db.execute(sql`drop table ${table}`);
    }
  });
});
