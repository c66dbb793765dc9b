"""The session login backend: Django's ModelBackend, with the user every request loads read by a query compiled
once per process (core.compiled) instead of compiled again on each request."""

from django.contrib.auth.backends import ModelBackend

from yiwang.core.compiled import CompiledQuery

from .models import User

_USER_BY_PK = CompiledQuery(lambda pk: User._default_manager.filter(pk=pk))


class UserBackend(ModelBackend):
    def get_user(self, user_id):
        try:
            user = _USER_BY_PK.get(int(user_id))
        except (User.DoesNotExist, TypeError, ValueError):
            return None
        return user if self.user_can_authenticate(user) else None
