// `npm start`'s build step: builds dist/ only when a source changed since the last build (every
// build records its inputs' fingerprint, see buildFingerprint.cjs), so a restart takes seconds.
import { execFileSync } from 'node:child_process';
import path from 'node:path';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { isBuildCurrent } = require('./buildFingerprint.cjs') as { isBuildCurrent(): boolean };

const root = path.resolve(__dirname, '..');

/** Builds when needed; says which it did and how long it took. */
export function buildIfChanged(log: (line: string) => void): { built: boolean; ms: number } {
	const started = Date.now();
	if (isBuildCurrent()) {
		log('Build: dist/ is up to date.');
		return { built: false, ms: Date.now() - started };
	}
	log('Build: sources changed, building dist/ …');
	// gulp build records the inputs it was made from when it succeeds.
	execFileSync(path.join(root, 'node_modules', '.bin', 'gulp'), ['build', '--silent'], {
		cwd: root,
		stdio: ['ignore', 'ignore', 'inherit'],
	});
	const ms = Date.now() - started;
	log(`Build: done in ${(ms / 1000).toFixed(1)} s.`);
	return { built: true, ms };
}
