import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from agencies.choices import Role
from roster.models import DirectoryImport, Peer, Person
from roster.services import directory_csv
from tests.factories import PeerFactory, PersonFactory, member

HEADER = "employee_number,first_name,last_name,rank,unit,member_class,hire_date,email,employed\n"
GOOD = [
    "1001,Ann,Archer,Officer,Central,sworn,2015-04-01,ann@example.org,yes",
    "1002,Ben,Baker,Sergeant,East,sworn,2010-01-15,ben@example.org,yes",
    "1003,Cy,Cole,Dispatcher,Dispatch,dispatcher,2020-07-01,cy@example.org,yes",
]


def upload(client, agency, text, name="people.csv"):
    url = reverse("roster:people_import", args=[agency.slug])
    return client.post(url, {"file": SimpleUploadedFile(name, text.encode(), "text/csv")})


@pytest.fixture
def coordinator_client(login, users):
    return login(users[Role.COORDINATOR])


@pytest.mark.django_db
def test_a_csv_with_one_bad_row_names_its_line_and_imports_nothing(coordinator_client, agency):
    bad = "1004,Dee,Dunn,Officer,North,astronaut,2012-02-02,dee@example.org,yes"
    response = upload(coordinator_client, agency, HEADER + "\n".join([*GOOD, bad]) + "\n")
    text = response.content.decode()
    assert "Nothing was imported" in text
    assert "<td>5</td>" in text
    assert "member class &quot;astronaut&quot; is not one of" in text
    assert not Person.objects.for_agency(agency).exists()
    assert not DirectoryImport.objects.exists()


@pytest.mark.django_db
@pytest.mark.system_scope
def test_the_fixed_file_previews_then_imports_on_confirmation(coordinator_client, agency):
    fixed = "1004,Dee,Dunn,Officer,North,sworn,2012-02-02,dee@example.org,yes"
    response = upload(coordinator_client, agency, HEADER + "\n".join([*GOOD, fixed]) + "\n")
    assert "4 to add, 0 to update" in response.content.decode()
    assert not Person.objects.for_agency(agency).exists()  # a preview writes nothing
    staged = DirectoryImport.objects.get()
    confirm = reverse("roster:people_import_confirm", args=[agency.slug, staged.pk])
    response = coordinator_client.post(confirm)
    assert response.status_code == 302
    assert Person.objects.for_agency(agency).count() == 4
    assert not DirectoryImport.objects.exists()


@pytest.mark.django_db
@pytest.mark.system_scope
def test_reimporting_updates_by_employee_number(coordinator_client, agency, users):
    PersonFactory(agency=agency, employee_number="1001", first_name="Ann", last_name="Old")
    plan = directory_csv.plan_import(agency=agency, text=HEADER + "\n".join(GOOD))
    assert plan.creates == ["1002", "1003"]
    assert plan.updates[0][0] == "1001"
    assert "last_name" in plan.updates[0][1]
    staged = directory_csv.stage_import(
        agency=agency, user=users[Role.COORDINATOR], filename="x.csv", text=HEADER + GOOD[0]
    )
    directory_csv.apply_import(staged=staged, actor=users[Role.COORDINATOR])
    person = Person.objects.for_agency(agency).get(employee_number="1001")
    assert person.last_name == "Archer"
    assert Person.objects.for_agency(agency).count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("row", "message"),
    [
        (",Ann,Archer,,,,,,", "employee number is empty"),
        ("1009,Ann,Archer,,,,2999-01-01,,", "cannot be in the future"),
        ("1009,Ann,Archer,,,,0001-01-01,,", "cannot be before January 1, 1950"),
        ("1009,Ann,Archer,,,,31/31/2020,,", "is not a date"),
        ("1009,Ann,Archer,,,,,not-an-email,", "is not an email address"),
        ("1009,Ann,Archer,,,,,,maybe", 'employed "maybe" is not yes or no'),
        ("1009,Ann", "2 values for 9 columns"),
        ("1001,Ann,Again,,,,,,", "also on line 2"),
    ],
)
def test_each_bad_row_gets_its_reason(agency, row, message):
    plan = directory_csv.plan_import(agency=agency, text=HEADER + GOOD[0] + "\n" + row + "\n")
    assert [e.line for e in plan.errors] == [3]
    assert message in plan.errors[0].message


