/** @type {import('jest').Config} */
module.exports = {
	// Node's environment, failing a test file that leaves a server, socket, child or timer running.
	testEnvironment: '<rootDir>/test/setup/handleCheckingEnvironment.cjs',
	roots: ['<rootDir>/test', '<rootDir>/core'],
	testMatch: ['**/*.test.ts'],
	transform: {
		// tsconfig's isolatedModules makes ts-jest transpile only; type checking is `npm run lint`'s job (tsc).
		'^.+\\.ts$': 'ts-jest',
		// jose, and sanitize-html's parser (htmlparser2 and its dom packages), are ES modules only
		// (test/setup/esmToCjs.cjs).
		'/node_modules/(jose|htmlparser2|domhandler|domutils|dom-serializer|domelementtype|entities)/.+\\.js$':
			'<rootDir>/test/setup/esmToCjs.cjs',
	},
	transformIgnorePatterns: [
		'/node_modules/(?!(jose|htmlparser2|domhandler|domutils|dom-serializer|domelementtype|entities)/)',
	],
	globalSetup: '<rootDir>/test/setup/globalSetup.ts',
	globalTeardown: '<rootDir>/test/setup/globalTeardown.ts',
	testTimeout: 60000,
	maxWorkers: 2,
	// Slowest files first (known figures when jest has no durations cached), so both workers end together.
	testSequencer: '<rootDir>/test/setup/testSequencer.cjs',
};
