"""The person a test tries to make coordinator: in the agency's directory, with a rank."""

from tests.factories import PersonFactory, UserFactory


def in_directory(agency, *, rank: str, unit: str = "Central", username: str = "casey"):
    user = UserFactory(username=username, first_name="Casey", last_name="Lane")
    PersonFactory(agency=agency, user=user, rank=rank, unit=unit, first_name="Casey",
                  last_name="Lane")  # fmt: skip
    return user
