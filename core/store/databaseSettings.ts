import { z } from 'zod';

/** A PostgreSQL identifier we are willing to interpolate as a schema name. */
const schemaName = z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/);

/**
 * How crm-connect reaches its PostgreSQL database: a URL, or host/port/database/user/password.
 * All crm-connect tables live in `schema` so the package can share a server (often n8n's own)
 * without touching other tables.
 */
export const databaseSettingsSchema = z.object({
	url: z.string().trim().optional(),
	host: z.string().trim().default('127.0.0.1'),
	port: z.coerce.number().int().min(1).max(65535).default(5432),
	database: z.string().trim().default('postgres'),
	user: z.string().trim().default('postgres'),
	password: z.string().optional(),
	ssl: z.enum(['disable', 'allow', 'require', 'verify-full']).default('disable'),
	schema: schemaName.default('crm'),
	autoMigrate: z.boolean().default(true),
	poolMax: z.coerce.number().int().min(1).max(100).default(10),
});

export type DatabaseSettingsInput = z.input<typeof databaseSettingsSchema>;
export type DatabaseSettings = z.output<typeof databaseSettingsSchema>;

/** How each setting is named to a user and what it accepts; secrets are never repeated back. */
const SETTING_RULES: Record<
	keyof DatabaseSettingsInput,
	{ label: string; rule: string; secret?: true }
> = {
	url: { label: 'Connection URL', rule: 'use text', secret: true },
	host: { label: 'Host', rule: 'use text' },
	port: { label: 'Port', rule: 'use a whole number from 1 to 65535' },
	database: { label: 'Database', rule: 'use text' },
	user: { label: 'User', rule: 'use text' },
	password: { label: 'Password', rule: 'use text', secret: true },
	ssl: { label: 'SSL mode', rule: 'use disable, allow, require or verify-full' },
	schema: {
		label: 'Schema name',
		rule: 'use lower-case letters, digits and underscores, starting with a letter or an underscore (63 characters at most)',
	},
	autoMigrate: { label: 'Run Migrations Automatically', rule: 'use true or false' },
	poolMax: { label: 'Pool size', rule: 'use a whole number from 1 to 100' },
};

/** Settings that cannot be used, told as one sentence per setting (not as validation data). */
export class DatabaseSettingsError extends Error {
	constructor(message: string, options?: ErrorOptions) {
		super(message, options);
		this.name = 'DatabaseSettingsError';
	}
}

export function parseDatabaseSettings(input: DatabaseSettingsInput): DatabaseSettings {
	const cleaned = Object.fromEntries(
		Object.entries(input).filter(
			([, value]) => value !== '' && value !== undefined && value !== null,
		),
	);
	const parsed = databaseSettingsSchema.safeParse(cleaned);
	if (parsed.success) return parsed.data;
	const refused = new Set(parsed.error.issues.map((issue) => String(issue.path[0])));
	const sentences = Object.keys(SETTING_RULES)
		.filter((key) => refused.has(key))
		.map((key) => {
			const { label, rule, secret } = SETTING_RULES[key as keyof DatabaseSettingsInput];
			const value = secret ? '' : ` '${String(cleaned[key])}'`;
			return `${label}${value} is not valid: ${rule}.`;
		});
	throw new DatabaseSettingsError(
		sentences.join(' ') || 'The CRM Database settings are not valid: give them as named fields.',
		{ cause: parsed.error },
	);
}

/** Connection options for node-postgres; the URL wins over the separate fields. */
export function toPgConnection(settings: DatabaseSettings) {
	const ssl =
		settings.ssl === 'disable'
			? false
			: settings.ssl === 'verify-full'
				? { rejectUnauthorized: true }
				: { rejectUnauthorized: false };
	if (settings.url) {
		return { connectionString: settings.url, ssl: settings.ssl === 'disable' ? undefined : ssl };
	}
	return {
		host: settings.host,
		port: settings.port,
		database: settings.database,
		user: settings.user,
		password: settings.password,
		ssl,
	};
}

/** A key that is equal for settings that reach the same database and schema (passwords included, hashed away by the caller's Map). */
export function connectionKey(settings: DatabaseSettings): string {
	return JSON.stringify([toPgConnection(settings), settings.schema, settings.poolMax]);
}

/** Where the settings point, without secrets: for messages and logs. */
export function describeConnection(settings: DatabaseSettings): string {
	if (settings.url) {
		try {
			const url = new URL(settings.url);
			return `${url.hostname}:${url.port || 5432}${url.pathname} (schema ${settings.schema})`;
		} catch {
			return `a connection URL (schema ${settings.schema})`;
		}
	}
	return `${settings.host}:${settings.port}/${settings.database} (schema ${settings.schema})`;
}
