"""What the OpenID Connect provider says about a user: its claims, from the staff roles (org.StaffRole).

The ID token and userinfo carry, under the "profile" scope, the display name, the primary department and
its region, and every active role, so a department system can authorise without its own user table.
"""

import hashlib
from urllib.parse import urlencode

from django.http import JsonResponse
from oauth2_provider.models import AccessToken
from oauth2_provider.oauth2_validators import OAuth2Validator
from oauth2_provider.views import IntrospectTokenView
from oauthlib.common import Request as OauthlibRequest

from yiwang.core.permissions import staff_roles

# What the token endpoint grants, whatever an application row says: the password grant (and the device flow,
# and anything a future package version adds) is refused even for a client registered with it before.
TOKEN_GRANT_TYPES = frozenset({"authorization_code", "client_credentials", "refresh_token"})


def staff_claims(user) -> dict:
    roles = sorted(staff_roles(user), key=lambda r: r.pk)
    claims = {
        "name": str(user),
        "preferred_username": user.get_username(),
        "roles": sorted({r.role for r in roles}),
        "staff_roles": [
            {
                "role": r.role,
                "department": r.department.code,
                "department_name": r.department.name,
                "region": r.region.code,
                "region_name": r.region.name,
            }
            for r in roles
        ],
    }
    if roles:
        # The first role granted names the department and region a system should show the user under.
        first = roles[0]
        claims.update(
            department=first.department.code,
            department_name=first.department.name,
            region=first.region.code,
            region_name=first.region.name,
        )
    return claims


class YiwangOAuth2Validator(OAuth2Validator):
    oidc_claim_scope = {
        **OAuth2Validator.oidc_claim_scope,
        "department": "profile",
        "department_name": "profile",
        "region": "profile",
        "region_name": "profile",
        "roles": "profile",
        "staff_roles": "profile",
    }

    def get_additional_claims(self, request):
        return staff_claims(request.user)

    def validate_grant_type(self, client_id, grant_type, client, request, *args, **kwargs):
        return grant_type in TOKEN_GRANT_TYPES and super().validate_grant_type(
            client_id, grant_type, client, request, *args, **kwargs
        )

    def validate_response_type(self, client_id, response_type, client, request, *args, **kwargs):
        # The authorization code flow only: the implicit and hybrid responses carry tokens in the URL.
        return response_type == "code" and super().validate_response_type(
            client_id, response_type, client, request, *args, **kwargs
        )


class OwnTokenIntrospectView(IntrospectTokenView):
    """RFC 7662 introspection for a client's own access tokens only.

    The package answers any authenticated client about any token, so one department system could learn whose
    token another holds and what it may do; a token of another client answers {"active": false}, as an unknown
    one does (RFC 7662 §2.2 lets the server decline to say more)."""

    caller = None

    def authenticate_client(self, request):
        core = self.get_oauthlib_core()
        oauth_request = OauthlibRequest(
            request.build_absolute_uri(),
            request.method,
            urlencode(core.extract_body(request)),
            core.extract_headers(request),
        )
        if not core.server.request_validator.authenticate_client(oauth_request):
            return False
        self.caller = oauth_request.client
        return True

    def verify_request(self, request):
        valid, oauth_request = super().verify_request(request)
        if valid:
            self.caller = oauth_request.access_token.application
        return valid, oauth_request

    def get_token_response(self, token_value=None):
        # A client-less row (the resource server's introspection cache) belongs to nobody who could ask.
        if token_value is not None and (
            self.caller is None
            or not AccessToken.objects.filter(
                token_checksum=hashlib.sha256(token_value.encode()).hexdigest(), application=self.caller
            ).exists()
        ):
            return JsonResponse({"active": False})
        return super().get_token_response(token_value)
