// n8n requires every node and credential file of a community package when it boots, used or not.
// The engine bundle (dist/core/engine.js: knex, pg, zod, the provider clients) must not be among
// what that costs: the nodes require the stub dist/core/index.js, which loads the bundle on first
// use of an export. Each check runs in a fresh Node process, so the module cache starts empty:
// load everything as n8n does and see that the engine stayed out; then run a node method that
// needs the engine and see that it comes in and works.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

import { testServerUrl } from '../support/testDatabase';

const root = path.join(__dirname, '../..');
const dist = path.join(root, 'dist');
const packageJson = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const run = promisify(execFile);

/** Runs a CommonJS script in a fresh Node process at the package root; returns its last line as JSON. */
async function inFreshProcess<T>(script: string, env: Record<string, string> = {}): Promise<T> {
	const { stdout } = await run(process.execPath, ['-e', script], {
		cwd: root,
		env: { PATH: process.env.PATH, ...env },
		encoding: 'utf8',
		timeout: 60_000,
	});
	return JSON.parse(stdout.trim().split('\n').pop() ?? 'null') as T;
}

/**
 * Script text: loadedFromCore(), the files under dist/core/ in the module cache (relative to
 * dist/); coreBytes(), their size together. The stub and the credentials' endpoints are a few KB,
 * the engine bundle several MB.
 */
const LOADED_FROM_CORE = `
	const loadedFromCore = () => Object.keys(require.cache)
		.filter((file) => file.startsWith(require('path').join(process.cwd(), 'dist/core') + '/'))
		.map((file) => require('path').relative(require('path').join(process.cwd(), 'dist'), file))
		.sort();
	const coreBytes = () => loadedFromCore()
		.reduce((sum, file) => sum + require('fs').statSync(require('path').join('dist', file)).size, 0);`;

/** What n8n may parse of dist/core/ when it loads the package: the stub, the endpoints, the route table. */
const STUB_BYTES = 16 * 1024;

beforeAll(() => {
	if (!existsSync(path.join(dist, 'core/index.js'))) {
		throw new Error('dist/ is missing: run `npm run build` first (npm test does)');
	}
});

