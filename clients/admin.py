"""The Django admin for providers, contracts, staff, families and clients (superusers' repair tool)."""

from django.contrib import admin

from .models import Client, Contract, Family, LegalStatusEntry, Provider, ProviderHandover, ResidenceEntry, Staff


class ContractInline(admin.TabularInline):
    model = Contract
    extra = 0


@admin.register(Provider)
class ProviderAdmin(admin.ModelAdmin):
    list_display = ("code", "name")
    search_fields = ("code", "name")
    inlines = [ContractInline]


@admin.register(Contract)
class ContractAdmin(admin.ModelAdmin):
    list_display = ("number", "provider", "start", "end", "planned_persons_per_month")
    list_filter = ("provider",)
    search_fields = ("number",)


@admin.register(Staff)
class StaffAdmin(admin.ModelAdmin):
    list_display = ("staff_ref", "last_name", "first_name", "role", "provider", "user", "is_active")
    list_filter = ("provider", "role", "is_active")
    search_fields = ("staff_ref", "first_name", "last_name", "email")
    raw_id_fields = ("user",)


class MemberInline(admin.TabularInline):
    model = Client
    fields = ("client_ref", "first_name", "last_name", "birth_date", "provider")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Family)
class FamilyAdmin(admin.ModelAdmin):
    list_display = ("family_ref", "name", "created_at")
    search_fields = ("family_ref", "name", "members__last_name")
    inlines = [MemberInline]


class LegalStatusInline(admin.TabularInline):
    model = LegalStatusEntry
    fields = ("legal_status", "since", "recorded_by", "recorded_at")
    readonly_fields = ("recorded_by", "recorded_at")
    extra = 0


class ResidenceInline(admin.TabularInline):
    model = ResidenceEntry
    fields = ("residence", "since", "recorded_by", "recorded_at")
    readonly_fields = ("recorded_by", "recorded_at")
    extra = 0


class HandoverInline(admin.TabularInline):
    model = ProviderHandover
    fk_name = "client"
    fields = ("from_provider", "to_provider", "date", "recorded_by", "recorded_at")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Client)
class ClientAdmin(admin.ModelAdmin):
    list_display = ("client_ref", "last_name", "first_name", "birth_date", "country", "provider", "service_end")
    list_filter = ("provider", "gender", "arrival_route", "country")
    search_fields = ("client_ref", "first_name", "last_name", "name_key")
    list_select_related = ("provider",)
    raw_id_fields = ("family", "social_worker", "mentor")
    inlines = [LegalStatusInline, ResidenceInline, HandoverInline]
