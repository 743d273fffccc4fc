"""Admin: the archive of report jobs (read only) and the providers' narratives."""

from django.contrib import admin

from .models import ReportJob, ReportNarrative


@admin.register(ReportJob)
class ReportJobAdmin(admin.ModelAdmin):
    list_display = ("id", "provider", "start", "end", "kind", "format", "language", "state", "created_at", "sha256")
    list_filter = ("state", "kind", "format", "provider")
    list_select_related = ("provider",)
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ReportNarrative)
class ReportNarrativeAdmin(admin.ModelAdmin):
    list_display = ("provider", "start", "end", "updated_at")
    list_filter = ("provider",)
