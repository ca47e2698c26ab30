/**
 * What a Django deployment answers when something outside the DRF view goes wrong, written by
 * Django itself rather than by DRF (django/views/defaults.py, django/views/debug.py,
 * django/middleware/common.py): HTML pages, never JSON.
 */
import { djangoHtml } from './http-utils.ts';
import type { DjangoPage, FakeResponse, LedgerEntry } from './types.ts';

const HTML = 'text/html; charset=utf-8';

/** Whether the page comes after the view ran (an exception once the work was committed). */
export function djangoRunsView(page: DjangoPage): boolean {
  return page === 'server-error' || page === 'technical-500';
}

export function djangoPage(page: DjangoPage, entry: LedgerEntry): FakeResponse {
  switch (page) {
    case 'server-error':
      return { status: 500, raw: djangoHtml(500), contentType: HTML };
    case 'technical-500':
      return { status: 500, raw: technical500(entry), contentType: HTML };
    case 'not-found':
      return { status: 404, raw: djangoHtml(404), contentType: HTML };
    case 'append-slash': {
      // CommonMiddleware redirects permanently to the same path and query with a slash appended.
      const query = new URLSearchParams(entry.query).toString();
      const location = `${entry.path.replace(/\/?$/, '/')}${query ? `?${query}` : ''}`;
      return { status: 301, headers: { Location: location }, raw: '', contentType: HTML };
    }
  }
}

const html = (text: string) =>
  text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`).slice(0, 2_000);

/**
 * The DEBUG=True page for an exception raised after the view's work was saved: the exception,
 * the request, a traceback and the settings (secrets masked as Django masks them). Tens of KB.
 */
function technical500(entry: LedgerEntry): string {
  const where = `${html(entry.method)} ${html(entry.path)}`;
  const frames = Array.from(
    { length: 24 },
    (_, i) =>
      `<li class="frame django"><code class="fname">/usr/local/lib/python3.11/site-packages/django/core/handlers/base.py</code>, line ${180 + i}, in _get_response<div class="context"><pre>response = wrapped_callback(request, *callback_args, **callback_kwargs)</pre></div><table class="vars"><tr><td>request</td><td class="code"><pre>&lt;WSGIRequest: ${where}&gt;</pre></td></tr></table></li>`,
  ).join('\n');
  const meta = Object.keys(entry.headers)
    .map((name) => {
      const key = `HTTP_${name.toUpperCase().replace(/-/g, '_')}`;
      const value = /authorization|cookie|token|key/i.test(name) ? '********************' : '…';
      return `<tr><td>${html(key)}</td><td class="code"><pre>'${value}'</pre></td></tr>`;
    })
    .join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta http-equiv="content-type" content="text/html; charset=utf-8">
  <meta name="robots" content="NONE,NOARCHIVE">
  <title>AttributeError at ${html(entry.path)}</title>
  <style>html * { padding:0; margin:0; } body * { padding:10px 20px; } pre { overflow:auto; }</style>
</head>
<body>
<div id="summary">
  <h1>AttributeError at ${html(entry.path)}</h1>
  <pre class="exception_value">'NoneType' object has no attribute 'pk'</pre>
  <table class="meta">
    <tr><th>Request Method:</th><td>${html(entry.method)}</td></tr>
    <tr><th>Request URL:</th><td>${html(entry.path)}</td></tr>
    <tr><th>Django Version:</th><td>4.2.10</td></tr>
    <tr><th>Exception Type:</th><td>AttributeError</td></tr>
    <tr><th>Python Version:</th><td>3.11.8</td></tr>
  </table>
</div>
<div id="traceback"><h2>Traceback <span class="commands">Switch to copy-and-paste view</span></h2>
<ul class="traceback">
${frames}
</ul></div>
<div id="requestinfo"><h2>Request information</h2>
<h3 id="meta-info">META</h3>
<table class="req"><thead><tr><th>Variable</th><th>Value</th></tr></thead><tbody>
${meta}
</tbody></table>
<h3 id="settings-info">Settings</h3>
<table class="req"><tbody>
<tr><td>SECRET_KEY</td><td class="code"><pre>'********************'</pre></td></tr>
<tr><td>DATABASES</td><td class="code"><pre>{'default': {'PASSWORD': '********************'}}</pre></td></tr>
<tr><td>DEBUG</td><td class="code"><pre>True</pre></td></tr>
</tbody></table></div>
<div id="explanation"><p>Shown because the settings say <code>DEBUG = True</code>; with
<code>DEBUG = False</code> the standard 500 page answers instead.</p></div>
</body>
</html>
`;
}
