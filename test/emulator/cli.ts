/**
 * Standalone emulator: `npm run emulator -- --port 8025 --messages 1000 --seed demo`.
 * The first line on stdout is one JSON object (baseUrl, accessToken, urls, sandbox accounts);
 * it then serves until SIGTERM / SIGINT (Ctrl-C) and exits 0 after a clean stop.
 */
import { startEmulator, type EmulatorOptions } from './index';

const USAGE = `usage: npm run emulator -- [--port 8025] [--host 127.0.0.1] [--messages 200] [--seed 1]
                                  [--epoch 2026-11-01T09:00:00Z] [--no-quota]
  --port 0 picks a free port. The first stdout line is JSON with baseUrl and accessToken.`;

export function parseArgs(argv: string[]): EmulatorOptions {
	const options: EmulatorOptions = { port: 8025 };
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i]!;
		const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? arg.split(/=(.*)/s) : [arg];
		const value = () => {
			const v = inline ?? argv[++i];
			if (v === undefined) throw new Error(`${flag} needs a value`);
			return v;
		};
		const integer = (name: string, min: number) => {
			const v = Number(value());
			if (!Number.isInteger(v) || v < min) throw new Error(`${name} must be an integer >= ${min}`);
			return v;
		};
		switch (flag) {
			case '--port':
				options.port = integer('--port', 0);
				break;
			case '--host':
				options.host = value();
				break;
			case '--messages':
				options.messages = integer('--messages', 0);
				break;
			case '--seed':
				options.seed = value();
				break;
			case '--epoch': {
				const date = new Date(value());
				if (Number.isNaN(date.getTime())) throw new Error('--epoch must be an ISO date');
				options.epoch = date;
				break;
			}
			case '--no-quota':
				options.quota = { enabled: false };
				break;
			case '--help':
			case '-h':
				process.stdout.write(`${USAGE}\n`);
				process.exit(0);
				break;
			default:
				throw new Error(`unknown option ${arg}`);
		}
	}
	return options;
}

export async function main(argv: string[]): Promise<void> {
	let options: EmulatorOptions;
	try {
		options = parseArgs(argv);
	} catch (error) {
		process.stderr.write(`${(error as Error).message}\n${USAGE}\n`);
		process.exit(2);
	}
	const emu = await startEmulator(options);
	const ready = {
		baseUrl: emu.baseUrl,
		accessToken: emu.sandbox.accessToken,
		microsoftAccessToken: emu.sandbox.microsoftAccessToken,
		googleEmail: emu.sandbox.googleEmail,
		microsoftEmail: emu.sandbox.microsoftEmail,
		openaiApiKey: emu.openai.apiKey,
		urls: emu.urls,
		sandbox: emu.sandbox,
		seed: emu.state.seed,
		messages: emu.state.messages,
		pid: process.pid,
	};
	process.stdout.write(`${JSON.stringify(ready)}\n`);
	process.stderr.write(
		`emulator listening on ${emu.baseUrl} (sandbox ${emu.sandbox.googleEmail}, ${emu.sandbox.microsoftEmail}); Ctrl-C to stop\n`,
	);

	let stopping = false;
	const stop = (why: string) => {
		if (stopping) return;
		stopping = true;
		clearInterval(parentWatch);
		emu.stop().then(
			() => {
				process.stderr.write(`emulator stopped (${why})\n`);
				process.exit(0);
			},
			(error) => {
				process.stderr.write(`emulator stop failed: ${String(error)}\n`);
				process.exit(1);
			},
		);
	};
	process.on('SIGTERM', () => stop('SIGTERM'));
	process.on('SIGINT', () => stop('SIGINT'));
	process.on('SIGHUP', () => stop('SIGHUP'));
	// A wrapper that dies from a signal (npm → launcher) leaves us orphaned: stop then too.
	const parent = process.ppid;
	const parentWatch = setInterval(() => {
		if (process.ppid !== parent) stop('parent exited');
	}, 500);
	parentWatch.unref();
}

if (require.main === module) {
	main(process.argv.slice(2)).catch((error) => {
		process.stderr.write(`emulator failed to start: ${(error as Error).stack ?? String(error)}\n`);
		process.exit(1);
	});
}
