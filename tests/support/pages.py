"""The tests every list of pages gets: an anonymous visitor is sent to sign in, a member of
another agency gets 404, and each role of the agency gets the page or 403."""

import pytest
from django.urls import reverse

from agencies.choices import Role


def role_matrix_tests(pages: list[tuple[str, set[str]]], *, setup: str | None = None):
    """Three test functions for a module to bind under test names; `setup` names a fixture
    that makes the data the pages need for an insider."""

    @pytest.mark.django_db
    @pytest.mark.parametrize(("name", "allowed"), pages)
    def anonymous(client, agency, name, allowed):
        response = client.get(reverse(name, args=[agency.slug]))
        assert response.status_code == 302 and response.url.startswith("/accounts/login/")

    @pytest.mark.django_db
    @pytest.mark.parametrize(("name", "allowed"), pages)
    def outsider(login, users, agency, name, allowed):
        assert login(users["outsider"]).get(reverse(name, args=[agency.slug])).status_code == 404

    @pytest.mark.django_db
    @pytest.mark.parametrize(("name", "allowed"), pages)
    @pytest.mark.parametrize("role", Role.values)
    def insiders(request, login, users, agency, name, allowed, role):
        if setup:
            request.getfixturevalue(setup)
        response = login(users[role]).get(reverse(name, args=[agency.slug]))
        assert response.status_code == (200 if role in allowed else 403)

    return anonymous, outsider, insiders
