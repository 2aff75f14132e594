from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render

from casedesk.customers.roles import contact_of, is_agent


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Send each person to their side of the desk."""
    if is_agent(request.user):
        return redirect("console:queue")
    if contact_of(request.user) is not None:
        return redirect("portal:cases")
    return render(request, "core/no_role.html", status=403)


def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"ok": True, "database": connection.vendor})
