// Polling triggers in the harness: WorkflowExecute in manual mode runs the trigger's poll(), and
// the static data it writes survives into the next run when the caller passes it back — the way
// n8n keeps a trigger's cursor between polls of an active workflow.
import type { IDataObject } from 'n8n-workflow';

import { runWorkflow } from './runWorkflow';

const poller = {
	id: 'poll',
	name: 'Counter Poll',
	type: 'n8n-nodes-crm-connect-test.counterPoll',
	typeVersion: 1,
	position: [0, 0] as [number, number],
	parameters: {},
};

describe('harness polling triggers', () => {
	it('runs poll() and carries the workflow static data from one poll to the next', async () => {
		const staticData: IDataObject = {};
		const first = await runWorkflow({ nodes: [poller], connections: {} }, { staticData });
		expect(first.error).toBeUndefined();
		expect(first.json('Counter Poll')).toEqual([{ counter: 1, mode: 'manual' }]);
		const second = await runWorkflow({ nodes: [poller], connections: {} }, { staticData });
		expect(second.json('Counter Poll')).toEqual([{ counter: 2, mode: 'manual' }]);
		expect(JSON.parse(JSON.stringify(staticData))).toEqual({ 'node:Counter Poll': { counter: 2 } });
	});
});
