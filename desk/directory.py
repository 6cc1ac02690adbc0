from django.contrib import admin
from django.templatetags.static import static
from django.utils.html import format_html

from agencies.models import Agency, Officer
from articles.selectors import names_visible_to


@admin.display(description="已核实", ordering="verified")
def verified_mark(obj):
    """Django's yes/no icon, read out in Chinese (Django's own says "True" and "False")."""
    icon, word = ("yes", "已核实") if obj.verified else ("no", "未核实")
    return format_html('<img src="{}" alt="{}">', static(f"admin/img/icon-{icon}.svg"), word)


class OfficerInline(admin.TabularInline):
    model = Officer
    fields = ["name", "unit", "title", "verified"]
    extra = 0
    show_change_link = True

    def get_queryset(self, request):
        return names_visible_to(request.user, super().get_queryset(request), "officers")


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["indented_name", "kind", "region", "parent", verified_mark]
    list_filter = ["kind", "verified", "region"]
    search_fields = ["name", "short_name", "aliases", "region"]
    autocomplete_fields = ["parent"]
    readonly_fields = ["path"]
    fields = [
        "name", "short_name", "aliases", "slug", "kind", "parent", "region", "description",
        "verified",
    ]  # fmt: skip
    inlines = [OfficerInline]
    list_select_related = ["parent"]
    actions = ["mark_verified"]

    def get_queryset(self, request):
        # A reporter never sees a name found only in copy they may not see.
        return names_visible_to(request.user, super().get_queryset(request), "agencies")

    @admin.display(description="名称", ordering="path")
    def indented_name(self, obj):
        return f"{'　' * obj.depth}{obj.name}"

    @admin.action(description="标记为已核实", permissions=["change"])
    def mark_verified(self, request, queryset):
        updated = queryset.update(verified=True)
        self.message_user(request, f"已核实 {updated} 个机构。")


@admin.register(Officer)
class OfficerAdmin(admin.ModelAdmin):
    list_display = ["name", "agency", "unit", "title", verified_mark]
    # Only the agencies of the officers this user may see (the full list would name them all).
    list_filter = ["verified", "title", ("agency", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "unit", "agency__name"]
    autocomplete_fields = ["agency"]
    list_select_related = ["agency"]
    actions = ["mark_verified"]

    def get_queryset(self, request):
        return names_visible_to(request.user, super().get_queryset(request), "officers")

    @admin.action(description="标记为已核实", permissions=["change"])
    def mark_verified(self, request, queryset):
        updated = queryset.update(verified=True)
        self.message_user(request, f"已核实 {updated} 名民警。")
