"""The login backend reads the session's user with a compiled query: the same user ModelBackend gives, and
nobody for an inactive, missing or malformed id."""

from django.contrib.auth.backends import ModelBackend

from yiwang.accounts.backends import UserBackend


def test_the_backend_gives_the_user_model_backend_gives(citizen, django_user_model):
    ours, theirs = UserBackend().get_user(citizen.pk), ModelBackend().get_user(citizen.pk)
    assert ours == theirs and ours.username == citizen.username and ours.display_name == citizen.display_name
    citizen.is_active = False
    citizen.save(update_fields=["is_active"])
    assert UserBackend().get_user(citizen.pk) is None
    assert UserBackend().get_user(10**9) is None
    assert UserBackend().get_user("not a number") is None


def test_a_session_login_loads_the_user_through_it(client, citizen):
    client.force_login(citizen, backend="yiwang.accounts.backends.UserBackend")
    assert client.get("/").wsgi_request.user == citizen
