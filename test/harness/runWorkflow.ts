import { randomUUID } from 'node:crypto';

import { ErrorReporter, ExecutionLifecycleHooks, WorkflowExecute } from 'n8n-core';
import {
	LoggerProxy,
	Workflow,
	type IConnections,
	type IDataObject,
	type INode,
	type INodeExecutionData,
	type IPinData,
	type IRun,
	type IWorkflowBase,
	type IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';

import { TestCredentialsHelper, type StoredCredential } from './credentialsHelper';
import { TestNodeTypes } from './nodeTypes';

export interface WorkflowDefinition {
	name?: string;
	nodes: INode[];
	connections: IConnections;
}

export interface WorkflowRunResult {
	run: IRun;
	/** The error the run ended with, if any. */
	error?: Error;
	/** Output items of a node's first (or given) run and output. */
	output(
		nodeName: string,
		options?: { runIndex?: number; outputIndex?: number },
	): INodeExecutionData[];
	/** Just the JSON of `output()`. */
	json(nodeName: string, options?: { runIndex?: number; outputIndex?: number }): IDataObject[];
	/** Static data the workflow has after the run (polling triggers keep their cursors here). */
	staticData: IDataObject;
}

export interface WorkflowRunOptions {
	credentials?: StoredCredential[];
	/** Static data from a previous run (for polling triggers); mutated in place like n8n does. */
	staticData?: IDataObject;
	/** Shared store when several runs must see the same credential updates (token refreshes). */
	credentialsHelper?: TestCredentialsHelper;
	startNode?: string;
	/** Items pinned on nodes, as the editor pins them: the Manual trigger then sends these. */
	pinData?: IPinData;
}

export const nodeTypes = new TestNodeTypes();

/** What n8n logged during the runs of this test file (n8n would send it to its own log). */
export const n8nLog: Array<{ level: string; message: string }> = [];
const record = (level: string) => (message: string) => {
	n8nLog.push({ level, message });
};
LoggerProxy.init({
	error: record('error'),
	warn: record('warn'),
	info: record('info'),
	debug: record('debug'),
	verbose: record('verbose'),
	scoped: () => LoggerProxy,
} as unknown as Parameters<typeof LoggerProxy.init>[0]);
// n8n reports node errors to its error tracker; keep them with the log instead of on the console.
// The container must be n8n-core's own copy of @n8n/di (npm may nest a different version).
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const { Container: n8nContainer } = require(
	require.resolve('@n8n/di', { paths: [require.resolve('n8n-core')] }),
) as typeof import('@n8n/di');
n8nContainer.set(ErrorReporter, {
	error: (error: unknown) =>
		n8nLog.push({ level: 'report', message: String((error as Error)?.message ?? error) }),
	warn: () => undefined,
	info: () => undefined,
} as unknown as ErrorReporter);

/**
 * Runs a workflow through n8n's own execution engine (n8n-core WorkflowExecute), in-process, in
 * manual mode — the path the editor's "Execute workflow" takes, including polling triggers'
 * `poll()`.
 */
export async function runWorkflow(
	definition: WorkflowDefinition,
	options: WorkflowRunOptions = {},
): Promise<WorkflowRunResult> {
	const credentialsHelper = options.credentialsHelper ?? new TestCredentialsHelper();
	for (const credential of options.credentials ?? []) credentialsHelper.add(credential);

	const staticData = options.staticData ?? {};
	const workflow = new Workflow({
		id: randomUUID(),
		name: definition.name ?? 'test workflow',
		nodes: definition.nodes,
		connections: definition.connections,
		active: false,
		nodeTypes,
		staticData,
		settings: { executionOrder: 'v1' },
	});

	const executionId = randomUUID();
	const workflowData: IWorkflowBase = {
		id: workflow.id,
		name: workflow.name ?? 'test workflow',
		active: false,
		activeVersionId: null,
		isArchived: false,
		nodes: definition.nodes,
		connections: definition.connections,
		createdAt: new Date(),
		updatedAt: new Date(),
	} as IWorkflowBase;
	const hooks = new ExecutionLifecycleHooks('manual', executionId, workflowData);
	const additionalData = createAdditionalData(credentialsHelper, hooks, executionId);

	const startNode = options.startNode
		? (workflow.getNode(options.startNode) ?? undefined)
		: (workflow.getStartNode() ?? undefined);
	const run = await new WorkflowExecute(additionalData, 'manual').run({
		workflow,
		startNode,
		pinData: options.pinData,
	});

	const pick = (nodeName: string, { runIndex = 0, outputIndex = 0 } = {}) => {
		const taskData = run.data.resultData.runData[nodeName]?.[runIndex];
		if (!taskData) return [];
		return taskData.data?.main?.[outputIndex] ?? [];
	};
	return {
		run,
		error: run.data.resultData.error as Error | undefined,
		output: pick,
		json: (nodeName, indexes) => pick(nodeName, indexes).map((item) => item.json),
		staticData: workflow.staticData as IDataObject,
	};
}

/** n8n's additional data for a run: our credentials helper, lifecycle hooks and valid base URLs. */
export function createAdditionalData(
	credentialsHelper: TestCredentialsHelper,
	hooks: ExecutionLifecycleHooks,
	executionId: string,
): IWorkflowExecuteAdditionalData {
	// Every base URL must be a valid absolute URL, or getNodeParameter fails with "Invalid URL".
	const base = 'http://localhost:5678';
	return {
		credentialsHelper,
		hooks,
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
		mcpBaseUrl: `${base}/mcp`,
		mcpTestBaseUrl: `${base}/mcp-test`,
		variables: {},
		logAiEvent: () => undefined,
		executeWorkflow: async () => {
			throw new Error('Sub-workflows are not available in the test harness');
		},
		getRunExecutionData: async () => undefined,
		getRuntimeCredential: async () => undefined,
		startRunnerTask: async () => {
			throw new Error('Task runners are not available in the test harness');
		},
	} as unknown as IWorkflowExecuteAdditionalData;
}

/** A node of our package, with the type name n8n gives community nodes. */
export function crmNode(
	type: string,
	name: string,
	parameters: INode['parameters'],
	extra: Partial<INode> = {},
): INode {
	return {
		id: randomUUID(),
		name,
		type: `n8n-nodes-crm-connect.${type}`,
		typeVersion: 1,
		position: [400, 0],
		parameters,
		...extra,
	};
}

export const manualTriggerNode: INode = {
	id: 'manual-trigger',
	name: 'Manual',
	type: 'n8n-nodes-base.manualTrigger',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};

/** Manual trigger → the given nodes in a chain. */
export function chain(...nodes: INode[]): WorkflowDefinition {
	const all = [manualTriggerNode, ...nodes];
	const connections: IConnections = {};
	for (let i = 0; i < all.length - 1; i++) {
		connections[all[i].name] = { main: [[{ node: all[i + 1].name, type: 'main', index: 0 }]] };
	}
	return { nodes: all, connections };
}