describe('the engine bundle loads on first use, not when n8n loads the package', () => {
	it('the build writes the bundle as dist/core/engine.js behind the stub dist/core/index.js', () => {
		expect(existsSync(path.join(dist, 'core/engine.js'))).toBe(true);
		expect(readFileSync(path.join(dist, 'core/index.js'), 'utf8')).toContain(
			"require('./engine.js')",
		);
	});

	it('requiring every node and credential file, instantiating it and reading its descriptions loads no engine', async () => {
		// As n8n's loader does: the class named like the file, instantiated; a versioned node's
		// description and each version's; the editor gets them serialised to JSON. The method names
		// are read too (n8n lists a node's loadOptions methods), not called.
		const result = await inFreshProcess<{
			files: Array<{
				file: string;
				name: string;
				versions: string[];
				loadedFromCore: string[];
				coreBytes: number;
			}>;
		}>(
			`${LOADED_FROM_CORE}
			const path = require('path');
			const files = [...JSON.parse(process.env.NODE_FILES), ...JSON.parse(process.env.CREDENTIAL_FILES)];
			const report = files.map((file) => {
				const className = path.basename(file).split('.')[0];
				const instance = new (require(path.resolve(file))[className])();
				const described = instance.description ?? instance;
				JSON.stringify(described);
				const versions = Object.entries(instance.nodeVersions ?? {}).map(([version, node]) => {
					JSON.stringify(node.description);
					Object.values(node.methods ?? {}).forEach((group) => Object.keys(group));
					return version;
				});
				Object.values(instance.methods ?? {}).forEach((group) => Object.keys(group));
				return { file, name: described.name, versions, loadedFromCore: loadedFromCore(), coreBytes: coreBytes() };
			});
			console.log(JSON.stringify({ files: report }));`,
			{
				NODE_FILES: JSON.stringify(packageJson.n8n.nodes),
				CREDENTIAL_FILES: JSON.stringify(packageJson.n8n.credentials),
			},
		);
		const files = [...packageJson.n8n.nodes, ...packageJson.n8n.credentials];
		expect(result.files.map((entry) => entry.file)).toEqual(files);
		for (const entry of result.files) expect(entry.name).toEqual(expect.any(String));
		expect(result.files.find((entry) => entry.file.endsWith('Crm.node.js'))?.versions).toEqual([
			'1',
		]);
		// After each file, the engine is still out: the stub and the credentials' endpoints only.
		const engineAfter = result.files.filter(
			(entry) =>
				entry.coreBytes > STUB_BYTES ||
				entry.loadedFromCore.some(
					(file) =>
						!['core/index.js', 'core/providers/endpoints.js', 'core/api/routeTable.js'].includes(
							file,
						),
				),
		);
		expect(
			engineAfter.map(
				(entry) => `${entry.file}: ${entry.loadedFromCore.join(', ')} (${entry.coreBytes} bytes)`,
			),
		).toEqual([]);
	});

	it("n8n-core's PackageDirectoryLoader loads the whole package without the engine", async () => {
		// n8n's own loader, as it loads an installed community package at boot (outside tests it
		// instantiates each class in a vm context: NODE_ENV is not "test" here).
		const result = await inFreshProcess<{
			nodes: string[];
			credentials: string[];
			loadedFromCore: string[];
			coreBytes: number;
		}>(
			`${LOADED_FROM_CORE}
			const { PackageDirectoryLoader } = require('n8n-core');
			(async () => {
				const loader = new PackageDirectoryLoader(process.cwd());
				await loader.loadAll();
				JSON.stringify(loader.types);
				console.log(JSON.stringify({
					nodes: Object.keys(loader.nodeTypes),
					credentials: Object.keys(loader.credentialTypes),
					loadedFromCore: loadedFromCore(),
					coreBytes: coreBytes(),
				}));
			})().catch((error) => { console.error(error); process.exit(1); });`,
			{ NODE_ENV: 'production', N8N_LOG_LEVEL: 'silent' },
		);
		expect(result.nodes).toHaveLength(packageJson.n8n.nodes.length);
		expect(result.credentials).toHaveLength(packageJson.n8n.credentials.length);
		expect(result.loadedFromCore).toEqual([
			'core/api/routeTable.js',
			'core/index.js',
			'core/providers/endpoints.js',
		]);
		expect(result.coreBytes).toBeLessThan(STUB_BYTES);
	});

	it('the CRM Database credential test loads the engine when it runs, and connects', async () => {
		const result = await inFreshProcess<{
			beforeTest: string[];
			afterTest: string[];
			outcome: { status: string; message: string };
		}>(
			`${LOADED_FROM_CORE}
			const { Crm } = require('./dist/nodes/Crm/Crm.node.js');
			const { crmDatabaseConnectionTest } = new Crm().nodeVersions[1].methods.credentialTest;
			const beforeTest = loadedFromCore();
			crmDatabaseConnectionTest
				.call({}, { id: '1', name: 'CRM Database', type: 'crmDatabase', data: {
					connectionType: 'url', url: process.env.DB_URL, schema: 'crm_lazy_engine_probe',
				} })
				.then((outcome) => {
					console.log(JSON.stringify({ beforeTest, afterTest: loadedFromCore(), outcome }));
				})
				.catch((error) => { console.error(error); process.exit(1); });`,
			{ DB_URL: testServerUrl() },
		);
		expect(result.beforeTest).not.toContain('core/engine.js');
		expect(result.afterTest).toContain('core/engine.js');
		expect(result.outcome).toEqual({
			status: 'OK',
			message: expect.stringMatching(/^Connected to PostgreSQL \d+/),
		});
	});

	it('the stub behaves as the bundle: exports, `in`, key listing, descriptors, __esModule', async () => {
		const result = await inFreshProcess<{
			afterEsModule: string[];
			afterCall: string[];
			parsed: unknown;
			sameFunction: boolean;
			hasExport: boolean;
			hasMissing: boolean;
			keysMatch: boolean;
			descriptor: { writable: boolean; enumerable: boolean; isFunction: boolean };
			spreadCopiesExports: boolean;
		}>(
			`${LOADED_FROM_CORE}
			const core = require('./dist/core');
			// tsc's __importStar returns a module marked __esModule as it is.
			const esModule = core.__esModule === true && '__esModule' in core;
			const afterEsModule = loadedFromCore();
			const parsed = core.parseAddressList('Ann <ann@example.com>, bob@example.com');
			const afterCall = loadedFromCore();
			const engine = require('./dist/core/engine.js');
			const descriptor = Object.getOwnPropertyDescriptor(core, 'openDatabase');
			console.log(JSON.stringify({
				afterEsModule: esModule ? afterEsModule : ['__esModule not answered'],
				afterCall,
				parsed,
				sameFunction: core.openDatabase === engine.openDatabase,
				hasExport: 'openDatabase' in core,
				hasMissing: 'noSuchExport' in core,
				keysMatch: JSON.stringify(Object.keys(core)) === JSON.stringify(Object.keys(engine)) && Object.keys(engine).length > 10,
				descriptor: { writable: descriptor.writable, enumerable: descriptor.enumerable, isFunction: typeof descriptor.value === 'function' },
				spreadCopiesExports: { ...core }.openDatabase === engine.openDatabase,
			}));`,
		);
		expect(result).toEqual({
			afterEsModule: ['core/index.js'],
			afterCall: ['core/engine.js', 'core/index.js'],
			parsed: [
				{ name: 'Ann', email: 'ann@example.com' },
				{ name: null, email: 'bob@example.com' },
			],
			sameFunction: true,
			hasExport: true,
			hasMissing: false,
			keysMatch: true,
			descriptor: { writable: false, enumerable: true, isFunction: true },
			spreadCopiesExports: true,
		});
	});
});
