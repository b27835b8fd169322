// The widgets' weight as a page downloads them: each element's module bundled alone (with Lit,
// what a page using only that element loads), the module's own part when the three share Lit
// through chunks, and the full bundle crm-connect.js (all three); minified and minified + gzip.
// Goal (not asserted): the full bundle ≤ 30 KB min + gzip.
import { gzipSync } from 'node:zlib';
import path from 'node:path';

import { build } from 'esbuild';

import type { Bench } from './run';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const gulpfile = require('../gulpfile.js') as {
	widgetBuildOptions(): Record<string, unknown>;
	widgetModules(): Record<string, string>;
};

const root = path.join(__dirname, '..');
const GOAL_BYTES = 30 * 1024;

async function sizes(entryPoints: string[] | Record<string, string>, splitting = false) {
	const result = await build({
		...gulpfile.widgetBuildOptions(),
		entryPoints,
		outdir: '/bench-out',
		write: false,
		splitting,
		chunkNames: 'chunks/[name]-[hash]',
	} as Parameters<typeof build>[0] & { write: false });
	return result.outputFiles.map((file) => ({
		name: path.relative('/bench-out', file.path),
		min: file.contents.byteLength,
		gzip: gzipSync(file.contents, { level: 9 }).byteLength,
	}));
}

const kb = (bytes: number) => bytes / 1024;

const bench: Bench = {
	name: 'Widget bundle size',
	async run({ report }) {
		const modules = gulpfile.widgetModules();
		for (const [name, file] of Object.entries(modules)) {
			const [alone] = await sizes([path.join(root, file)]);
			report(`${name}.js alone (with Lit), min`, kb(alone!.min), 'KB');
			report(`${name}.js alone (with Lit), min+gzip`, kb(alone!.gzip), 'KB');
		}
		const split = await sizes(
			Object.fromEntries(
				Object.entries(modules).map(([name, file]) => [name, path.join(root, file)]),
			),
			true,
		);
		for (const output of split.filter((file) => !file.name.startsWith('chunks/'))) {
			report(`${output.name} own part (split), min+gzip`, kb(output.gzip), 'KB');
		}
		const chunks = split.filter((file) => file.name.startsWith('chunks/'));
		report(
			'shared chunks (Lit, client, theme), min+gzip',
			kb(chunks.reduce((sum, file) => sum + file.gzip, 0)),
			'KB',
			`${chunks.length} files`,
		);
		const [full] = await sizes([path.join(root, 'widgets/index.ts')]);
		report('crm-connect.js (all three), min', kb(full!.min), 'KB');
		report(
			'crm-connect.js (all three), min+gzip',
			kb(full!.gzip),
			'KB',
			`goal ≤ ${kb(GOAL_BYTES)} KB: ${full!.gzip <= GOAL_BYTES ? 'met' : 'not met'}`,
		);
	},
};

export default bench;
