from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from activations.urls import public_urlpatterns
from agencies import views as agency_views
from checkins.views import platform as checkin_platform
from config import pwa
from roster.views import signin

urlpatterns = [
    path("healthz/", agency_views.healthz, name="healthz"),
    path("sw.js", pwa.service_worker, name="service_worker"),
    path("admin/", admin.site.urls),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("accounts/sign-in-link/", signin.request_link, name="signin_request"),
    path("accounts/link/<str:token>/", signin.use_link, name="signin_link"),
    path("", include((public_urlpatterns, "activations"), namespace="activation_links")),
    path("", include("security.urls")),
    path("platform/checkins/", checkin_platform.rates, name="platform_checkins"),
    path("", agency_views.chooser, name="home"),
    path("<slug:agency_slug>/", include("agencies.urls")),
    path("<slug:agency_slug>/", include("roster.urls")),
    path("<slug:agency_slug>/", include("notifications.urls")),
    path("<slug:agency_slug>/", include("activations.urls")),
    path("<slug:agency_slug>/", include("usage_reports.urls")),
    path("<slug:agency_slug>/", include("checkins.urls")),
]

handler500 = "agencies.transient.server_error"
