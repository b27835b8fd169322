// Every Gmail CRM operation run through n8n-core against the emulator: send, reply, get many,
// label and read-state changes, label list and thread get (message get: gmailCrm.workflow.test.ts).
import { readFileSync } from 'node:fs';
import path from 'node:path';

import type { INode } from 'n8n-workflow';

import { composeMime, emailRecordSchema, parseMime, type EmailRecord } from '../../core';
import { startEmulator, type Emulator } from '../emulator';
import type { GeneratedMessage } from '../emulator/generator';
import { deliverGmailMessages } from '../emulator/google/gmail';
import { GmailMailboxState } from '../emulator/google/gmailMailbox';
import { TestCredentialsHelper, type StoredCredential } from '../harness/credentialsHelper';
import { chain, crmNode, runWorkflow, type WorkflowDefinition } from '../harness/runWorkflow';
import { connectGoogleCredential, GMAIL_SCOPES } from '../support/providerCredentials';

let emu: Emulator;
let credential: StoredCredential;
let owner: string;

beforeAll(async () => {
	// More than one 500-message page, so "Return All" has to follow nextPageToken.
	emu = await startEmulator({ seed: 'gmail-operations', messages: 620 });
	credential = await connectGoogleCredential(emu, 'gmailCrmOAuth2Api', GMAIL_SCOPES);
	owner = emu.sandbox.googleEmail;
});
afterAll(() => emu.stop());

function gmailNode(
	parameters: Record<string, unknown>,
	name = 'Gmail CRM',
	extra: Partial<INode> = {},
): INode {
	return crmNode('gmailCrm', name, parameters as never, {
		credentials: { gmailCrmOAuth2Api: { id: credential.id, name: credential.name } },
		...extra,
	});
}

async function run(...nodes: INode[]) {
	const result = await runWorkflow(chain(...nodes), { credentials: [credential] });
	return result;
}

const mailboxState = () => GmailMailboxState.of(emu.state.accounts.get(owner)!);

function sandboxMessage(predicate: (message: GeneratedMessage) => boolean): GeneratedMessage {
	const mailbox = emu.state.accounts.get(owner)!.mailbox;
	for (let i = mailbox.count - 1; i >= 0; i--) {
		const message = mailbox.messageAt(i);
		if (predicate(message)) return message;
	}
	throw new Error('no such message in the sandbox mailbox');
}

const incoming = (message: GeneratedMessage) =>
	message.from.email !== owner &&
	!['DRAFT', 'SPAM', 'TRASH', 'SENT'].some((label) => message.labelIds.includes(label));

