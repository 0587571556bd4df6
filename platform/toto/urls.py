from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from accounts import views as accounts_views
from core.media import public_media_urlpatterns
from core.metrics import metrics_view
from core.views import style_guide
from referrals.views import referrals_page, share_link
from translation import admin_views as translation_admin_views

api_v1 = [
    path("", include("core.urls")),
    path("", include("credits.api.urls")),
    path("", include("payments.api.urls")),
    path("", include("disputes.api.urls")),
    path("", include("payouts.api.urls")),
    path("", include("referrals.api.urls")),
    path("", include("ai.api.urls")),
    path("", include("translation.api.urls")),
    path("", include("learning.api.urls")),
    path("", include("accounts.api.urls")),
    path("", include("messaging.api.urls")),
    path("", include("notifications.api.urls")),
    path("", include("rooms.api.urls")),
    path("", include("tutoring.api.urls")),
    path("", include("materials.api.urls")),
    path("", include("voice_tutor.api.urls")),
    path("", include("gamification.api.urls")),
    path("", include("abroad.api.urls")),
    path("", include("social.api.urls")),
    path("", include("analytics.api.urls")),
    path("", include("vocabulary.api.urls")),
    path("", include("cms.site.api")),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
]

urlpatterns = [
    # Everyone signs in through allauth (two-factor authentication applies), the admin too.
    path("admin/login/", accounts_views.admin_login, name="admin-login"),
    # Takes the place of wagtail-localize's own view at its URL (metering, clear errors).
    path(
        "admin/localize/translate/<int:translation_id>/machine_translate/",
        translation_admin_views.machine_translate,
    ),
    path("admin/", include(wagtailadmin_urls)),
    path("django-admin/", admin.site.urls),
    path("documents/", include(wagtaildocs_urls)),
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("api/auth/", include("allauth.headless.urls")),
    path("api/v1/", include(api_v1)),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("metrics", metrics_view, name="metrics"),
    path("style-guide/", style_guide, name="style-guide"),
    path("r/<str:code>/", share_link, name="referral-share-link"),
    path("referrals/", referrals_page, name="website-referrals"),
    path("", include("payments.urls")),
    path("", include("payouts.urls")),
    path("", include("disputes.urls")),
    path("", include("translation.urls")),
    path("", include("ai.urls")),
    path("", include("messaging.urls")),
    path("", include("rooms.urls")),
    path("", include("tutoring.urls")),
    path("", include("materials.urls")),
    path("", include("abroad.urls")),
    path("", include("notifications.urls")),
    path("", include("social.urls")),
    path("", include("pwa.urls")),
    path("", include("vocabulary.urls")),
    path("tutor/", include("voice_tutor.urls")),
    path("achievements/", include("gamification.urls")),
    path("progress/", include("analytics.urls")),
    path("", include("cms.site.views")),
]

# Static files are served by WhiteNoise (settings MIDDLEWARE), DEBUG or not.

# --- Media: public files only, in every runtime shape (core.media). Private files are
# served by their apps' permission-checked views, never from here.
urlpatterns += public_media_urlpatterns()

# Wagtail's page serving comes last: it answers every path not matched above.
urlpatterns += i18n_patterns(path("", include(wagtail_urls)), prefix_default_language=False)

handler400 = "core.views.bad_request"
handler403 = "core.views.permission_denied"
handler404 = "core.views.page_not_found"
handler500 = "core.views.server_error"
