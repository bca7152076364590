/** Where GitHub will send the App's webhooks, and how it was decided. */
export type WebhookTarget =
  | { kind: 'public'; url: string }
  | { kind: 'proxy'; url: string; created: boolean }
  | { kind: 'none'; reason: string };

export type Owner = { kind: 'unchosen' } | { kind: 'organization'; login: string; from: 'GH_ORG' | 'the form' } | { kind: 'personal' };

export interface SetupPageModel {
  webhook: WebhookTarget;
  /** The local webhook endpoint a proxy channel forwards to. */
  forwardTo: string;
  owner: Owner;
  /** The App's name for this registration. */
  appName: string;
  /** What the owner form was given that cannot be used. */
  problem?: string;
  /** GitHub's page the manifest is posted to, and the manifest. */
  register?: { action: string; manifest: string };
}

const esc = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

function layout(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<link rel="stylesheet" href="/probot/static/primer.css">
</head>
<body class="bg-gray-light">
<main class="container-md p-6 my-4 bg-white border rounded-2">
${body}
</main>
</body>
</html>
`;
}

/** Step 1's sentence: where webhooks go, and what that means. */
export function describeWebhook(webhook: WebhookTarget, forwardTo: string): string {
  switch (webhook.kind) {
    case 'public':
      return `GitHub will send webhooks to ${webhook.url}, the address in LADDER_WEBHOOK_URL. It must reach this server's webhook path once Ladder runs there.`;
    case 'proxy':
      return (
        `GitHub will send webhooks to ${webhook.url}, ${webhook.created ? 'a smee.io channel created for this checkout and saved in .env as WEBHOOK_PROXY_URL' : 'the webhook proxy channel in WEBHOOK_PROXY_URL'}. ` +
        `While Ladder runs here, it forwards each delivery from the channel to ${forwardTo}, so GitHub reaches it without a public address. ` +
        'Anyone who knows the channel can read its deliveries: use it to try Ladder, and register a server with LADDER_WEBHOOK_URL, its public address.'
      );
    case 'none':
      return (
        `There is no webhook URL to register the App with: ${webhook.reason}. ` +
        'Set LADDER_WEBHOOK_URL to the address GitHub can reach this App at (such as https://ladder.example.org/api/github/webhooks), ' +
        'or WEBHOOK_PROXY_URL to a channel from https://smee.io/new, and start Ladder again.'
      );
  }
}

function ownerSection(model: SetupPageModel): string {
  const { owner } = model;
  if (owner.kind === 'unchosen') {
    return `<p>Register Ladder on the organization whose repositories it will promote. A GitHub App is private to the account that registers it, and only that account can install it: an App registered on your personal account cannot be installed on an organization.</p>
${model.problem ? `<p class="flash flash-error" id="problem">${esc(model.problem)}</p>` : ''}
<form method="get" action="/probot" id="owner-form">
<p><label for="org">Organization</label> <input class="form-control" id="org" name="org" autocomplete="off"></p>
<p><label for="name">App name</label> <input class="form-control" id="name" name="name" placeholder="Ladder (organization)" autocomplete="off"> <span class="note">App names are unique on GitHub.</span></p>
<p><button class="btn btn-primary" type="submit">Continue</button> <button class="btn" type="submit" name="personal" value="1">Use my personal account</button></p>
</form>`;
  }
  const change = '<a href="/probot?change=1" id="change">Change</a>';
  if (owner.kind === 'personal') {
    return `<p id="owner">Ladder will be registered on your personal account as <b>${esc(model.appName)}</b>. Only repositories your account owns can install it. ${change}</p>`;
  }
  return `<p id="owner">Ladder will be registered on the organization <b>${esc(owner.login)}</b> (from ${owner.from}) as <b>${esc(model.appName)}</b>. ${change}</p>`;
}

function registerSection(model: SetupPageModel): string {
  if (model.webhook.kind === 'none') return '<p id="register">Give Ladder a webhook URL first (step 1).</p>';
  if (!model.register) return '<p id="register">Choose the owner first (step 2).</p>';
  return `<form method="post" action="${esc(model.register.action)}" id="register">
<input type="hidden" name="manifest" value="${esc(model.register.manifest)}">
<button class="btn btn-primary" type="submit">Register ${esc(model.appName)} on GitHub</button>
</form>
<p id="next">GitHub shows you the App to confirm, then sends you back here: this server saves the App's id, private key and webhook secret in .env and takes you to the App's installation page. Install it on your services' code repositories and their manifest repositories, then stop this server (Ctrl-C) and start it again: it runs the App.</p>`;
}

/** The page `npm start` serves at / and /probot until Ladder is registered. */
export function setupPage(model: SetupPageModel): string {
  return layout(
    'Register Ladder with GitHub',
    `<h1>Register Ladder with GitHub</h1>
<p id="intro">Ladder runs as a GitHub App. This page registers it from app.yml (its name, the permissions it asks for and the events it receives) through GitHub's App-manifest flow: GitHub shows you the App, you confirm, and GitHub hands this server the App's credentials.</p>
<h2>1. Webhooks</h2>
<p id="webhook"${model.webhook.kind === 'none' ? ' class="flash flash-error"' : ''}>${esc(describeWebhook(model.webhook, model.forwardTo))}</p>
<h2>2. Owner</h2>
${ownerSection(model)}
<h2>3. Register</h2>
${registerSection(model)}
<p><a href="/probot/import" id="import">Use an existing GitHub App instead</a></p>`,
  );
}

/** /probot/import: an App registered before; Probot's POST /probot/import saves what the form sends. */
export function importPage(webhook: WebhookTarget, forwardTo: string, appsSettings: string): string {
  const step1 =
    webhook.kind === 'none'
      ? `<p id="webhook" class="flash flash-error">${esc(describeWebhook(webhook, forwardTo))}</p>`
      : `<p id="webhook">In the App's settings on GitHub (<a href="${esc(appsSettings)}">your GitHub Apps</a>, or your organization's Settings, Developer settings, GitHub Apps), set its Webhook URL to <code>${esc(webhook.url)}</code> and give it the permissions and events listed in app.yml.</p>`;
  return layout(
    'Use an existing GitHub App with Ladder',
    `<h1>Use an existing GitHub App</h1>
<h2>1. Webhook URL</h2>
${step1}
<h2>2. Credentials</h2>
<p>This server saves the App's id, webhook secret and private key in .env.</p>
<form id="import-form">
<p><label for="appId">App ID</label> <input class="form-control" id="appId" name="appId" required></p>
<p><label for="whs">Webhook secret</label> <input class="form-control" type="password" id="whs" name="whs" required></p>
<p><label for="pem">Private key (.pem)</label> <input class="form-control" type="file" accept=".pem" id="pem" name="pem" required></p>
<p><button class="btn btn-primary" type="submit">Save</button></p>
</form>
<p id="result"></p>
<script>
document.getElementById('import-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const pem = await document.getElementById('pem').files[0].text();
  const body = JSON.stringify({ appId: document.getElementById('appId').value, webhook_secret: document.getElementById('whs').value, pem });
  const answer = await fetch('/probot/import', { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  if (answer.ok) location.replace('/probot/success');
  else document.getElementById('result').textContent = 'Not saved: ' + (await answer.text());
});
</script>`,
  );
}

/** /probot/success: where the import form leads. */
export function savedPage(): string {
  return layout(
    'Ladder is set up',
    `<h1>Ladder is set up</h1>
<p id="saved">The App's credentials are saved in .env. Stop this server (Ctrl-C) and start it again: it then runs the App and receives its webhooks.</p>`,
  );
}
