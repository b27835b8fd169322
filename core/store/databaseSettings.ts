import { z } from 'zod';

/** A PostgreSQL identifier we are willing to interpolate as a schema name. */
const schemaName = z
	.string()
	.regex(/^[a-z_][a-z0-9_]{0,62}$/, 'Schema names use lower-case letters, digits and underscores');

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

export function parseDatabaseSettings(input: DatabaseSettingsInput): DatabaseSettings {
	const cleaned = Object.fromEntries(
		Object.entries(input).filter(
			([, value]) => value !== '' && value !== undefined && value !== null,
		),
	);
	return databaseSettingsSchema.parse(cleaned);
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
