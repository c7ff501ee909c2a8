"""Twilio's official Python SDK, unmodified, drives a tworg world through `tworg serve`.

Run by tests/sdk.rs with the server's URL and freshly minted credentials in the environment.
Each step prints one line; any failure raises (exit status 1).
"""
import json
import logging
import os
import sys

from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.credential.orgs_credential_provider import OrgsCredentialProvider
from twilio.http.orgs_token_manager import OrgTokenManager
from twilio.rest import Client
from twilio.rest.preview_iam.versionless import Versionless
# the versionless UserList of 9.13.0 lacks its nested helpers (an SDK bug): borrow them
from twilio.rest.preview_iam.versionless.organization.user import UserList as ScimTypes

E = os.environ
logging.getLogger("twilio").setLevel(logging.WARNING)
URL, ORG = E["TWORG_URL"], E["TWORG_ORG"]


def step(msg):
    print(msg, flush=True)


def expect_error(code, fn):
    try:
        fn()
    except TwilioRestException as e:
        assert e.code == code, f"expected Twilio error {code}, got {e.code}: {e.msg}"
        step(f"refused with {e.code} (HTTP {e.status})")
        return
    except TwilioException as e:
        # a page that fails to load raises the base exception, with the response attached
        body = json.loads(e.args[1].text)
        assert body["code"] == code, f"expected Twilio error {code}, got {body}"
        step(f"refused with {body['code']} (HTTP {body['status']}, page)")
        return
    raise AssertionError(f"expected Twilio error {code}, but the call succeeded")


# --- OAuth client credentials: the token manager's own client is pointed at tworg too
tm = OrgTokenManager("client_credentials", E["TWORG_CLIENT_ID"], E["TWORG_CLIENT_SECRET"])
tm.client.oauth.base_url = URL
org_client = Client(credential_provider=OrgsCredentialProvider(
    E["TWORG_CLIENT_ID"], E["TWORG_CLIENT_SECRET"], token_manager=tm))
org_client.preview_iam.base_url = URL
iam = Versionless(org_client.preview_iam)  # accounts, role_assignments, users
token = tm.fetch_access_token()
assert token.count(".") == 2, "the access token is a JWT"
step("token by client credentials")

# --- Organization accounts, across pages, and fetch
accounts = iam.accounts(ORG).list(page_size=2)
assert len(accounts) >= 3, f"at least 3 managed accounts, got {len(accounts)}"
sids = [a.account_sid for a in accounts]
assert len(set(sids)) == len(sids), "pages do not repeat records"
step(f"accounts listed across pages: {len(accounts)}")
# the versionless AccountList is not callable in 9.13.0: fetch through the organization
one = org_client.preview_iam.organization(ORG).accounts(E["TWORG_MAIN"]).fetch()
assert one.account_sid == E["TWORG_MAIN"] and one.status == "active", one
step(f"account fetched: {one.friendly_name}")

# --- Role assignments: create, list, delete, and the 25203 refusal
ra_list = iam.role_assignments(ORG)
req = ra_list.PublicApiCreateRoleAssignmentRequest({
    "role_sid": "IX00000000000000000000000000000103",  # Developer
    "scope": E["TWORG_MAIN"],
    "identity": E["TWORG_USER"],
})
ra = ra_list.create(public_api_create_role_assignment_request=req)
assert ra.sid.startswith("IY") and ra.identity == E["TWORG_USER"], ra
step(f"role assignment created: {ra.sid}")
listed = ra_list.list(identity=E["TWORG_USER"])
assert ra.sid in [x.sid for x in listed], "the new assignment is listed"
step(f"role assignments listed: {len(listed)}")
expect_error(25203, lambda: ra_list.list())
bad = ra_list.PublicApiCreateRoleAssignmentRequest({
    "role_sid": "IX00000000000000000000000000000999", "scope": E["TWORG_MAIN"],
    "identity": E["TWORG_USER"]})
expect_error(25202, lambda: ra_list.create(public_api_create_role_assignment_request=bad))
# the versionless lists are not callable in 9.13.0: one resource is reached through the organization
org = org_client.preview_iam.organization(ORG)
assert org.role_assignments(ra.sid).delete()
assert ra.sid not in [x.sid for x in ra_list.list(identity=E["TWORG_USER"])]
step("role assignment deleted")

# --- SCIM users with the OAuth bearer token: create, filter, patch, delete
email = "sdk.python@" + E["TWORG_DOMAIN"]
user = iam.users(ORG).create(scim_user=ScimTypes.ScimUser({
    "userName": email,
    "displayName": "Python SDK",
    "name": {"givenName": "Python", "familyName": "SDK"},
    "emails": [{"value": email, "primary": True, "type": "work"}],
    "active": True,
    "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
}))
assert user.id.startswith("US") and user.user_name == email, user
step(f"SCIM user created: {user.id}")
found = iam.users(ORG).list(filter=f'userName eq "{email}"')
assert [u.id for u in found] == [user.id], found
step("SCIM user found by filter")
patched = org.users(user.id).patch(scim_patch_request=ScimTypes.ScimPatchRequest({
    "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
    "Operations": [{"op": "replace", "path": "displayName", "value": "Python SDK (patched)"}],
}))
assert patched.display_name == "Python SDK (patched)", patched
step("SCIM user patched")
assert org.users(user.id).delete()
step("SCIM user deleted")

# --- 2010-04-01 Accounts with the main account's auth token
api = Client(E["TWORG_MAIN"], E["TWORG_MAIN_TOKEN"])
api.api.base_url = URL
subs = []
for i in range(3):
    sub = api.api.v2010.accounts.create(friendly_name=f"python-sdk-{i}")
    assert sub.sid.startswith("AC") and sub.owner_account_sid == E["TWORG_MAIN"], sub
    subs.append(sub.sid)
step(f"subaccounts created: {len(subs)}")
listed = api.api.v2010.accounts.list(page_size=2)
listed_sids = [a.sid for a in listed]
assert all(s in listed_sids for s in subs) and E["TWORG_MAIN"] in listed_sids, listed_sids
step(f"accounts listed across pages: {len(listed_sids)}")
only = api.api.v2010.accounts.list(friendly_name="python-sdk-1")
assert [a.sid for a in only] == [subs[1]], only
renamed = api.api.v2010.accounts(subs[0]).update(friendly_name="python-sdk-renamed")
assert renamed.friendly_name == "python-sdk-renamed", renamed
step("subaccount renamed")
suspended = api.api.v2010.accounts(subs[0]).update(status="suspended")
assert suspended.status == "suspended", suspended
step("subaccount suspended")
closed = api.api.v2010.accounts(subs[0]).update(status="closed")
assert closed.status == "closed", closed
step("subaccount closed")
fetched = api.api.v2010.accounts(subs[1]).fetch()
assert fetched.friendly_name == "python-sdk-1"

# --- errors mapped to the SDK's exception with Twilio's code
expect_error(20404, lambda: api.api.v2010.accounts(E["TWORG_OTHER"]).fetch())
trial = Client(E["TWORG_TRIAL_KEY"], E["TWORG_TRIAL_SECRET"], E["TWORG_TRIAL"])
trial.api.base_url = URL
trial.api.v2010.accounts.create(friendly_name="trial-first")
expect_error(21480, lambda: trial.api.v2010.accounts.create(friendly_name="trial-second"))
step("python: all steps passed")
sys.exit(0)
