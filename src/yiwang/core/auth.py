"""API authentication: the site's session for staff pages calling the API (with CSRF on writes)."""

from ninja.security import SessionAuth


class StaffSessionAuth(SessionAuth):
    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        return user if user is not None and user.is_active else None


staff_auth = StaffSessionAuth()
