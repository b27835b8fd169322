// Runs the slowest test files first, so that jest's two workers finish at about the same time
// instead of one of them starting a five-minute real-n8n file while the other has nothing left.
//
// jest's own sequencer knows a file's duration only from the cache of an earlier run on the same
// machine; without one (a fresh checkout, CI) it goes by file size, which says little here: the
// real-n8n files are of average size but take minutes, mostly waiting for n8n. So each file is
// given an expected duration: the one measured last time when the cache has it, otherwise the
// figure below (seconds on a 2-core machine under a full run), otherwise a guess from its size.
// Previously failed files are not moved to the front: the order is about wall time, not feedback.
'use strict';
const path = require('node:path');

const Sequencer = require('@jest/test-sequencer').default;

/**
 * Seconds a full run (two workers, CI) spends in each slow file, for an empty cache: what CI
 * measured, less what the boot of a real n8n and the trigger examples' faster polls saved since.
 */
const EXPECTED_SECONDS = {
	'test/sync/faultMatrix.test.ts': 210,
	'test/e2e/triggers.e2e.test.ts': 170,
	'test/e2e/n8n.e2e.test.ts': 125,
	'test/e2e/queueMode.e2e.test.ts': 110,
	'test/e2e/periodicSync.e2e.test.ts': 100,
	'test/start/start.test.ts': 95,
	'test/e2e/editorScreenshot.e2e.test.ts': 65,
	'test/e2e/signatureEnrichment.e2e.test.ts': 50,
	'test/e2e/crmApi.e2e.test.ts': 45,
	'test/e2e/adsTemplates.e2e.test.ts': 40,
	'test/e2e/crmWebhook.e2e.test.ts': 35,
};

/** A file jest has no figure for: most unit test files take a few seconds; larger ones more. */
const GUESS_MS_PER_BYTE = 0.2;

class SlowestFirstSequencer extends Sequencer {
	sort(tests) {
		const expected = (test) => {
			const measured = this.time(test);
			if (measured != null) return measured;
			const relative = path.relative(test.context.config.rootDir, test.path).split(path.sep);
			const listed = EXPECTED_SECONDS[relative.join('/')];
			if (listed != null) return listed * 1000;
			return (test.context.hasteFS.getSize(test.path) ?? 0) * GUESS_MS_PER_BYTE;
		};
		for (const test of tests) test.duration = expected(test);
		return [...tests].sort(
			(a, b) => b.duration - a.duration || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0),
		);
	}
}

module.exports = SlowestFirstSequencer;
