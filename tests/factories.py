"""Factories for domain data. Members get valid, unique ID numbers."""

from __future__ import annotations

import itertools
from datetime import date

import factory

from ronghe.accounts.models import RoleAssignment, User
from ronghe.core.idnumbers import make_id_number
from ronghe.members.models import Member
from ronghe.members.services import set_sensitive_numbers
from ronghe.orgs.choices import OrgKind
from ronghe.orgs.models import Organization, Unit

_seq = itertools.count(1)


def valid_id_number(born: date = date(1985, 5, 20), sex: str = "男") -> str:
    return make_id_number("110105", born, next(_seq), sex)


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    name = factory.Sequence(lambda n: f"测试单位{n}")
    short_name = factory.LazyAttribute(lambda o: o.name)
    staff_count = 100


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"第{n}党支部")
    kind = OrgKind.BRANCH
    parent = None


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"党员{n}")
    gender = "男"
    birth_date = date(1985, 5, 20)
    joined_on = date(2010, 7, 1)
    full_on = date(2011, 7, 1)
    status = "full"
    organization = factory.SubFactory(OrganizationFactory)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN206
        id_number = kwargs.pop("id_number", None) or valid_id_number(kwargs["birth_date"], kwargs["gender"])
        phone = kwargs.pop("phone", "13800138000")
        member = model_class(*args, **kwargs)
        set_sensitive_numbers(member, id_number=id_number, phone=phone)
        member.save()
        return member


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.Sequence(lambda n: f"用户{n}")

    @factory.post_generation
    def password(obj, create, extracted, **kwargs):  # noqa: ANN001, ANN003, ANN201, N805
        obj.set_password(extracted or "Test@Pass123")
        if create:
            obj.save()


def grant(user: User, role: str, org: Organization) -> RoleAssignment:
    user._ronghe_grants = None
    return RoleAssignment.objects.create(user=user, role=role, organization=org)
