// What a node says when a provider call fails with something other than an HTTP answer.
import type { INode } from 'n8n-workflow';

import { toNodeError } from '../../nodes/shared/providerErrors';

const node: INode = {
	id: 'node-1',
	name: 'Gmail CRM',
	type: 'n8n-nodes-crm-connect.gmailCrm',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};

describe('toNodeError', () => {
	it('keeps the message of a thrown Error', () => {
		expect(toNodeError(node, new TypeError('bad input'), { provider: 'Google' }).message).toBe(
			'bad input',
		);
	});

	it('gives a thrown string or object a message instead of an empty one', () => {
		expect(toNodeError(node, 'socket hang up', { provider: 'Google' }).message).toBe(
			'socket hang up',
		);
		expect(toNodeError(node, 42, { provider: 'Google' }).message).toBe('42');
	});
});
