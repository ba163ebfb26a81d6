"""Demo step: committee posts from the generator's `party_post` data and party workers per unit."""

from __future__ import annotations

import random

from ronghe.demo.generator import County, step
from ronghe.members.models import Member
from ronghe.orgs.choices import POST_BY_LABEL, OrgKind, WorkerKind
from ronghe.orgs.models import Officer, Organization, PartyWorker
from ronghe.orgs.rules import required_full_time_workers


@step
def officers_and_party_workers(county: County, rng: random.Random) -> None:
    """Every member with a 党内职务 holds that post in their branch; about two units in three
    have enough full-time party workers (the rest show the 1% warning)."""
    elected = {o.pk: o.last_election_on or o.founded_on or county.today for o in county.branches}
    officers = [
        Officer(
            organization_id=m.organization_id,
            member_id=m.pk,
            post=POST_BY_LABEL[m.party_post],
            started_on=elected.get(m.organization_id, county.today),
        )
        for m in Member.objects.filter(party_post__in=POST_BY_LABEL).only(
            "pk", "organization_id", "party_post"
        )
    ]
    Officer.objects.bulk_create(officers, batch_size=2000)
    tops = (
        Organization.objects.filter(parent=county.committee, unit__isnull=False)
        .exclude(kind__in=[OrgKind.LEADING_GROUP, OrgKind.JOINT_BRANCH])
        .select_related("unit")
    )
    workers = []
    for top in tops:
        people = list(
            Member.objects.filter(organization__path__startswith=top.path, party_post="")
            .order_by("id")
            .values_list("pk", "name")[:6]
        )
        assert top.unit is not None  # unit__isnull=False above
        need = required_full_time_workers(top.unit.staff_count)
        full_time = need if rng.random() < 0.65 else max(0, need - 1)
        for i, (pk, name) in enumerate(people[: full_time + 2]):
            workers.append(
                PartyWorker(
                    organization=top,
                    member_id=pk,
                    name=name,
                    kind=WorkerKind.FULL_TIME if i < full_time else WorkerKind.PART_TIME,
                    started_on=county.today.replace(year=county.today.year - rng.randint(1, 6)),
                )
            )
    PartyWorker.objects.bulk_create(workers, batch_size=2000)
