// A polling trigger polled the way an ACTIVE workflow polls it: n8n-core's PollContext in mode
// 'trigger' (not 'manual', which is the editor's "Fetch test event") run through n8n-core's
// TriggersAndPollers.runPollFunction, with the workflow's static data kept between polls by the
// caller. runWorkflow() covers the manual path; this covers the cursor path of an active trigger.
import { randomUUID } from 'node:crypto';

import { ExecutionLifecycleHooks, PollContext, TriggersAndPollers } from 'n8n-core';
import {
	Workflow,
	type IDataObject,
	type INode,
	type INodeExecutionData,
	type IWorkflowBase,
	type IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';

import { TestCredentialsHelper, type StoredCredential } from '../harness/credentialsHelper';
import { TestNodeTypes } from '../harness/nodeTypes';
// runWorkflow.ts sets up n8n's logger and error reporter for the whole test file.
import '../harness/runWorkflow';

export interface ActivePollOptions {
	credentials?: StoredCredential[];
	/** The workflow's static data, carried from poll to poll (mutated in place, as n8n does). */
	staticData: IDataObject;
	credentialsHelper?: TestCredentialsHelper;
}

export interface ActivePollResult {
	/** What poll() returned: null when there was nothing new. */
	response: INodeExecutionData[][] | null;
	/** The first output's items ([] for null). */
	items: INodeExecutionData[];
	error?: Error;
}

const nodeTypes = new TestNodeTypes();
// n8n-core's @n8n/di container (npm may nest a different copy of @n8n/di).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Container } = require(
	require.resolve('@n8n/di', { paths: [require.resolve('n8n-core')] }),
) as typeof import('@n8n/di');

function additionalData(credentialsHelper: TestCredentialsHelper): IWorkflowExecuteAdditionalData {
	const base = 'http://localhost:5678';
	const executionId = randomUUID();
	return {
		credentialsHelper,
		hooks: new ExecutionLifecycleHooks('trigger', executionId, {
			id: 'active-poll',
			name: 'active poll',
			nodes: [],
			connections: {},
		} as unknown as IWorkflowBase),
		executionId,
		currentNodeExecutionIndex: 0,
		restApiUrl: `${base}/rest`,
		instanceBaseUrl: `${base}/`,
		formBaseUrl: `${base}/form`,
		formWaitingBaseUrl: `${base}/form-waiting`,
		formTestBaseUrl: `${base}/form-test`,
		webhookBaseUrl: `${base}/webhook`,
		webhookWaitingBaseUrl: `${base}/webhook-waiting`,
		webhookTestBaseUrl: `${base}/webhook-test`,
		variables: {},
		logAiEvent: () => undefined,
		getRunExecutionData: async () => undefined,
		getRuntimeCredential: async () => undefined,
	} as unknown as IWorkflowExecuteAdditionalData;
}

/** One poll of `node` as an active workflow runs it. */
export async function runActivePoll(
	node: INode,
	options: ActivePollOptions,
): Promise<ActivePollResult> {
	const credentialsHelper = options.credentialsHelper ?? new TestCredentialsHelper();
	for (const credential of options.credentials ?? []) credentialsHelper.add(credential);
	const workflow = new Workflow({
		id: 'active-poll',
		name: 'active poll',
		nodes: [node],
		connections: {},
		active: true,
		nodeTypes,
		staticData: options.staticData,
		settings: { executionOrder: 'v1' },
	});
	const context = new PollContext(
		workflow,
		workflow.getNode(node.name)!,
		additionalData(credentialsHelper),
		'trigger',
		'activate',
	);
	try {
		const response = await Container.get(TriggersAndPollers).runPollFunction(
			workflow,
			workflow.getNode(node.name)!,
			context,
		);
		return { response, items: response?.[0] ?? [] };
	} catch (error) {
		return { response: null, items: [], error: error as Error };
	}
}
