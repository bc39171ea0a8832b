from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from core.forms import apply_errors

from . import services
from .enums import DigestFrequency
from .forms import DigestPreferenceForm

CONFIRMATIONS = {
    DigestFrequency.WEEKLY: "Vous recevrez vos alertes par courriel chaque lundi.",
    DigestFrequency.DAILY: "Vous recevrez vos alertes par courriel chaque jour.",
    DigestFrequency.NEVER: "Vous ne recevrez plus vos alertes par courriel.",
}


@require_http_methods(["GET", "POST"])
def preferences(request):
    """The signed-in user's own choice: weekly (the default), daily or never."""
    preference = services.preference_for(request.user)
    posted = request.POST if request.method == "POST" else None  # an empty POST is a refused form, not a GET
    form = DigestPreferenceForm(posted, initial={"frequency": preference.frequency})
    if request.method == "POST" and form.is_valid():
        try:
            services.preference_set(user=request.user, frequency=form.cleaned_data["frequency"], by=request.user)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, CONFIRMATIONS[form.cleaned_data["frequency"]])
            return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {
        "title": "Alertes par courriel", "form": form, "preference": preference,
        "has_email": bool(request.user.email),
    })
