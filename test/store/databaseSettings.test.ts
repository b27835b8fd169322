import {
	parseDatabaseSettings,
	type DatabaseSettingsInput,
} from '../../core/store/databaseSettings';

function messageOf(input: Record<string, unknown>): string {
	try {
		parseDatabaseSettings(input as DatabaseSettingsInput);
	} catch (error) {
		return (error as Error).message;
	}
	throw new Error(`${JSON.stringify(input)} was accepted`);
}

describe('database settings', () => {
	it('fills in defaults and keeps what is given', () => {
		expect(parseDatabaseSettings({ host: ' db.example ', port: '6543' as never })).toMatchObject({
			host: 'db.example',
			port: 6543,
			database: 'postgres',
			user: 'postgres',
			ssl: 'disable',
			schema: 'crm',
			autoMigrate: true,
			poolMax: 10,
		});
	});

	it.each([
		[
			{ schema: 'x-y' },
			"Schema name 'x-y' is not valid: use lower-case letters, digits and underscores, starting with a letter or an underscore (63 characters at most).",
		],
		[
			{ schema: 'Crm' },
			"Schema name 'Crm' is not valid: use lower-case letters, digits and underscores, starting with a letter or an underscore (63 characters at most).",
		],
		[{ port: 'abc' }, "Port 'abc' is not valid: use a whole number from 1 to 65535."],
		[{ port: 70000 }, "Port '70000' is not valid: use a whole number from 1 to 65535."],
		[{ poolMax: 0 }, "Pool size '0' is not valid: use a whole number from 1 to 100."],
		[
			{ ssl: 'strict' },
			"SSL mode 'strict' is not valid: use disable, allow, require or verify-full.",
		],
		[{ autoMigrate: 'yes' }, "Run Migrations Automatically 'yes' is not valid: use true or false."],
		[{ host: 5 }, "Host '5' is not valid: use text."],
	])('explains %j in a sentence', (input, message) => {
		expect(messageOf(input)).toBe(message);
	});

	it('names every value it refuses, one sentence each, and never repeats a password or URL', () => {
		const message = messageOf({ schema: 'x-y', port: 0, password: 42, url: 7 });
		expect(message).toBe(
			[
				'Connection URL is not valid: use text.',
				"Port '0' is not valid: use a whole number from 1 to 65535.",
				'Password is not valid: use text.',
				"Schema name 'x-y' is not valid: use lower-case letters, digits and underscores, starting with a letter or an underscore (63 characters at most).",
			].join(' '),
		);
	});
});
