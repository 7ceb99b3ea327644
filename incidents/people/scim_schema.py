"""SCIM 2.0 discovery documents: what this service serves (RFC 7643 §5–7, RFC 7644 §4).

Only the attributes the service acts on are published, so a client (and a compliance checker) sends nothing
it would silently lose.
"""

from __future__ import annotations

USER = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"
LIST = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
ERROR = "urn:ietf:params:scim:api:messages:2.0:Error"
SPC = "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"
SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Schema"
RESOURCE_TYPE = "urn:ietf:params:scim:schemas:core:2.0:ResourceType"
MEDIA_TYPE = "application/scim+json"


def _attr(name: str, kind: str = "string", *, required: bool = False, multi: bool = False,
           mutability: str = "readWrite", uniqueness: str = "none", sub: list | None = None,
           refs: list[str] | None = None, description: str = "") -> dict:
    out = {"name": name, "type": kind, "multiValued": multi, "description": description or name,
           "required": required, "caseExact": False, "mutability": mutability, "returned": "default",
           "uniqueness": uniqueness}
    if sub is not None:
        out["subAttributes"] = sub
    if refs is not None:
        out["referenceTypes"] = refs
    return out


USER_SCHEMA = {
    "schemas": [SCHEMA], "id": USER, "name": "User", "description": "A person who may sign in",
    "attributes": [
        _attr("userName", required=True, uniqueness="server",
              description="The identifier the provider knows the person by"),
        _attr("displayName", description="The name shown in the service"),
        _attr("emails", "complex", required=True, multi=True, description="The address mail is sent to", sub=[
            _attr("value", required=True), _attr("type"), _attr("primary", "boolean")]),
        _attr("active", "boolean", description="False deactivates the person: sessions end, reports move up"),
        _attr("groups", "complex", multi=True, mutability="readOnly", sub=[
            _attr("value", mutability="readOnly"),
            _attr("$ref", "reference", mutability="readOnly", refs=["Group"]),
            _attr("display", mutability="readOnly")]),
    ],
    "meta": {"resourceType": "Schema", "location": f"/scim/v2/Schemas/{USER}"},
}

GROUP_SCHEMA = {
    "schemas": [SCHEMA], "id": GROUP, "name": "Group", "description": "A group; roles follow INCIDENTS_GROUP_ROLES",
    "attributes": [
        _attr("displayName", required=True, uniqueness="server"),
        _attr("members", "complex", multi=True, sub=[
            _attr("value", mutability="immutable"),
            _attr("$ref", "reference", mutability="immutable", refs=["User"]),
            _attr("type", mutability="immutable")]),
    ],
    "meta": {"resourceType": "Schema", "location": f"/scim/v2/Schemas/{GROUP}"},
}

SCHEMAS = {USER: USER_SCHEMA, GROUP: GROUP_SCHEMA}


def resource_types(base: str) -> list[dict]:
    return [
        {"schemas": [RESOURCE_TYPE], "id": "User", "name": "User", "endpoint": "/Users", "description": "People",
         "schema": USER, "meta": {"resourceType": "ResourceType", "location": f"{base}/ResourceTypes/User"}},
        {"schemas": [RESOURCE_TYPE], "id": "Group", "name": "Group", "endpoint": "/Groups", "description": "Groups",
         "schema": GROUP, "meta": {"resourceType": "ResourceType", "location": f"{base}/ResourceTypes/Group"}},
    ]


def service_provider_config(base: str, max_results: int) -> dict:
    return {
        "schemas": [SPC],
        "documentationUri": "https://datatracker.ietf.org/doc/html/rfc7644",
        "patch": {"supported": True},
        "bulk": {"supported": False, "maxOperations": 0, "maxPayloadSize": 0},
        "filter": {"supported": True, "maxResults": max_results},
        "changePassword": {"supported": False},
        "sort": {"supported": False},
        "etag": {"supported": False},
        "authenticationSchemes": [{"type": "oauthbearertoken", "name": "Bearer token",
                                   "description": "INCIDENTS_SCIM_TOKEN, sent as Authorization: Bearer", "primary": True}],
        "meta": {"resourceType": "ServiceProviderConfig", "location": f"{base}/ServiceProviderConfig"},
    }