describe('Gmail CRM node — message: send', () => {
	it('sends to/cc/bcc with text, HTML and attachments from binary data, and outputs the sent record', async () => {
		const withAttachment = sandboxMessage((m) => m.attachments.length > 0 && incoming(m));
		const result = await run(
			gmailNode(
				{
					resource: 'message',
					operation: 'get',
					messageId: withAttachment.id,
					downloadAttachments: true,
				},
				'Get Attachment',
			),
			gmailNode({
				resource: 'message',
				operation: 'send',
				to: 'Zoë Ångström <zoe@example.com>, "Doe, Jane" <jane@example.org>',
				subject: 'Angebot für Müller — Q3 🚀',
				text: 'Hello Zoë,\nplease find the offer attached.',
				html: '<p>Hello <b>Zoë</b>, please find the offer attached.</p>',
				options: {
					cc: 'cc@example.net',
					bcc: 'hidden@example.net',
					senderName: 'Sandbox Sales',
					attachments: 'attachment_0',
				},
			}),
		);
		expect(result.error).toBeUndefined();
		const [item] = result.output('Gmail CRM');
		expect(item.pairedItem).toEqual({ item: 0 });
		const record = emailRecordSchema.parse(item.json);
		expect(record).toMatchObject({
			subject: 'Angebot für Müller — Q3 🚀',
			from: { name: 'Sandbox Sales', email: owner },
			to: [
				{ name: 'Zoë Ångström', email: 'zoe@example.com' },
				{ name: 'Doe, Jane', email: 'jane@example.org' },
			],
			cc: [{ email: 'cc@example.net' }],
			bcc: [{ email: 'hidden@example.net' }],
			bodyText: 'Hello Zoë,\nplease find the offer attached.',
			bodyHtml: '<p>Hello <b>Zoë</b>, please find the offer attached.</p>',
			direction: 'outgoing',
		});
		expect(record.labels).toContain('SENT');
		expect(record.attachments).toHaveLength(1);
		expect(record.attachments[0].filename).toBe(withAttachment.attachments[0].filename);

		// What Gmail stored carries the attachment's bytes as the upstream node downloaded them.
		const stored = await parseMime(mailboxState().view(record.providerMessageId)!.raw());
		const original = await parseMime(mailboxState().view(withAttachment.id)!.raw());
		expect(stored.attachments[0].content.equals(original.attachments[0].content)).toBe(true);
	});

	it("names the sender with the account's display name from its send-as settings", async () => {
		emu.control.resetCalls();
		const result = await run(
			gmailNode(
				{ resource: 'message', operation: 'send', to: 'a@example.com', text: 'One' },
				'First',
			),
			gmailNode({ resource: 'message', operation: 'send', to: 'b@example.com', text: 'Two' }),
		);
		expect(result.error).toBeUndefined();
		const sandboxName = emu.state.accounts.get(owner)!.name;
		for (const name of ['First', 'Gmail CRM'])
			expect(result.json(name)[0].from).toEqual({ name: sandboxName, email: owner });
		// Read once per node execution, not once per message.
		expect(emu.control.calls().byOperation['gmail.users.settings.sendAs.list']).toBe(2);
	});

	it('tells the user which permission is missing when the credential may only read', async () => {
		const readOnly = await connectGoogleCredential(
			emu,
			'gmailCrmOAuth2Api',
			['https://www.googleapis.com/auth/gmail.readonly'],
			{ id: 'read-only', name: 'Read-only account' },
		);
		const result = await runWorkflow(
			chain(
				crmNode(
					'gmailCrm',
					'Gmail CRM',
					{ resource: 'message', operation: 'send', to: 'a@example.com', text: 'Hi' },
					{ credentials: { gmailCrmOAuth2Api: { id: 'read-only', name: 'Read-only account' } } },
				),
			),
			{ credentials: [readOnly] },
		);
		expect(result.error?.message).toBe(
			'The Google connection lacks the gmail.send permission — reconnect the credential and grant it',
		);
	});

	it('refuses a message without a recipient or a body, per item', async () => {
		const noBody = await run(
			gmailNode({ resource: 'message', operation: 'send', to: 'a@example.com' }),
		);
		expect(noBody.error?.message).toMatch(/text or an HTML body/);
		const noRecipient = await run(
			gmailNode({ resource: 'message', operation: 'send', to: ' ', text: 'x' }),
		);
		expect(noRecipient.error?.message).toMatch(/at least one recipient/);
	});
});

describe('Gmail CRM node — message: reply', () => {
	it('replies in the thread with In-Reply-To, References and a Re: subject', async () => {
		const original = sandboxMessage(
			(m) => incoming(m) && !m.subject.match(/^re:/i) && m.cc.length > 0,
		);
		const result = await run(
			gmailNode({
				resource: 'message',
				operation: 'reply',
				messageId: original.id,
				text: 'Thanks, noted.',
				replyOptions: { replyToAll: true },
			}),
		);
		expect(result.error).toBeUndefined();
		const record = emailRecordSchema.parse(result.json('Gmail CRM')[0]);
		expect(record.providerThreadId).toBe(original.threadId);
		expect(record.inReplyTo).toBe(original.messageIdHeader);
		expect(record.references[record.references.length - 1]).toBe(original.messageIdHeader);
		expect(record.references.slice(0, -1)).toEqual(original.references ?? []);
		expect(record.subject).toBe(`Re: ${original.subject}`);
		expect(record.to.map((a) => a.email)).toEqual([original.from.email.toLowerCase()]);
		const ccs = record.cc.map((a) => a.email);
		for (const cc of original.cc) expect(ccs).toContain(cc.email.toLowerCase());
		expect(ccs).not.toContain(owner);
		expect(record.bodyText).toBe('Thanks, noted.');

		// Gmail files it in the same thread.
		const thread = await run(
			gmailNode({ resource: 'thread', operation: 'get', threadId: original.threadId }),
		);
		const threadIds = thread.json('Gmail CRM').map((r) => r.providerMessageId);
		expect(threadIds).toContain(original.id);
		expect(threadIds[threadIds.length - 1]).toBe(record.providerMessageId);
	});
});

