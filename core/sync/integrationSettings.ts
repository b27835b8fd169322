// What a connected account syncs and how its data is shared, as stored in integrations.settings
// (jsonb). One zod schema: the API validates updates with it, the sync engine reads through it, so
// a row written by an older version (missing keys) reads with today's defaults.
import { z } from 'zod';

/** Well-known mail selections; anything else is a provider label id (Gmail) or folder id (Graph). */
export const WELL_KNOWN_MAIL_FOLDERS = ['inbox', 'sent', 'all'] as const;

export const initialHorizonSchema = z.discriminatedUnion('kind', [
	/** The newest N messages of each selected label or folder. */
	z.object({ kind: z.literal('messages'), count: z.number().int().min(1).max(1_000_000) }),
	/** Mail received in the last N days. */
	z.object({ kind: z.literal('days'), days: z.number().int().min(1).max(3650) }),
]);

export const visibilitySchema = z.enum(['metadata', 'subject', 'everything']);

export const contactCreationSchema = z.enum([
	/** Follow the workspace's policy (workspace_settings.contact_creation_policy). */
	'workspace_default',
	'sent_and_received',
	'sent',
	'none',
]);

export const integrationSettingsSchema = z
	.object({
		/** Sync on or off; off keeps the connection and the data, and the scheduler skips it. */
		syncEnabled: z.boolean().default(true),
		syncMail: z.boolean().default(true),
		syncCalendar: z.boolean().default(true),
		/**
		 * Mail to sync: 'inbox', 'sent', 'all' (every label / folder but spam, trash and drafts), or
		 * provider label / folder ids chosen by the user.
		 */
		mailFolders: z.array(z.string().min(1).max(256)).min(1).max(100).default(['inbox', 'sent']),
		/** Calendars to sync: 'primary' or provider calendar ids. */
		calendars: z.array(z.string().min(1).max(512)).max(100).default(['primary']),
		/** How far back the first sync (and a resync after an expired cursor) reaches. */
		initialHorizon: initialHorizonSchema.default({ kind: 'messages', count: 1000 }),
		/** What workspace members may see of this account's mail and events. */
		visibility: visibilitySchema.default('everything'),
		/** Which of this account's mail creates people and companies. */
		contactCreation: contactCreationSchema.default('workspace_default'),
		/** Run signature enrichment after each sync (on by default: turning it off is the opt-out). */
		autoEnrich: z.boolean().default(true),
		/**
		 * Poll the comments on the account's YouTube channel into the inbox (off by default: it
		 * spends the Google project's daily YouTube quota, and needs a YouTube scope granted).
		 */
		syncYoutubeComments: z.boolean().default(false),
	})
	.strict();

export type IntegrationSettings = z.output<typeof integrationSettingsSchema>;
export type IntegrationSettingsInput = z.input<typeof integrationSettingsSchema>;

/** A partial update from the API or the CRM node: unknown keys are refused, not dropped. */
export const integrationSettingsUpdateSchema = integrationSettingsSchema.partial().strict();
export type IntegrationSettingsUpdate = z.output<typeof integrationSettingsUpdateSchema>;

/** Settings as stored (possibly written by an older version), read with today's defaults. */
export function readIntegrationSettings(stored: unknown): IntegrationSettings {
	const parsed = integrationSettingsSchema.safeParse(stored ?? {});
	if (parsed.success) return parsed.data;
	// A stored value that no longer validates must not stop the sync: keep what still reads.
	const fallback: Record<string, unknown> = {};
	const shape = integrationSettingsSchema.shape;
	for (const [key, value] of Object.entries((stored as Record<string, unknown>) ?? {})) {
		const field = shape[key as keyof typeof shape];
		if (field && field.safeParse(value).success) fallback[key] = value;
	}
	return integrationSettingsSchema.parse(fallback);
}

/** Applies a validated partial update to stored settings. */
export function mergeIntegrationSettings(
	stored: unknown,
	update: IntegrationSettingsUpdate,
): IntegrationSettings {
	return integrationSettingsSchema.parse({ ...readIntegrationSettings(stored), ...update });
}
