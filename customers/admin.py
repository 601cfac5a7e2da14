from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from customers.models import Employee
from customers.staff_candidates import create_staff_accounts, with_account_flag


@admin.register(Employee)
class EmployeeAdmin(admin.ModelAdmin):
    """The shop's employees as import_prestashop mirrored them: read-only, with one action."""

    list_display = ("email", "firstname", "lastname", "active", "has_account")
    list_filter = ("active",)
    search_fields = ("email", "firstname", "lastname")
    ordering = ("email",)
    actions = ["make_staff_accounts"]

    def get_queryset(self, request):
        return with_account_flag(super().get_queryset(request))

    @admin.display(boolean=True, description=_("CRM account"))
    def has_account(self, employee):
        return employee.has_account

    @admin.action(permissions=["view"], description=_("Create staff accounts for the selected employees"))
    def make_staff_accounts(self, request, queryset):
        created, skipped = create_staff_accounts(queryset)
        self.message_user(
            request,
            _("Staff accounts created: %(created)d; skipped (inactive or already in the CRM): %(skipped)d.")
            % {"created": created, "skipped": skipped},
            messages.SUCCESS if created else messages.WARNING,
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
