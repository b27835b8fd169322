// Jest 29 runs CommonJS only; jose 6 ships ES modules only. This transformer turns those files into
// CommonJS with esbuild (already used by the build), as the nodes' bundle does. It runs esbuild's
// binary once per file and waits for it to exit: esbuild's JavaScript API would keep a service
// process (and its pipes) alive in the test worker, which the handle check rightly reports.
'use strict';
const { execFileSync } = require('node:child_process');
const path = require('node:path');

const esbuildBinary = path.join(
	path.dirname(require.resolve('esbuild/package.json')),
	'bin',
	'esbuild',
);

module.exports = {
	process(source, filename) {
		const code = execFileSync(
			esbuildBinary,
			[
				'--format=cjs',
				'--target=node22',
				'--loader=js',
				'--sourcemap=inline',
				`--sourcefile=${filename}`,
			],
			{ input: source, maxBuffer: 64 * 1024 * 1024 },
		).toString('utf8');
		return { code };
	},
};
