"""Staff pages of the round table's participants under /roundtable/participants/ (namespace
`roundtable`): the list (waiting ones first), one participant with the declared home beside the
household tree's rooms, verifying or rejecting, and the audited reveal of the full phone number.

Community staff act on their community's participants; the street's leading group and district
staff read. Every participant is fetched through `Participant.objects.visible_to(user)` (another
community's is a 404, audited); refusals become pages in core/http.py.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import render
from django.urls import path, reverse
from django.views.decorators.http import require_POST
from rules.contrib.views import permission_required

from core.http import perform_or_refuse
from core.paging import paginate
from core.scope import get_visible_or_404

from . import participants, selectors_participants
from .models import Participant
from .participant_forms import ParticipantFilterForm, RejectForm, VerifyForm
from .participants import PARTICIPANT_WORKFLOW


@login_required
@permission_required("roundtable.view_participants", raise_exception=True)
def participant_list(request):
    form = ParticipantFilterForm(request.GET or None, user=request.user)
    filters = form.cleaned_data if form.is_valid() else {}
    rows = selectors_participants.participant_list(
        user=request.user,
        status=filters.get("status", ""),
        community=filters.get("community"),
    )
    context = {"page": paginate(request, rows), "form": form}
    template = "roundtable/participants/list.html"
    return render(request, f"{template}#rows" if request.htmx else template, context)


def _get(request, pk) -> Participant:
    participant = get_visible_or_404(
        Participant.objects.select_related(
            "community__street", "compound", "building__compound",
            "household__building__compound", "user", "decided_by",
        ),
        request.user,
        pk=pk,
    )  # fmt: skip
    if not request.user.has_perm("roundtable.view_participants"):
        raise PermissionDenied
    return participant


def _url(participant) -> str:
    return reverse("roundtable:participant", args=[participant.pk])


def _detail_page(request, participant, status=200, *, verify_form=None, reject_form=None):
    picked = request.GET.get("household") if request.method == "GET" else None
    user = request.user
    context = {
        "participant": participant,
        "candidates": selectors_participants.candidate_households(participant),
        "activity": selectors_participants.participant_activity(participant),
        "can": PARTICIPANT_WORKFLOW.available(user, participant),
        "can_reveal": user.has_perm("roundtable.reveal_participant_phone", participant),
        "verify_form": verify_form
        or VerifyForm(initial={"household": picked}, user=user, back=_url(participant)),
        "reject_form": reject_form or RejectForm(),
    }
    return render(request, "roundtable/participants/detail.html", context, status=status)


@login_required
def participant_detail(request, pk):
    return _detail_page(request, _get(request, pk))


@require_POST
@login_required
def participant_verify(request, pk):
    participant = _get(request, pk)
    form = VerifyForm(request.POST, user=request.user, back=_url(participant))
    return perform_or_refuse(
        request,
        lambda data: participants.participant_verify(
            participant=participant, by=request.user, household=data["household"]
        ),
        admit=lambda: PARTICIPANT_WORKFLOW.admit(request.user, participant, "verify"),
        form=form,
        form_shown=True,
        page=lambda status: _detail_page(request, participant, status, verify_form=form),
        done="已核实通过:居民会收到短信,现在可以提议题、附议和发言了。",
        to=_url(participant),
    )


@require_POST
@login_required
def participant_reject(request, pk):
    participant = _get(request, pk)
    form = RejectForm(request.POST)
    return perform_or_refuse(
        request,
        lambda data: participants.participant_reject(
            participant=participant, by=request.user, reason=data["reason"]
        ),
        admit=lambda: PARTICIPANT_WORKFLOW.admit(request.user, participant, "reject"),
        form=form,
        form_shown=True,
        page=lambda status: _detail_page(request, participant, status, reject_form=form),
        done="已标记为未通过:居民会收到短信,请他联系社区。",
        to=_url(participant),
    )


@require_POST
@login_required
def participant_phone(request, pk):
    """The full number, for the community staff who call the resident about the verification;
    audited. With htmx only the number's place on the page comes back."""
    participant = _get(request, pk)
    context, status = {"participant": participant}, 200
    try:
        context["number"] = participants.participant_phone_reveal(
            participant=participant, by=request.user
        )
    except ValidationError as exc:  # no number on record
        context["reveal_error"], status = " ".join(exc.messages), 422
    template = (
        "roundtable/participants/detail.html#phone"
        if request.htmx
        else "roundtable/participants/phone.html"
    )
    return render(request, template, context, status=status)


urls = [
    path("participants/", participant_list, name="participants"),
    path("participants/<int:pk>/", participant_detail, name="participant"),
    path("participants/<int:pk>/verify/", participant_verify, name="participant_verify"),
    path("participants/<int:pk>/reject/", participant_reject, name="participant_reject"),
    path("participants/<int:pk>/phone/", participant_phone, name="participant_phone"),
]
