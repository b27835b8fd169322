// Checks what `npm run build` produced, the way n8n will load it: from a folder with no
// node_modules of ours, only n8n-workflow provided by n8n.
import { execFileSync } from 'node:child_process';
import {
	cpSync,
	existsSync,
	mkdtempSync,
	readdirSync,
	readFileSync,
	rmSync,
	statSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { testServerUrl } from '../support/testDatabase';

const root = path.join(__dirname, '../..');
const dist = path.join(root, 'dist');
const packageJson = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { migrationNames } = require('../../migrations/index.js') as { migrationNames: string[] };

function filesUnder(dir: string): string[] {
	return readdirSync(dir).flatMap((entry) => {
		const full = path.join(dir, entry);
		return statSync(full).isDirectory() ? filesUnder(full) : [full];
	});
}

beforeAll(() => {
	if (!existsSync(path.join(dist, 'core/index.js'))) {
		throw new Error('dist/ is missing: run `npm run build` first (npm test does)');
	}
});

describe('package.json', () => {
	it('is an n8n community package without runtime dependencies', () => {
		expect(packageJson.name).toBe('n8n-nodes-crm-connect');
		expect(packageJson.keywords).toContain('n8n-community-node-package');
		expect(packageJson.dependencies ?? {}).toEqual({});
		expect(packageJson.peerDependencies).toEqual({ 'n8n-workflow': '*' });
		expect(packageJson.engines.node).toBe('>=24');
		expect(packageJson.files).toEqual(expect.arrayContaining(['dist', 'migrations', 'workflows']));
		expect(packageJson.n8n.n8nNodesApiVersion).toBe(1);
		expect(packageJson.n8n.strict).toBe(true);
	});

	it('points at node and credential files that the build produced', () => {
		const entries: string[] = [...packageJson.n8n.nodes, ...packageJson.n8n.credentials];
		expect(entries.length).toBeGreaterThan(1);
		for (const entry of entries) expect(existsSync(path.join(root, entry))).toBe(true);
	});
});

describe('dist/', () => {
	it('has node and credential files that require nothing but n8n-workflow, Node built-ins and the engine bundle', () => {
		const files = [
			...filesUnder(path.join(dist, 'nodes')),
			...filesUnder(path.join(dist, 'credentials')),
		].filter((file) => file.endsWith('.js'));
		const offending: string[] = [];
		for (const file of files) {
			const source = readFileSync(file, 'utf8');
			for (const match of source.matchAll(/require\("([^"]+)"\)/g)) {
				const target = match[1];
				if (target === 'n8n-workflow' || target.startsWith('node:') || target.startsWith('.'))
					continue;
				offending.push(`${path.relative(dist, file)} → ${target}`);
			}
		}
		expect(offending).toEqual([]);
	});

	it('copies icons byte for byte and the codex files', () => {
		for (const icon of ['nodes/Crm/crm.svg', 'nodes/Crm/crm.dark.svg']) {
			expect(readFileSync(path.join(dist, icon))).toEqual(readFileSync(path.join(root, icon)));
		}
		const codex = JSON.parse(readFileSync(path.join(dist, 'nodes/Crm/Crm.node.json'), 'utf8'));
		expect(codex.node).toBe('n8n-nodes-crm-connect.crm');
	});

	it('loads and works from a copy with no node_modules: the engine bundle carries knex, pg and the migrations', () => {
		const sandbox = mkdtempSync(path.join(os.tmpdir(), 'crm-dist-'));
		const schema = `test_dist_${process.pid}`;
		try {
			cpSync(dist, path.join(sandbox, 'dist'), { recursive: true });
			// n8n provides n8n-workflow to community nodes; nothing else is there.
			const n8nWorkflow = path.dirname(path.dirname(require.resolve('n8n-workflow/package.json')));
			const script = `
				const pkg = JSON.parse(process.env.PACKAGE_N8N);
				// Every node and credential n8n would load must load from dist/ alone.
				const loaded = [...pkg.nodes, ...pkg.credentials].map((file) => {
					const exported = require('./' + file);
					const name = require('path').basename(file).replace(/\\.(node|credentials)\\.js$/, '');
					return new exported[name]().description?.name ?? new exported[name]().name;
				});
				const { Crm } = require('./dist/nodes/Crm/Crm.node.js');
				const { CrmDatabase } = require('./dist/credentials/CrmDatabase.credentials.js');
				const engine = require('./dist/core/index.js');
				(async () => {
					const node = new Crm();
					const database = engine.openDatabase({ url: process.env.DB_URL, schema: process.env.DB_SCHEMA });
					const report = await engine.migrateToLatest(database);
					const check = await engine.checkConnection(database);
					await database.knex.raw('drop schema ?? cascade', [process.env.DB_SCHEMA]);
					await engine.closeAllDatabases();
					console.log(JSON.stringify({
						node: node.description.name,
						versions: Object.keys(node.nodeVersions),
						credential: new CrmDatabase().name,
						applied: report.applied.length,
						loaded,
						serverVersion: check.serverVersion,
					}));
				})().catch((error) => { console.error(error); process.exit(1); });`;
			const output = execFileSync(process.execPath, ['-e', script], {
				cwd: sandbox,
				env: {
					PATH: process.env.PATH,
					NODE_PATH: path.join(n8nWorkflow),
					DB_URL: testServerUrl(),
					DB_SCHEMA: schema,
					PACKAGE_N8N: JSON.stringify(packageJson.n8n),
				},
				encoding: 'utf8',
			});
			const result = JSON.parse(output.trim().split('\n').pop() ?? '{}');
			expect(result).toMatchObject({
				node: 'crm',
				versions: ['1'],
				credential: 'crmDatabase',
				applied: migrationNames.length,
			});
			expect(result.serverVersion).toMatch(/^\d+/);
			expect(result.loaded).toHaveLength(
				packageJson.n8n.nodes.length + packageJson.n8n.credentials.length,
			);
			expect(result.loaded).toEqual(
				expect.arrayContaining(['crm', 'crmDatabase', 'gmailCrmOAuth2Api']),
			);
		} finally {
			rmSync(sandbox, { recursive: true, force: true });
		}
	});
});
