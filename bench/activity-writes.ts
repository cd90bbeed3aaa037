import pg from "pg";

/**
 * What the activity summary's triggers (migration 0011) cost the merchant's writes: the same inserts into
 * `rebuttal.activity` and into a copy of it without the triggers (same columns, indexes and foreign key), in
 * alternating rounds so drift on a shared machine hits both alike. Single-row inserts from concurrent connections
 * (an app logging events as they happen) and one bulk insert (an import).
 */
export interface WriteSide {
	singleRowsPerSecond: number;
	bulkRowsPerSecond: number;
}

export interface ActivityWrites {
	accounts: number;
	singleRowInserts: number;
	concurrency: number;
	bulkRows: number;
	withSummary: WriteSide;
	withoutTriggers: WriteSide;
	/** withSummary / withoutTriggers: below 1 is the triggers' cost. */
	ratio: { singleRows: number; bulk: number };
}

const PLAIN = "rebuttal.activity_bench_plain";
const ACCOUNTS = 50;
const ROUNDS = 2;

const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

export async function benchActivityWrites(
	databaseUrl: string,
	options: { singleRowInserts?: number; concurrency?: number; bulkRows?: number } = {},
): Promise<ActivityWrites> {
	const singleRowInserts = options.singleRowInserts ?? 4000;
	const concurrency = options.concurrency ?? 8;
	const bulkRows = options.bulkRows ?? 100_000;
	const pool = new pg.Pool({ connectionString: databaseUrl, max: concurrency });
	pool.on("error", () => {});
	try {
		await pool.query(
			`insert into rebuttal.accounts (id) select 'writes_' || g from generate_series(1, ${ACCOUNTS}) g on conflict do nothing`,
		);
		await pool.query(
			`create table ${PLAIN} (like rebuttal.activity including defaults including identity including indexes)`,
		);
		await pool.query(`alter table ${PLAIN} add foreign key (account_id) references rebuttal.accounts (id)`);

		const single = async (table: string) => {
			let next = 0;
			const started = performance.now();
			await Promise.all(
				Array.from({ length: concurrency }, async () => {
					for (let i = next++; i < singleRowInserts / ROUNDS; i = next++) {
						await pool.query(
							`insert into ${table} (account_id, occurred_at, kind, ip, device_id) values ($1, now(), $2, $3, $4)`,
							[
								`writes_${1 + (i % ACCOUNTS)}`,
								["login", "generation", "export"][i % 3],
								`203.0.113.${i % 7}`,
								`dev-${i % 3}`,
							],
						);
					}
				}),
			);
			return (performance.now() - started) / 1000;
		};
		const bulk = async (table: string) => {
			const started = performance.now();
			await pool.query(
				`insert into ${table} (account_id, occurred_at, kind, ip, device_id)
				select 'writes_' || (1 + g % ${ACCOUNTS}), now() - make_interval(secs => g * 60), (array['login','generation','export'])[1 + g % 3],
					'203.0.113.' || (g % 7), 'dev-' || (g % 3)
				from generate_series(1, ${bulkRows / ROUNDS}) g`,
			);
			return (performance.now() - started) / 1000;
		};

		const seconds = { summary: { single: 0, bulk: 0 }, plain: { single: 0, bulk: 0 } };
		for (let r = 0; r < ROUNDS; r++) {
			const order = r % 2 === 0 ? (["plain", "summary"] as const) : (["summary", "plain"] as const);
			for (const side of order) {
				const table = side === "plain" ? PLAIN : "rebuttal.activity";
				seconds[side].single += await single(table);
				seconds[side].bulk += await bulk(table);
			}
		}
		const rates = (s: { single: number; bulk: number }): WriteSide => ({
			singleRowsPerSecond: round(singleRowInserts / s.single, 0),
			bulkRowsPerSecond: round(bulkRows / s.bulk, 0),
		});
		const withSummary = rates(seconds.summary);
		const withoutTriggers = rates(seconds.plain);
		return {
			accounts: ACCOUNTS,
			singleRowInserts,
			concurrency,
			bulkRows,
			withSummary,
			withoutTriggers,
			ratio: {
				singleRows: round(withSummary.singleRowsPerSecond / withoutTriggers.singleRowsPerSecond),
				bulk: round(withSummary.bulkRowsPerSecond / withoutTriggers.bulkRowsPerSecond),
			},
		};
	} finally {
		await pool.query(`drop table if exists ${PLAIN}`).catch(() => {});
		await pool.end();
	}
}
