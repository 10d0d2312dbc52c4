"""The firm's check-up pages: start or continue, one page per dimension, the result.

Who: the firm's owners, the people who may edit the firm (members/access.py,
`get_owned_membership`); anyone else gets 404 here, and another firm's check-up is 404 too.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from checkup import selectors, services
from checkup.forms import PageForm
from checkup.models import CheckUp
from checkup.path import firm_path
from core.http import AuthenticatedHttpRequest, posted
from members.access import get_membership
from members.models import Membership


def _get_membership_for_user(request: AuthenticatedHttpRequest) -> Membership:
    membership = get_membership(request.user)
    if membership is None or not membership.is_owner:
        raise Http404
    return membership


def _get_checkup_for_user(request: AuthenticatedHttpRequest, checkup_id: int) -> CheckUp:
    membership = _get_membership_for_user(request)
    checkup = selectors.firm_checkup(firm=membership.firm, checkup_id=checkup_id)
    if checkup is None:
        raise Http404
    return checkup


@login_required
@require_http_methods(["GET", "POST"])
def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    """What the check-up is, the firm's past check-ups, and the button to start or continue."""
    membership = _get_membership_for_user(request)
    if request.method == "POST":
        try:
            checkup = services.checkup_start(firm=membership.firm, user=request.user)
        except services.CheckUpError as error:
            messages.error(request, str(error))
            return redirect("checkup:index")
        return redirect("checkup:step", checkup_id=checkup.pk, step=1)
    summary, history = selectors.firm_checkups_with_history(firm=membership.firm, limit=10)
    context = {"summary": summary, "history": history}
    return render(request, "checkup/index.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def step(request: AuthenticatedHttpRequest, checkup_id: int, step: int) -> HttpResponse:
    """One dimension's questions; the answers are saved whichever way the firm moves on."""
    checkup = _get_checkup_for_user(request, checkup_id)
    if checkup.is_completed:
        return redirect("checkup:result", checkup_id=checkup.pk)
    dims = selectors.dimensions(checkup=checkup)
    if not 1 <= step <= len(dims):
        raise Http404
    dimension = dims[step - 1]
    questions = selectors.page_questions(checkup=checkup, dimension=dimension)
    form = PageForm(posted(request), questions=questions)
    if request.method == "POST" and form.is_valid():
        try:
            services.checkup_answer(
                checkup_id=checkup.pk, dimension_id=dimension.pk, choices=form.choices()
            )
        except services.CheckUpError as error:
            form.add_error(None, str(error))
        else:
            return _move_on(request, checkup, step, len(dims))
    context = {
        "checkup": checkup,
        "dimension": dimension,
        "form": form,
        "step": step,
        "steps": len(dims),
        "percent": round(100 * (step - 1) / len(dims)),
        "is_last": step == len(dims),
    }
    return render(request, "checkup/step.html", context)


def _move_on(request: AuthenticatedHttpRequest, checkup: CheckUp, step: int, steps: int):
    go = request.POST.get("go", "next")
    if go == "back" and step > 1:
        return redirect("checkup:step", checkup_id=checkup.pk, step=step - 1)
    if go == "save":
        messages.success(request, _("Risposte salvate: puoi continuare quando vuoi."))
        return redirect("checkup:index")
    if go == "finish" and step == steps:
        services.checkup_complete(checkup_id=checkup.pk)
        messages.success(request, _("Check-up concluso: ecco il risultato."))
        return redirect("checkup:result", checkup_id=checkup.pk)
    return redirect("checkup:step", checkup_id=checkup.pk, step=min(step + 1, steps))


@login_required
def result(request: AuthenticatedHttpRequest, checkup_id: int) -> HttpResponse:
    checkup = _get_checkup_for_user(request, checkup_id)
    if not checkup.is_completed:
        return redirect("checkup:step", checkup_id=checkup.pk, step=1)
    result = selectors.checkup_result(checkup=checkup)
    dims = [row.dimension for row in result.rows]
    context = {"result": result, "path": firm_path(firm=checkup.firm, checkup=checkup, dims=dims)}
    return render(request, "checkup/result.html", context)
