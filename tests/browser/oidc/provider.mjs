// A real OpenID provider for the browser tests: the certified `oidc-provider` (npm), with one confidential test
// client, PKCE required, and the accounts given in ACCOUNTS (JSON: {login: {email, name, groups, department}}).
// The development sign-in form accepts any of those logins (with any password). An account whose login starts
// with "late" gets authorization codes that live one second (the expired-code test).
//
//   PORT=... REDIRECT_URI=... POST_LOGOUT_URI=... CLIENT_ID=... CLIENT_SECRET=... ACCOUNTS='{...}' node provider.mjs
import Provider from 'oidc-provider';

const port = Number(process.env.PORT);
const issuer = `http://127.0.0.1:${port}`;
const accounts = JSON.parse(process.env.ACCOUNTS || '{}');

const provider = new Provider(issuer, {
  clients: [{
    client_id: process.env.CLIENT_ID,
    client_secret: process.env.CLIENT_SECRET,
    redirect_uris: [process.env.REDIRECT_URI],
    post_logout_redirect_uris: [process.env.POST_LOGOUT_URI],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
  }],
  pkce: { required: () => true },
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name'],
    groups: ['groups'],
    department: ['department'],
  },
  scopes: ['openid', 'email', 'profile', 'groups', 'department', 'offline_access'],
  async findAccount(ctx, id) {
    const account = accounts[id];
    if (!account) return undefined;
    return {
      accountId: id,
      async claims() {
        return { sub: id, email_verified: true, ...account };
      },
    };
  },
  ttl: {
    AuthorizationCode: (ctx, code) => (String(code.accountId || '').startsWith('late') ? 1 : 120),
  },
  features: {
    devInteractions: { enabled: true },
    rpInitiatedLogout: { enabled: true },
  },
  cookies: { keys: ['test-only-cookie-key'] },
});
provider.proxy = false;
provider.listen(port, '127.0.0.1', () => {
  process.stdout.write(`listening ${issuer}\n`);
});