describe('Gmail CRM node — message: get many', () => {
	it('searches with a Gmail query and labels, up to a limit, as email records', async () => {
		const result = await run(
			gmailNode({
				resource: 'message',
				operation: 'getMany',
				limit: 7,
				filters: { q: 'has:attachment', labelIds: ['INBOX'] },
			}),
		);
		expect(result.error).toBeUndefined();
		const records = result.json('Gmail CRM') as unknown as EmailRecord[];
		expect(records).toHaveLength(7);
		for (const record of records) {
			expect(() => emailRecordSchema.parse(record)).not.toThrow();
			expect(record.labels).toContain('INBOX');
			expect(record.attachments.length).toBeGreaterThan(0);
		}
	});

	it('returns all messages across pages, fetched in batches', async () => {
		emu.control.setQuota({ gmailUnitsPerSecond: 1_000_000 }); // about paging, not pacing
		try {
			const state = mailboxState();
			let expected = 0;
			for (let p = 0; p < state.totalPositions; p++) {
				const view = state.viewAt(p);
				if (view && !view.labelIds.includes('SPAM') && !view.labelIds.includes('TRASH')) expected++;
			}
			expect(expected).toBeGreaterThan(500);
			emu.control.resetCalls();
			const result = await run(
				gmailNode({ resource: 'message', operation: 'getMany', returnAll: true }),
			);
			expect(result.error).toBeUndefined();
			const ids = result.json('Gmail CRM').map((r) => r.providerMessageId);
			expect(ids).toHaveLength(expected);
			expect(new Set(ids).size).toBe(expected);
			const calls = emu.control.calls().byOperation;
			expect(calls['gmail.users.messages.list']).toBe(2);
			expect(calls['gmail.batch']).toBe(Math.ceil(expected / 50));
		} finally {
			emu.control.setQuota({ gmailUnitsPerSecond: 250 });
		}
	});

	it('waits as asked by a 429 with Retry-After on a batched fetch and then succeeds', async () => {
		emu.control.inject({
			operation: 'gmail.users.messages.get',
			status: 429,
			retryAfterSeconds: 1,
			times: 1,
		});
		emu.control.resetCalls();
		const started = Date.now();
		const result = await run(gmailNode({ resource: 'message', operation: 'getMany', limit: 5 }));
		expect(result.error).toBeUndefined();
		expect(result.json('Gmail CRM')).toHaveLength(5);
		expect(emu.control.calls().byOperation['gmail.users.messages.get']).toBe(6);
		expect(Date.now() - started).toBeGreaterThanOrEqual(900);
	});
});

describe('Gmail CRM node — access token expiring during an execution', () => {
	it('refreshes the token once when the batched fetch is refused with it, and returns every message', async () => {
		emu.control.inject({
			operation: 'gmail.users.messages.list',
			afterAnswer: () => {
				emu.control.advanceClock(2 * 3600 * 1000); // every token issued so far expires
			},
		});
		const helper = new TestCredentialsHelper();
		const result = await runWorkflow(
			chain(gmailNode({ resource: 'message', operation: 'getMany', limit: 60 })),
			{ credentials: [credential], credentialsHelper: helper },
		);
		expect(result.error).toBeUndefined();
		expect(result.json('Gmail CRM')).toHaveLength(60);
		expect(helper.tokenUpdates).toHaveLength(1);
		credential = helper.credentials.get(credential.id)!; // what n8n saved
	});
});

