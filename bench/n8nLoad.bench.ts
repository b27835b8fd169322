// What the package costs n8n when no workflow uses it. n8n requires every node and credential file
// of a community package at boot; the engine bundle (dist/core/engine.js) stays out until a node
// runs, behind the stub dist/core/index.js.
//
// (a) Fresh `node` processes that require what n8n's loader requires (n8n-workflow first, as n8n
//     has it loaded already; then every node and credential file of package.json's `n8n` section,
//     instantiated, descriptions serialised): time and heap/RSS growth after gc, against a process
//     that requires n8n-workflow only, and against one that also loads the engine (what every boot
//     paid when dist/core/index.js was the bundle itself).
// (b) Real n8n boots (CRM_N8N_BIN or the cached n8n, see scripts/n8n/runtime.ts) on a throwaway
//     database of the bench's PostgreSQL server: spawn to /healthz/readiness and the main process's
//     RSS, without the package, with it, and with it laid out as before (index.js = the bundle).
//     Skipped with CRM_BENCH_N8N=0.
//
// Needs a build (`npm run build`). Runs under `npm run bench n8nLoad`.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';

import { findFreePort } from '../core/store/embeddedPostgres';
import { n8nDatabaseFromUrl, startN8nProcess } from '../scripts/n8n/instance';
import { installPackageInto } from '../scripts/n8n/packageInstall';
import { N8nRest } from '../scripts/n8n/rest';
import { ensureN8n } from '../scripts/n8n/runtime';
import type { Bench, BenchContext } from './run';

const root = path.join(__dirname, '..');
const RUNS = Number(process.env.N8N_LOAD_BENCH_RUNS ?? 5);
const BOOTS = Number(process.env.N8N_LOAD_BENCH_BOOTS ?? 3);

type Mode = 'workflow only' | 'package' | 'package + engine';

/** One fresh process: n8n-workflow, then (by mode) the package's files and the engine. */
const PROBE = `
	const path = require('path');
	const mode = process.argv[1];
	const pkg = require('./package.json');
	require('n8n-workflow');
	const measure = () => { global.gc(); return process.memoryUsage(); };
	const before = measure();
	const started = process.hrtime.bigint();
	if (mode !== 'workflow only') {
		for (const file of [...pkg.n8n.credentials, ...pkg.n8n.nodes]) {
			const instance = new (require(path.resolve(file))[path.basename(file).split('.')[0]])();
			JSON.stringify(instance.description ?? instance);
			for (const version of Object.values(instance.nodeVersions ?? {})) JSON.stringify(version.description);
		}
	}
	if (mode === 'package + engine') require('./dist/core').openDatabase;
	const ms = Number(process.hrtime.bigint() - started) / 1e6;
	const after = measure();
	const engineLoaded = Object.keys(require.cache).some((file) => file.endsWith('/dist/core/engine.js'));
	console.log(JSON.stringify({ ms, heap: after.heapUsed - before.heapUsed, rss: after.rss - before.rss,
		totalRss: after.rss, engineLoaded }));`;

interface Probe {
	ms: number;
	heap: number;
	rss: number;
	totalRss: number;
	engineLoaded: boolean;
	wallMs: number;
}

function probe(mode: Mode): Probe {
	const started = process.hrtime.bigint();
	const output = execFileSync(process.execPath, ['--expose-gc', '-e', PROBE, mode], {
		cwd: root,
		encoding: 'utf8',
	});
	const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
	return { ...(JSON.parse(output.trim().split('\n').pop() as string) as Probe), wallMs };
}

