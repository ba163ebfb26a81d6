"""The one vote page: a phone opens the QR code's link, picks one option per subject, votes once."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from ronghe.core import checkin
from ronghe.core.errors import DomainError
from ronghe.core.permissions import public
from ronghe.core.voting import services
from ronghe.core.voting.models import Ballot


def vote_url(request: HttpRequest, ballot: Ballot) -> str:
    return request.build_absolute_uri(reverse("voting:vote", kwargs={"token": ballot.token}))


def qr_svg(request: HttpRequest, ballot: Ballot) -> str:
    """The ballot's QR code as inline SVG, for the module page that shows it on the meeting screen."""
    return checkin.qr_svg(vote_url(request, ballot), title="测评二维码")


# Anyone signed in who holds the code may vote once (the code is shown only in the meeting room).
@public
@login_required
def vote(request: HttpRequest, token: str) -> HttpResponse:
    ballot = Ballot.objects.select_related("organization").filter(token=token).first()
    if ballot is None:
        raise Http404("测评码无效")
    error = ""
    chosen: dict[str, str] = {}
    if request.method == "POST":
        chosen = {s["key"]: request.POST.get(f"s-{s['key']}", "") for s in ballot.subjects}
        try:
            services.cast(user=request.user, ballot=ballot, choices=chosen)
        except DomainError as exc:
            error = exc.message
        else:
            return redirect("voting:vote", token=token)
    voted = services.has_voted(ballot, request.user)
    return render(
        request,
        "voting/vote.html",
        {
            "ballot": ballot,
            "voted": voted,
            "open": services.is_open(ballot),
            "error": error,
            "chosen": chosen,
        },
        status=400 if error else 200,
    )
