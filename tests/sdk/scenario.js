// Twilio's official Node SDK, unmodified, drives a tworg world through `tworg serve`.
// Run by tests/sdk.rs with the server's URL and freshly minted credentials in the environment.
"use strict";
const assert = require("node:assert/strict");
const twilio = require("twilio");
const OrgsTokenManager = require("twilio/lib/http/bearer_token/OrgsTokenManager").default;

const E = process.env;
const URL = E.TWORG_URL, ORG = E.TWORG_ORG;
const step = (m) => console.log(m);

async function expectError(code, fn) {
  try {
    await fn();
  } catch (e) {
    assert.equal(e.code, code, `expected Twilio error ${code}, got ${e.code}: ${e.message}`);
    step(`refused with ${e.code} (HTTP ${e.status})`);
    return;
  }
  throw new Error(`expected Twilio error ${code}, but the call succeeded`);
}

// The SDK's org token manager builds its own client for oauth.twilio.com; this one asks the
// same SDK's token resource, on a client pointed at tworg.
class PointedTokenManager extends OrgsTokenManager {
  async fetchToken() {
    const c = twilio();
    c.setCredentialProvider(new twilio.NoAuthCredentialProvider());
    c.oauth.baseUrl = URL;
    const t = await c.oauth.v2.token.create(this.getParams());
    return t.accessToken;
  }
}

async function main() {
  // --- token by client credentials
  const tm = new PointedTokenManager({
    grantType: "client_credentials",
    clientId: E.TWORG_CLIENT_ID,
    clientSecret: E.TWORG_CLIENT_SECRET,
  });
  const jwt = await tm.fetchToken();
  assert.equal(jwt.split(".").length, 3, "the access token is a JWT");
  step("token by client credentials");
  const provider = new twilio.OrgsCredentialProviderBuilder()
    .setClientId(E.TWORG_CLIENT_ID)
    .setClientSecret(E.TWORG_CLIENT_SECRET)
    .setTokenManager(tm)
    .build();
  const client = twilio();
  client.setCredentialProvider(provider);
  client.previewIam.baseUrl = URL;
  const org = client.previewIam.organization(ORG);

  // --- organization accounts across pages, and fetch
  const accounts = await org.accounts.list({ pageSize: 2 });
  assert.ok(accounts.length >= 3, `at least 3 managed accounts, got ${accounts.length}`);
  assert.equal(new Set(accounts.map((a) => a.accountSid)).size, accounts.length);
  step(`accounts listed across pages: ${accounts.length}`);
  const one = await org.accounts(E.TWORG_MAIN).fetch();
  assert.equal(one.accountSid, E.TWORG_MAIN);
  step(`account fetched: ${one.friendlyName}`);

  // --- role assignments: create, list, delete, 25203
  const ra = await org.roleAssignments.create({
    role_sid: "IX00000000000000000000000000000103", // Developer
    scope: E.TWORG_MAIN,
    identity: E.TWORG_USER,
  });
  assert.ok(ra.sid.startsWith("IY"));
  step(`role assignment created: ${ra.sid}`);
  const listed = await org.roleAssignments.list({ identity: E.TWORG_USER });
  assert.ok(listed.some((x) => x.sid === ra.sid));
  step(`role assignments listed: ${listed.length}`);
  await expectError(25203, () => org.roleAssignments.list());
  await org.roleAssignments(ra.sid).remove();
  const after = await org.roleAssignments.list({ identity: E.TWORG_USER });
  assert.ok(!after.some((x) => x.sid === ra.sid));
  step("role assignment deleted");

  // --- SCIM users: create, filter, patch, delete
  const email = `sdk.node@${E.TWORG_DOMAIN}`;
  const user = await org.users.create({
    schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"],
    userName: email,
    displayName: "Node SDK",
    name: { givenName: "Node", familyName: "SDK" },
    emails: [{ value: email, primary: true, type: "work" }],
    active: true,
  });
  assert.ok(user.id.startsWith("US"));
  step(`SCIM user created: ${user.id}`);
  const found = await org.users.list({ filter: `userName eq "${email}"` });
  assert.deepEqual(found.map((u) => u.id), [user.id]);
  step("SCIM user found by filter");
  const patched = await org.users(user.id).patch({
    schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
    Operations: [{ op: "replace", path: "displayName", value: "Node SDK (patched)" }],
  });
  assert.equal(patched.displayName, "Node SDK (patched)");
  step("SCIM user patched");
  await org.users(user.id).remove();
  step("SCIM user deleted");

  // --- 2010-04-01 accounts with the main account's auth token
  const api = twilio(E.TWORG_MAIN, E.TWORG_MAIN_TOKEN);
  api.api.baseUrl = URL;
  const subs = [];
  for (let i = 0; i < 3; i++) {
    const sub = await api.api.v2010.accounts.create({ friendlyName: `node-sdk-${i}` });
    assert.equal(sub.ownerAccountSid, E.TWORG_MAIN);
    subs.push(sub.sid);
  }
  step(`subaccounts created: ${subs.length}`);
  const all = (await api.api.v2010.accounts.list({ pageSize: 2 })).map((a) => a.sid);
  assert.ok(subs.every((s) => all.includes(s)) && all.includes(E.TWORG_MAIN), all.join(","));
  step(`accounts listed across pages: ${all.length}`);
  const only = await api.api.v2010.accounts.list({ friendlyName: "node-sdk-1" });
  assert.deepEqual(only.map((a) => a.sid), [subs[1]]);
  const renamed = await api.api.v2010.accounts(subs[0]).update({ friendlyName: "node-sdk-renamed" });
  assert.equal(renamed.friendlyName, "node-sdk-renamed");
  step("subaccount renamed");
  assert.equal((await api.api.v2010.accounts(subs[0]).update({ status: "suspended" })).status, "suspended");
  step("subaccount suspended");
  assert.equal((await api.api.v2010.accounts(subs[0]).update({ status: "closed" })).status, "closed");
  step("subaccount closed");
  assert.equal((await api.api.v2010.accounts(subs[1]).fetch()).friendlyName, "node-sdk-1");

  // --- errors mapped to the SDK's RestException with Twilio's code
  await expectError(20404, () => api.api.v2010.accounts(E.TWORG_OTHER).fetch());
  const trial = twilio(E.TWORG_TRIAL_KEY, E.TWORG_TRIAL_SECRET, { accountSid: E.TWORG_TRIAL });
  trial.api.baseUrl = URL;
  await trial.api.v2010.accounts.create({ friendlyName: "trial-first" });
  await expectError(21480, () => trial.api.v2010.accounts.create({ friendlyName: "trial-second" }));
  step("node: all steps passed");
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
