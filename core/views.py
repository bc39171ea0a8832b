"""What every app's pages would otherwise repeat, as plain functions a view calls (no mixins): a list page (filters,
pagination, htmx partial, export), saving a valid form through its one service call, a form page, an object's page."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import InvalidPage, Paginator
from django.db import IntegrityError, transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from .forms import CONFLICT, apply_errors

PAGE_SIZE = 20
EXPORT_FORMATS = frozenset({"csv", "xlsx"})  # audit.registry logs these lists' ?format= as exports
SAVED = gettext_lazy("Les modifications ont été enregistrées.")
# A form page: GET shows it, POST saves it; anything else is a 405 (list and object pages: require_safe).
require_form_methods = require_http_methods(["GET", "HEAD", "POST"])


def crumb(label, url: str) -> dict:
    """The breadcrumb's middle link (base.html: Accueil › this › the page)."""
    return {"label": label, "url": url}


def link_to(obj) -> dict:
    """The breadcrumb's link to the object a page is about (the parent of what it creates or edits)."""
    return crumb(str(obj), obj.get_absolute_url())


def posted(request):
    """A form's data: the POST, or None to show it unbound."""
    return request.POST if request.method == "POST" else None


def list_page(request, template: str, *, selector, filter_form_class, export=None, **context):
    """A list from ``selector(user=..., **filters)``, the filters read from a GET form (an invalid filter is dropped,
    the valid ones still apply), 20 rows a page. ``?format=csv`` or ``xlsx`` answers ``export(queryset, fmt)``: the
    whole filtered list, not one page. An htmx request from the filter form gets only the results partial,
    ``<app>/includes/_<name>_results.html`` beside ``<app>/<name>_list.html``."""
    filter_form = filter_form_class(request.GET or None, user=request.user)
    filter_form.is_valid()
    filters = {name: value for name, value in getattr(filter_form, "cleaned_data", {}).items() if value}
    queryset = selector(user=request.user, **filters)
    fmt = request.GET.get("format")
    if export is not None and fmt in EXPORT_FORMATS:
        return export(queryset, fmt)
    return render(request, results_template(request, template), {
        "filter_form": filter_form, **one_page(request, queryset), **context,
    })


def one_page(request, queryset) -> dict:
    """One page of rows (``?page=<n>`` or ``last``; 404 past the end), and the query string without the page for
    the pagination's links."""
    paginator = Paginator(queryset, PAGE_SIZE)
    number = request.GET.get("page") or 1
    try:
        page = paginator.page(paginator.num_pages if number == "last" else number)
    except InvalidPage as error:
        raise Http404(_("Page introuvable.")) from error
    query = request.GET.copy()
    query.pop("page", None)
    return {"paginator": paginator, "page_obj": page, "is_paginated": page.has_other_pages(),
            "object_list": page.object_list, "query_without_page": query.urlencode()}


def results_template(request, template: str) -> str:
    """An htmx request from a list's filter form gets only the results partial, ``<app>/includes/_<name>_results.html``
    beside ``<app>/<name>_list.html``."""
    if not request.htmx:
        return template
    app, name = template.split("/")
    return f"{app}/includes/_{name.removesuffix('_list.html')}_results.html"


def save_form(request, form, save, *, unplaced=None, message=SAVED):
    """``save()``, the one service call of a valid form, in a transaction. Returns what it saved, after saying so
    (``message``); or
    None, the service's French errors now beside the fields (``core.forms.apply_errors``; ``unplaced`` takes those
    naming no field of the form) or, for a conflict with an existing row, above the form."""
    try:
        with transaction.atomic():
            saved = save()
    except ValidationError as error:
        apply_errors(form, error, unplaced=unplaced)
        return None
    except IntegrityError:
        form.add_error(None, CONFLICT)
        return None
    messages.success(request, message)
    return saved


def form_page(request, template: str, form, *, title, parent: dict, current=None, cancel_url=None, **context):
    """A page with a form: ``parent`` the breadcrumb's link, then ``current`` (the object edited) or the title;
    Annuler goes back to ``cancel_url``, else the object edited, else the breadcrumb's link."""
    return render(request, template, {
        "form": form, "title": title, "breadcrumb_parent": parent,
        "breadcrumb_current": str(current) if current is not None else title,
        "cancel_url": cancel_url or (current.get_absolute_url() if current is not None else parent["url"]),
        **context,
    })


def edit_page(request, template: str, form, save, *, formsets=(), **page):
    """A form page that saves: once the form (and ``formsets``) are valid, ``save()`` through ``save_form``, then the
    saved object's page; otherwise the form again, with its errors (``page``: see ``form_page``)."""
    valid = form.is_valid() and all(formset.is_valid() for formset in formsets)
    if valid and (saved := save_form(request, form, save)):
        return redirect(saved)
    return form_page(request, template, form, **page)


def object_page(request, template: str, obj, *, parent: dict, can_edit: bool, **context):
    """The page of one object: under ``object`` and its model's name, with the breadcrumb and whether the user may
    edit it (the Modifier button)."""
    return render(request, template, {
        "object": obj, obj._meta.model_name: obj, "can_edit": can_edit, "title": str(obj),
        "breadcrumb_parent": parent, "breadcrumb_current": str(obj), "cancel_url": obj.get_absolute_url(), **context,
    })
