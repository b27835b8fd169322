// Queue mode as operators scale n8n: one main process and two `n8n worker` processes sharing
// PostgreSQL (n8n's database) and Redis (the Bull queue), with this package installed as a
// community package. Proves that the package loads in every process, and that the published
// Gmail CRM Trigger example, once active, has its executions run by the workers: the trigger polls
// on main, each delivered message is emitted exactly once, and the example's Gmail CRM node,
// running on a worker, stars it. The example polls every 15 s here instead of once a minute
// (support/fastPolls.ts), so that waiting for its next poll takes seconds.
import { readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';

import type { ExecutionSummary, StoredWorkflow } from '../../scripts/n8n/rest';
import { importPublishedWorkflows } from '../../scripts/n8n/sandbox';
import { eventually, startCrmN8n, type CrmN8n } from './support/crmN8n';
import { withFastPolls } from './support/fastPolls';

jest.setTimeout(600_000);

const REDIS = { host: process.env.CRM_REDIS_HOST ?? '127.0.0.1', port: 6379 };
const EXAMPLE = 'Example · Gmail CRM Trigger: log every new customer email and star it';
const PACKAGE = 'n8n-nodes-crm-connect';
const manifest = (
	JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
		n8n: { nodes: string[]; credentials: string[] };
	}
).n8n;

/** Undefined when Redis answers PING with PONG, otherwise what went wrong. */
async function pingRedis(): Promise<string | undefined> {
	return await new Promise((resolve) => {
		const socket = net.connect(REDIS);
		let answer = '';
		const done = (problem: string | undefined) => {
			clearTimeout(timer);
			socket.destroy();
			resolve(problem);
		};
		const timer = setTimeout(() => done('no answer to PING within 3 s'), 3_000);
		socket.on('connect', () => socket.write('PING\r\n'));
		socket.on('data', (chunk: Buffer) => {
			answer += chunk.toString();
			if (answer.includes('\r\n'))
				done(answer.startsWith('+PONG') ? undefined : `it answered ${answer.trim()}`);
		});
		socket.on('error', (error) => done(error.message));
	});
}

/** n8n's log lines ("<time> | <level> | <message> {metadata}") with their level. */
function logLines(log: string): Array<{ level: string; text: string }> {
	return log
		.split('\n')
		.map((line) => /^\S+ \| (\w+)\s*\| (.*)$/.exec(line))
		.filter((match): match is RegExpExecArray => match !== null)
		.map((match) => ({ level: match[1], text: match[2] }));
}

/** The executions of a workflow, newest first (n8n's page size is at most 100). */
async function executionsOf(n8n: CrmN8n, workflowId: string): Promise<ExecutionSummary[]> {
	const filter = encodeURIComponent(JSON.stringify({ workflowId }));
	const page = await n8n.rest.request<{ results: ExecutionSummary[] }>(
		'GET',
		`/rest/executions?filter=${filter}&limit=100`,
	);
	return page.results;
}

/** Finished, one way or the other (n8n's execution list has no `finished` flag). */
const isDone = (execution: ExecutionSummary) =>
	!['new', 'running', 'waiting', 'unknown'].includes(execution.status);

/** The JSON of every item a node output in the workflow's finished executions, oldest first. */
async function outputsOf(n8n: CrmN8n, workflowId: string, nodeName: string) {
	const runs = (await executionsOf(n8n, workflowId)).sort((a, b) => Number(a.id) - Number(b.id));
	const items: Array<Record<string, unknown>> = [];
	for (const run of runs) {
		if (!isDone(run)) continue;
		const detail = await n8n.rest.execution(run.id);
		for (const task of detail.data.resultData.runData[nodeName] ?? []) {
			for (const item of task.data?.main?.[0] ?? []) items.push(item.json);
		}
	}
	return items;
}

const countOf = (text: string, needle: string) => text.split(needle).length - 1;

