import { describeConnection, type DatabaseSettings } from './databaseSettings';

/** A failure to reach or use the database, worded so the user knows what to fix. */
export class DatabaseConnectionError extends Error {
	readonly code?: string;

	constructor(settings: DatabaseSettings, cause: unknown) {
		super(explain(settings, cause), { cause });
		this.name = 'DatabaseConnectionError';
		this.code = (cause as { code?: string } | undefined)?.code;
	}
}

function explain(settings: DatabaseSettings, cause: unknown): string {
	const where = describeConnection(settings);
	const error = cause as { code?: string; message?: string } | undefined;
	switch (error?.code) {
		case 'ECONNREFUSED':
			return `Could not reach PostgreSQL at ${where}: the connection was refused. Check the host and port, and that the server is running.`;
		case 'ENOTFOUND':
		case 'EAI_AGAIN':
			return `Could not reach PostgreSQL at ${where}: the host name does not resolve.`;
		case 'ETIMEDOUT':
			return `Could not reach PostgreSQL at ${where}: the connection timed out.`;
		case '28P01':
		case '28000':
			return `PostgreSQL at ${where} refused the user name or password.`;
		case '3D000':
			return `PostgreSQL at ${where}: the database does not exist.`;
		case '42501':
			return `PostgreSQL at ${where}: the user lacks a permission crm-connect needs (${error.message ?? 'permission denied'}).`;
		default:
			return `PostgreSQL at ${where}: ${error?.message ?? String(cause)}`;
	}
}
