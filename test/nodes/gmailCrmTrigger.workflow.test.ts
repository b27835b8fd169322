// The Gmail CRM Trigger polled as an active workflow polls it (n8n-core PollContext in trigger
// mode, static data carried between polls) and in the editor's manual "fetch test event" mode,
// against the emulator's Gmail history, batch and list endpoints.
import type { IDataObject } from 'n8n-workflow';

import { composeMime, emailRecordSchema } from '../../core';
import { startEmulator, type Emulator } from '../emulator';
import { deliverGmailMessages } from '../emulator/google/gmail';
import { GmailMailboxState } from '../emulator/google/gmailMailbox';
import { TestCredentialsHelper, type StoredCredential } from '../harness/credentialsHelper';
import { chain, crmNode, runWorkflow } from '../harness/runWorkflow';
import { runActivePoll } from '../support/activePolling';
import { connectGoogleCredential, GMAIL_SCOPES } from '../support/providerCredentials';

let emu: Emulator;
let credential: StoredCredential;
let owner: string;

beforeAll(async () => {
	emu = await startEmulator({ seed: 'gmail-trigger', messages: 40 });
	credential = await connectGoogleCredential(emu, 'gmailCrmOAuth2Api', GMAIL_SCOPES);
	owner = emu.sandbox.googleEmail;
});
afterAll(() => emu.stop());

function triggerNode(parameters: Record<string, unknown> = {}) {
	return crmNode('gmailCrmTrigger', 'Gmail CRM Trigger', parameters as never, {
		credentials: { gmailCrmOAuth2Api: { id: credential.id, name: credential.name } },
	});
}

async function poll(staticData: IDataObject, parameters: Record<string, unknown> = {}) {
	const result = await runActivePoll(triggerNode(parameters), {
		credentials: [credential],
		staticData,
	});
	expect(result.error).toBeUndefined();
	return result;
}

const ids = (items: Array<{ json: IDataObject }>) =>
	items.map((item) => item.json.providerMessageId as string);

function deliver(count: number) {
	return deliverGmailMessages(emu.state, owner, count).map((message) => message.id);
}

function deliverRaw(subject: string, labelIds: string[], from = 'Ann Lee <ann@example.com>') {
	const { raw } = composeMime({ from, to: [owner], subject, text: `${subject} body` });
	return deliverGmailMessages(emu.state, owner, [raw], labelIds)[0].id;
}

const copy = (value: IDataObject) => JSON.parse(JSON.stringify(value)) as IDataObject;