describe('queue mode: n8n main and two workers with Redis and PostgreSQL', () => {
	let n8n: CrmN8n;

	beforeAll(async () => {
		const problem = await pingRedis();
		if (problem) {
			throw new Error(
				`Redis at ${REDIS.host}:${REDIS.port} does not answer (${problem}); queue mode needs it. ` +
					'Start one with `redis-server --port 6379 --bind 127.0.0.1 --save "" --appendonly no ' +
					'--daemonize yes` (Debian: `apt-get install redis-server`), or set CRM_REDIS_HOST.',
			);
		}
		// n8n names the packages it loaded only at debug level; the processes inherit this.
		process.env.N8N_LOG_LEVEL = 'debug';
		n8n = await startCrmN8n({ name: 'queue', workers: 2 });
		process.stdout.write(
			`queue mode: ${[n8n.main, ...n8n.workers]
				.map((p) => `${p.role} ready in ${p.readyMs} ms, RSS ${p.rssKb()} kB`)
				.join('; ')}\n`,
		);
	});

	afterAll(async () => {
		await n8n?.stop();
	});

	test('the package loads in the main process and in every worker, without an error', () => {
		const logs = [
			{ name: 'main', log: n8n.mainLog() },
			...n8n.workerLogs().map((log, index) => ({ name: `worker ${index + 1}`, log })),
		];
		expect(logs).toHaveLength(3);
		for (const { name, log } of logs) {
			const lines = logLines(log);
			// n8n-core's PackageDirectoryLoader, after it required every node and credential file.
			const loaded = lines.find((line) =>
				line.text.startsWith(`Loaded all credentials and nodes from ${PACKAGE} `),
			);
			expect({ name, loaded: loaded?.text }).toEqual({
				name,
				loaded: expect.stringContaining(
					`{"credentials":${manifest.credentials.length},"nodes":${manifest.nodes.length},`,
				),
			});
			const problems = lines.filter(
				(line) => /^(error|warn)$/.test(line.level) && line.text.includes(PACKAGE),
			);
			expect({ name, problems }).toEqual({ name, problems: [] });
			expect(log).not.toMatch(/Failed to load package|Skipping package/);
		}
	});

	test('the Gmail CRM Trigger example runs on the workers: each new message once, starred', async () => {
		const { rest, emulator } = n8n;
		const [example] = await importPublishedWorkflows(
			rest,
			(workflow) => withFastPolls(workflow),
			(name) => name === EXAMPLE,
		);
		expect(example?.name).toBe(EXAMPLE);
		const workflowId = example.stored.id;

		await rest.activate(workflowId);
		// n8n activates through its publication outbox, after the REST call answered; the trigger's
		// first poll records where the mailbox stands in static data, saved when activation is done.
		await eventually('the activation poll to store the Gmail cursor', async () => {
			const stored = await rest.request<StoredWorkflow & { staticData?: unknown }>(
				'GET',
				`/rest/workflows/${workflowId}`,
			);
			return JSON.stringify(stored.staticData ?? {}).includes('historyId') ? stored : undefined;
		});
		expect(await executionsOf(n8n, workflowId)).toEqual([]);

		const response = await fetch(`${emulator.baseUrl}/_emulator/gmail/deliver`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ email: emulator.sandbox.googleEmail, count: 3 }),
		});
		expect(response.status).toBe(200);
		const delivered = ((await response.json()) as { messages: Array<{ id: string }> }).messages.map(
			(message) => message.id,
		);
		expect(delivered).toHaveLength(3);

		// The next poll emits them; the workers run the executions.
		const executions = await eventually(
			'executions of the example emitting the 3 messages',
			async () => {
				const all = await executionsOf(n8n, workflowId);
				if (all.length === 0 || !all.every(isDone)) return undefined;
				const emitted = await outputsOf(n8n, workflowId, 'New mail');
				return emitted.length >= delivered.length ? all : undefined;
			},
		);
		for (const execution of executions)
			expect(execution).toMatchObject({ status: 'success', mode: 'trigger' });

		// One more poll, with nothing new: it must not emit anything again.
		const polled = 'Poll trigger initiated for workflow "' + EXAMPLE;
		const pollsSoFar = countOf(n8n.mainLog(), polled);
		const historyReads = () =>
			Object.entries(emulator.control.calls().byOperation)
				.filter(([operation]) => operation.endsWith('history.list'))
				.reduce((sum, [, count]) => sum + count, 0);
		const readsSoFar = historyReads();
		await eventually('the next poll to read the Gmail history', async () =>
			countOf(n8n.mainLog(), polled) > pollsSoFar && historyReads() > readsSoFar ? true : undefined,
		);
		// The poll answers right after its history read; a few seconds for n8n to enqueue an emission.
		await new Promise((resolve) => setTimeout(resolve, 5_000));
		const after = await executionsOf(n8n, workflowId);
		expect(after.map((execution) => execution.id).sort()).toEqual(
			executions.map((execution) => execution.id).sort(),
		);

		// Each delivered message emitted exactly once, and nothing else.
		const emitted = (await outputsOf(n8n, workflowId, 'New mail')).map(
			(item) => item.providerMessageId,
		);
		expect([...emitted].sort()).toEqual([...delivered].sort());
		const starred = (await outputsOf(n8n, workflowId, 'Star it')).map(
			(item) => item.providerMessageId,
		);
		expect([...starred].sort()).toEqual([...delivered].sort());

		// Main enqueued each execution; exactly one worker started and finished it.
		const mainLog = n8n.mainLog();
		const workerLogs = n8n.workerLogs();
		for (const { id } of after) {
			expect(mainLog).toMatch(new RegExp(`Enqueued execution ${id} \\(job \\d+\\)`));
			const ranOn = workerLogs
				.map((log, index) => ({ index, log }))
				.filter(({ log }) => new RegExp(`Worker started execution ${id} \\(job \\d+\\)`).test(log));
			expect({ id, workers: ranOn.length }).toEqual({ id, workers: 1 });
			expect(ranOn[0].log).toMatch(new RegExp(`Worker finished execution ${id} \\(job \\d+\\)`));
			expect(mainLog).not.toMatch(new RegExp(`Worker (started|finished) execution ${id} `));
		}

		// Gmail itself: every delivered message now carries STARRED.
		for (const id of delivered) {
			const message = await fetch(
				`${emulator.urls.googleApis}gmail/v1/users/me/messages/${id}?format=minimal`,
				{ headers: { authorization: `Bearer ${emulator.sandbox.accessToken}` } },
			);
			expect(message.status).toBe(200);
			const { labelIds } = (await message.json()) as { labelIds: string[] };
			expect({ id, labelIds }).toEqual({ id, labelIds: expect.arrayContaining(['STARRED']) });
		}

		await rest.deactivate(workflowId);
	});
});