@pytest.mark.django_db
def test_unknown_columns_are_refused_on_line_one(agency):
    plan = directory_csv.plan_import(agency=agency, text="employee_number,name\n1,A\n")
    assert plan.errors[0].line == 1
    assert "unknown column(s) name" in plan.errors[0].message


@pytest.mark.django_db
def test_a_commanding_officer_must_be_in_the_directory(agency):
    text = "employee_number,first_name,last_name,commanding_officer\n1,A,B,77\n2,C,D,1\n"
    plan = directory_csv.plan_import(agency=agency, text=text)
    assert [(e.line, e.column, e.message) for e in plan.errors] == [
        (2, "commanding_officer", 'commanding officer "77" is not in the directory or the file, '
         "by employee number or by name"),
    ]  # fmt: skip


BOSS_HEADER = "employee_number,first_name,last_name,commanding_officer\n"


@pytest.mark.django_db
@pytest.mark.system_scope
def test_a_commanding_officer_given_by_name_is_matched_in_the_directory_and_the_file(agency, users):
    PersonFactory(agency=agency, employee_number="500", first_name="Carla", last_name="Chief")
    text = BOSS_HEADER + (
        "1,Ann,Archer,Carla Chief\n"  # on record
        '2,Ben,Baker,"archer,  ann"\n'  # in this file, written Last, First
        "3,Cy,Cole,500\n"  # by employee number still
    )
    plan = directory_csv.plan_import(agency=agency, text=text)
    assert plan.clean, plan.errors
    staged = directory_csv.stage_import(
        agency=agency, user=users[Role.COORDINATOR], filename="x.csv", text=text
    )
    directory_csv.apply_import(staged=staged, actor=users[Role.COORDINATOR])
    bosses = dict(
        Person.objects.for_agency(agency).values_list(
            "employee_number", "commanding_officer__employee_number"
        )
    )
    assert bosses == {"500": None, "1": "500", "2": "1", "3": "500"}


@pytest.mark.django_db
@pytest.mark.system_scope
def test_an_ambiguous_or_unknown_commanding_officer_name_is_reported_per_row(agency):
    PersonFactory(agency=agency, employee_number="500", first_name="Pat", last_name="Lee")
    text = BOSS_HEADER + (
        "1,Pat,Lee,\n"  # a second Pat Lee, in the file
        "2,Ann,Archer,Pat Lee\n"
        "3,Ben,Baker,Nobody Here\n"
        "4,Cy,Cole,Cy Cole\n"
    )
    plan = directory_csv.plan_import(agency=agency, text=text)
    assert [(e.line, e.column, e.message) for e in plan.errors] == [
        (3, "commanding_officer", 'commanding officer "Pat Lee" matches 2 people (employee '
         "numbers 1, 500); give the employee number"),
        (4, "commanding_officer", 'commanding officer "Nobody Here" is not in the directory or '
         "the file, by employee number or by name"),
        (5, "commanding_officer", "a person cannot be their own commanding officer"),
    ]  # fmt: skip
    assert plan.rows and not plan.creates  # nothing planned from a file with errors


@pytest.mark.django_db
def test_every_problem_of_every_row_is_reported_with_its_column(coordinator_client, agency):
    text = "employee_number,first_name,last_name,hire_date,email,commanding_officer,employed\n" + (
        "1,,Archer,0001-01-01,nope,Someone Else,maybe\n2,Ben,Baker,,,1,yes\n"
    )
    plan = directory_csv.plan_import(agency=agency, text=text)
    assert [(e.line, e.column) for e in plan.errors] == [
        (2, "first_name"), (2, "hire_date"), (2, "email"), (2, "employed"),
        (2, "commanding_officer"),
    ]  # fmt: skip
    page = upload(coordinator_client, agency, text).content.decode()
    assert "cannot be before January 1, 1950" in page
    assert "<code>commanding_officer</code>" in page
    assert not Person.objects.for_agency(agency).exists()


@pytest.mark.django_db
def test_the_import_page_says_the_commanding_officer_is_a_number_or_a_name(
    coordinator_client, agency
):
    page = coordinator_client.get(reverse("roster:people_import", args=[agency.slug]))
    text = page.content.decode()
    assert "Their employee number, or their name as First Last or Last, First" in text
    for column in directory_csv.COLUMNS:
        assert f"<code>{column}</code>" in text


