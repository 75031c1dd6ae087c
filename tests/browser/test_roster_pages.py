import pytest

from agencies.choices import Role
from roster.models import Person
from tests.browser.conftest import shot
from tests.factories import AgencyFactory, member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct-horse-battery"


@pytest.fixture
def kcpd(db):
    agency = AgencyFactory(
        slug="kcpd", name="Kansas City Missouri Police Department", preset="kcpd"
    )
    member(agency, Role.COORDINATOR, username="coordinator.kcpd")
    return agency


def test_coordinator_imports_a_directory_after_fixing_a_bad_row(
    page_for, live_server, kcpd, tmp_path
):
    header = "employee_number,first_name,last_name,member_class,hire_date\n"
    bad = tmp_path / "bad.csv"
    bad.write_text(header + "K1,Ann,Archer,sworn,2015-04-01\nK2,Ben,Baker,pilot,2016-01-01\n")
    page = page_for("coordinator.kcpd", PASSWORD)
    page.goto(f"{live_server.url}/kcpd/roster/people/import/")
    page.get_by_label("CSV file").set_input_files(str(bad))
    page.get_by_role("button", name="Check the file").click()
    assert page.get_by_text("Nothing was imported").is_visible()
    assert page.get_by_role("cell", name="3", exact=True).is_visible()
    shot(page, "kcpd-import-refused")
    good = tmp_path / "good.csv"
    good.write_text(header + "K1,Ann,Archer,sworn,2015-04-01\nK2,Ben,Baker,sworn,2016-01-01\n")
    page.get_by_label("CSV file").set_input_files(str(good))
    page.get_by_role("button", name="Check the file").click()
    page.get_by_role("button", name="Import 2 rows").click()
    assert page.get_by_text("Imported: 2 added, 0 updated.").is_visible()
    assert Person.objects.filter(agency=kcpd, employee_number__in=["K1", "K2"]).count() == 2
