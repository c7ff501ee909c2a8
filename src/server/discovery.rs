//! Discovery (RFC 7643 §5–7): `/ServiceProviderConfig`, `/ResourceTypes`, `/Schemas`. The User
//! schema publishes only the attributes tworg stores, with honest `required`, `mutability`,
//! `caseExact` and `uniqueness`; `externalId`, `id` and `meta` are common attributes outside it.

use serde_json::{Value, json};

use super::json::{LIST_URN, USER_URN};
use super::{MAX_BODY, MAX_RESULTS};

pub const SPC_URN: &str = "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig";
pub const RT_URN: &str = "urn:ietf:params:scim:schemas:core:2.0:ResourceType";
pub const SCHEMA_URN: &str = "urn:ietf:params:scim:schemas:core:2.0:Schema";

pub fn service_provider_config(base: &str) -> Value {
    json!({
        "schemas": [SPC_URN],
        "documentationUri": "https://www.twilio.com/docs/iam/scim",
        "patch": {"supported": true},
        "bulk": {"supported": false, "maxOperations": 0, "maxPayloadSize": MAX_BODY},
        "filter": {"supported": true, "maxResults": MAX_RESULTS},
        "changePassword": {"supported": false},
        "sort": {"supported": false},
        "etag": {"supported": true},
        "authenticationSchemes": [{
            "type": "oauthbearertoken",
            "name": "Bearer token",
            "description": "The organization's SCIM bearer token (tworg scim enable), sent as Authorization: Bearer TOKEN",
            "primary": true
        }],
        "meta": {
            "resourceType": "ServiceProviderConfig",
            "location": format!("{base}/ServiceProviderConfig")
        }
    })
}

pub fn user_resource_type(base: &str) -> Value {
    json!({
        "schemas": [RT_URN],
        "id": "User",
        "name": "User",
        "endpoint": "/Users",
        "description": "A managed user of the organization",
        "schema": USER_URN,
        "meta": {"resourceType": "ResourceType", "location": format!("{base}/ResourceTypes/User")}
    })
}

fn attr(
    name: &str,
    ty: &str,
    required: bool,
    case_exact: bool,
    uniqueness: &str,
    description: &str,
) -> Value {
    json!({
        "name": name,
        "type": ty,
        "multiValued": false,
        "description": description,
        "required": required,
        "caseExact": case_exact,
        "mutability": "readWrite",
        "returned": "default",
        "uniqueness": uniqueness,
    })
}

pub fn user_schema(base: &str) -> Value {
    let mut emails = attr(
        "emails",
        "complex",
        true,
        false,
        "none",
        "Email addresses; the primary one is the Twilio login and, under Twilio's rules, equals userName on a verified domain",
    );
    emails["multiValued"] = json!(true);
    emails["subAttributes"] = json!([
        attr("value", "string", true, false, "none", "The email address"),
        {
            "name": "type", "type": "string", "multiValued": false, "description": "work, home or other",
            "required": false, "caseExact": false, "mutability": "readWrite", "returned": "default",
            "uniqueness": "none", "canonicalValues": ["work", "home", "other"]
        },
        attr("primary", "boolean", false, false, "none", "The primary address"),
    ]);
    let mut name = attr("name", "complex", false, false, "none", "The user's name");
    name["subAttributes"] = json!([
        attr(
            "givenName",
            "string",
            false,
            false,
            "none",
            "Given name (at most 255 characters)"
        ),
        attr(
            "familyName",
            "string",
            false,
            false,
            "none",
            "Family name (at most 255 characters)"
        ),
    ]);
    json!({
        "schemas": [SCHEMA_URN],
        "id": USER_URN,
        "name": "User",
        "description": "A Twilio user managed by the organization",
        "attributes": [
            attr("userName", "string", true, false, "server", "Unique in the organization; under Twilio's rules, the primary email"),
            name,
            attr("displayName", "string", false, false, "none", "The name shown in Twilio"),
            emails,
            attr("locale", "string", false, false, "none", "Language tag, e.g. en-US"),
            attr("timezone", "string", false, false, "none", "IANA time zone, e.g. Europe/Paris"),
            attr("active", "boolean", true, false, "none", "false deactivates the user (SCIM-3); every member is active or not, so it cannot be removed (a create without it makes an active user)"),
        ],
        "meta": {"resourceType": "Schema", "location": format!("{base}/Schemas/{USER_URN}")}
    })
}

pub fn list(resources: Vec<Value>) -> Value {
    json!({
        "schemas": [LIST_URN],
        "totalResults": resources.len(),
        "startIndex": 1,
        "itemsPerPage": resources.len(),
        "Resources": resources,
    })
}
