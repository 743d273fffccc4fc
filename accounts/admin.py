from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "first_name", "last_name", "role", "provider", "is_active")
    list_filter = ("role", "provider", "is_active", "is_superuser")
    fieldsets = (*BaseUserAdmin.fieldsets, (_("Role"), {"fields": ("role", "provider", "language")}))
    add_fieldsets = (*BaseUserAdmin.add_fieldsets, (_("Role"), {"fields": ("role", "provider")}))
    actions = ["reset_second_factor", "unlock_sign_in"]

    @admin.action(description=_("Reset the second factor (a lost phone)"))
    def reset_second_factor(self, request, queryset):
        for user in queryset:
            services.two_factor_reset(user=user)
        count = len(queryset)
        self.message_user(
            request,
            ngettext("Reset the second factor of %(count)d user.", "Reset the second factor of %(count)d users.", count)
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Unlock sign-in"))
    def unlock_sign_in(self, request, queryset):
        for user in queryset:
            services.sign_in_unlock(user=user)
        count = len(queryset)
        self.message_user(
            request,
            ngettext("Unlocked the sign-in of %(count)d user.", "Unlocked the sign-in of %(count)d users.", count)
            % {"count": count},
            messages.SUCCESS,
        )