@pytest.mark.django_db
def test_a_file_that_is_not_utf8_is_refused(coordinator_client, agency):
    url = reverse("roster:people_import", args=[agency.slug])
    raw = SimpleUploadedFile("p.csv", "employee_number\n\xff\xfe".encode("latin-1"))
    response = coordinator_client.post(url, {"file": raw})
    assert "not UTF-8" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.system_scope
def test_export_then_import_changes_nothing(coordinator_client, agency):
    boss = PersonFactory(agency=agency, employee_number="9", administrative_leave=True)
    PersonFactory(agency=agency, employee_number="10", commanding_officer=boss)
    response = coordinator_client.get(reverse("roster:people_export", args=[agency.slug]))
    assert response["Content-Type"].startswith("text/csv")
    plan = directory_csv.plan_import(agency=agency, text=response.content.decode())
    assert plan.clean
    assert plan.creates == []
    assert plan.updates == []


@pytest.mark.django_db
@pytest.mark.system_scope
def test_a_staged_import_of_another_agency_or_user_is_404(login, users, agency, other_agency):
    staged = directory_csv.stage_import(
        agency=agency, user=users[Role.COORDINATOR], filename="x.csv", text=HEADER + GOOD[0]
    )
    other_coordinator = member(agency, Role.COORDINATOR, username="second.coordinator")
    url = reverse("roster:people_import_confirm", args=[agency.slug, staged.pk])
    assert login(other_coordinator).post(url).status_code == 404
    outsider = member(other_agency, Role.COORDINATOR, username="coordinator.kcpd")
    foreign = reverse("roster:people_import_confirm", args=[other_agency.slug, staged.pk])
    assert login(outsider).post(foreign).status_code == 404
    assert not Person.objects.exists()


@pytest.mark.django_db
@pytest.mark.system_scope
def test_administrative_leave_takes_an_active_peer_off_call_outs_and_tells_the_coordinator(
    coordinator_client, agency, users, django_capture_on_commit_callbacks
):
    agency.policy.disqualifying_flags = ["administrative_leave"]
    agency.policy.save()
    users[Role.COORDINATOR].email = "coordinator@clayton.example.org"
    users[Role.COORDINATOR].save()
    peer = PeerFactory(agency=agency)
    url = reverse("roster:person", args=[agency.slug, peer.person.pk])
    data = person_post(peer.person, administrative_leave="on")
    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator_client.post(url, data)
    assert response.status_code == 302
    peer.refresh_from_db()
    assert peer.callouts_suspended
    assert "administrative leave" in peer.suspended_reason
    assert peer.history.filter(event="Taken off call-outs").exists()
    assert mail.outbox and mail.outbox[0].to == ["coordinator@clayton.example.org"]
    # Clearing the flag restores nothing by itself.
    data.pop("administrative_leave")
    coordinator_client.post(url, data)
    peer.refresh_from_db()
    assert peer.callouts_suspended


@pytest.mark.django_db
@pytest.mark.system_scope
def test_the_same_flag_by_csv_takes_the_peer_off_call_outs(agency, users):
    agency.policy.disqualifying_flags = ["administrative_leave"]
    agency.policy.save()
    peer = PeerFactory(agency=agency, person__employee_number="1001")
    text = "employee_number,first_name,last_name,administrative_leave\n1001,A,B,yes\n"
    staged = directory_csv.stage_import(
        agency=agency, user=users[Role.COORDINATOR], filename="x.csv", text=text
    )
    directory_csv.apply_import(staged=staged, actor=users[Role.COORDINATOR])
    assert Peer.objects.get(pk=peer.pk).callouts_suspended


def person_post(person, **changes):
    data = {
        "employee_number": person.employee_number,
        "first_name": person.first_name,
        "last_name": person.last_name,
        "rank": person.rank,
        "unit": person.unit,
        "member_class": person.member_class,
        "hire_date": person.hire_date.isoformat() if person.hire_date else "",
        "email": person.email,
        "phone": person.phone,
        "employed": "on",
    }
    data.update(changes)
    return data


@pytest.mark.django_db
@pytest.mark.system_scope
def test_a_duplicate_employee_number_is_refused_on_the_form(coordinator_client, agency):
    PersonFactory(agency=agency, employee_number="1")
    other = PersonFactory(agency=agency, employee_number="2")
    url = reverse("roster:person", args=[agency.slug, other.pk])
    response = coordinator_client.post(url, person_post(other, employee_number="1"))
    assert "already has this employee number" in response.content.decode()
    other.refresh_from_db()
    assert other.employee_number == "2"
