"""What the OpenID Connect provider says about a user: its claims, from the staff roles (org.StaffRole).

The ID token and userinfo carry, under the "profile" scope, the display name, the primary department and
its region, and every active role, so a department system can authorise without its own user table.
"""

from oauth2_provider.oauth2_validators import OAuth2Validator

from yiwang.core.permissions import staff_roles


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
