// The widget API as an OpenAPI 3.1 document, generated from the route table and the zod schemas
// (zod/v4's JSON Schema, which is OpenAPI 3.1's dialect), so it cannot drift from what the handler
// accepts. Responses are described by their envelope; errors by the shared error shape.
import { z } from 'zod/v4';

import { concreteWidgetRoutes, type WidgetRouteName } from './routeTable';
import { WIDGET_SCHEMAS } from './widgetSchemas';

type JsonObject = Record<string, unknown>;

const ERROR_CODES = [
	'bad_request',
	'unauthenticated',
	'forbidden',
	'not_found',
	'method_not_allowed',
	'conflict',
	'not_configured',
	'provider_error',
	'not_implemented',
	'internal',
];

/** What each route answers with on success (the envelope; items are described in words). */
const SUCCESS: Record<WidgetRouteName, { status: number; description: string; keys: string[] }> = {
	'integrations.list': {
		status: 200,
		description: "Providers and the caller's integration of each",
		keys: ['providers'],
	},
	'integration.status': {
		status: 200,
		description: "The caller's integration (null when none)",
		keys: ['integration'],
	},
	'integration.connect': { status: 200, description: 'The consent URL to open', keys: ['url'] },
	'integration.settings': {
		status: 200,
		description: 'The integration with its new settings',
		keys: ['integration'],
	},
	'integration.disconnect': {
		status: 200,
		description: 'The disconnected integration',
		keys: ['integration'],
	},
	'integration.progress': {
		status: 200,
		description: 'The running sync (null when none)',
		keys: ['progress'],
	},
	'mail.sync': { status: 202, description: 'A sync is queued', keys: ['queued'] },
	'mail.labels': {
		status: 200,
		description: 'Labels (Gmail) or folders (Outlook)',
		keys: ['labels'],
	},
	'emails.list': {
		status: 200,
		description: 'A page of emails, newest first',
		keys: ['items', 'nextCursor'],
	},
	'emails.get': { status: 200, description: 'The email, its HTML sanitised', keys: ['email'] },
	'emails.send': { status: 201, description: 'The sent email, as stored', keys: ['email'] },
	'emails.reply': { status: 201, description: 'The sent reply, as stored', keys: ['email'] },
	'emails.read': {
		status: 200,
		description: 'The email with its read state as now stored',
		keys: ['email'],
	},
	'emails.link': { status: 200, description: "The email's links", keys: ['links'] },
	'emails.unlink': { status: 200, description: "The email's links", keys: ['links'] },
	'calendar.sync': { status: 202, description: 'A sync is queued', keys: ['queued'] },
	'calendar.calendars': {
		status: 200,
		description: 'Calendars to choose from',
		keys: ['calendars'],
	},
	'events.list': {
		status: 200,
		description: 'A page of events in start order',
		keys: ['items', 'nextCursor'],
	},
	'events.get': { status: 200, description: 'The event', keys: ['event'] },
	'events.create': { status: 201, description: 'The created event, as stored', keys: ['event'] },
	'events.link': { status: 200, description: "The event's links", keys: ['links'] },
	'events.unlink': { status: 200, description: "The event's links", keys: ['links'] },
	'records.search': { status: 200, description: 'People and companies', keys: ['records'] },
	'records.enrich': { status: 200, description: 'What enrichment did', keys: ['result'] },
};

function jsonSchema(schema: z.ZodType): JsonObject {
	const result = z.toJSONSchema(schema, {
		target: 'draft-2020-12',
		io: 'input',
		unrepresentable: 'any',
	}) as JsonObject;
	delete result.$schema;
	return result;
}

/** The OpenAPI 3.1 document of the widget API served at `serverUrl` (the node's base URL). */
export function widgetOpenApiDocument(serverUrl: string): JsonObject {
	const paths: Record<string, JsonObject> = {};
	for (const { route, provider, path } of concreteWidgetRoutes()) {
		const openApiPath = `/${path.replace(/:([A-Za-z]+)/g, '{$1}')}`;
		const schemas = WIDGET_SCHEMAS[route.name];
		const parameters: JsonObject[] = [];
		for (const match of path.matchAll(/:([A-Za-z]+)/g)) {
			parameters.push({
				name: match[1],
				in: 'path',
				required: true,
				schema:
					match[1] === 'workspaceId' ? { type: 'string', format: 'uuid' } : { type: 'string' },
				description: match[1] === 'workspaceId' ? "Must be the API token's workspace" : undefined,
			});
		}
		if (schemas.query) {
			const query = jsonSchema(schemas.query);
			const properties = (query.properties ?? {}) as Record<string, JsonObject>;
			const required = new Set((query.required as string[] | undefined) ?? []);
			for (const [name, schema] of Object.entries(properties)) {
				const { description, ...rest } = schema;
				parameters.push({
					name,
					in: 'query',
					required: required.has(name),
					schema: rest,
					...(description ? { description } : {}),
				});
			}
		}
		const success = SUCCESS[route.name];
		const operation: JsonObject = {
			operationId: provider ? `${route.name}.${provider}` : route.name,
			summary: route.summary,
			tags: [provider ?? 'workspace'],
			security: [{ bearer: [route.writes ? 'integrations:write' : 'integrations:read'] }],
			parameters,
			responses: {
				[String(success.status)]: {
					description: success.description,
					content: {
						'application/json': {
							schema: {
								type: 'object',
								required: success.keys,
								properties: Object.fromEntries(success.keys.map((key) => [key, {}])),
							},
						},
					},
				},
				default: {
					description: 'An error',
					content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
				},
			},
		};
		if (schemas.body) {
			operation.requestBody = {
				required: true,
				content: { 'application/json': { schema: jsonSchema(schemas.body) } },
			};
		}
		paths[openApiPath] = { ...(paths[openApiPath] ?? {}), [route.method.toLowerCase()]: operation };
	}
	return {
		openapi: '3.1.0',
		info: {
			title: 'CRM Connect widget API',
			version: '1.0.0',
			description:
				"Served by the CRM API node. Every call carries a short-lived HS256 JWT signed by the CRM's backend (claims workspace_id, sub, scopes, exp ≤ 15 min) as `Authorization: Bearer …`. Errors are `{ error: { code, message } }`.",
		},
		servers: [{ url: serverUrl }],
		paths,
		components: {
			securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
			schemas: {
				Error: {
					type: 'object',
					required: ['error'],
					properties: {
						error: {
							type: 'object',
							required: ['code', 'message'],
							properties: {
								code: { type: 'string', enum: ERROR_CODES },
								message: { type: 'string' },
							},
						},
					},
				},
			},
		},
	};
}