describe('Gmail CRM node — labels and read state', () => {
	it('adds and removes labels and marks read and unread, outputting the record afterwards', async () => {
		const target = sandboxMessage(
			(m) => incoming(m) && m.labelIds.includes('UNREAD') && !m.labelIds.includes('STARRED'),
		);
		const step = async (parameters: Record<string, unknown>) => {
			const result = await run(
				gmailNode({ resource: 'message', messageId: target.id, ...parameters }),
			);
			expect(result.error).toBeUndefined();
			return emailRecordSchema.parse(result.json('Gmail CRM')[0]);
		};
		const starred = await step({ operation: 'addLabels', labelIds: ['STARRED', 'IMPORTANT'] });
		expect(starred.labels).toEqual(expect.arrayContaining(['STARRED', 'IMPORTANT']));
		const unstarred = await step({ operation: 'removeLabels', labelIds: ['STARRED'] });
		expect(unstarred.labels).not.toContain('STARRED');
		expect(unstarred.labels).toContain('IMPORTANT');
		expect((await step({ operation: 'markAsRead' })).isRead).toBe(true);
		expect(mailboxState().view(target.id)!.labelIds).not.toContain('UNREAD');
		expect((await step({ operation: 'markAsUnread' })).isRead).toBe(false);
	});

	it('refuses labels Gmail does not have, naming them, with one label list per execution', async () => {
		emu.control.resetCalls();
		const adding = await run(
			gmailNode({ resource: 'message', operation: 'getMany', limit: 2 }, 'List'),
			gmailNode(
				{
					resource: 'message',
					operation: 'addLabels',
					messageId: '={{ $json.providerMessageId }}',
					labelIds: ['STARRED', 'Label_404'],
				},
				'Gmail CRM',
				{ onError: 'continueRegularOutput' },
			),
		);
		expect(adding.error).toBeUndefined();
		expect(adding.json('Gmail CRM')).toEqual([
			{ error: "Gmail has no label 'Label_404' — choose one from the list" },
			{ error: "Gmail has no label 'Label_404' — choose one from the list" },
		]);
		expect(emu.control.calls().byOperation['gmail.users.labels.list']).toBe(1);
		expect(emu.control.calls().byOperation['gmail.users.messages.modify']).toBeUndefined();

		const searching = await run(
			gmailNode({
				resource: 'message',
				operation: 'getMany',
				filters: { labelIds: ['Label_gone', 'INBOX', 'Label_9'] },
			}),
		);
		expect(searching.error?.message).toBe(
			"Gmail has no labels 'Label_gone', 'Label_9' — choose them from the list",
		);
	});

	it('lists the labels of the mailbox', async () => {
		const result = await run(gmailNode({ resource: 'label', operation: 'getMany' }));
		expect(result.error).toBeUndefined();
		const labels = result.json('Gmail CRM');
		expect(labels).toEqual(
			expect.arrayContaining([
				expect.objectContaining({ id: 'INBOX', name: 'INBOX', type: 'system' }),
			]),
		);
		const userLabels = emu.state.accounts
			.get(owner)!
			.mailbox.labels.filter((l) => l.type === 'user');
		for (const label of userLabels)
			expect(labels).toContainEqual(expect.objectContaining({ id: label.id, name: label.name }));
		for (const item of result.output('Gmail CRM')) expect(item.pairedItem).toEqual({ item: 0 });
	});
});

describe('Gmail CRM node — thread: get', () => {
	it('outputs every message of the thread as a record, oldest first', async () => {
		const mailbox = emu.state.accounts.get(owner)!.mailbox;
		const reply = sandboxMessage((m) => m.threadId !== m.id && !m.labelIds.includes('SPAM'));
		const expected = [...mailbox.threadMessageIndices(reply.threadId)].map(
			(i) => mailbox.messageAt(i).id,
		);
		expect(expected.length).toBeGreaterThan(1);
		const result = await run(
			gmailNode({ resource: 'thread', operation: 'get', threadId: reply.threadId }),
		);
		expect(result.error).toBeUndefined();
		const records = result.json('Gmail CRM') as unknown as EmailRecord[];
		expect(records.map((r) => r.providerMessageId)).toEqual(expected);
		for (const record of records) expect(record.providerThreadId).toBe(reply.threadId);
	});
});

