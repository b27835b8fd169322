'use strict';
// The list of migrations, required statically so that bundlers (the nodes' esbuild bundle) include
// them and knex's CLI and the runtime run exactly the same files. A test checks that this list and
// the folder agree.
const migrations = {
	'20261123120000_create_workspace_settings': require('./20261123120000_create_workspace_settings'),
	'20261123120100_create_integrations': require('./20261123120100_create_integrations'),
	'20261123120200_create_people_and_companies': require('./20261123120200_create_people_and_companies'),
	'20261123120300_create_emails': require('./20261123120300_create_emails'),
	'20261123120400_create_calendar_events': require('./20261123120400_create_calendar_events'),
	'20261123120500_create_record_links': require('./20261123120500_create_record_links'),
	'20261123120600_create_blocklist': require('./20261123120600_create_blocklist'),
	'20261123120700_create_enrichment_results': require('./20261123120700_create_enrichment_results'),
	'20261123120800_create_sync_state': require('./20261123120800_create_sync_state'),
	'20261123120900_create_ad_conversions': require('./20261123120900_create_ad_conversions'),
	'20261123121000_create_youtube_comments': require('./20261123121000_create_youtube_comments'),
	'20261123121100_create_webhooks': require('./20261123121100_create_webhooks'),
	'20261201100000_add_mailbox_sync_marks': require('./20261201100000_add_mailbox_sync_marks'),
	'20261201120000_linking': require('./20261201120000_linking'),
	'20261201110000_workspace_connect': require('./20261201110000_workspace_connect'),
	'20261201130000_email_search': require('./20261201130000_email_search'),
	'20261201130100_calendar_event_listing': require('./20261201130100_calendar_event_listing'),
	'20261201140000_enrichment': require('./20261201140000_enrichment'),
	'20261201150100_youtube_comment_links': require('./20261201150100_youtube_comment_links'),
};

const migrationNames = Object.keys(migrations).sort();

/**
 * knex migration source over the static list above. Migrations are `{ file }` objects like those of
 * knex's own file source, because knex's CLI prints a pending migration's `file` (`migrate:list`).
 */
class CrmMigrationSource {
	getMigrations() {
		return Promise.resolve(migrationNames.map((file) => ({ file })));
	}
	/** @param {{ file: string }} migration */
	getMigrationName(migration) {
		return migration.file;
	}
	/** @param {{ file: string }} migration */
	getMigration(migration) {
		const found = migrations[/** @type {keyof typeof migrations} */ (migration.file)];
		if (!found) throw new Error(`Unknown crm-connect migration ${migration.file}`);
		return Promise.resolve(found);
	}
}

module.exports = { CrmMigrationSource, migrationNames };
