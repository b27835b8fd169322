// Builds the package into dist/: nodes and credentials through TypeScript, the engine (core/ with
// knex, pg, zod and the provider clients) as one esbuild bundle dist/core/engine.js behind the stub
// dist/core/index.js that every node requires (it loads the bundle on first use, so n8n's boot,
// which requires every node file, does not parse the engine), icons and codex files, the widget
// bundle, the workflow templates, and THIRD_PARTY_NOTICES for the packages the bundles carry.
'use strict';
const { execFileSync, spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { dest, parallel, series, src } = require('gulp');

const root = __dirname;
const dist = path.join(root, 'dist');

// knex ships a driver for every dialect; only pg is used, the rest must not be bundled.
const UNUSED_DRIVERS = [
	'sqlite3',
	'better-sqlite3',
	'mysql',
	'mysql2',
	'mariadb',
	'mariadb/callback',
	'oracledb',
	'tedious',
	'pg-native',
	'pg-query-stream',
];

/** The bundles' esbuild metafiles by output file, read by writeThirdPartyNotices. */
const bundleMetafiles = new Map();

/** The engine bundle's esbuild options (the licences test bundles with these too). */
function engineBundleOptions() {
	return {
		entryPoints: [path.join(root, 'core/index.ts')],
		outfile: path.join(dist, 'core/engine.js'),
		bundle: true,
		platform: 'node',
		target: 'node24',
		format: 'cjs',
		external: UNUSED_DRIVERS,
		// The bundled packages' licence comments stay in the file; their full texts are in
		// THIRD_PARTY_NOTICES.
		legalComments: 'eof',
		metafile: true,
		logLevel: 'warning',
	};
}

function clean(done) {
	fs.rmSync(dist, { recursive: true, force: true });
	done();
}

function compileTypeScript(done) {
	execFileSync(
		process.execPath,
		[require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
		{
			cwd: root,
			stdio: 'inherit',
		},
	);
	done();
}

async function bundleEngine() {
	// tsc emitted core/ file by file as the nodes import it; replace that with one bundle.
	fs.rmSync(path.join(dist, 'core'), { recursive: true, force: true });
	const esbuild = require('esbuild');
	const engine = await esbuild.build(engineBundleOptions());
	bundleMetafiles.set('dist/core/engine.js', engine.metafile);
	// What the nodes require as "core": a stub that requires engine.js on first use of an export.
	fs.copyFileSync(path.join(root, 'core/lazyEngine.cjs'), path.join(dist, 'core/index.js'));
	// Alone as well, without the engine: the provider base URLs (credentials import them) and the
	// widget route table (plain data; the CRM API node's description lists one webhook per route).
	for (const file of ['core/providers/endpoints.ts', 'core/api/routeTable.ts']) {
		await esbuild.build({
			entryPoints: [path.join(root, file)],
			outfile: path.join(dist, file.replace(/\.ts$/, '.js')),
			platform: 'node',
			target: 'node24',
			format: 'cjs',
			logLevel: 'warning',
		});
	}
}

/** The widgets' defining modules by output name (only those that exist in this checkout). */
function widgetModules() {
	const modules = {
		'connect-status': 'widgets/connect-status/connect-status.ts',
		inbox: 'widgets/inbox/inbox.ts',
		calendar: 'widgets/calendar/calendar.ts',
	};
	return Object.fromEntries(
		Object.entries(modules).filter(([, file]) => fs.existsSync(path.join(root, file))),
	);
}

/**
 * The static text of one css`` template, compacted: comments dropped, whitespace runs made one
 * space, and none around `{`, `}`, `;` and `,` or at either end of the template. Quoted strings
 * and escapes are copied as they are. `first`/`last`: whether the chunk starts/ends the template
 * (a chunk's other end touches a `${…}`, where one space is kept).
 */
function compactCssChunk(text, first, last) {
	const TIGHT = '{};,';
	let out = '';
	let space = false;
	const emit = (piece) => {
		if (space && out !== '' && !TIGHT.includes(out.at(-1)) && !TIGHT.includes(piece[0])) {
			out += ' ';
		}
		space = false;
		// The last declaration of a block needs no semicolon.
		if (piece === '}' && out.at(-1) === ';') out = out.slice(0, -1);
		out += piece;
	};
	for (let index = 0; index < text.length; ) {
		const char = text[index];
		if (/\s/.test(char)) {
			space = true;
			index++;
		} else if (text.startsWith('/*', index)) {
			const close = text.indexOf('*/', index + 2);
			if (close < 0) {
				emit(text.slice(index));
				break;
			}
			space = true;
			index = close + 2;
		} else if (char === '"' || char === "'") {
			let end = index + 1;
			while (end < text.length && text[end] !== char) end += text[end] === '\\' ? 2 : 1;
			emit(text.slice(index, end + 1));
			index = end + 1;
		} else if (char === '\\') {
			emit(text.slice(index, index + 2));
			index += 2;
		} else {
			emit(char);
			index++;
		}
	}
	// Whitespace alone between two `${…}` stays one space (it may separate two values).
	if (out === '') return !first && !last && space ? ' ' : '';
	// Leading whitespace becomes one space, unless the chunk starts the template.
	const lead = !first && /^\s/.test(text) && out !== '' && !TIGHT.includes(out[0]) ? ' ' : '';
	const trail = !last && space && out !== '' && !TIGHT.includes(out.at(-1)) ? ' ' : '';
	return lead + out + trail;
}

/** Elements whose content is text as written: copied as is. */
const RAW_TEXT_ELEMENTS = new Set(['pre', 'textarea', 'style', 'script', 'title', 'listing']);

/**
 * The static text of an html`` template's chunks, compacted: a whitespace run that holds a line
 * break (the source's indentation) becomes one space. That renders the same (no widget styles
 * white-space as pre), while runs on one line, quoted attribute values, comments and the content of
 * <pre>, <textarea>, <style> and <script> are copied as they are. `state` carries the position in
 * the markup (inside a tag, a quote, a comment, raw text) from one chunk to the next.
 */
function compactHtmlChunk(text, state) {
	let out = '';
	for (let index = 0; index < text.length; ) {
		const char = text[index];
		if (state.until) {
			const close = text.toLowerCase().indexOf(state.until, index);
			const end = close < 0 ? text.length : close + state.until.length;
			out += text.slice(index, end);
			if (close >= 0) state.until = null;
			index = end;
		} else if (state.quote) {
			const close = text.indexOf(state.quote, index);
			const end = close < 0 ? text.length : close + 1;
			out += text.slice(index, end);
			if (close >= 0) state.quote = null;
			index = end;
		} else if (/\s/.test(char)) {
			let end = index;
			while (end < text.length && /\s/.test(text[end])) end++;
			const run = text.slice(index, end);
			out += /[\n\r]/.test(run) ? ' ' : run;
			index = end;
		} else if (text.startsWith('<!--', index)) {
			state.until = '-->';
		} else if (char === '<' && /[a-z]/i.test(text[index + 1] ?? '')) {
			const name = /^[a-z][a-z0-9-]*/i.exec(text.slice(index + 1))[0];
			state.inTag = true;
			state.tagName = name.toLowerCase();
			out += char + name;
			index += 1 + name.length;
		} else if (state.inTag && (char === '"' || char === "'")) {
			state.quote = char;
			out += char;
			index++;
		} else if (state.inTag && char === '>') {
			state.inTag = false;
			if (RAW_TEXT_ELEMENTS.has(state.tagName)) state.until = `</${state.tagName}`;
			out += char;
			index++;
		} else {
			out += char;
			index++;
		}
	}
	return out;
}

/** A TypeScript source parsed (with parent links) for the build's source rewrites below. */
function parsedTypeScript(source, fileName) {
	const ts = require('typescript');
	const file = ts.createSourceFile(
		fileName,
		source,
		ts.ScriptTarget.Latest,
		true,
		ts.ScriptKind.TS,
	);
	return { ts, file };
}

/**
 * The widgets' sources with their css`` and html`` templates compacted (compactCssChunk,
 * compactHtmlChunk): the templates' indentation is most of what minifying leaves in them. Only
 * the static text between `${…}` changes; TypeScript's parser finds the templates.
 */
function compactWidgetTemplates(source, fileName) {
	const { ts, file } = parsedTypeScript(source, fileName);
	const edits = [];
	const visit = (node) => {
		if (
			ts.isTaggedTemplateExpression(node) &&
			ts.isIdentifier(node.tag) &&
			(node.tag.text === 'css' || node.tag.text === 'html')
		) {
			const template = node.template;
			const chunks = ts.isNoSubstitutionTemplateLiteral(template)
				? [template]
				: [template.head, ...template.templateSpans.map((span) => span.literal)];
			const state = { inTag: false, tagName: null, quote: null, until: null };
			chunks.forEach((chunk, index) => {
				// The chunk's text between its delimiters: ` or } before, ` or ${ after.
				const start = chunk.getStart(file) + 1;
				const end =
					chunk.end -
					(chunk.kind === ts.SyntaxKind.TemplateHead || chunk.kind === ts.SyntaxKind.TemplateMiddle
						? 2
						: 1);
				const text = source.slice(start, end);
				const compact =
					node.tag.text === 'css'
						? compactCssChunk(text, index === 0, index === chunks.length - 1)
						: compactHtmlChunk(text, state);
				if (compact !== text) edits.push({ start, end, text: compact });
			});
		}
		ts.forEachChild(node, visit);
	};
	visit(file);
	let result = source;
	for (const edit of edits.sort((a, b) => b.start - a.start)) {
		result = result.slice(0, edit.start) + edit.text + result.slice(edit.end);
	}
	return result;
}

/** Route fields only the server reads (the OpenAPI document's summaries, the write scope check). */
const SERVER_ONLY_ROUTE_FIELDS = new Set(['summary', 'writes']);

/**
 * core/api/routeTable.ts as the browser needs it: WIDGET_ROUTES' entries without their
 * SERVER_ONLY_ROUTE_FIELDS (the widgets' client reads name, method, path and perProvider).
 */
function browserRouteTable(source, fileName) {
	const { ts, file } = parsedTypeScript(source, fileName);
	const cuts = [];
	const visit = (node) => {
		if (
			ts.isPropertyAssignment(node) &&
			ts.isIdentifier(node.name) &&
			SERVER_ONLY_ROUTE_FIELDS.has(node.name.text) &&
			ts.isObjectLiteralExpression(node.parent)
		) {
			// The property and the comma after it.
			const next = source.indexOf(',', node.end);
			const end = next >= 0 && source.slice(node.end, next).trim() === '' ? next + 1 : node.end;
			cuts.push({ start: node.getFullStart(), end });
		}
		ts.forEachChild(node, visit);
	};
	const routes = file.statements.find(
		(statement) =>
			ts.isVariableStatement(statement) &&
			statement.declarationList.declarations.some(
				(declaration) =>
					ts.isIdentifier(declaration.name) && declaration.name.text === 'WIDGET_ROUTES',
			),
	);
	if (!routes) throw new Error(`${fileName}: WIDGET_ROUTES not found`);
	visit(routes);
	let result = source;
	for (const cut of cuts.sort((a, b) => b.start - a.start)) {
		result = result.slice(0, cut.start) + result.slice(cut.end);
	}
	return result;
}

/**
 * esbuild plugin for the browser bundles: the widget sources (not their tests) through
 * compactWidgetTemplates, and the route table through browserRouteTable.
 */
function widgetSourcesPlugin() {
	const widgetsDir = path.join(root, 'widgets') + path.sep;
	const routeTable = path.join(root, 'core/api/routeTable.ts');
	return {
		name: 'widget-sources',
		setup(build) {
			build.onLoad({ filter: /\.ts$/ }, async (args) => {
				if (args.path === routeTable) {
					const source = await fs.promises.readFile(args.path, 'utf8');
					return { contents: browserRouteTable(source, args.path), loader: 'ts' };
				}
				if (!args.path.startsWith(widgetsDir) || args.path.endsWith('.test.ts')) return undefined;
				const source = await fs.promises.readFile(args.path, 'utf8');
				return { contents: compactWidgetTemplates(source, args.path), loader: 'ts' };
			});
		},
	};
}

/** esbuild options shared by the widget outputs: browser ESM, minified, compacted templates. */
function widgetBuildOptions() {
	return {
		bundle: true,
		minify: true,
		format: 'esm',
		platform: 'browser',
		target: 'es2022',
		tsconfig: path.join(root, 'widgets/tsconfig.json'),
		// Lit's licence comments are left out of the served file to keep it small; the bundled
		// packages' licences and notices are in dist/THIRD_PARTY_NOTICES (from the metafile).
		legalComments: 'none',
		plugins: [widgetSourcesPlugin()],
		metafile: true,
		logLevel: 'warning',
	};
}

/**
 * dist/widgets/: crm-connect.js, one self-contained bundle of widgets/index.ts (all three elements,
 * what the CRM API node serves as widgets.js); connect-status.js, inbox.js and calendar.js, one ES
 * module per element sharing Lit through chunks/ (esbuild splitting); custom-elements.json from
 * the components' JSDoc; and the type declarations in types/.
 */
async function bundleWidgets() {
	const entry = path.join(root, 'widgets/index.ts');
	if (!fs.existsSync(entry)) return;
	const esbuild = require('esbuild');
	const outdir = path.join(dist, 'widgets');
	// No chunk of an earlier build (hashed names) stays behind.
	fs.rmSync(outdir, { recursive: true, force: true });
	const [widgets] = await Promise.all([
		esbuild.build({
			...widgetBuildOptions(),
			entryPoints: [entry],
			outfile: path.join(outdir, 'crm-connect.js'),
		}),
		esbuild.build({
			...widgetBuildOptions(),
			entryPoints: Object.fromEntries(
				Object.entries(widgetModules()).map(([name, file]) => [name, path.join(root, file)]),
			),
			outdir,
			splitting: true,
			chunkNames: 'chunks/[name]-[hash]',
		}),
	]);
	bundleMetafiles.set('dist/widgets/crm-connect.js', widgets.metafile);
	// Both read the sources only: they run side by side (and beside the engine bundle).
	await Promise.all([widgetManifest(outdir), widgetDeclarations(outdir)]);
}

/** Runs a command without blocking the other build tasks; rejects when it fails. */
function run(command, args, options) {
	return new Promise((resolve, reject) => {
		const child = spawn(command, args, options);
		child.once('error', reject);
		child.once('exit', (code, signal) =>
			code === 0
				? resolve()
				: reject(new Error(`${path.basename(args[0])} failed (${signal ?? `exit ${code}`})`)),
		);
	});
}

/** custom-elements.json, by the Custom Elements Manifest analyzer, from the components' JSDoc. */
async function widgetManifest(outdir) {
	// The analyzer also writes a "customElements" field into package.json; the build leaves it as is.
	const manifest = path.join(root, 'package.json');
	const before = fs.readFileSync(manifest, 'utf8');
	try {
		await run(
			process.execPath,
			[
				require.resolve('@custom-elements-manifest/analyzer/cem.js'),
				'analyze',
				'--litelement',
				'--globs',
				'widgets/**/*.ts',
				'--exclude',
				'widgets/**/*.test.ts',
				'widgets/shared/testSupport.ts',
				'widgets/demo/**',
				'--outdir',
				path.relative(root, outdir),
			],
			{ cwd: root, stdio: ['ignore', 'ignore', 'inherit'] },
		);
	} finally {
		if (fs.readFileSync(manifest, 'utf8') !== before) fs.writeFileSync(manifest, before);
	}
}

/** .d.ts files of the widgets (and of the route table they import) under dist/widgets/types/. */
async function widgetDeclarations(outdir) {
	await run(
		process.execPath,
		[
			require.resolve('typescript/bin/tsc'),
			'-p',
			'widgets/tsconfig.json',
			'--noEmit',
			'false',
			'--declaration',
			'--emitDeclarationOnly',
			'--outDir',
			path.join(outdir, 'types'),
		],
		{ cwd: root, stdio: 'inherit' },
	);
	// The test files' declarations are of no use to an embedding page.
	for (const file of fs.readdirSync(path.join(outdir, 'types'), { recursive: true })) {
		if (/(\.test|testSupport)\.d\.ts$/.test(file)) fs.rmSync(path.join(outdir, 'types', file));
	}
}

function copyIcons() {
	// encoding: false, or gulp 5 reads PNGs as UTF-8 text and corrupts them.
	return src(['nodes/**/*.{png,svg}', 'credentials/**/*.{png,svg}'], {
		base: root,
		cwd: root,
		encoding: false,
		allowEmpty: true,
	}).pipe(dest(dist));
}

function copyCodex() {
	return src('nodes/**/*.node.json', { base: root, cwd: root, allowEmpty: true }).pipe(dest(dist));
}

function copyWorkflows() {
	return src('workflows/**/*.json', { base: root, cwd: root, allowEmpty: true }).pipe(dest(dist));
}

function recordInputs(done) {
	// `npm start` rebuilds only when a source changed since this build.
	require('./scripts/buildFingerprint.cjs').writeBuildStamp();
	done();
}

/**
 * The package folders whose code a metafile shows in a bundle (a nested copy of a package at
 * another version counts apart).
 */
function bundledPackageFolders(metafile) {
	const folders = new Set();
	for (const input of Object.keys(metafile.inputs)) {
		const match = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input.replaceAll('\\', '/'));
		if (match) folders.add(path.resolve(root, match[1]));
	}
	return [...folders];
}

const LICENCE_FILE = /^(licen[cs]e|copying)([-.].*)?$/i;
const NOTICE_FILE = /^notice([-.].*)?$/i;

/** A README's licence section (its heading to the next heading), for packages with no licence file. */
function readmeLicence(folder) {
	const readme = fs.readdirSync(folder).find((file) => /^readme(\..*)?$/i.test(file));
	if (!readme) return undefined;
	const lines = fs.readFileSync(path.join(folder, readme), 'utf8').split(/\r?\n/);
	const isHeading = (index) =>
		/^#{1,6}\s/.test(lines[index]) || /^(=+|-+)\s*$/.test(lines[index + 1] ?? '');
	const start = lines.findIndex(
		(line, index) => isHeading(index) && /licen[cs]e/i.test(line.replace(/^#+\s*/, '')),
	);
	if (start < 0) return undefined;
	const bodyStart = /^#/.test(lines[start]) ? start + 1 : start + 2;
	let end = bodyStart;
	while (end < lines.length && !isHeading(end)) end++;
	return lines.slice(bodyStart, end).join('\n').trim() || undefined;
}

function licenceOf(manifest) {
	const declared = manifest.license ?? manifest.licenses;
	if (typeof declared === 'string') return declared;
	if (Array.isArray(declared)) return declared.map((entry) => entry.type ?? entry).join(' OR ');
	return declared?.type;
}

/**
 * dist/THIRD_PARTY_NOTICES: every package the bundles carry (from their metafiles) with its
 * version, licence, and licence text and notices as the package ships them (its LICENSE and NOTICE
 * files, else the licence section of its README). A package with neither fails the build.
 */
function writeThirdPartyNotices(done) {
	const byFolder = new Map();
	for (const [bundle, metafile] of bundleMetafiles) {
		for (const folder of bundledPackageFolders(metafile)) {
			const entry = byFolder.get(folder) ?? { folder, bundles: [] };
			entry.bundles.push(bundle);
			byFolder.set(folder, entry);
		}
	}
	const entries = [...byFolder.values()].map((entry) => {
		const manifest = JSON.parse(fs.readFileSync(path.join(entry.folder, 'package.json'), 'utf8'));
		const texts = fs
			.readdirSync(entry.folder)
			.sort()
			.filter((file) => LICENCE_FILE.test(file) || NOTICE_FILE.test(file))
			.filter((file) => fs.statSync(path.join(entry.folder, file)).isFile())
			.map((file) => ({
				source: file,
				text: fs.readFileSync(path.join(entry.folder, file), 'utf8').trim(),
			}));
		const hasLicenceFile = texts.some(({ source }) => LICENCE_FILE.test(source));
		const readme = hasLicenceFile ? undefined : readmeLicence(entry.folder);
		if (readme) texts.unshift({ source: 'licence section of its README', text: readme });
		const { repository } = manifest;
		return {
			...entry,
			name: manifest.name,
			version: manifest.version,
			licence: licenceOf(manifest),
			repository: typeof repository === 'string' ? repository : repository?.url,
			texts,
			hasLicenceFile,
		};
	});
	const unusable = entries.filter((entry) => !entry.licence || entry.texts.length === 0);
	if (unusable.length > 0) {
		const names = unusable.map((entry) => `${entry.name}@${entry.version}`).join(', ');
		throw new Error(`No licence or licence text found for bundled ${names}`);
	}
	entries.sort(
		(a, b) => a.name.localeCompare(b.name, 'en') || a.version.localeCompare(b.version, 'en'),
	);
	const rule = '='.repeat(80);
	const sections = entries.map((entry) => {
		// A README that only names its licence: point at the same licence's full text in this file.
		const fullText = entry.hasLicenceFile
			? undefined
			: entries.find((other) => other.hasLicenceFile && other.licence === entry.licence);
		return [
			rule,
			`${entry.name} ${entry.version}`,
			`Licence: ${entry.licence}`,
			`Bundled in: ${entry.bundles.join(', ')}`,
			...(entry.repository ? [`Source: ${entry.repository}`] : []),
			rule,
			...entry.texts.flatMap(({ source, text }) => ['', `[${source}]`, '', text]),
			...(fullText
				? [
						'',
						`The full ${entry.licence} text is in this file, under ${fullText.name} ${fullText.version}.`,
					]
				: []),
		].join('\n');
	});
	const header = [
		`${require('./package.json').name}: third-party software`,
		'',
		`${[...bundleMetafiles.keys()].join(' and ')} bundle the ${entries.length} packages below,`,
		"as the bundles' esbuild metafiles list them at build time: each with its version and licence,",
		'then its licence text and notices as the package ships them.',
	].join('\n');
	fs.writeFileSync(
		path.join(dist, 'THIRD_PARTY_NOTICES'),
		`${header}\n\n${sections.join('\n\n')}\n`,
	);
	done();
}

exports.clean = clean;
exports.widgets = bundleWidgets;
exports.widgetBuildOptions = widgetBuildOptions;
exports.widgetModules = widgetModules;
exports.engineBundleOptions = engineBundleOptions;
exports.build = series(
	clean,
	compileTypeScript,
	parallel(bundleEngine, bundleWidgets, copyIcons, copyCodex, copyWorkflows),
	writeThirdPartyNotices,
	recordInputs,
);
exports.default = exports.build;
