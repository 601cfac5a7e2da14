from django.contrib import admin

from threads.models import AcknowledgementTemplate, BlockedSender, CannedReply, PokSignature, StaffSignature


@admin.register(CannedReply)
class CannedReplyAdmin(admin.ModelAdmin):
    list_display = ["name", "language"]
    list_filter = ["language"]
    search_fields = ["name", "text"]


@admin.register(PokSignature)
class PokSignatureAdmin(admin.ModelAdmin):
    list_display = ["pok", "language"]
    list_filter = ["pok", "language"]


@admin.register(StaffSignature)
class StaffSignatureAdmin(admin.ModelAdmin):
    list_display = ["user"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "text"]
    autocomplete_fields = ["user"]


@admin.register(AcknowledgementTemplate)
class AcknowledgementTemplateAdmin(admin.ModelAdmin):
    list_display = ["pok", "language"]
    list_filter = ["pok", "language"]


@admin.register(BlockedSender)
class BlockedSenderAdmin(admin.ModelAdmin):
    list_display = ["pattern", "pok", "created_at", "created_by"]
    list_filter = ["pok"]
    search_fields = ["pattern"]
    exclude = ["created_by"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
