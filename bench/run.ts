// `npm run bench`: runs every bench/*.bench.ts (or the ones named on the command line) against
// a real PostgreSQL — CRM_BENCH_DATABASE_URL, the test server when it answers, or an embedded one
// — and prints one line of figures per measurement, plus a JSON summary.
import { readdirSync } from 'node:fs';
import path from 'node:path';

import { closeAllDatabases } from '../core/store/database';
import { resolveTestServer } from '../test/setup/testDatabaseServer';

export interface BenchContext {
	databaseUrl: string;
	/** Records one figure; printed as it comes and gathered for the summary. */
	report(name: string, value: number, unit: string, note?: string): void;
}

export interface Bench {
	name: string;
	run(context: BenchContext): Promise<void>;
}

async function main() {
	const only = process.argv.slice(2);
	const files = readdirSync(__dirname)
		.filter((file) => file.endsWith('.bench.ts'))
		.filter((file) => only.length === 0 || only.some((name) => file.includes(name)))
		.sort();
	if (process.env.CRM_BENCH_DATABASE_URL)
		process.env.CRM_TEST_DATABASE_URL = process.env.CRM_BENCH_DATABASE_URL;
	const { url, embedded } = await resolveTestServer();
	console.log(
		`benchmarks on ${embedded ? 'an embedded PostgreSQL' : url.replace(/:[^:@/]*@/, ':***@')}, Node ${process.version}`,
	);
	const results: Array<{
		bench: string;
		name: string;
		value: number;
		unit: string;
		note?: string;
	}> = [];
	try {
		for (const file of files) {
			// eslint-disable-next-line @typescript-eslint/no-require-imports
			const bench = (require(path.join(__dirname, file)) as { default: Bench }).default;
			console.log(`\n## ${bench.name}`);
			await bench.run({
				databaseUrl: url,
				report(name, value, unit, note) {
					results.push({ bench: bench.name, name, value, unit, note });
					console.log(
						`  ${name}: ${Number(value.toPrecision(4))} ${unit}${note ? `  (${note})` : ''}`,
					);
				},
			});
		}
	} finally {
		await closeAllDatabases();
		if (embedded) await embedded.stop();
	}
	console.log(`\n${JSON.stringify({ results })}`);
}

main().catch((error: unknown) => {
	console.error(error);
	process.exit(1);
});