describe('Gmail CRM node — what was not found', () => {
	it('names the message or thread Gmail does not have', async () => {
		const missing = 'ffffffffffff0000';
		const message = `Gmail has no message '${missing}' (or the account cannot see it)`;
		for (const parameters of [
			{ resource: 'message', operation: 'get', messageId: missing },
			{ resource: 'message', operation: 'reply', messageId: missing, text: 'Hi' },
			{ resource: 'message', operation: 'addLabels', messageId: missing, labelIds: ['STARRED'] },
			{ resource: 'message', operation: 'removeLabels', messageId: missing, labelIds: ['STARRED'] },
			{ resource: 'message', operation: 'markAsRead', messageId: missing },
			{ resource: 'message', operation: 'markAsUnread', messageId: missing },
		]) {
			const result = await run(gmailNode(parameters));
			expect([parameters.operation, result.error?.message]).toEqual([
				parameters.operation,
				message,
			]);
		}
		const thread = await run(
			gmailNode({ resource: 'thread', operation: 'get', threadId: missing }),
		);
		expect(thread.error?.message).toBe(
			`Gmail has no thread '${missing}' (or the account cannot see it)`,
		);
	});
});

describe('Gmail CRM node — continue on fail', () => {
	it('keeps every item paired with its input when one item fails', async () => {
		const result = await run(
			gmailNode({ resource: 'message', operation: 'getMany', limit: 3 }, 'List'),
			gmailNode(
				{
					resource: 'message',
					operation: 'get',
					messageId: "={{ $itemIndex === 1 ? 'ffffffffffff0000' : $json.providerMessageId }}",
				},
				'Gmail CRM',
				{ onError: 'continueRegularOutput' },
			),
		);
		expect(result.error).toBeUndefined();
		const listed = result.json('List').map((r) => r.providerMessageId);
		const output = result.output('Gmail CRM');
		expect(output.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(output[0].json.providerMessageId).toBe(listed[0]);
		expect(output[1].json.error).toBe(
			"Gmail has no message 'ffffffffffff0000' (or the account cannot see it)",
		);
		expect(output[2].json.providerMessageId).toBe(listed[2]);
	});
});

describe('Gmail CRM node — documented example', () => {
	it('runs the example workflow of docs/nodes/gmail-crm.md as published', async () => {
		const doc = readFileSync(path.join(__dirname, '../../docs/nodes/gmail-crm.md'), 'utf8');
		const workflow = JSON.parse(/```json\n([\s\S]*?)```/.exec(doc)![1]) as WorkflowDefinition;
		for (const node of workflow.nodes) {
			if (node.type === 'n8n-nodes-crm-connect.gmailCrm')
				node.credentials = { gmailCrmOAuth2Api: { id: credential.id, name: credential.name } };
		}
		const { raw } = composeMime({
			from: 'Carla Customer <carla@customer.example>',
			to: [owner],
			subject: 'Order 1234',
			text: 'Where is my order?',
		});
		const [delivered] = deliverGmailMessages(emu.state, owner, [raw]);
		const result = await runWorkflow(workflow, { credentials: [credential] });
		expect(result.error).toBeUndefined();
		const [replyRecord] = result.json('Reply in thread');
		expect(replyRecord).toMatchObject({
			providerThreadId: delivered.threadId,
			subject: 'Re: Order 1234',
			to: [{ email: 'carla@customer.example' }],
		});
		expect(replyRecord.bodyText).toMatch(/^Hello Carla Customer,/);
		expect(result.json('Mark as read')[0]).toMatchObject({
			providerMessageId: delivered.id,
			isRead: true,
		});
	});
});
