"""View plumbing shared by the registry pages: scoped querysets (404 outside) and edit rights (403)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import CreateView, DetailView, ListView, UpdateView

from access import permissions
from core.forms import CONFLICT, apply_errors
from programmes.exports import table_response


class ScopedMixin:
    """``scope_function(user)`` gives every object the user may see; anything else is a 404."""

    scope_function = None
    permission_kind = None
    list_url_name = None
    list_label = None

    def scoped_queryset(self):
        return type(self).scope_function(self.request.user)

    def get_queryset(self):
        return self.scoped_queryset()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.permission_kind:
            context["can_edit"] = permissions.can_edit(self.request.user, self.permission_kind)
            context["can_create"] = permissions.can_create(self.request.user, self.permission_kind)
        list_url = reverse(self.list_url_name)
        context["breadcrumb_parent"] = {"label": self.list_label, "url": list_url}
        current = getattr(self, "object", None)
        context.setdefault("title", str(current) if current and current.pk else self.list_label)
        context["breadcrumb_current"] = str(current) if current and current.pk else context.get("title", "")
        context["cancel_url"] = current.get_absolute_url() if current and current.pk else list_url
        return context


class ExportMixin:
    """``?format=csv`` or ``?format=xlsx`` on a list page: the whole filtered list (not one page) as a file.

    Declare ``export_headers`` and ``export_row(obj)``, or override ``export_rows(queryset)``.
    """

    export_filename = None
    export_headers = ()

    def export_row(self, obj):
        raise NotImplementedError

    def export_rows(self, queryset):
        return list(self.export_headers), (self.export_row(obj) for obj in queryset)

    def get(self, request, *args, **kwargs):
        fmt = request.GET.get("format")
        if fmt in {"csv", "xlsx"}:
            headers, rows = self.export_rows(self.get_queryset())
            return table_response(filename=self.export_filename, headers=headers, rows=rows, fmt=fmt)
        return super().get(request, *args, **kwargs)


class ParentMixin:
    """Pages that create something under an object of the URL: the parent is looked up in the viewer's scope
    first (404 outside), then the role is checked (403). The parent is in the context under
    ``parent_context_name`` and, when ``parent_form_kwarg`` is set, given to the form under that name."""

    parent_scope_function = None
    parent_context_name = "parent"
    parent_form_kwarg = None

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.parent = get_object_or_404(type(self).parent_scope_function(request.user), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if self.parent_form_kwarg:
            kwargs[self.parent_form_kwarg] = self.parent
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context[self.parent_context_name] = self.parent
        context["breadcrumb_parent"] = {"label": str(self.parent), "url": self.parent.get_absolute_url()}
        context["cancel_url"] = self.parent.get_absolute_url()
        return context


class ScopedListView(ScopedMixin, ListView):
    """A list from a selector ``list_selector(user=..., **filters)``; filters come from a GET form."""

    paginate_by = 20
    filter_form_class = None
    list_selector = None

    def get_template_names(self):
        """An htmx request from the filter form gets only the results partial."""
        if self.request.htmx:
            app, page = self.template_name.split("/")
            return [f"{app}/includes/_{page.removesuffix('_list.html')}_results.html"]
        return super().get_template_names()

    def get_queryset(self):
        self.filter_form = self.filter_form_class(self.request.GET or None, user=self.request.user)
        self.filter_form.is_valid()  # an invalid filter is dropped; the valid ones still apply
        filters = getattr(self.filter_form, "cleaned_data", {})
        return type(self).list_selector(user=self.request.user, **{k: v for k, v in filters.items() if v})

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filter_form"] = self.filter_form
        context.pop("breadcrumb_parent", None)
        query = self.request.GET.copy()
        query.pop("page", None)
        context["query_without_page"] = query.urlencode()
        return context


class ScopedDetailView(ScopedMixin, DetailView):
    """Detail from a selector ``detail_selector(user=...)``: the scoped queryset with what the page shows."""

    detail_selector = None

    def get_queryset(self):
        return type(self).detail_selector(user=self.request.user)


class ServiceFormMixin:
    """Forms receive the user (for scoped choice lists) and save through one service call."""

    service = None
    success_message = gettext_lazy("Les modifications ont été enregistrées.")

    def dispatch(self, request, *args, **kwargs):
        allowed = (
            permissions.can_edit(request.user, self.permission_kind)
            if isinstance(self, UpdateView)
            else permissions.can_create(request.user, self.permission_kind)
        )
        if request.user.is_authenticated and isinstance(self, UpdateView):
            instance = self.get_object()  # out of scope stays a 404, even for a role that may not edit
            allowed = allowed and permissions.can_edit_object(request.user, instance)
        if request.user.is_authenticated and not allowed:
            raise PermissionDenied(_("Votre rôle ne permet pas de modifier cet élément."))
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def save(self, form):
        return type(self).service(**{self.model._meta.model_name: form.instance, "by": self.request.user})

    def form_valid(self, form):
        try:
            with transaction.atomic():
                self.object = self.save(form)
        except ValidationError as error:
            apply_errors(form, error)
            return self.form_invalid(form)
        except IntegrityError:
            form.add_error(None, CONFLICT)
            return self.form_invalid(form)
        messages.success(self.request, self.success_message)
        return HttpResponseRedirect(self.get_success_url())

    def get_success_url(self):
        return self.object.get_absolute_url()


class ScopedCreateView(ServiceFormMixin, ScopedMixin, CreateView):
    pass


class ScopedUpdateView(ServiceFormMixin, ScopedMixin, UpdateView):
    pass
