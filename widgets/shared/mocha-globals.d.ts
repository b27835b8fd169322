// The mocha globals @web/test-runner provides to the widget tests (no @types/mocha installed).
type MochaDone = (error?: unknown) => void;
interface MochaContext {
	timeout(ms: number): void;
	skip(): never;
}
type MochaBody = (this: MochaContext, done: MochaDone) => void | Promise<unknown>;
type MochaHook = (body: MochaBody) => void;

interface MochaTest {
	(title: string, body?: MochaBody): void;
	only(title: string, body?: MochaBody): void;
	skip(title: string, body?: MochaBody): void;
}

interface MochaSuite {
	(title: string, body: (this: MochaContext) => void): void;
	only(title: string, body: () => void): void;
	skip(title: string, body: () => void): void;
}

declare const describe: MochaSuite;
declare const it: MochaTest;
declare const before: MochaHook;
declare const after: MochaHook;
declare const beforeEach: MochaHook;
declare const afterEach: MochaHook;
