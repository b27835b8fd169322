// The OpenAPI document is generated from the route table and the zod schemas: every concrete
// route once, its path parameters, its query parameters and body as the handler validates them.
import { widgetOpenApiDocument } from '../../core/api/openApi';
import { concreteWidgetRoutes } from '../../core/api/routeTable';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('widgetOpenApiDocument', () => {
	const document = widgetOpenApiDocument('https://n8n.example/webhook/abc/crm-api') as Json;

	it('is OpenAPI 3.1 with the server URL, bearer security and every concrete route', () => {
		expect(document.openapi).toBe('3.1.0');
		expect(document.servers).toEqual([{ url: 'https://n8n.example/webhook/abc/crm-api' }]);
		expect(document.components.securitySchemes.bearer).toEqual({
			type: 'http',
			scheme: 'bearer',
			bearerFormat: 'JWT',
		});
		const operations = Object.values(document.paths as Json).flatMap((item) =>
			Object.values(item as Json),
		);
		expect(operations).toHaveLength(concreteWidgetRoutes().length);
		const ids = operations.map((operation) => (operation as Json).operationId);
		expect(new Set(ids).size).toBe(ids.length);
		expect(ids).toContain('emails.list.google');
		expect(ids).toContain('records.search');
	});

	it('describes parameters and bodies from the schemas', () => {
		const list =
			document.paths['/workspaces/{workspaceId}/integrations/microsoft/outlook/emails'].get;
		expect(list.security).toEqual([{ bearer: ['integrations:read'] }]);
		const names = list.parameters.map((parameter: Json) => `${parameter.in}:${parameter.name}`);
		expect(names).toEqual(
			expect.arrayContaining([
				'path:workspaceId',
				'query:q',
				'query:cursor',
				'query:limit',
				'query:unread',
			]),
		);
		const reply =
			document.paths['/workspaces/{workspaceId}/integrations/google/gmail/emails/{id}/reply'].post;
		expect(reply.security).toEqual([{ bearer: ['integrations:write'] }]);
		expect(reply.parameters.map((parameter: Json) => parameter.name)).toEqual([
			'workspaceId',
			'id',
		]);
		expect(reply.responses['201']).toBeDefined();
		const send = document.paths['/workspaces/{workspaceId}/integrations/google/gmail/send'].post;
		expect(send.requestBody.content['application/json'].schema).toMatchObject({
			type: 'object',
			required: expect.arrayContaining(['to']),
			additionalProperties: false,
			properties: { to: { type: 'array', minItems: 1 } },
		});
		expect(JSON.stringify(document)).not.toContain('$schema');
	});
});
