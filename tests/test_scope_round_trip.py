"""A statement in a scope carries the scope's settings in the same message (agencies/tenant_db.py,
_in_one_round_trip): what the statement returns, counts or inserts is its own, the settings hold
for it and end with its transaction."""

import pytest
from django.db import IntegrityError, connection, transaction

from agencies import tenant_db
from agencies.models import Agency, Resource
from roster.models import Person
from tests.factories import AgencyFactory, PersonFactory

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row-level security is PostgreSQL's"
)


@pytest.fixture
def kcpd(transactional_db):
    return AgencyFactory(slug="kcpd", preset="kcpd")


def _setting(cursor) -> str | None:
    cursor.execute("SELECT current_setting('app.agency_id', true)")
    return cursor.fetchone()[0]


def _sent(captured) -> list[str]:
    return [q["sql"] for q in captured]


@pytest.mark.django_db(transaction=True)  # autocommit, as a request runs
def test_a_statement_of_its_own_sees_its_settings_and_they_end_with_it(kcpd):
    with tenant_db.agency_scope(kcpd.pk), connection.cursor() as cursor:
        assert _setting(cursor) == str(kcpd.pk)
        assert connection.connection.info.transaction_status.name == "IDLE"
    # The raw connection, past the hook: nothing of the scope is left on it.
    raw = connection.connection.execute("SELECT current_setting('app.agency_id', true)")
    assert raw.fetchone()[0] in (None, "")


@pytest.mark.django_db(transaction=True)  # autocommit, as a request runs
def test_the_settings_go_in_the_same_message_as_the_statement(kcpd, django_assert_num_queries):
    with tenant_db.agency_scope(kcpd.pk), django_assert_num_queries(1) as captured:
        list(Resource.objects.for_agency(kcpd))
    (sql,) = _sent(captured)
    assert sql.startswith("SELECT set_config('app.agency_id', ")
    assert 'FROM "agencies_resource"' in sql


@pytest.mark.django_db(transaction=True)  # autocommit, as a request runs
def test_an_insert_outside_a_transaction_gets_its_own_id_back(kcpd):
    with tenant_db.agency_scope(kcpd.pk):
        resource = Resource.objects.create(agency=kcpd, kind="hotline", name="988")
        assert resource.pk and Resource.objects.get(pk=resource.pk).name == "988"


@pytest.mark.django_db(transaction=True)  # autocommit, as a request runs
def test_an_update_and_a_delete_count_their_own_rows(kcpd):
    for name in ("One", "Two", "Three"):
        PersonFactory(agency=kcpd, last_name=name)
    with tenant_db.agency_scope(kcpd.pk):
        people = Person.objects.for_agency(kcpd)
        assert people.filter(last_name__in=["One", "Two"]).update(rank="Sergeant") == 2
        deleted, _ = people.filter(last_name="Three").delete()
        assert deleted == 1


@pytest.mark.django_db(transaction=True)  # autocommit, as a request runs
def test_a_percent_sign_in_a_value_or_a_pattern_is_the_statements(kcpd):
    PersonFactory(agency=kcpd, last_name="Fifty%Off")
    with tenant_db.agency_scope(kcpd.pk):
        assert Person.objects.for_agency(kcpd).filter(last_name__contains="y%O").count() == 1
        with connection.cursor() as cursor:
            cursor.execute("SELECT '100%%', %s", ["x%"])
            assert cursor.fetchone() == ("100%", "x%")


@pytest.mark.django_db(transaction=True)  # autocommit, as a request runs
def test_a_failing_statement_raises_its_own_error_and_the_connection_goes_on(kcpd):
    with tenant_db.system_scope():
        with pytest.raises(IntegrityError):
            Agency.objects.create(slug="kcpd", name="Twice")
        assert Agency.objects.filter(slug="kcpd").count() == 1


@pytest.mark.django_db(transaction=True)  # autocommit, as a request runs
def test_the_first_statement_of_a_transaction_sets_them_for_the_rest(kcpd):
    with tenant_db.agency_scope(kcpd.pk), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert connection.connection.info.transaction_status.name == "INTRANS"
        assert _setting(cursor) == str(kcpd.pk)


@pytest.mark.django_db(transaction=True)  # autocommit, as a request runs
def test_a_statement_outside_any_scope_is_sent_as_it_is(kcpd, django_assert_num_queries):
    with django_assert_num_queries(1) as captured:
        list(Agency.objects.filter(pk=kcpd.pk))
    assert not _sent(captured)[0].startswith("SELECT set_config")


def test_a_scope_that_is_not_one_is_refused():
    with pytest.raises(ValueError):
        tenant_db._settings_literal(tenant_db.Scope("agency'; DROP TABLE x; --", agency_id=1))
