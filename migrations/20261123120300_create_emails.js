'use strict';
const { addIdAndWorkspace, addIntegrationId, addTimestamps } = require('./support/columns');

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
	await knex.schema.createTable('emails', (table) => {
		table.comment(
			'One email per workspace: the same message seen in two mailboxes (same Message-ID) is one row',
		);
		addIdAndWorkspace(table, knex);
		table
			.text('internet_message_id')
			.notNullable()
			.comment('RFC 5322 Message-ID (or a provider-derived key when the header is missing)');
		table.text('in_reply_to').nullable().comment('In-Reply-To header');
		table.jsonb('references').notNullable().defaultTo('[]').comment('References header, as a list');
		table.text('subject').nullable().comment('Subject, decoded');
		table.text('snippet').nullable().comment('Short preview of the body');
		table.text('from_email').nullable().comment('Sender address, lower case');
		table.text('from_name').nullable().comment('Sender display name');
		table.jsonb('to_recipients').notNullable().defaultTo('[]').comment('To: [{ name, email }]');
		table.jsonb('cc_recipients').notNullable().defaultTo('[]').comment('Cc: [{ name, email }]');
		table.jsonb('bcc_recipients').notNullable().defaultTo('[]').comment('Bcc (own sent mail only)');
		table.text('body_text').nullable().comment('Plain-text body');
		table
			.text('body_html')
			.nullable()
			.comment('HTML body, kept apart from the text and never rendered unsanitized');
		table.timestamp('sent_at', { useTz: true }).nullable().comment('Date of the message');
		table
			.boolean('has_attachments')
			.notNullable()
			.defaultTo(false)
			.comment('Whether it has attachments');
		table
			.boolean('is_bulk')
			.notNullable()
			.defaultTo(false)
			.comment(
				'Bulk or automatic mail (List-Id, List-Unsubscribe, Precedence: bulk, Auto-Submitted)',
			);
		table
			.jsonb('list_headers')
			.notNullable()
			.defaultTo('{}')
			.comment('The headers that classify bulk mail, as received');
		table
			.text('visibility')
			.notNullable()
			.defaultTo('everything')
			.checkIn(['metadata', 'subject', 'everything'], 'emails_visibility')
			.comment('Most restrictive visibility of the integrations that hold it');
		addTimestamps(table, knex);
		table.unique(['workspace_id', 'internet_message_id'], {
			indexName: 'emails_workspace_message_id_unique',
		});
		table.index(['workspace_id', 'sent_at', 'id'], 'emails_workspace_sent_at');
		table.index(['workspace_id', 'from_email'], 'emails_workspace_from');
	});

	await knex.schema.createTable('mailbox_messages', (table) => {
		table.comment('An email as seen in one connected mailbox: provider ids, labels, read state');
		addIdAndWorkspace(table, knex);
		table
			.uuid('email_id')
			.notNullable()
			.references('id')
			.inTable('emails')
			.onDelete('CASCADE')
			.comment('The email this copy is of');
		addIntegrationId(table, 'Mailbox (integration) the copy lives in');
		table
			.text('provider_message_id')
			.notNullable()
			.comment('Gmail message id or Graph immutable id');
		table.text('provider_thread_id').nullable().comment('Gmail thread id or Graph conversationId');
		table.jsonb('labels').notNullable().defaultTo('[]').comment('Gmail labels or the Graph folder');
		table.boolean('is_read').notNullable().defaultTo(false).comment('Read state in this mailbox');
		table
			.text('direction')
			.notNullable()
			.checkIn(['incoming', 'outgoing'], 'mailbox_messages_direction')
			.comment('incoming: received by the mailbox; outgoing: sent from it');
		table
			.timestamp('deleted_at', { useTz: true })
			.nullable()
			.comment('Set when the provider reported the message deleted (tombstone)');
		addTimestamps(table, knex);
		table.unique(['workspace_id', 'integration_id', 'provider_message_id'], {
			indexName: 'mailbox_messages_provider_unique',
		});
		table.index(['workspace_id', 'email_id'], 'mailbox_messages_workspace_email');
		table.index(
			['workspace_id', 'integration_id', 'provider_thread_id'],
			'mailbox_messages_thread',
		);
	});

	await knex.schema.createTable('email_participants', (table) => {
		table.comment('Addresses on an email, one row per role, for set-based linking');
		addIdAndWorkspace(table, knex);
		table
			.uuid('email_id')
			.notNullable()
			.references('id')
			.inTable('emails')
			.onDelete('CASCADE')
			.comment('The email');
		table
			.text('role')
			.notNullable()
			.checkIn(['from', 'to', 'cc', 'bcc', 'reply_to'], 'email_participants_role')
			.comment('from, to, cc, bcc or reply_to');
		table.text('address').notNullable().comment('Address, lower case');
		table.text('display_name').nullable().comment('Display name as written in the header');
		table
			.uuid('person_id')
			.nullable()
			.references('id')
			.inTable('people')
			.onDelete('SET NULL')
			.comment('Person matched by address');
		table.unique(['email_id', 'role', 'address'], { indexName: 'email_participants_unique' });
		table.index(['workspace_id', 'address'], 'email_participants_workspace_address');
		table.index(['workspace_id', 'person_id'], 'email_participants_workspace_person');
	});
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
	await knex.schema.dropTable('email_participants');
	await knex.schema.dropTable('mailbox_messages');
	await knex.schema.dropTable('emails');
};