describe('Gmail CRM Trigger', () => {
	it('with "Include Mail Since" emits the received mail since that date once, oldest first', async () => {
		const mailbox = emu.state.accounts.get(owner)!.mailbox;
		const since = mailbox.messageAt(mailbox.count - 12).internalDate;
		const expected = [];
		for (let i = 0; i < mailbox.count; i++) {
			const message = mailbox.messageAt(i);
			const skipped = ['DRAFT', 'SCHEDULED', 'SENT', 'SPAM', 'TRASH', 'CHAT'].some((label) =>
				message.labelIds.includes(label),
			);
			if (message.internalDate >= since && !skipped && message.from.email !== owner)
				expected.push(message.id);
		}
		expect(expected.length).toBeGreaterThan(2);

		const staticData: IDataObject = {};
		const first = await poll(staticData, {
			options: { includeMailSince: new Date(since).toISOString() },
		});
		expect(ids(first.items)).toEqual(expected);
		for (const item of first.items) expect(() => emailRecordSchema.parse(item.json)).not.toThrow();
		expect((await poll(staticData)).response).toBeNull();
	});

	it('manual "fetch test event" returns a real recent message and leaves the cursor alone', async () => {
		const fresh: IDataObject = {};
		const result = await runWorkflow(
			{ nodes: [triggerNode()], connections: {} },
			{
				credentials: [credential],
				staticData: fresh,
			},
		);
		expect(result.error).toBeUndefined();
		const [sample] = result.json('Gmail CRM Trigger');
		expect(result.json('Gmail CRM Trigger')).toHaveLength(1);
		expect(
			emu.state.accounts.get(owner)!.mailbox.indexOfId(sample.providerMessageId as string),
		).toBeDefined();
		expect(sample.isDraft).toBe(false);
		expect(sample.direction).toBe('incoming');
		expect(copy(fresh)).toEqual({});

		const active: IDataObject = {};
		await poll(active);
		const before = copy(active);
		deliver(3);
		await runWorkflow(
			{ nodes: [triggerNode()], connections: {} },
			{
				credentials: [credential],
				staticData: active,
			},
		);
		expect(copy(active)).toEqual(before);
		expect(ids((await poll(active)).items)).toHaveLength(3); // the manual run consumed nothing
	});

	it('emits nothing on the baseline poll, then exactly 500 of 500 delivered between two polls, none twice over five more polls', async () => {
		emu.control.setQuota({ gmailUnitsPerSecond: 1_000_000 }); // this test is about counts, not pacing
		try {
			const staticData: IDataObject = {};
			const baseline = await poll(staticData);
			expect(baseline.response).toBeNull();

			const burst = deliver(500);
			emu.control.resetCalls();
			const started = Date.now();
			const burstPoll = await poll(staticData);
			const emitted = ids(burstPoll.items);
			expect(emitted).toHaveLength(500);
			expect(new Set(emitted).size).toBe(500);
			expect(emitted).toEqual(burst); // in arrival order
			const calls = emu.control.calls().byOperation;
			expect(calls['gmail.users.history.list']).toBe(1);
			expect(calls['gmail.users.messages.get']).toBe(500);
			expect(calls['gmail.batch']).toBe(10); // fetched 50 per batch call, not one by one
			expect(Date.now() - started).toBeLessThan(10_000);

			const seen = new Set(emitted);
			const later: string[] = [];
			for (let round = 1; round <= 5; round++) {
				const delivered = round === 3 ? deliver(7) : [];
				const result = await poll(staticData);
				if (delivered.length === 0) expect(result.response).toBeNull();
				for (const id of ids(result.items)) {
					expect(seen.has(id)).toBe(false);
					seen.add(id);
					later.push(id);
				}
				expect(ids(result.items)).toEqual(delivered);
			}
			expect(later).toHaveLength(7);
		} finally {
			emu.control.setQuota({ gmailUnitsPerSecond: 250 });
		}
	});

	it('skips drafts, scheduled mail and mail this account sent (including through Gmail CRM send)', async () => {
		const skipping: IDataObject = {};
		const including: IDataObject = {};
		await poll(skipping);
		const keepSent = { options: { skipSent: false } };
		await poll(including, keepSent);

		const received = deliverRaw('Question about the offer', ['INBOX', 'UNREAD']);
		deliverRaw('Draft reply', ['DRAFT']);
		deliverRaw('Scheduled follow-up', ['SCHEDULED', 'SENT']);
		const sentLabel = deliverRaw('Sent elsewhere', ['SENT'], `Sandbox User <${owner}>`);
		const fromOwner = deliverRaw('From my phone', ['INBOX'], `Sandbox User <${owner}>`);
		const sendRun = await runWorkflow(
			chain(
				crmNode(
					'gmailCrm',
					'Gmail CRM',
					{
						resource: 'message',
						operation: 'send',
						to: 'client@example.com',
						subject: 'Sent by a workflow',
						text: 'Hello',
					},
					{ credentials: { gmailCrmOAuth2Api: { id: credential.id, name: credential.name } } },
				),
			),
			{ credentials: [credential] },
		);
		expect(sendRun.error).toBeUndefined();
		const sentByWorkflow = sendRun.json('Gmail CRM')[0].providerMessageId as string;
		const laterReceived = deliverRaw('Another question', ['INBOX', 'UNREAD']);

		expect(ids((await poll(skipping)).items)).toEqual([received, laterReceived]);
		expect(ids((await poll(including, keepSent)).items)).toEqual([
			received,
			sentLabel,
			fromOwner,
			sentByWorkflow,
			laterReceived,
		]);
	});

	it('emits only messages that have one of the chosen labels', async () => {
		const staticData: IDataObject = {};
		await poll(staticData, { labelIds: ['STARRED', 'IMPORTANT'] });
		deliverRaw('Plain inbox', ['INBOX', 'UNREAD']);
		const starred = deliverRaw('Starred', ['INBOX', 'STARRED']);
		const important = deliverRaw('Important', ['INBOX', 'IMPORTANT', 'UNREAD']);
		deliverRaw('Social', ['CATEGORY_SOCIAL']);
		const result = await poll(staticData, { labelIds: ['STARRED', 'IMPORTANT'] });
		expect(ids(result.items)).toEqual([starred, important]);
	});

	it('recovers from an expired historyId mid-stream without losing or repeating a message', async () => {
		const staticData: IDataObject = {};
		await poll(staticData);
		const first = deliver(30);
		expect(ids((await poll(staticData)).items)).toEqual(first);

		const second = deliver(40);
		emu.control.expireCursors(owner, 'gmail');
		emu.control.resetCalls();
		const recovered = await poll(staticData);
		expect(emu.control.calls().byStatus?.['404']).toBeGreaterThanOrEqual(1); // history said 404
		expect(ids(recovered.items)).toEqual(second);

		const third = deliver(5);
		const after = await poll(staticData);
		expect(ids(after.items)).toEqual(third);
		expect((await poll(staticData)).response).toBeNull();
		const all = [...first, ...ids(recovered.items), ...ids(after.items)];
		expect(new Set(all).size).toBe(75);
	});

	it('waits as asked by 429 Retry-After (history and a batched message fetch) and then emits everything', async () => {
		const staticData: IDataObject = {};
		await poll(staticData);
		const delivered = deliver(20);
		emu.control.inject({
			operation: 'gmail.users.history.list',
			status: 429,
			retryAfterSeconds: 1,
			times: 1,
		});
		emu.control.inject({
			operation: 'gmail.users.messages.get',
			status: 429,
			retryAfterSeconds: 1,
			times: 1,
		});
		emu.control.resetCalls();
		const started = Date.now();
		const result = await poll(staticData);
		expect(ids(result.items)).toEqual(delivered);
		const calls = emu.control.calls().byOperation;
		expect(calls['gmail.users.history.list']).toBe(2);
		expect(calls['gmail.users.messages.get']).toBe(21); // only the throttled part was retried
		expect(Date.now() - started).toBeGreaterThanOrEqual(1800);
	});

	it('tells the user to reconnect when the grant was revoked, and keeps the cursor', async () => {
		const staticData: IDataObject = {};
		await poll(staticData);
		deliver(2);
		const before = copy(staticData);
		emu.control.revokeGrants(owner);
		const result = await runActivePoll(triggerNode(), { credentials: [credential], staticData });
		expect(result.error?.message).toMatch(/reconnect/i);
		expect(copy(staticData)).toEqual(before);
		credential = await connectGoogleCredential(emu, 'gmailCrmOAuth2Api', GMAIL_SCOPES);
		expect(ids((await poll(staticData)).items)).toHaveLength(2);
	});
	it('emits a message that arrives while the activation poll runs, once, on the next poll', async () => {
		const staticData: IDataObject = {};
		let arrived: string | undefined;
		// Delivered right after the mailbox's historyId was read: newer than the stored cursor.
		emu.control.inject({
			operation: 'gmail.users.getProfile',
			afterAnswer: () => {
				arrived = deliverRaw('Arrived during activation', ['INBOX', 'UNREAD']);
			},
		});
		expect((await poll(staticData)).response).toBeNull();
		expect(arrived).toBeDefined();
		expect(ids((await poll(staticData)).items)).toEqual([arrived]);
		expect((await poll(staticData)).response).toBeNull();
	});

	it('refreshes an access token that expires in the middle of a batch once, and still emits everything', async () => {
		const staticData: IDataObject = {};
		await poll(staticData);
		const delivered = deliver(20);
		emu.control.inject({
			operation: 'gmail.users.messages.get',
			after: 10,
			afterAnswer: () => {
				emu.control.advanceClock(2 * 3600 * 1000); // every token issued so far expires
			},
		});
		const helper = new TestCredentialsHelper();
		const result = await runActivePoll(triggerNode(), {
			credentials: [credential],
			staticData,
			credentialsHelper: helper,
		});
		expect(result.error).toBeUndefined();
		expect(ids(result.items)).toEqual(delivered);
		expect(helper.tokenUpdates).toHaveLength(1);
		credential = helper.credentials.get(credential.id)!; // what n8n saved
		expect((await poll(staticData)).response).toBeNull();
	});

	it('says reconnect when the grant is revoked in the middle of a poll, and keeps the cursor', async () => {
		const staticData: IDataObject = {};
		await poll(staticData);
		deliver(3);
		const before = copy(staticData);
		emu.control.inject({
			operation: 'gmail.users.history.list',
			afterAnswer: () => {
				emu.control.revokeGrants(owner);
			},
		});
		const result = await runActivePoll(triggerNode(), { credentials: [credential], staticData });
		expect(result.error?.message).toMatch(/reconnect/i);
		expect(copy(staticData)).toEqual(before);
		credential = await connectGoogleCredential(emu, 'gmailCrmOAuth2Api', GMAIL_SCOPES);
		expect(ids((await poll(staticData)).items)).toHaveLength(3);
	});

	it('refuses a label Gmail does not have, on activation and on every later poll', async () => {
		const fresh: IDataObject = {};
		const refused = await runActivePoll(triggerNode({ labelIds: ['INBOX', 'Label_404'] }), {
			credentials: [credential],
			staticData: fresh,
		});
		expect(refused.error?.message).toBe(
			"Gmail has no label 'Label_404' — choose one from the list",
		);
		expect(copy(fresh)).toEqual({});

		const staticData: IDataObject = {};
		await poll(staticData, { labelIds: ['INBOX'] });
		const before = copy(staticData);
		deliver(2);
		emu.control.resetCalls();
		const later = await runActivePoll(
			triggerNode({ labelIds: ['Label_9', 'INBOX', 'Label_gone'] }),
			{
				credentials: [credential],
				staticData,
			},
		);
		expect(later.error?.message).toBe(
			"Gmail has no labels 'Label_9', 'Label_gone' — choose them from the list",
		);
		expect(emu.control.calls().byOperation['gmail.users.labels.list']).toBe(1);
		expect(copy(staticData)).toEqual(before);
		expect(ids((await poll(staticData, { labelIds: ['INBOX'] })).items)).toHaveLength(2);
	});
	it('carries on from the state an earlier version of the trigger kept', async () => {
		const mailboxState = GmailMailboxState.of(emu.state.accounts.get(owner)!);
		const staticData: IDataObject = {
			'node:Gmail CRM Trigger': {
				historyId: String(mailboxState.historyId),
				lastInternalDate: emu.control.now(),
				recentIds: [],
			},
		};
		const delivered = deliver(3);
		expect(ids((await poll(staticData)).items)).toEqual(delivered);
		expect(Object.keys(staticData['node:Gmail CRM Trigger'] as IDataObject).sort()).toEqual([
			'cursor',
			'recentIds',
			'watermark',
		]);
		expect((await poll(staticData)).response).toBeNull();
	});
});
