// jest's node environment, plus a check when a test file is done: anything the file left keeping
// the process alive (a server, a socket, a child process, a timer) fails that file, by name. Left
// unchecked, such a handle keeps the jest worker alive at the end of the run, and jest kills it
// with "A worker process has failed to exit gracefully", naming no file.
'use strict';
const { setImmediate, setTimeout } = require('node:timers');

const { TestEnvironment } = require('jest-environment-node');

// Resource kinds that keep Node's event loop alive (process.getActiveResourcesInfo()).
const KEEPS_ALIVE = new Set([
	'TCPSocketWrap',
	'TCPServerWrap',
	'ProcessWrap',
	'PipeWrap',
	'Timeout',
]);
// Sockets and child-process pipes closed by the other side need a few turns of the event loop to
// go, more when the machine is busy; the wait ends as soon as they are gone.
const GRACE_MS = 5000;

function aliveCounts() {
	const counts = new Map();
	for (const kind of process.getActiveResourcesInfo()) {
		if (KEEPS_ALIVE.has(kind)) counts.set(kind, (counts.get(kind) ?? 0) + 1);
	}
	return counts;
}

function extraOver(before) {
	return [...aliveCounts()]
		.map(([kind, count]) => [kind, count - (before.get(kind) ?? 0)])
		.filter(([, extra]) => extra > 0);
}

/** What the handles alive now are, in words, for the failure message. */
function describeHandles() {
	return process
		._getActiveHandles()
		.map((handle) => {
			const kind = handle?.constructor?.name;
			if (kind === 'Server') return `server on ${JSON.stringify(handle.address?.())}`;
			if (kind === 'Socket' && handle.remotePort) {
				return `socket ${handle.localPort} → ${handle.remoteAddress}:${handle.remotePort}`;
			}
			if (kind === 'ChildProcess')
				return `child process ${handle.pid} (${handle.spawnargs?.join(' ')})`;
			if (kind === 'Timeout') {
				const callback = String(handle._onTimeout).replace(/\s+/g, ' ').slice(0, 100);
				return `timer of ${handle._idleTimeout} ms (${callback})`;
			}
			return undefined;
		})
		.filter(Boolean);
}

class HandleCheckingEnvironment extends TestEnvironment {
	constructor(config, context) {
		super(config, context);
		this.testPath = context.testPath;
	}

	async setup() {
		await super.setup();
		// The worker's stdout and stderr are pipes Node opens on first use (a warning printed under
		// load is enough): open them now so they are not taken for something a test left running.
		void process.stdout;
		void process.stderr;
		this.aliveBefore = aliveCounts();
	}

	async teardown() {
		const deadline = Date.now() + GRACE_MS;
		let extra = extraOver(this.aliveBefore);
		while (extra.length > 0 && Date.now() < deadline) {
			await new Promise((resolve) => setImmediate(resolve));
			await new Promise((resolve) => setTimeout(resolve, 20).unref());
			extra = extraOver(this.aliveBefore);
		}
		const described = extra.length > 0 ? describeHandles() : [];
		await super.teardown();
		if (extra.length > 0) {
			const kinds = extra.map(([kind, count]) => `${count} ${kind}`).join(', ');
			throw new Error(
				`${this.testPath} left running after its tests (close it in afterAll): ${kinds}\n  ${described.join('\n  ')}`,
			);
		}
	}
}

module.exports = HandleCheckingEnvironment;
