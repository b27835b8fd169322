// n8n's stock community-node config (@n8n/node-cli) governs what n8n loads: nodes/, credentials/
// and package.json. The engine (core/), tests, benchmarks and scripts run outside n8n's sandbox
// (core is bundled into dist/), so they get the plain TypeScript rules instead of n8n Cloud's
// import and global restrictions.
import js from '@eslint/js';
import { config as n8nCommunityConfig } from '@n8n/node-cli/eslint';
import tseslint from 'typescript-eslint';

const n8nFiles = ['nodes/**/*.ts', 'credentials/**/*.ts'];
const engineFiles = [
	'core/**/*.ts',
	'test/**/*.ts',
	'bench/**/*.ts',
	'scripts/**/*.ts',
	'widgets/**/*.ts',
];

export default [
	{ ignores: ['dist/**', 'node_modules/**', '.tools/**', '.data/**', 'coverage/**'] },
	// The stock config's TypeScript blocks apply to every *.ts; narrow them to the n8n files.
	...n8nCommunityConfig.map((block) =>
		block.files?.includes('**/*.ts') ? { ...block, files: n8nFiles } : block,
	),
	{
		// n8n's Airtable-v2 layout keeps the description in actions/versionDescription.ts, which the
		// file-name convention rule cannot know.
		files: ['nodes/**/actions/**/*.ts'],
		rules: { 'n8n-nodes-base/node-filename-against-convention': 'off' },
	},
	...tseslint.config({
		files: engineFiles,
		extends: [js.configs.recommended, ...tseslint.configs.recommended],
		rules: {
			'@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
		},
	}),
	// Layer boundaries: the engine never depends on n8n or on the nodes that adapt it, and provider
	// code (requests, records, cursors) never touches the database, so the triggers and the sync
	// engine share it unchanged.
	{
		files: ['core/**/*.ts'],
		rules: {
			'no-restricted-imports': [
				'error',
				{
					patterns: [
						{
							group: ['n8n-workflow', 'n8n-core', 'n8n-nodes-base', '@n8n/*'],
							message: 'core/ is n8n-free: nodes adapt it to n8n, not the other way round.',
						},
						{
							group: ['**/nodes/**', '**/credentials/**'],
							message: 'core/ must not import the n8n nodes or credentials that use it.',
						},
					],
				},
			],
		},
	},
	{
		files: ['core/providers/**/*.ts'],
		rules: {
			'no-restricted-imports': [
				'error',
				{
					patterns: [
						{
							group: ['n8n-workflow', 'n8n-core', 'n8n-nodes-base', '@n8n/*'],
							message: 'core/ is n8n-free: nodes adapt it to n8n, not the other way round.',
						},
						{
							group: ['**/nodes/**', '**/credentials/**'],
							message: 'core/ must not import the n8n nodes or credentials that use it.',
						},
						{
							group: ['knex', 'pg', '**/store/**', '**/sync/**'],
							message:
								'Provider code does not touch the database: the sync engine stores what providers return.',
						},
					],
				},
			],
		},
	},
	{
		// A node family reaches another's transport through nodes/shared, never through its v1/.
		files: ['nodes/**/*.ts'],
		rules: {
			'no-restricted-imports': [
				'error',
				{
					patterns: [
						{
							group: ['../*/v1/**', '../../*/v1/**', '../../../*/v1/**'],
							message: "Share it through nodes/shared/ instead of importing another node's v1/.",
						},
					],
				},
			],
		},
	},
	{
		files: ['**/*.js', '**/*.cjs'],
		ignores: ['dist/**', 'node_modules/**', '.tools/**'],
		...js.configs.recommended,
		languageOptions: {
			sourceType: 'commonjs',
			globals: {
				require: 'readonly',
				module: 'writable',
				exports: 'writable',
				process: 'readonly',
				console: 'readonly',
				__dirname: 'readonly',
				Buffer: 'readonly',
			},
		},
	},
];