const median = (values: number[]) =>
	[...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const MB = 1024 * 1024;

function requireCosts(report: BenchContext['report']) {
	for (const mode of ['workflow only', 'package', 'package + engine'] as Mode[]) {
		const probes = Array.from({ length: RUNS }, () => probe(mode));
		const expectEngine = mode === 'package + engine';
		if (probes.some((result) => result.engineLoaded !== expectEngine)) {
			throw new Error(`${mode}: engine.js ${expectEngine ? 'not ' : ''}loaded`);
		}
		const note = `median of ${RUNS} fresh processes, n8n-workflow already loaded`;
		report(`require ${mode}: time`, median(probes.map((p) => p.ms)), 'ms', note);
		report(
			`require ${mode}: heap growth`,
			median(probes.map((p) => p.heap)) / MB,
			'MB',
			'after gc',
		);
		report(`require ${mode}: RSS growth`, median(probes.map((p) => p.rss)) / MB, 'MB');
		report(`require ${mode}: process RSS`, median(probes.map((p) => p.totalRss)) / MB, 'MB');
		report(`require ${mode}: process wall time`, median(probes.map((p) => p.wallMs)), 'ms');
	}
}

const OWNER = {
	email: 'bench@crm-connect.dev',
	password: 'Bench-password-1',
	firstName: 'Bench',
	lastName: 'Owner',
};

type Layout = 'without the package' | 'with the package' | 'with the package, engine eager';

async function n8nBoots(databaseUrl: string, report: BenchContext['report']) {
	const runtime = await ensureN8n((line) => console.log(`  ${line}`));
	const database = `crm_n8n_load_bench_${process.pid}`;
	const admin = new Client({ connectionString: databaseUrl });
	await admin.connect();
	const userFolder = mkdtempSync(path.join(os.tmpdir(), 'crm-n8n-load-'));
	const nodesDir = path.join(userFolder, '.n8n', 'nodes');
	const packageDir = path.join(nodesDir, 'node_modules', 'n8n-nodes-crm-connect');
	try {
		await admin.query(`create database "${database}"`);
		const layOut = (layout: Layout) => {
			rmSync(nodesDir, { recursive: true, force: true });
			if (layout === 'without the package') return;
			installPackageInto(userFolder);
			// As the package was built before the stub: index.js is the engine bundle itself.
			if (layout === 'with the package, engine eager') {
				copyFileSync(
					path.join(packageDir, 'dist/core/engine.js'),
					path.join(packageDir, 'dist/core/index.js'),
				);
			}
		};
		const boot = async (layout: Layout) => {
			layOut(layout);
			const n8n = await startN8nProcess({
				runtime,
				userFolder,
				database: n8nDatabaseFromUrl(databaseUrl, database),
				encryptionKey: 'crm-connect-n8n-load-bench',
				port: await findFreePort(),
				brokerPort: await findFreePort(),
				logFile: path.join(userFolder, 'n8n.log'),
				env: { N8N_LOG_LEVEL: 'warn' },
			});
			try {
				const rssAtReady = n8n.rssKb();
				// Whether n8n loaded the package: its node types as the editor gets them.
				const rest = new N8nRest(n8n.url);
				await rest.signIn(OWNER);
				const types = JSON.stringify(await rest.request('GET', '/types/nodes.json'));
				const hasPackage = types.includes('n8n-nodes-crm-connect.crm');
				if (hasPackage !== (layout !== 'without the package')) {
					throw new Error(`${layout}: n8n ${hasPackage ? 'lists' : 'does not list'} our nodes`);
				}
				return { readyMs: n8n.readyMs, rssKb: rssAtReady ?? NaN };
			} finally {
				await n8n.stop();
			}
		};
		// The first boot migrates n8n's database; it is not measured.
		await boot('without the package');
		const layouts: Layout[] = [
			'without the package',
			'with the package',
			'with the package, engine eager',
		];
		const results = new Map<Layout, Array<{ readyMs: number; rssKb: number }>>(
			layouts.map((layout) => [layout, []]),
		);
		for (let run = 0; run < BOOTS; run++) {
			for (const layout of layouts) results.get(layout)?.push(await boot(layout));
		}
		for (const [layout, boots] of results) {
			const note = `${boots.map((b) => b.readyMs).join(', ')} ms; median of ${BOOTS}`;
			report(
				`n8n ${runtime.version} ${layout}: boot to readiness`,
				median(boots.map((b) => b.readyMs)),
				'ms',
				note,
			);
			report(
				`n8n ${runtime.version} ${layout}: main process RSS at readiness`,
				median(boots.map((b) => b.rssKb)) / 1024,
				'MB',
				boots.map((b) => Math.round(b.rssKb / 1024)).join(', '),
			);
		}
	} finally {
		await admin.query(`drop database if exists "${database}" with (force)`).catch(() => undefined);
		await admin.end();
		rmSync(userFolder, { recursive: true, force: true });
	}
}

const bench: Bench = {
	name: 'what n8n pays for the package when no workflow uses it',
	async run({ databaseUrl, report }) {
		if (!existsSync(path.join(root, 'dist/core/engine.js'))) {
			throw new Error('dist/core/engine.js is missing: run `npm run build` first');
		}
		requireCosts(report);
		if (process.env.CRM_BENCH_N8N !== '0') await n8nBoots(databaseUrl, report);
	},
};
export default bench;
