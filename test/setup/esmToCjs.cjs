// Jest 29 runs CommonJS only; jose 6 ships ES modules only. This transformer turns those files into
// CommonJS with esbuild (already used by the build), as the nodes' bundle does.
'use strict';
const { transformSync } = require('esbuild');

module.exports = {
	process(source, filename) {
		const { code, map } = transformSync(source, {
			format: 'cjs',
			target: 'node22',
			sourcemap: 'inline',
			sourcefile: filename,
			loader: 'js',
		});
		return { code, map };
	},
};
