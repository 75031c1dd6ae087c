import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from agencies.models import Membership
from roster.models import SignInLink
from tests.factories import PeerFactory, PersonFactory


def ask(client, email, callbacks):
    with callbacks(execute=True):
        return client.post("/accounts/sign-in-link/", {"email": email})


def link_in_mail() -> str:
    return re.search(r"http://\S+/accounts/link/\S+/", mail.outbox[-1].body).group(0)


@pytest.mark.django_db
@pytest.mark.system_scope
def test_a_person_in_the_directory_signs_in_with_a_one_time_link(
    client, agency, django_capture_on_commit_callbacks
):
    person = PersonFactory(agency=agency, email="olivia@clayton.example.org")
    response = ask(client, "Olivia@Clayton.example.org", django_capture_on_commit_callbacks)
    assert "a sign-in link is on its way" in response.content.decode()
    path = link_in_mail().replace("http://127.0.0.1:8000", "")
    assert client.get(path).status_code == 200  # a mail scanner's visit uses nothing up
    response = client.post(path)
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.user is not None
    assert client.get("/clayton/").status_code == 200
    assert Membership.objects.filter(user=person.user, agency=agency, role="officer").exists()
    again = client.post(path)
    assert "already been used" in again.content.decode()


@pytest.mark.django_db
@pytest.mark.system_scope
def test_an_active_peer_gets_the_peer_role_with_the_account(
    client, agency, django_capture_on_commit_callbacks
):
    peer = PeerFactory(agency=agency, person__email="peer@clayton.example.org")
    ask(client, "peer@clayton.example.org", django_capture_on_commit_callbacks)
    peer.person.refresh_from_db()
    roles = set(Membership.objects.filter(user=peer.person.user).values_list("role", flat=True))
    assert roles == {"officer", "peer"}


@pytest.mark.django_db
def test_a_link_expires_after_ten_minutes(client, agency, django_capture_on_commit_callbacks):
    PersonFactory(agency=agency, email="olivia@clayton.example.org")
    ask(client, "olivia@clayton.example.org", django_capture_on_commit_callbacks)
    path = link_in_mail().replace("http://127.0.0.1:8000", "")
    with time_machine.travel(timezone.now() + timedelta(minutes=11)):
        response = client.post(path)
    assert "It has expired" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_an_unknown_address_gets_the_same_answer_and_no_mail(
    client, agency, django_capture_on_commit_callbacks
):
    response = ask(client, "nobody@example.org", django_capture_on_commit_callbacks)
    assert "a sign-in link is on its way" in response.content.decode()
    assert mail.outbox == []
    assert not SignInLink.objects.exists()


@pytest.mark.django_db
def test_someone_who_left_gets_no_link(client, agency, django_capture_on_commit_callbacks):
    PersonFactory(agency=agency, email="gone@clayton.example.org", employed=False)
    ask(client, "gone@clayton.example.org", django_capture_on_commit_callbacks)
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_tampered_link_is_refused_clearly(client):
    response = client.post("/accounts/link/not-a-real-token/")
    assert response.status_code == 200
    assert "not a valid sign-in link" in response.content.decode()


@pytest.mark.django_db
def test_links_are_rate_limited(client, agency, django_capture_on_commit_callbacks):
    PersonFactory(agency=agency, email="olivia@clayton.example.org")
    for _ in range(7):
        ask(client, "olivia@clayton.example.org", django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 5


@pytest.mark.django_db
def test_only_a_hash_of_the_token_is_stored(client, agency, django_capture_on_commit_callbacks):
    PersonFactory(agency=agency, email="olivia@clayton.example.org")
    ask(client, "olivia@clayton.example.org", django_capture_on_commit_callbacks)
    token = link_in_mail().rstrip("/").rsplit("/", 1)[-1]
    assert not SignInLink.objects.filter(token_hash=token).exists()
    assert SignInLink.objects.get().token_hash != token
