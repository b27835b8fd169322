import {
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeProperties,
} from 'n8n-workflow';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A required uuid parameter (workspace, integration, email, …) shown for `show`. */
export function uuidProperty(
	name: string,
	displayName: string,
	show: Record<string, string[]>,
	description: string,
): INodeProperties {
	return {
		displayName,
		name,
		type: 'string',
		required: true,
		default: '',
		placeholder: '00000000-0000-4000-8000-000000000000',
		description,
		displayOptions: { show },
	};
}

/** The Workspace ID every workspace-scoped operation shows. */
export function workspaceIdProperty(show: Record<string, string[]>): INodeProperties {
	return uuidProperty(
		'workspaceId',
		'Workspace ID',
		show,
		'Workspace the operation reads or changes; nothing of another workspace is visible',
	);
}

/** A uuid parameter, checked: a wrong value is the item's error, not a database error. */
export function readUuid(
	context: IExecuteFunctions,
	name: string,
	itemIndex: number,
	label: string,
): string {
	const value = String(context.getNodeParameter(name, itemIndex, '') ?? '').trim();
	if (!value) {
		throw new NodeOperationError(context.getNode(), `${label} is required`, { itemIndex });
	}
	if (!UUID.test(value)) {
		throw new NodeOperationError(
			context.getNode(),
			`${label} must be a UUID (like 00000000-0000-4000-8000-000000000000), got '${value.slice(0, 80)}'`,
			{ itemIndex },
		);
	}
	return value.toLowerCase();
}

export function readWorkspaceId(context: IExecuteFunctions, itemIndex: number): string {
	return readUuid(context, 'workspaceId', itemIndex, 'Workspace ID');
}

/** An optional uuid (a filter): empty means "not set". */
export function optionalUuid(
	context: IExecuteFunctions,
	value: unknown,
	itemIndex: number,
	label: string,
): string | undefined {
	const text = typeof value === 'string' ? value.trim() : '';
	if (!text) return undefined;
	if (!UUID.test(text)) {
		throw new NodeOperationError(
			context.getNode(),
			`${label} must be a UUID (like 00000000-0000-4000-8000-000000000000), got '${text.slice(0, 80)}'`,
			{ itemIndex },
		);
	}
	return text.toLowerCase();
}

/** A required text parameter, trimmed. */
export function readText(
	context: IExecuteFunctions,
	name: string,
	itemIndex: number,
	label: string,
): string {
	const value = String(context.getNodeParameter(name, itemIndex, '') ?? '').trim();
	if (!value) {
		throw new NodeOperationError(context.getNode(), `${label} is required`, { itemIndex });
	}
	return value;
}

/** A date parameter (ISO text or a Date from an expression) as a Date; empty is undefined. */
export function optionalDate(
	context: IExecuteFunctions,
	value: unknown,
	itemIndex: number,
	label: string,
): Date | undefined {
	if (value === undefined || value === null || value === '') return undefined;
	const date = value instanceof Date ? value : new Date(String(value));
	if (Number.isNaN(date.getTime())) {
		throw new NodeOperationError(
			context.getNode(),
			`${label} is not a date: '${String(value).slice(0, 80)}'`,
			{ itemIndex },
		);
	}
	return date;
}

/** A stored record as plain JSON (dates as ISO text, no class instances). */
export function toJson(value: unknown): IDataObject {
	return JSON.parse(JSON.stringify(value ?? {})) as IDataObject;
}

/** A record that does not exist in the workspace: the same answer whether it is absent or another workspace's. */
export function notFound(
	context: IExecuteFunctions,
	what: string,
	id: string,
	workspaceId: string,
	itemIndex: number,
): NodeOperationError {
	return new NodeOperationError(
		context.getNode(),
		`No ${what} with ID ${id} in workspace ${workspaceId}`,
		{ itemIndex, description: 'Check the ID, and that it belongs to this workspace' },
	);
}
