from django.contrib import admin

from threads.models import CannedReply


@admin.register(CannedReply)
class CannedReplyAdmin(admin.ModelAdmin):
    list_display = ["name", "language"]
    list_filter = ["language"]
    search_fields = ["name", "text"]
