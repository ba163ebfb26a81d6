"""The migrations' seeded rows are there for every test, also after a transactional test emptied the tables
(tests/conftest.py puts them back; CI's PostgreSQL leg once ran database tests after one, on a worker that
had stolen them, and 46 orglife tests found no meeting requirements)."""

import pytest

from ronghe.dues.models import RateTable
from ronghe.orglife.models import MeetingRequirement


@pytest.mark.django_db(transaction=True)
def test_seeded_rows_are_there_in_a_transactional_test():
    assert MeetingRequirement.objects.filter(kind="study_day").exists() and RateTable.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_and_in_the_next_one_after_its_flush():
    assert MeetingRequirement.objects.filter(kind="study_day").exists() and RateTable.objects.exists()
